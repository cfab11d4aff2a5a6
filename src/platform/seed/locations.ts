/**
 * Seed Locations: sites of a few kinds (street-side AC posts, car parks, supermarkets, hotels, city
 * fast chargers, motorway-style charging hubs), each with EVSEs and Connectors whose electrical
 * ratings agree with each other: AC power = voltage (line to neutral) × amperage × phases; DC
 * power at most voltage × amperage (a DC charger's voltage and current limits are not reached at
 * the same time).
 */
import { formatDateTime, type v2_3_0 } from '../../protocol/index.js';
import { CITIES, type City, streetAddress, streetsOf } from './places.js';
import type { Random } from './random.js';
import type { SeedTariff } from './tariffs.js';

type Location = v2_3_0.locations.Location;
type EVSE = v2_3_0.locations.EVSE;
type Connector = v2_3_0.locations.Connector;
type Hours = v2_3_0.locations.Hours;
type EnergyMix = v2_3_0.locations.EnergyMix;
type BusinessDetails = v2_3_0.locations.BusinessDetails;
type Facility = v2_3_0.locations.Facility;
type Capability = v2_3_0.locations.Capability;

// ---- connectors ----

/** One kind of outlet: its plug, format and electrical ratings. */
interface Outlet {
  standard: Connector['standard'];
  format: Connector['format'];
  power_type: Connector['power_type'];
  max_voltage: number;
  max_amperage: number;
  max_electric_power: number;
}

/** AC: line-to-neutral voltage × current × phases (OCPI's max_voltage for 3 phases is line to neutral). */
function ac(
  standard: Connector['standard'],
  format: Connector['format'],
  phases: 1 | 3,
  amperage: number,
): Outlet {
  return {
    standard,
    format,
    power_type: phases === 3 ? 'AC_3_PHASE' : 'AC_1_PHASE',
    max_voltage: 230,
    max_amperage: amperage,
    max_electric_power: 230 * amperage * phases,
  };
}

function dc(standard: Connector['standard'], voltage: number, amperage: number, kW: number): Outlet {
  return {
    standard,
    format: 'CABLE',
    power_type: 'DC',
    max_voltage: voltage,
    max_amperage: amperage,
    max_electric_power: kW * 1000,
  };
}

const T2_SOCKET_11 = ac('IEC_62196_T2', 'SOCKET', 3, 16);
const T2_SOCKET_22 = ac('IEC_62196_T2', 'SOCKET', 3, 32);
const T2_SOCKET_7 = ac('IEC_62196_T2', 'SOCKET', 1, 32);
const T2_CABLE_22 = ac('IEC_62196_T2', 'CABLE', 3, 32);
/** The AC leg of a triple charger: 43 kW over a tethered Type 2 cable. */
const T2_CABLE_43 = ac('IEC_62196_T2', 'CABLE', 3, 63);
/** A household socket beside a Type 2 one (hotels, old posts). */
const SCHUKO = ac('DOMESTIC_F', 'SOCKET', 1, 16);
const CCS_50 = dc('IEC_62196_T2_COMBO', 500, 125, 50);
const CHADEMO_50 = dc('CHADEMO', 500, 125, 50);
const CCS_150 = dc('IEC_62196_T2_COMBO', 920, 200, 150);
const CCS_300 = dc('IEC_62196_T2_COMBO', 920, 500, 300);
const CCS_350 = dc('IEC_62196_T2_COMBO', 920, 500, 350);

/** The outlets of one EVSE (one charging point; only one of its connectors charges at a time). */
type EvseDesign = readonly Outlet[];

const AC_POST: readonly (readonly [EvseDesign, number])[] = [
  [[T2_SOCKET_11], 5],
  [[T2_SOCKET_22], 4],
  [[T2_SOCKET_7], 1],
  [[T2_CABLE_22], 1],
];
const HOTEL_POST: readonly (readonly [EvseDesign, number])[] = [
  [[T2_SOCKET_11], 5],
  [[T2_SOCKET_22], 2],
  [[T2_SOCKET_11, SCHUKO], 2],
];
const TRIPLE: readonly (readonly [EvseDesign, number])[] = [
  [[CCS_50, CHADEMO_50, T2_CABLE_43], 4],
  [[CCS_50, CHADEMO_50], 2],
  [[CCS_50], 1],
];
const HPC: readonly (readonly [EvseDesign, number])[] = [
  [[CCS_150], 3],
  [[CCS_300], 2],
  [[CCS_350], 3],
  [[CCS_150, CHADEMO_50], 1],
];

