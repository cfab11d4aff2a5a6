/**
 * Converters of the Locations module: Location -> EVSE -> Connector, with their nested classes
 * (GeoLocation, Image, BusinessDetails, Hours, EnergyMix, PublishTokenType), between 2.1.1 / 2.2.1
 * and the canonical 2.3.0 shape. Field-by-field reasoning: docs/versions.md (Locations).
 *
 * Conventions of this file:
 * - only the fields that differ are touched; the rest is spread through untouched;
 * - a list item an older version cannot carry is dropped and reported at the LIST's pointer
 *   (the item has no place in the converted document);
 * - a field dropped as a whole is reported at the pointer it had (now absent);
 * - `partial` (a PATCH body) applies to the top-level object only: nested objects in a PATCH
 *   are whole values, so they are converted as complete objects;
 * - the values an older version knows are read from its enum schemas, never typed again here.
 */
import { v2_1_1, v2_2_1 } from '../../protocol/index.js';
import {
  child,
  type DroppedField,
  displayTextConverters,
  downOnly,
  dropFields,
  dropOwner,
  droppedFieldRows,
  droppedForEach,
  energyMix,
  energyMixConverters,
  enumValues,
  identity,
  inventOwner,
  isObject,
  type Json,
  type OlderVersion,
  perOlderVersion,
  row,
  rowsDown,
  upOnly,
  versioned,
  withEnum,
  withEnumList,
  withObject,
  withObjects,
} from './common.js';
import { ConversionError } from './errors.js';
import type { ConversionContext, LossyMapping, ModuleConverters, VersionConverter } from './types.js';

// ---- enum values the older versions know (closed enums there; 2.3.0 has OpenEnums) ----

function enumsOf(chapter: typeof v2_1_1.locations | typeof v2_2_1.locations) {
  return {
    capabilities: enumValues(chapter.Capability),
    connectorTypes: enumValues(chapter.ConnectorType),
    facilities: enumValues(chapter.Facility),
    imageCategories: enumValues(chapter.ImageCategory),
    parkingRestrictions: enumValues(chapter.ParkingRestriction),
    powerTypes: enumValues(chapter.PowerType),
  };
}

const KNOWN = perOlderVersion((v) => enumsOf(v === '2.1.1' ? v2_1_1.locations : v2_2_1.locations));
const PARKING_TYPES_2_2_1 = enumValues(v2_2_1.locations.ParkingType);
/** PublishTokenType.type is a TokenType. */
const TOKEN_TYPES_2_2_1 = enumValues(v2_2_1.tokens.TokenType);

/** 2.1.1 LocationType values that ParkingType has too, with the same meaning (OTHER/UNKNOWN have none). */
const SHARED_PARKING_TYPES = enumValues(v2_1_1.locations.LocationType).filter((t) =>
  PARKING_TYPES_2_2_1.includes(t),
);

/**
 * Time zones of countries (ISO 3166 alpha-3, as Location.country) that have exactly one IANA zone,
 * for 2.1.1 Locations without `time_zone`. Germany's Büsingen enclave keeps Berlin's clock.
 */
