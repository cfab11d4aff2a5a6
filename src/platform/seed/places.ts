/**
 * Where seed Locations stand: European cities with their centre coordinates, the country's
 * ISO 3166 alpha-3 code and IANA time zone, and how that country writes street addresses and
 * postal codes. Street names are common ones of each country; postal codes fall in each city's
 * real range (not every generated code exists, but each has the country's shape).
 */
import type { Random } from './random.js';

export interface Country {
  /** ISO 3166 alpha-3, as Location.country. */
  alpha3: string;
  /** The IANA zone of the whole country (every country here has one on the mainland). */
  timeZone: string;
  /** International dialling code without `+`. */
  dialCode: string;
  /** Common street names (cities may bring their own, e.g. French ones in Geneva). */
  streets: readonly string[];
  /** Where the house number goes: `Kerkstraat 12`, `12 Rue Pasteur`, `Calle Mayor, 12`. */
  numberFirst?: boolean;
  numberSeparator?: string;
  /** A postal code of the city (`range` is the city's postal range, see City.postal). */
  postalCode: (rng: Random, city: City) => string;
  /** The local word for a multi-storey car park, for Location names. */
  garage: string;
}

export interface City {
  name: string;
  country: Country;
  /** City centre, WGS 84 decimal degrees. */
  latitude: number;
  longitude: number;
  /** Numeric postal range of the city [first, last, step]; its meaning depends on the country. */
  postal: readonly [number, number, number];
  /** Outward codes (GB) or routing keys (IE): postal areas given as text. */
  postalAreas?: readonly string[];
  /** Who owns public chargers in the street: the municipality. */
  municipality: string;
  streets?: readonly string[];
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** A number from the city's postal range. */
function inRange(rng: Random, city: City): number {
  const [first, last, step] = city.postal;
  return first + step * rng.int(0, Math.floor((last - first) / step));
}

const UPPER = 'ABCDEFGHJKLNPRSTUWXZ'; // letters used in Dutch postcodes (no SA, SD, SS is enough here)
const GB_INWARD = 'ABDEFGHJLNPQRSTUWXYZ'; // the inward code's letters never include C I K M O V
const EIRCODE = 'ACDEFHKNPRTVWXY0123456789';

function letters(rng: Random, alphabet: string, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet[rng.int(0, alphabet.length - 1)];
  return out;
}

const postal = {
  /** 1234 AB */
  nl: (rng: Random, city: City) => {
    let suffix = letters(rng, UPPER, 2);
    while (suffix === 'SA' || suffix === 'SD' || suffix === 'SS') suffix = letters(rng, UPPER, 2);
    return `${inRange(rng, city)} ${suffix}`;
  },
  fiveDigits: (rng: Random, city: City) => pad(inRange(rng, city), 5),
  fourDigits: (rng: Random, city: City) => pad(inRange(rng, city), 4),
  /** 123 45 (Sweden, Czechia) */
  spacedFive: (rng: Random, city: City) => {
    const code = pad(inRange(rng, city), 5);
    return `${code.slice(0, 3)} ${code.slice(3)}`;
  },
  /** 12-345 (Poland) */
  polish: (rng: Random, city: City) => {
    const code = pad(inRange(rng, city), 5);
    return `${code.slice(0, 2)}-${code.slice(2)}`;
  },
  /** 1234-567 (Portugal) */
  portuguese: (rng: Random, city: City) => `${pad(inRange(rng, city), 4)}-${pad(rng.int(1, 999), 3)}`,
  /** SW1A 2AA */
  british: (rng: Random, city: City) =>
    `${rng.pick(city.postalAreas ?? ['EC1A'])} ${rng.int(1, 9)}${letters(rng, GB_INWARD, 2)}`,
  /** D02 X285 */
  eircode: (rng: Random, city: City) =>
    `${rng.pick(city.postalAreas ?? ['D01'])} ${letters(rng, EIRCODE.slice(0, 15), 1)}${letters(rng, EIRCODE, 3)}`,
};

const NLD: Country = {
  alpha3: 'NLD',
  timeZone: 'Europe/Amsterdam',
  dialCode: '31',
  streets: [
    'Kerkstraat',
    'Stationsweg',
    'Dorpsstraat',
    'Hoofdstraat',
    'Molenweg',
    'Schoolstraat',
    'Julianalaan',
    'Wilhelminastraat',
    'Marktplein',
    'Industrieweg',
    'Parallelweg',
  ],
  postalCode: postal.nl,
  garage: 'Parkeergarage',
};
const DEU: Country = {
  alpha3: 'DEU',
  timeZone: 'Europe/Berlin',
  dialCode: '49',
  streets: [
    'Hauptstraße',
    'Bahnhofstraße',
    'Schulstraße',
    'Gartenstraße',
    'Dorfstraße',
    'Bergstraße',
    'Lindenstraße',
    'Kirchstraße',
    'Industriestraße',
    'Friedrichstraße',
  ],
  postalCode: postal.fiveDigits,
  garage: 'Parkhaus',
};
const FRA: Country = {
  alpha3: 'FRA',
  timeZone: 'Europe/Paris',
  dialCode: '33',
  streets: [
    'Rue de la République',
    'Avenue Jean Jaurès',
    'Rue Victor Hugo',
    'Boulevard Gambetta',
    'Rue Pasteur',
    'Place de la Gare',
    'Avenue du Général de Gaulle',
    'Rue de la Paix',
    'Rue Nationale',
    'Avenue de la Libération',
  ],
  numberFirst: true,
  postalCode: postal.fiveDigits,
  garage: 'Parking',
};
const BEL: Country = {
  alpha3: 'BEL',
  timeZone: 'Europe/Brussels',
  dialCode: '32',
  streets: ['Kerkstraat', 'Stationsstraat', 'Nationalestraat', 'Korenmarkt', 'Kouter', 'Frankrijklei'],
  postalCode: postal.fourDigits,
  garage: 'Parking',
};
const GBR: Country = {
  alpha3: 'GBR',
  timeZone: 'Europe/London',
  dialCode: '44',
  streets: [
    'High Street',
    'Station Road',
    'Church Street',
    'Victoria Road',
    'Park Road',
    'London Road',
    'Queen Street',
    'King Street',
    'Market Street',
    'Mill Lane',
  ],
  numberFirst: true,
  postalCode: postal.british,
  garage: 'Car Park',
};
const IRL: Country = {
  alpha3: 'IRL',
  timeZone: 'Europe/Dublin',
  dialCode: '353',
  streets: [
    'Main Street',
    "O'Connell Street",
    'Dame Street',
    'Baggot Street',
    'Camden Street',
    'Parnell Street',
    'Pearse Street',
  ],
  numberFirst: true,
  postalCode: postal.eircode,
  garage: 'Car Park',
};
const ITA: Country = {
  alpha3: 'ITA',
  timeZone: 'Europe/Rome',
  dialCode: '39',
  streets: [
    'Via Roma',
    'Via Giuseppe Garibaldi',
    'Via Giuseppe Mazzini',
    'Corso Vittorio Emanuele II',
    'Via Dante Alighieri',
    'Via Cavour',
    'Viale della Repubblica',
    'Via Giuseppe Verdi',
    'Via XX Settembre',
  ],
  numberSeparator: ', ',
  postalCode: postal.fiveDigits,
  garage: 'Parcheggio',
};
const ESP: Country = {
  alpha3: 'ESP',
  timeZone: 'Europe/Madrid',
  dialCode: '34',
  streets: [
    'Calle Mayor',
    'Calle Real',
    'Avenida de la Constitución',
    'Plaza de España',
    'Calle San José',
    'Calle de la Iglesia',
    'Avenida de Andalucía',
    'Calle del Carmen',
  ],
  numberSeparator: ', ',
  postalCode: postal.fiveDigits,
  garage: 'Aparcamiento',
};
const PRT: Country = {
  alpha3: 'PRT',
  timeZone: 'Europe/Lisbon',
  dialCode: '351',
  streets: [
    'Rua Augusta',
    'Avenida da Liberdade',
    'Rua do Ouro',
    'Rua de Santa Catarina',
    'Avenida da República',
    'Rua da Prata',
    'Rua Garrett',
    'Rua de Cedofeita',
  ],
  numberSeparator: ', ',
  postalCode: postal.portuguese,
  garage: 'Parque',
};
const AUT: Country = {
  alpha3: 'AUT',
  timeZone: 'Europe/Vienna',
  dialCode: '43',
  streets: [
    'Hauptstraße',
    'Bahnhofstraße',
    'Kirchengasse',
    'Schulgasse',
    'Wiener Straße',
    'Industriestraße',
    'Annenstraße',
    'Herrengasse',
  ],
  postalCode: postal.fourDigits,
  garage: 'Parkgarage',
};
const CHE: Country = {
  alpha3: 'CHE',
  timeZone: 'Europe/Zurich',
  dialCode: '41',
  streets: [
    'Bahnhofstrasse',
    'Hauptstrasse',
    'Dorfstrasse',
    'Seestrasse',
    'Kirchweg',
    'Industriestrasse',
    'Poststrasse',
  ],
  postalCode: postal.fourDigits,
  garage: 'Parkhaus',
};
const DNK: Country = {
  alpha3: 'DNK',
  timeZone: 'Europe/Copenhagen',
  dialCode: '45',
  streets: [
    'Vesterbrogade',
    'Nørrebrogade',
    'Østerbrogade',
    'Amagerbrogade',
    'Søndergade',
    'Jernbanegade',
    'Kirkegade',
    'Skolegade',
  ],
  postalCode: postal.fourDigits,
  garage: 'P-hus',
};
const SWE: Country = {
  alpha3: 'SWE',
  timeZone: 'Europe/Stockholm',
  dialCode: '46',
  streets: [
    'Drottninggatan',
    'Kungsgatan',
    'Storgatan',
    'Vasagatan',
    'Sveavägen',
    'Götgatan',
    'Järnvägsgatan',
    'Kyrkogatan',
    'Skolgatan',
  ],
  postalCode: postal.spacedFive,
  garage: 'Parkeringshus',
};
const NOR: Country = {
  alpha3: 'NOR',
  timeZone: 'Europe/Oslo',
  dialCode: '47',
  streets: [
    'Storgata',
    'Karl Johans gate',
    'Kirkegata',
    'Bogstadveien',
    'Torggata',
    'Kongens gate',
    'Jernbanegata',
  ],
  postalCode: postal.fourDigits,
  garage: 'Parkeringshus',
};
const POL: Country = {
  alpha3: 'POL',
  timeZone: 'Europe/Warsaw',
  dialCode: '48',
  streets: [
    'ul. Marszałkowska',
    'ul. Mickiewicza',
    'ul. Kościuszki',
    'ul. Piłsudskiego',
    'ul. Sienkiewicza',
    'ul. Długa',
    'al. Jerozolimskie',
    'ul. Słowackiego',
  ],
  postalCode: postal.polish,
  garage: 'Parking wielopoziomowy',
};
const CZE: Country = {
  alpha3: 'CZE',
  timeZone: 'Europe/Prague',
  dialCode: '420',
  streets: ['Národní', 'Vinohradská', 'Masarykova', 'Husova', 'Nádražní', 'Palackého', 'Komenského'],
  postalCode: postal.spacedFive,
  garage: 'Parkovací dům',
};
const FIN: Country = {
  alpha3: 'FIN',
  timeZone: 'Europe/Helsinki',
  dialCode: '358',
  streets: [
    'Mannerheimintie',
    'Aleksanterinkatu',
    'Hämeentie',
    'Mechelininkatu',
    'Fredrikinkatu',
    'Runeberginkatu',
    'Asemakatu',
  ],
  postalCode: postal.fiveDigits,
  garage: 'Pysäköintitalo',
};

/** The countries seed Locations stand in. */
export const COUNTRIES: readonly Country[] = [
  NLD,
  DEU,
  FRA,
  BEL,
  GBR,
  IRL,
  ITA,
  ESP,
  PRT,
  AUT,
  CHE,
  DNK,
  SWE,
  NOR,
  POL,
  CZE,
  FIN,
];

type CityInput = Omit<City, 'country'>;

function citiesOf(country: Country, cities: readonly CityInput[]): City[] {
  return cities.map((city) => ({ ...city, country }));
}

/** The cities, each with the share of Locations it gets (its weight). */
export const CITIES: readonly (readonly [City, number])[] = [
  ...citiesOf(NLD, [
    {
      name: 'Amsterdam',
      latitude: 52.3728,
      longitude: 4.8936,
      postal: [1011, 1109, 1],
      municipality: 'Gemeente Amsterdam',
    },
    {
      name: 'Rotterdam',
      latitude: 51.9225,
      longitude: 4.4792,
      postal: [3011, 3089, 1],
      municipality: 'Gemeente Rotterdam',
    },
    {
      name: 'Utrecht',
      latitude: 52.0907,
      longitude: 5.1214,
      postal: [3511, 3585, 1],
      municipality: 'Gemeente Utrecht',
    },
    {
      name: 'Den Haag',
      latitude: 52.0705,
      longitude: 4.3007,
      postal: [2491, 2597, 1],
      municipality: 'Gemeente Den Haag',
    },
    {
      name: 'Eindhoven',
      latitude: 51.4416,
      longitude: 5.4697,
      postal: [5611, 5658, 1],
      municipality: 'Gemeente Eindhoven',
    },
  ]).map((c) => [c, 3] as const),
  ...citiesOf(DEU, [
    {
      name: 'Berlin',
      latitude: 52.52,
      longitude: 13.405,
      postal: [10115, 14199, 1],
      municipality: 'Land Berlin',
    },
    {
      name: 'München',
      latitude: 48.1351,
      longitude: 11.582,
      postal: [80331, 81929, 1],
      municipality: 'Landeshauptstadt München',
    },
    {
      name: 'Hamburg',
      latitude: 53.5511,
      longitude: 9.9937,
      postal: [20095, 22769, 1],
      municipality: 'Freie und Hansestadt Hamburg',
    },
    {
      name: 'Köln',
      latitude: 50.9375,
      longitude: 6.9603,
      postal: [50667, 51149, 1],
      municipality: 'Stadt Köln',
    },
    {
      name: 'Frankfurt am Main',
      latitude: 50.1109,
      longitude: 8.6821,
      postal: [60306, 60599, 1],
      municipality: 'Stadt Frankfurt am Main',
    },
    {
      name: 'Stuttgart',
      latitude: 48.7758,
      longitude: 9.1829,
      postal: [70173, 70629, 1],
      municipality: 'Landeshauptstadt Stuttgart',
    },
  ]).map((c) => [c, 3] as const),
  ...citiesOf(FRA, [
    {
      name: 'Paris',
      latitude: 48.8566,
      longitude: 2.3522,
      postal: [75001, 75020, 1],
      municipality: 'Ville de Paris',
    },
    {
      name: 'Lyon',
      latitude: 45.764,
      longitude: 4.8357,
      postal: [69001, 69009, 1],
      municipality: 'Ville de Lyon',
    },
    {
      name: 'Marseille',
      latitude: 43.2965,
      longitude: 5.3698,
      postal: [13001, 13016, 1],
      municipality: 'Ville de Marseille',
    },
    {
      name: 'Toulouse',
      latitude: 43.6047,
      longitude: 1.4442,
      postal: [31000, 31500, 100],
      municipality: 'Mairie de Toulouse',
    },
    {
      name: 'Nantes',
      latitude: 47.2184,
      longitude: -1.5536,
      postal: [44000, 44300, 100],
      municipality: 'Ville de Nantes',
    },
  ]).map((c) => [c, 2] as const),
  ...citiesOf(BEL, [
    {
      name: 'Bruxelles',
      latitude: 50.8503,
      longitude: 4.3517,
      postal: [1000, 1210, 10],
      municipality: 'Ville de Bruxelles',
      streets: ['Rue de la Loi', 'Avenue Louise', 'Chaussée de Wavre', 'Boulevard Anspach', 'Rue Neuve'],
    },
    {
      name: 'Antwerpen',
      latitude: 51.2194,
      longitude: 4.4025,
      postal: [2000, 2060, 10],
      municipality: 'Stad Antwerpen',
    },
    {
      name: 'Gent',
      latitude: 51.0543,
      longitude: 3.7174,
      postal: [9000, 9050, 10],
      municipality: 'Stad Gent',
    },
  ]).map((c) => [c, 2] as const),
  ...citiesOf(GBR, [
    {
      name: 'London',
      latitude: 51.5074,
      longitude: -0.1278,
      postal: [0, 0, 1],
      postalAreas: ['EC1A', 'EC2V', 'WC2N', 'SW1A', 'SW7', 'W1D', 'W2', 'NW1', 'N1', 'E1', 'SE1', 'E14'],
      municipality: 'Transport for London',
    },
    {
      name: 'Manchester',
      latitude: 53.4808,
      longitude: -2.2426,
      postal: [0, 0, 1],
      postalAreas: ['M1', 'M2', 'M3', 'M4', 'M13', 'M15', 'M16'],
      municipality: 'Manchester City Council',
    },
    {
      name: 'Edinburgh',
      latitude: 55.9533,
      longitude: -3.1883,
      postal: [0, 0, 1],
      postalAreas: ['EH1', 'EH2', 'EH3', 'EH6', 'EH7', 'EH8', 'EH10'],
      municipality: 'City of Edinburgh Council',
    },
  ]).map((c) => [c, 2] as const),
  ...citiesOf(IRL, [
    {
      name: 'Dublin',
      latitude: 53.3498,
      longitude: -6.2603,
      postal: [0, 0, 1],
      postalAreas: ['D01', 'D02', 'D04', 'D06', 'D07', 'D08', 'D09', 'D12'],
      municipality: 'Dublin City Council',
    },
  ]).map((c) => [c, 1] as const),
  ...citiesOf(ITA, [
    {
      name: 'Roma',
      latitude: 41.9028,
      longitude: 12.4964,
      postal: [118, 199, 1],
      municipality: 'Roma Capitale',
    },
    {
      name: 'Milano',
      latitude: 45.4642,
      longitude: 9.19,
      postal: [20121, 20162, 1],
      municipality: 'Comune di Milano',
    },
    {
      name: 'Torino',
      latitude: 45.0703,
      longitude: 7.6869,
      postal: [10121, 10156, 1],
      municipality: 'Città di Torino',
    },
  ]).map((c) => [c, 2] as const),
  ...citiesOf(ESP, [
    {
      name: 'Madrid',
      latitude: 40.4168,
      longitude: -3.7038,
      postal: [28001, 28055, 1],
      municipality: 'Ayuntamiento de Madrid',
    },
    {
      name: 'Barcelona',
      latitude: 41.3874,
      longitude: 2.1686,
      postal: [8001, 8042, 1],
      municipality: 'Ajuntament de Barcelona',
      streets: [
        'Carrer Major',
        'Avinguda Diagonal',
        'Carrer de Balmes',
        'Passeig de Gràcia',
        'Carrer de Sants',
      ],
    },
    {
      name: 'Valencia',
      latitude: 39.4699,
      longitude: -0.3763,
      postal: [46001, 46026, 1],
      municipality: 'Ayuntamiento de Valencia',
    },
  ]).map((c) => [c, 2] as const),
  ...citiesOf(PRT, [
    {
      name: 'Lisboa',
      latitude: 38.7223,
      longitude: -9.1393,
      postal: [1000, 1990, 10],
      municipality: 'Câmara Municipal de Lisboa',
    },
    {
      name: 'Porto',
      latitude: 41.1579,
      longitude: -8.6291,
      postal: [4000, 4369, 1],
      municipality: 'Câmara Municipal do Porto',
    },
  ]).map((c) => [c, 1] as const),
  ...citiesOf(AUT, [
    {
      name: 'Wien',
      latitude: 48.2082,
      longitude: 16.3738,
      postal: [1010, 1230, 10],
      municipality: 'Stadt Wien',
    },
    {
      name: 'Graz',
      latitude: 47.0707,
      longitude: 15.4395,
      postal: [8010, 8063, 1],
      municipality: 'Stadt Graz',
    },
    {
      name: 'Salzburg',
      latitude: 47.8095,
      longitude: 13.055,
      postal: [5020, 5026, 1],
      municipality: 'Stadt Salzburg',
    },
  ]).map((c) => [c, 1] as const),
  ...citiesOf(CHE, [
    {
      name: 'Zürich',
      latitude: 47.3769,
      longitude: 8.5417,
      postal: [8001, 8057, 1],
      municipality: 'Stadt Zürich',
    },
    {
      name: 'Genève',
      latitude: 46.2044,
      longitude: 6.1432,
      postal: [1201, 1209, 1],
      municipality: 'Ville de Genève',
      streets: ['Rue du Rhône', 'Rue de Lausanne', 'Boulevard Carl-Vogt', 'Route de Chêne', 'Rue de Carouge'],
    },
    {
      name: 'Basel',
      latitude: 47.5596,
      longitude: 7.5886,
      postal: [4051, 4059, 1],
      municipality: 'Kanton Basel-Stadt',
    },
  ]).map((c) => [c, 1] as const),
  ...citiesOf(DNK, [
    {
      name: 'København',
      latitude: 55.6761,
      longitude: 12.5683,
      postal: [1050, 2450, 10],
      municipality: 'Københavns Kommune',
    },
    {
      name: 'Aarhus',
      latitude: 56.1629,
      longitude: 10.2039,
      postal: [8000, 8210, 10],
      municipality: 'Aarhus Kommune',
    },
  ]).map((c) => [c, 1] as const),
  ...citiesOf(SWE, [
    {
      name: 'Stockholm',
      latitude: 59.3293,
      longitude: 18.0686,
      postal: [11120, 11860, 10],
      municipality: 'Stockholms stad',
    },
    {
      name: 'Göteborg',
      latitude: 57.7089,
      longitude: 11.9746,
      postal: [41101, 41879, 1],
      municipality: 'Göteborgs Stad',
    },
    {
      name: 'Malmö',
      latitude: 55.605,
      longitude: 13.0038,
      postal: [21112, 21774, 1],
      municipality: 'Malmö stad',
    },
  ]).map((c) => [c, 1] as const),
  ...citiesOf(NOR, [
    {
      name: 'Oslo',
      latitude: 59.9139,
      longitude: 10.7522,
      postal: [150, 1295, 5],
      municipality: 'Oslo kommune',
    },
    {
      name: 'Bergen',
      latitude: 60.3913,
      longitude: 5.3221,
      postal: [5003, 5097, 1],
      municipality: 'Bergen kommune',
    },
  ]).map((c) => [c, 1] as const),
  ...citiesOf(POL, [
    {
      name: 'Warszawa',
      latitude: 52.2297,
      longitude: 21.0122,
      postal: [1, 4999, 1],
      municipality: 'Miasto Stołeczne Warszawa',
    },
    {
      name: 'Kraków',
      latitude: 50.0647,
      longitude: 19.945,
      postal: [30001, 31999, 1],
      municipality: 'Gmina Miejska Kraków',
    },
  ]).map((c) => [c, 1] as const),
  ...citiesOf(CZE, [
    {
      name: 'Praha',
      latitude: 50.0755,
      longitude: 14.4378,
      postal: [11000, 19900, 100],
      municipality: 'Hlavní město Praha',
    },
    {
      name: 'Brno',
      latitude: 49.1951,
      longitude: 16.6068,
      postal: [60200, 63900, 100],
      municipality: 'Statutární město Brno',
    },
  ]).map((c) => [c, 1] as const),
  ...citiesOf(FIN, [
    {
      name: 'Helsinki',
      latitude: 60.1699,
      longitude: 24.9384,
      postal: [100, 990, 10],
      municipality: 'Helsingin kaupunki',
    },
  ]).map((c) => [c, 1] as const),
];

/** A street address as the country writes it: `Kerkstraat 12`, `12 Rue Pasteur`, `Via Roma, 12`. */
export function streetAddress(city: City, street: string, houseNumber: string): string {
  const { numberFirst, numberSeparator = ' ' } = city.country;
  return numberFirst ? `${houseNumber} ${street}` : `${street}${numberSeparator}${houseNumber}`;
}

/** The streets of a city: its own list, else its country's. */
export function streetsOf(city: City): readonly string[] {
  return city.streets ?? city.country.streets;
}