// ---- sites ----

type Site = 'STREET' | 'GARAGE' | 'RETAIL' | 'HOTEL' | 'CITY_FAST' | 'HUB';

interface SiteKind {
  parkingTypes: readonly Location['parking_type'][];
  /** EVSE count: min, max and the mean above min (geometric tail: mostly few). */
  evses: readonly [number, number, number];
  /** The designs of its EVSEs: AC ones, and a share of DC ones. */
  ac: readonly (readonly [EvseDesign, number])[];
  dc: readonly (readonly [EvseDesign, number])[];
  dcShare: number;
  facilities: readonly Facility[];
  openAllDay: number;
  ownedByMunicipality: boolean;
}

const SITES: Record<Site, SiteKind> = {
  STREET: {
    parkingTypes: ['ON_STREET'],
    evses: [1, 4, 0.6],
    ac: AC_POST,
    dc: TRIPLE,
    dcShare: 0,
    facilities: ['BUS_STOP', 'CAFE', 'TRAM_STOP', 'RESTAURANT'],
    openAllDay: 1,
    ownedByMunicipality: true,
  },
  GARAGE: {
    parkingTypes: ['PARKING_GARAGE', 'UNDERGROUND_GARAGE'],
    evses: [2, 20, 3],
    ac: AC_POST,
    dc: TRIPLE,
    dcShare: 0.05,
    facilities: ['MALL', 'TRAIN_STATION', 'METRO_STATION', 'MUSEUM'],
    openAllDay: 0.5,
    ownedByMunicipality: true,
  },
  RETAIL: {
    parkingTypes: ['PARKING_LOT'],
    evses: [1, 8, 1.5],
    ac: AC_POST,
    dc: TRIPLE,
    dcShare: 0.25,
    facilities: ['SUPERMARKET', 'MALL', 'CAFE', 'PARKING_LOT'],
    openAllDay: 0.2,
    ownedByMunicipality: false,
  },
  HOTEL: {
    parkingTypes: ['PARKING_LOT', 'UNDERGROUND_GARAGE'],
    evses: [1, 6, 1],
    ac: HOTEL_POST,
    dc: TRIPLE,
    dcShare: 0,
    facilities: ['HOTEL', 'RESTAURANT', 'WIFI'],
    openAllDay: 1,
    ownedByMunicipality: false,
  },
  CITY_FAST: {
    parkingTypes: ['PARKING_LOT', 'ON_STREET'],
    evses: [1, 4, 0.8],
    ac: AC_POST,
    dc: TRIPLE,
    dcShare: 1,
    facilities: ['SUPERMARKET', 'FUEL_STATION', 'CAFE'],
    openAllDay: 1,
    ownedByMunicipality: false,
  },
  HUB: {
    parkingTypes: ['ALONG_MOTORWAY', 'PARKING_LOT'],
    evses: [4, 20, 3],
    ac: AC_POST,
    dc: HPC,
    dcShare: 1,
    facilities: ['RESTAURANT', 'CAFE', 'WIFI', 'FUEL_STATION'],
    openAllDay: 1,
    ownedByMunicipality: false,
  },
};

const SITE_WEIGHTS: readonly (readonly [Site, number])[] = [
  ['STREET', 45],
  ['GARAGE', 15],
  ['RETAIL', 18],
  ['HOTEL', 8],
  ['CITY_FAST', 7],
  ['HUB', 7],
];

const STATUSES: readonly (readonly [EVSE['status'], number])[] = [
  ['AVAILABLE', 78],
  ['CHARGING', 14],
  ['OUTOFORDER', 4],
  ['BLOCKED', 2],
  ['INOPERATIVE', 1],
  ['UNKNOWN', 1],
];

// ---- energy ----