export const SINGLE_TIME_ZONE_COUNTRIES: Readonly<Record<string, string>> = {
  ALB: 'Europe/Tirane',
  AND: 'Europe/Andorra',
  AUT: 'Europe/Vienna',
  BEL: 'Europe/Brussels',
  BGR: 'Europe/Sofia',
  BIH: 'Europe/Sarajevo',
  CHE: 'Europe/Zurich',
  CZE: 'Europe/Prague',
  DEU: 'Europe/Berlin',
  DNK: 'Europe/Copenhagen',
  EST: 'Europe/Tallinn',
  FIN: 'Europe/Helsinki',
  FRA: 'Europe/Paris',
  GBR: 'Europe/London',
  GRC: 'Europe/Athens',
  HRV: 'Europe/Zagreb',
  HUN: 'Europe/Budapest',
  IRL: 'Europe/Dublin',
  ISL: 'Atlantic/Reykjavik',
  ISR: 'Asia/Jerusalem',
  ITA: 'Europe/Rome',
  JPN: 'Asia/Tokyo',
  KOR: 'Asia/Seoul',
  LIE: 'Europe/Vaduz',
  LTU: 'Europe/Vilnius',
  LUX: 'Europe/Luxembourg',
  LVA: 'Europe/Riga',
  MCO: 'Europe/Monaco',
  MDA: 'Europe/Chisinau',
  MKD: 'Europe/Skopje',
  MLT: 'Europe/Malta',
  MNE: 'Europe/Podgorica',
  NLD: 'Europe/Amsterdam',
  NOR: 'Europe/Oslo',
  POL: 'Europe/Warsaw',
  ROU: 'Europe/Bucharest',
  SGP: 'Asia/Singapore',
  SMR: 'Europe/San_Marino',
  SRB: 'Europe/Belgrade',
  SVK: 'Europe/Bratislava',
  SVN: 'Europe/Ljubljana',
  SWE: 'Europe/Stockholm',
  TUR: 'Europe/Istanbul',
};

// ---- fields the older versions lack (one table: the drops and their rows) ----

const DROPPED: readonly DroppedField[] = [
  ...droppedForEach((to) => ({
    object: 'Location',
    field: 'parking_places',
    to,
    id: versioned('Location.parking-places-dropped', to),
    description: 'Parking places are new in 2.3.0 and dropped (EVSE.parking, which points at them, too).',
  })),
  ...droppedForEach((to) => ({
    object: 'Location',
    field: 'help_phone',
    to,
    id: versioned('Location.help-phone-dropped', to),
    description: 'help_phone is new in 2.3.0 and dropped.',
  })),
  {
    object: 'Location',
    field: 'state',
    to: '2.1.1',
    id: 'Location.state-dropped',
    description: '2.1.1 has no state field.',
  },
  ...droppedForEach((to) => ({
    object: 'EVSE',
    field: 'parking',
    to,
    id: versioned('EVSE.parking-dropped', to),
    description: 'EVSE.parking (EVSEParking) is new in 2.3.0 and dropped.',
  })),
  ...droppedForEach((to) => ({
    object: 'EVSE',
    field: 'accepted_service_providers',
    to,
    id: versioned('EVSE.accepted-service-providers-dropped', to),
    description:
      'accepted_service_providers is new in 2.3.0 and dropped: the receiver no longer learns which contracts work.',
  })),
  ...droppedForEach((to) => ({
    object: 'Connector',
    field: 'capabilities',
    to,
    id: versioned('Connector.capabilities-dropped', to),
    description:
      'Connector.capabilities (ConnectorCapability, e.g. plug and charge) is new in 2.3.0 and dropped.',
  })),
  {
    object: 'Connector',
    field: 'max_electric_power',
    to: '2.1.1',
    id: 'Connector.max-electric-power-dropped',
    description:
      '2.1.1 has no max_electric_power; a receiver can only derive power from voltage and amperage.',
  },
];

// ---- GeoLocation / AdditionalGeoLocation (2.1.1: exactly six decimals; 2.2+: five to seven) ----

const COORDINATE = /^(-?\d+)\.(\d+)$/;

/** A coordinate written with six decimals: shorter ones padded (exact), longer ones rounded. */
function sixDecimals(value: unknown): { value: unknown; rounded: boolean } {
  if (typeof value !== 'string') return { value, rounded: false };
  const match = COORDINATE.exec(value);
  if (match === null) return { value, rounded: false };
  const [, whole, decimals = ''] = match;
  if (decimals.length <= 6) return { value: `${whole}.${decimals.padEnd(6, '0')}`, rounded: false };
  // Half away from zero on the digits, as a string: no binary floating point.
  const kept = decimals.slice(0, 6);
  const roundUp = Number(decimals[6]) >= 5;
  if (!roundUp) return { value: `${whole}.${kept}`, rounded: /[1-9]/.test(decimals.slice(6)) };
  const negative = whole!.startsWith('-');
  const digits = (BigInt(`${whole!.replace('-', '')}${kept}`) + 1n).toString().padStart(7, '0');
  const result = `${negative ? '-' : ''}${digits.slice(0, -6)}.${digits.slice(-6)}`;
  return { value: result, rounded: true };
}