function energyMix(rng: Random): EnergyMix | undefined {
  const roll = rng.next();
  if (roll < 0.25) return undefined;
  if (roll < 0.7) {
    const wind = rng.int(50, 90);
    return {
      is_green_energy: true,
      energy_sources: [
        { source: 'WIND', percentage: wind },
        { source: 'SOLAR', percentage: 100 - wind },
      ],
      energy_product_name: 'Wind & Solar',
    };
  }
  // A national grid mix; percentages add up to 100.
  const green = rng.int(25, 45);
  const nuclear = rng.int(5, 25);
  const gas = rng.int(15, 30);
  const coal = 100 - green - nuclear - gas;
  return {
    is_green_energy: false,
    energy_sources: [
      { source: 'GENERAL_GREEN', percentage: green },
      { source: 'NUCLEAR', percentage: nuclear },
      { source: 'GAS', percentage: gas },
      { source: 'COAL', percentage: coal },
    ],
    environ_impact: [
      { category: 'CARBON_DIOXIDE', amount: rng.int(200, 420) },
      { category: 'NUCLEAR_WASTE', amount: Math.round(nuclear * 0.000035 * 1e6) / 1e6 },
    ],
  };
}

// ---- opening times ----

const ALL_DAY: Hours = { twentyfourseven: true };

function regularHours(weekdays: readonly number[], begin: string, end: string): Hours {
  return {
    twentyfourseven: false,
    regular_hours: weekdays.map((weekday) => ({ weekday, period_begin: begin, period_end: end })),
  };
}

function openingTimes(site: Site, rng: Random): Hours {
  if (rng.chance(SITES[site].openAllDay)) return ALL_DAY;
  if (site === 'RETAIL') {
    // Shops: Monday to Saturday; late opening varies.
    return regularHours([1, 2, 3, 4, 5, 6], '08:00', rng.pick(['20:00', '21:00', '22:00']));
  }
  return regularHours([1, 2, 3, 4, 5, 6, 7], rng.pick(['06:00', '07:00']), rng.pick(['23:00', '23:30']));
}

// ---- the generator ----

export interface LocationContext {
  party: { country_code: string; party_id: string };
  operator: BusinessDetails;
  tariffs: readonly SeedTariff[];
  /** A last_updated for something changed at a random moment of the last weeks. */
  lastUpdatedMs: (rng: Random) => number;
}

/** Location ids: `LOC` and a number, wide enough for a million Locations per party. */
export function locationId(index: number): string {
  return `LOC${String(index + 1).padStart(6, '0')}`;
}

/** The eMI3 EVSE ID: operator country * operator id * E + outlet id, e.g. `NL*RMK*E000123*1`. */
function evseId(party: LocationContext['party'], index: number, evse: number): string {
  return `${party.country_code}*${party.party_id}*E${String(index + 1).padStart(6, '0')}*${evse}`;
}

function tariffFor(use: 'AC' | 'DC', rng: Random, tariffs: readonly SeedTariff[]): string {
  const fitting = tariffs.filter((t) => t.use === use || t.use === 'ANY');
  return rng.pick(fitting.length > 0 ? fitting : tariffs).tariff.id;
}

/** Degrees → the 6-decimal string of GeoLocation (what 2.1.1 requires and 2.2+ accepts). */
function coordinate(value: number): string {
  return value.toFixed(6);
}

export function generateLocation(index: number, rng: Random, context: LocationContext): Location {
  const city: City = rng.weighted(CITIES);
  const site: Site = rng.weighted(SITE_WEIGHTS);
  const kind = SITES[site];
  const parkingType = rng.pick(kind.parkingTypes);

  // Up to ~6 km from the centre (hubs further out, at the ring road); longitude scaled so the
  // offset is round on the ground.
  const radius = (site === 'HUB' ? rng.float(0.05, 0.1) : rng.float(0, 0.055)) * Math.sqrt(rng.next());
  const angle = rng.float(0, 2 * Math.PI);
  const latitude = city.latitude + radius * Math.sin(angle);
  const longitude = city.longitude + (radius * Math.cos(angle)) / Math.cos((city.latitude * Math.PI) / 180);

  const street = rng.pick(streetsOf(city));
  const houseNumber = `${rng.skewed(1, 250, 30)}${rng.chance(0.08) ? rng.pick(['A', 'B', 'C']) : ''}`;
  const address = streetAddress(city, street, houseNumber);
  const name =
    site === 'GARAGE'
      ? `${city.country.garage} ${street}`
      : site === 'HUB'
        ? `${city.name} Charging Hub ${street}`
        : site === 'HOTEL'
          ? `Hotel ${city.name} ${street}`
          : site === 'RETAIL'
            ? `${rng.pick(['Supermarket', 'Shopping Centre', 'Retail Park'])} ${street}`
            : address;

  // Each site is priced consistently: one AC tariff and one DC tariff for all its connectors.
  const acTariff = tariffFor('AC', rng, context.tariffs);
  const dcTariff = tariffFor('DC', rng, context.tariffs);

  const evseCount = rng.skewed(kind.evses[0], kind.evses[1], kind.evses[2]);
  const evses: EVSE[] = [];
  const floors = parkingType === 'UNDERGROUND_GARAGE' ? ['-1', '-2'] : ['0', '1', '2'];
  for (let n = 1; n <= evseCount; n++) {
    const isDc = rng.chance(kind.dcShare);
    const design = rng.weighted(isDc ? kind.dc : kind.ac);
    const connectorUpdated = context.lastUpdatedMs(rng);
    const connectors: Connector[] = design.map((outlet, i) => ({
      id: String(i + 1),
      ...outlet,
      ...(outlet.standard === 'IEC_62196_T2_COMBO' && outlet.max_electric_power >= 150_000 && rng.chance(0.4)
        ? { capabilities: ['ISO_15118_2_PLUG_AND_CHARGE'] as Connector['capabilities'] }
        : {}),
      tariff_ids: [outlet.power_type === 'DC' ? dcTariff : acTariff],
      last_updated: formatDateTime(connectorUpdated),
    }));
    const hasDc = design.some((outlet) => outlet.power_type === 'DC');
    const capabilities: Capability[] = ['RFID_READER', 'REMOTE_START_STOP_CAPABLE'];
    if (design.some((outlet) => outlet.format === 'SOCKET')) capabilities.push('UNLOCK_CAPABLE');
    // Ad hoc card payment is what fast chargers offer (and AFIR asks of them).
    if (hasDc) capabilities.push('CREDIT_CARD_PAYABLE', 'CONTACTLESS_CARD_SUPPORT');
    if (rng.chance(0.3)) capabilities.push('CHARGING_PROFILE_CAPABLE');
    // The status changes more often than the hardware: the EVSE is at least as new as its connectors.
    const evseUpdated = Math.max(connectorUpdated, context.lastUpdatedMs(rng));
    evses.push({
      uid: evseId(context.party, index, n),
      evse_id: evseId(context.party, index, n),
      status: rng.weighted(STATUSES),
      capabilities,
      connectors,
      ...(site === 'GARAGE' || (site === 'HOTEL' && parkingType === 'UNDERGROUND_GARAGE')
        ? { floor_level: rng.pick(floors) }
        : {}),
      physical_reference: String(n),
      ...(site === 'STREET' && rng.chance(0.3) ? { parking_restrictions: ['EV_ONLY'] } : {}),
      last_updated: formatDateTime(evseUpdated),
    });
  }

  const facilities = rng.sample(kind.facilities, rng.int(0, Math.min(2, kind.facilities.length)));
  const opening = openingTimes(site, rng);
  const mix = energyMix(rng);
  // A Location's last_updated is the newest of its own and its parts' changes.
  const ownUpdated = context.lastUpdatedMs(rng);
  const lastUpdated = evses.reduce((max, evse) => Math.max(max, Date.parse(evse.last_updated)), ownUpdated);

  return {
    country_code: context.party.country_code,
    party_id: context.party.party_id,
    id: locationId(index),
    publish: true,
    name,
    address,
    city: city.name,
    postal_code: city.country.postalCode(rng, city),
    country: city.country.alpha3,
    coordinates: { latitude: coordinate(latitude), longitude: coordinate(longitude) },
    parking_type: parkingType,
    evses,
    operator: context.operator,
    ...(kind.ownedByMunicipality && rng.chance(0.6) ? { owner: { name: city.municipality } } : {}),
    facilities,
    time_zone: city.country.timeZone,
    opening_times: opening,
    ...(opening.twentyfourseven ? {} : { charging_when_closed: site === 'GARAGE' }),
    ...(mix === undefined ? {} : { energy_mix: mix }),
    last_updated: formatDateTime(lastUpdated),
  };
}