function geoLocationTo211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const out: Json = { ...value };
  let rounded = false;
  for (const key of ['latitude', 'longitude']) {
    if (!(key in value)) continue;
    const converted = sixDecimals(value[key]);
    out[key] = converted.value;
    rounded ||= converted.rounded;
  }
  if (rounded) ctx.report('GeoLocation.decimals-2.1.1', pointer);
  return out;
}

// ---- Image / BusinessDetails ----

/** An Image category an older version lacks (2.3.0's enum is open) becomes OTHER. */
const imageConverters = perOlderVersion((version) => {
  const id = versioned('Image.category', version);
  return downOnly((value, ctx, pointer) =>
    withEnum(value, 'category', KNOWN[version].imageCategories, 'OTHER', ctx, id, pointer),
  );
});

/** BusinessDetails differs only in its logo (an Image); Credentials embeds it too. */
export const businessDetailsConverters = perOlderVersion((version) =>
  downOnly((value, ctx, pointer) =>
    withObject(value, 'logo', imageConverters[version].fromCanonical, ctx, pointer),
  ),
);

// ---- Hours ----

/**
 * 2.1.1 Hours: `twentyfourseven` or `regular_hours`, either may be absent; 2.2+ always wants
 * `twentyfourseven`. Absent with regular hours given: false (what the 2.1.1 choice means); the
 * way back keeps it, so the flag is the one thing the round trip adds.
 */
function hoursToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  if ('twentyfourseven' in value || !Array.isArray(value.regular_hours)) return value;
  ctx.report('Hours.twentyfourseven-invented', child(pointer, 'twentyfourseven'));
  return { twentyfourseven: false, ...value };
}

// ---- Connector ----

function connectorToCanonical211(value: Json, _ctx: ConversionContext, _pointer: string): Json {
  const { voltage, amperage, tariff_id, ...rest } = value;
  const out: Json = { ...rest };
  // Renamed in 2.2 (same meaning: the connector's maximum).
  if ('voltage' in value) out.max_voltage = voltage;
  if ('amperage' in value) out.max_amperage = amperage;
  if ('tariff_id' in value) out.tariff_ids = tariff_id === undefined || tariff_id === null ? [] : [tariff_id];
  return out;
}

/**
 * A ConnectorType the older version lacks, reported under `id`: SAE J3400 is the connector
 * 2.1.1/2.2.1 call TESLA_S; any other is kept as text. (CdrLocation.connector_standard too.)
 */
export function connectorTypeFromCanonical(
  value: unknown,
  version: OlderVersion,
  ctx: ConversionContext,
  id: string,
  pointer: string,
): unknown {
  if (typeof value !== 'string' || KNOWN[version].connectorTypes.includes(value)) return value;
  ctx.report(id, pointer);
  return value === 'SAE_J3400' ? 'TESLA_S' : value;
}

function withConnectorStandard(
  value: Json,
  version: OlderVersion,
  ctx: ConversionContext,
  pointer: string,
): Json {
  if (!('standard' in value)) return value;
  const id = versioned('Connector.standard', version);
  return {
    ...value,
    standard: connectorTypeFromCanonical(value.standard, version, ctx, id, child(pointer, 'standard')),
  };
}

function connectorFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const rest = dropFields(value, DROPPED, 'Connector', '2.1.1', ctx, pointer);
  const { max_voltage, max_amperage, tariff_ids, ...others } = withConnectorStandard(
    rest,
    '2.1.1',
    ctx,
    pointer,
  );
  const out: Json = { ...others };
  if (typeof value.power_type === 'string' && !KNOWN['2.1.1'].powerTypes.includes(value.power_type)) {
    // Two of three phases, or US split phase: one AC phase is what 2.1.1 can say without
    // overstating the power a car can draw.
    if (value.power_type.startsWith('AC_2_PHASE')) out.power_type = 'AC_1_PHASE';
    ctx.report('Connector.power-type-2.1.1', child(pointer, 'power_type'));
  }
  if ('max_voltage' in rest) out.voltage = max_voltage;
  if ('max_amperage' in rest) out.amperage = max_amperage;
  if (Array.isArray(tariff_ids)) {
    if (tariff_ids.length > 0) out.tariff_id = tariff_ids[0];
    if (tariff_ids.length > 1) ctx.report('Connector.tariff-ids-first', child(pointer, 'tariff_id'));
  } else if (tariff_ids !== undefined) {
    out.tariff_id = tariff_ids;
  }
  return out;
}

function connectorFromCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  const out = dropFields(value, DROPPED, 'Connector', '2.2.1', ctx, pointer);
  return withConnectorStandard(out, '2.2.1', ctx, pointer);
}

const connectorConverters: Record<OlderVersion, VersionConverter> = {
  '2.1.1': { toCanonical: connectorToCanonical211, fromCanonical: connectorFromCanonical211 },
  '2.2.1': downOnly(connectorFromCanonical221),
};

// ---- EVSE ----

function evseToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  return withObjects(value, 'connectors', connectorToCanonical211, ctx, pointer);
}

function evseFromCanonical(version: OlderVersion): VersionConverter['fromCanonical'] {
  return (value: Json, ctx: ConversionContext, pointer: string): Json => {
    const known = KNOWN[version];
    let out = dropFields(value, DROPPED, 'EVSE', version, ctx, pointer);
    out = withEnumList(
      out,
      'capabilities',
      known.capabilities,
      ctx,
      versioned('EVSE.capabilities', version),
      pointer,
    );
    out = withEnumList(
      out,
      'parking_restrictions',
      known.parkingRestrictions,
      ctx,
      versioned('EVSE.parking-restrictions', version),
      pointer,
    );
    out = withObjects(out, 'connectors', connectorConverters[version].fromCanonical, ctx, pointer);
    out = withObjects(out, 'images', imageConverters[version].fromCanonical, ctx, pointer);
    return version === '2.1.1' ? withObject(out, 'coordinates', geoLocationTo211, ctx, pointer) : out;
  };
}

const evseConverters: Record<OlderVersion, VersionConverter> = {
  '2.1.1': { toCanonical: evseToCanonical211, fromCanonical: evseFromCanonical('2.1.1') },
  '2.2.1': downOnly(evseFromCanonical('2.2.1')),
};

// ---- Location ----

function locationToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const { type, ...rest } = value;
  let out: Json = inventOwner(rest, ctx, 'Location.party-from-context', pointer, 'Location');
  const at = (key: string) => child(pointer, key);
  if (!ctx.partial && !('publish' in out)) {
    // 2.1.1 has no way to hide a Location: whatever it shares is public.
    ctx.report('Location.publish-invented', at('publish'));
    out = { ...out, publish: true };
  }
  if ('type' in value) {
    if (typeof type === 'string' && SHARED_PARKING_TYPES.includes(type)) out.parking_type = type;
    else if (type === 'UNKNOWN') {
      // "unknown" is what an absent parking_type says.
    } else {
      ctx.report('Location.type-unmapped', at('parking_type'));
    }
  }
  if (!ctx.partial && (out.time_zone === undefined || out.time_zone === null)) {
    const zone =
      typeof out.country === 'string' ? SINGLE_TIME_ZONE_COUNTRIES[out.country.toUpperCase()] : undefined;
    if (zone === undefined) {
      throw new ConversionError(
        `a 2.1.1 Location without time_zone in country ${String(out.country)}, which has no single time zone: 2.2+ requires one`,
      );
    }
    ctx.report('Location.time-zone-from-country', at('time_zone'));
    out.time_zone = zone;
  }
  out = withObject(out, 'opening_times', hoursToCanonical211, ctx, pointer);
  out = withObject(out, 'energy_mix', energyMix['2.1.1'].toCanonical, ctx, pointer);
  return withObjects(out, 'evses', evseToCanonical211, ctx, pointer);
}

/** Shortens to `max` characters (code points), reporting when it had to. */
function truncate(value: unknown, max: number, ctx: ConversionContext, id: string, pointer: string): unknown {
  if (typeof value !== 'string') return value;
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  ctx.report(id, pointer);
  return chars.slice(0, max).join('');
}

/** What both older versions drop or filter from a canonical Location. */
function locationCommonFromCanonical(
  version: OlderVersion,
  value: Json,
  ctx: ConversionContext,
  pointer: string,
): Json {
  let out = dropFields(value, DROPPED, 'Location', version, ctx, pointer);
  const id = versioned('Location.facilities', version);
  out = withEnumList(out, 'facilities', KNOWN[version].facilities, ctx, id, pointer);
  out = withObjects(out, 'images', imageConverters[version].fromCanonical, ctx, pointer);
  for (const key of ['operator', 'suboperator', 'owner']) {
    out = withObject(out, key, businessDetailsConverters[version].fromCanonical, ctx, pointer);
  }
  out = withObject(out, 'energy_mix', energyMix[version].fromCanonical, ctx, pointer);
  return withObjects(out, 'evses', evseConverters[version].fromCanonical, ctx, pointer);
}

function locationFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const at = (key: string) => child(pointer, key);
  let out = locationCommonFromCanonical('2.1.1', value, ctx, pointer);
  out = dropOwner(out, ctx, 'Location.party-dropped', pointer);
  // Visibility: 2.1.1 shares every Location publicly; a restricted one loses its restriction.
  const { publish, publish_allowed_to, parking_type, ...rest } = out;
  out = rest;
  const restricted = Array.isArray(publish_allowed_to) && publish_allowed_to.length > 0;
  if (publish === false || restricted) ctx.report('Location.publish-dropped', at('publish'));
  if ('parking_type' in value) {
    if (typeof parking_type === 'string' && SHARED_PARKING_TYPES.includes(parking_type))
      out.type = parking_type;
    else {
      out.type = 'OTHER';
      ctx.report('Location.parking-type-2.1.1', at('type'));
    }
  } else if (!ctx.partial) {
    // No parking_type: 2.1.1's own word for "not known".
    out.type = 'UNKNOWN';
  }
  // The inverse of Location.time-zone-from-country: a zone the country implies is left out, so a
  // 2.1.1 Location without one comes back as it was.
  if (typeof out.time_zone === 'string' && typeof out.country === 'string') {
    if (SINGLE_TIME_ZONE_COUNTRIES[out.country.toUpperCase()] === out.time_zone) {
      const { time_zone: _, ...withoutZone } = out;
      out = withoutZone;
      ctx.report('Location.time-zone-omitted', at('time_zone'));
    }
  }
  if ('address' in out)
    out.address = truncate(out.address, 45, ctx, 'Location.address-truncated', at('address'));
  if (!ctx.partial && !('postal_code' in out)) {
    ctx.report('Location.postal-code-empty', at('postal_code'));
    out.postal_code = '';
  }
  out = withObject(out, 'coordinates', geoLocationTo211, ctx, pointer);
  return withObjects(out, 'related_locations', geoLocationTo211, ctx, pointer);
}

function locationFromCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  const out = locationCommonFromCanonical('2.2.1', value, ctx, pointer);
  if (typeof out.parking_type === 'string' && !PARKING_TYPES_2_2_1.includes(out.parking_type)) {
    // Optional in 2.2.1: a value it does not know is better left out than sent.
    const { parking_type: _, ...rest } = out;
    ctx.report('Location.parking-type-2.2.1', child(pointer, 'parking_type'));
    return withPublishTokens(rest, ctx, pointer);
  }
  return withPublishTokens(out, ctx, pointer);
}

/** publish_allowed_to entries whose token type 2.2.1 lacks are dropped: fewer viewers, never more. */
function withPublishTokens(value: Json, ctx: ConversionContext, pointer: string): Json {
  const list = value.publish_allowed_to;
  if (!Array.isArray(list)) return value;
  const kept = list.filter(
    (entry) => !isObject(entry) || entry.type === undefined || TOKEN_TYPES_2_2_1.includes(String(entry.type)),
  );
  if (kept.length === list.length) return value;
  ctx.report('PublishTokenType.type-2.2.1', child(pointer, 'publish_allowed_to'));
  return { ...value, publish_allowed_to: kept };
}

export const converters: ModuleConverters = {
  Location: {
    '2.1.1': { toCanonical: locationToCanonical211, fromCanonical: locationFromCanonical211 },
    '2.2.1': downOnly(locationFromCanonical221),
  },
  EVSE: evseConverters,
  Connector: connectorConverters,
  Hours: { '2.1.1': upOnly(hoursToCanonical211), '2.2.1': identity },
  EnergyMix: energyMixConverters,
  // A Types-chapter class, registered here so its spec example converts like the others.
  DisplayText: displayTextConverters,
};

// ---- the rows of the lossy table ----

export const lossyMappings: LossyMapping[] = [
  // 2.1.1 -> canonical
  row(
    'Location.party-from-context',
    'Location',
    'country_code, party_id',
    '2.1.1',
    '2.3.0',
    'invents',
    'A 2.1.1 Location names no owner; country_code and party_id are taken from the party of the connection ' +
      '(options.party). Without it a complete Location cannot be converted (ConversionError).',
  ),
  row(
    'Location.publish-invented',
    'Location',
    'publish',
    '2.1.1',
    '2.3.0',
    'invents',
    'publish is set to true: a 2.1.1 Location has no visibility control, everything shared is public.',
  ),
  row(
    'Location.type-unmapped',
    'Location',
    'type -> parking_type',
    '2.1.1',
    '2.3.0',
    'loses',
    'LocationType values with a ParkingType twin (ON_STREET, PARKING_GARAGE, UNDERGROUND_GARAGE, PARKING_LOT) ' +
      'carry over; OTHER has none and leaves parking_type out (UNKNOWN does too, exactly: absent means unknown).',
  ),
  row(
    'Location.time-zone-from-country',
    'Location',
    'time_zone',
    '2.1.1',
    '2.3.0',
    'invents',
    'time_zone is optional in 2.1.1, required in 2.2+. When missing it is derived from `country` for countries ' +
      'with a single IANA zone; for other countries conversion fails (ConversionError) rather than guess.',
  ),
  row(
    'Hours.twentyfourseven-invented',
    'Hours',
    'twentyfourseven',
    '2.1.1',
    '2.3.0',
    'invents',
    '2.1.1 may give regular_hours without twentyfourseven; 2.2+ requires the flag, set to false (the meaning ' +
      'of that choice). The way back keeps the flag, so the 2.1.1 document gains it.',
  ),
  // canonical -> 2.1.1
  row(
    'Location.party-dropped',
    'Location',
    'country_code, party_id',
    '2.3.0',
    '2.1.1',
    'loses',
    'A 2.1.1 Location carries no owner. Reported when the owner is not the party of the connection (options.party).',
  ),
  row(
    'Location.publish-dropped',
    'Location',
    'publish, publish_allowed_to',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 cannot restrict visibility: a Location with publish false or a publish_allowed_to list is sent ' +
      'without either, so the receiver may show it publicly.',
  ),
  row(
    'Location.parking-type-2.1.1',
    'Location',
    'parking_type -> type',
    '2.3.0',
    '2.1.1',
    'loses',
    'ParkingType values without a LocationType twin (ALONG_MOTORWAY, ON_DRIVEWAY, unknown open-enum values) ' +
      'become OTHER. No parking_type becomes UNKNOWN (exact, not reported).',
  ),
  row(
    'Location.address-truncated',
    'Location',
    'address',
    '2.3.0',
    '2.1.1',
    'loses',
    'address is string(45) in 2.1.1 (255 later): a longer address is cut to 45 characters.',
  ),
  row(
    'Location.postal-code-empty',
    'Location',
    'postal_code',
    '2.3.0',
    '2.1.1',
    'invents',
    'postal_code is required in 2.1.1; a Location without one (allowed in 2.2+ where there is none) gets "".',
  ),
  row(
    'Location.time-zone-omitted',
    'Location',
    'time_zone',
    '2.3.0',
    '2.1.1',
    'loses',
    "The inverse of Location.time-zone-from-country: a time_zone that is the only zone of the Location's " +
      'country is left out (optional in 2.1.1), so 2.1.1 Locations round-trip exactly. A receiver that does ' +
      'not derive zones from countries no longer sees it; any other zone is sent.',
  ),
  row(
    'GeoLocation.decimals-2.1.1',
    'GeoLocation',
    'latitude, longitude',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 coordinates have exactly six decimals: five are padded with a zero (exact), seven are rounded ' +
      'half away from zero (reported, about 0.1 m). Applies to Location, EVSE and related_locations coordinates.',
  ),
  row(
    'Connector.power-type-2.1.1',
    'Connector',
    'power_type',
    '2.3.0',
    '2.1.1',
    'loses',
    'AC_2_PHASE and AC_2_PHASE_SPLIT become AC_1_PHASE, the 2.1.1 value that does not overstate the power.',
  ),
  row(
    'Connector.tariff-ids-first',
    'Connector',
    'tariff_ids -> tariff_id',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 links one tariff: the first of several tariff_ids is kept, the others (e.g. per TariffType) are lost. ' +
      'An empty list becomes no tariff_id.',
  ),
  row(
    'Connector.standard-2.1.1',
    'Connector',
    'standard',
    '2.3.0',
    '2.1.1',
    'loses',
    'A ConnectorType 2.1.1 lacks: SAE_J3400 becomes TESLA_S (the same plug); any other (CHAOJI, GBT_*, NEMA_*, ' +
      'DOMESTIC_M/N/O, PANTOGRAPH_*, MCS, unknown) is kept as text, which a strict 2.1.1 receiver will reject.',
  ),
  row(
    'Connector.standard-2.2.1',
    'Connector',
    'standard',
    '2.3.0',
    '2.2.1',
    'loses',
    'A ConnectorType 2.2.1 lacks: SAE_J3400 becomes TESLA_S (the same plug); MCS or an unknown open-enum value ' +
      'is kept as text, which a strict 2.2.1 receiver will reject.',
  ),
  // canonical -> 2.1.1 and -> 2.2.1 (one row per version)
  ...droppedFieldRows(DROPPED),
  ...rowsDown(
    'Location.facilities',
    'Location',
    'facilities',
    'Facility values the version lacks (2.2.1 additions for 2.1.1; unknown open-enum values) are left out of the list.',
  ),
  ...rowsDown(
    'Image.category',
    'Image',
    'category',
    'An image category outside the closed older enum (2.3.0 is open) becomes OTHER.',
  ),
  ...rowsDown(
    'EVSE.capabilities',
    'EVSE',
    'capabilities',
    'Capability values the version lacks (2.2.1 additions for 2.1.1; unknown open-enum values) are left out of the list.',
  ),
  ...rowsDown(
    'EVSE.parking-restrictions',
    'EVSE',
    'parking_restrictions',
    'ParkingRestriction values the version lacks (EMPLOYEES, TAXIS, TENANTS, unknown) are left out of the list.',
  ),
  row(
    'Location.parking-type-2.2.1',
    'Location',
    'parking_type',
    '2.3.0',
    '2.2.1',
    'loses',
    'An open-enum ParkingType value 2.2.1 does not know is left out (the field is optional there).',
  ),
  row(
    'PublishTokenType.type-2.2.1',
    'PublishTokenType',
    'type',
    '2.3.0',
    '2.2.1',
    'loses',
    'A publish_allowed_to entry whose token type 2.2.1 lacks (EMAID, unknown) is dropped: the Location is ' +
      'visible to fewer drivers, never to more.',
  ),
];
