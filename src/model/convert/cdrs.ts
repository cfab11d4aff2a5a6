/**
 * Converters of the CDRs chapter: CDR and its classes (CdrToken, CdrLocation, ChargingPeriod,
 * CdrDimension, SignedData, SignedValue), plus the steps the Session converters share with it.
 *
 * 2.1.1 -> canonical (CDR and Session alike):
 * - the owner comes from `ctx.party` (the CPO of the connection);
 * - `auth_id` (the token's contract id) becomes a CdrToken. The eMSP owning the token is read from
 *   the contract id when it is an eMA ID (`DE8ACC12E46L89`: country DE, party 8AC); uid is the
 *   contract id and type OTHER, as nothing better is known. A caller that knows the token (from
 *   its token store) puts the canonical `cdr_token` in the 2.1.1 document and it is used as is;
 *   an auth_id that is no eMA ID and no such `cdr_token` is a ConversionError (never a guessed owner);
 * - the embedded Location shrinks to what 2.2 keeps (CdrLocation, or the ids for a Session);
 * - amounts (bare numbers, excluding VAT) become Price { before_taxes }.
 * canonical -> 2.1.1 does the reverse: a 2.1.1 Location is rebuilt from the CdrLocation (fields
 * 2.1.1 requires and CdrLocation lacks get stand-in values), the 2.2 additions are dropped (every
 * cost split, credit, signed data… each reported), and Prices become their `before_taxes`.
 * canonical -> 2.2.1: Prices (2.3.0 tax lines -> incl_vat), TokenType, ConnectorType, the bookings
 * branch's dimension types and `booking_id`.
 */
import { v2_1_1, v2_2_1, v2_3_0 } from '../../protocol/index.js';
import {
  child,
  ciEqual,
  complete,
  type DroppedField,
  downOnly,
  dropFields,
  dropOwner,
  droppedFieldRows,
  droppedForEach,
  enumValues,
  inventOwner,
  isObject,
  type Json,
  mapObjects,
  type OlderVersion,
  ordered,
  rename,
  row,
  unchangedIn,
  withObject,
  withObjects,
  withPrices,
} from './common.js';
import { ConversionError } from './errors.js';
import { connectorTypeFromCanonical, converters as locationConverters } from './locations.js';
import { tariffConverters } from './tariffs.js';
import { withTokenType } from './tokens.js';
import type { ConversionContext, LossyMapping, ModuleConverters } from './types.js';

/** The spec's "not available" marker for ids (2.2: allowed in a reservation's Session/CDR). */
export const NOT_AVAILABLE = '#NA';

// ==== CdrDimension / ChargingPeriod ====

/** The types a dimension may have in the target (canonical: 2.2.1's plus the bookings branch's). */
const DIMENSIONS_INTO: Record<OlderVersion | '2.3.0', readonly string[]> = {
  '2.1.1': enumValues(v2_1_1.cdrs.CdrDimensionType),
  '2.2.1': enumValues(v2_2_1.cdrs.CdrDimensionType),
  '2.3.0': enumValues(v2_3_0.cdrs.CdrDimensionType),
};

const PERIOD_DROPPED: readonly DroppedField[] = [
  {
    object: 'ChargingPeriod',
    field: 'tariff_id',
    to: '2.1.1',
    why: 'the receiver no longer learns which of the listed Tariffs priced the period.',
  },
];

export interface PeriodStep {
  /** The version of the dimensions that come out. */
  into: OlderVersion | '2.3.0';
  /** Row reported when a dimension is dropped (at the period's dimensions list). */
  dimensionId: string;
  /** Row reported when a period is left without dimensions and dropped (at the periods list). */
  periodId: string;
  /** For the way down: the version whose extra fields are dropped. */
  dropFor?: OlderVersion;
}

/** 2.1.1 -> canonical: FLAT goes. */
export const PERIODS_UP_211: PeriodStep = {
  into: '2.3.0',
  dimensionId: 'CdrDimension.flat-dropped',
  periodId: 'ChargingPeriod.flat-only-dropped',
};
/** canonical -> an older version: the types it lacks go. */
export const PERIODS_DOWN: Record<OlderVersion, PeriodStep> = {
  '2.1.1': {
    into: '2.1.1',
    dimensionId: 'CdrDimension.type-dropped-2.1.1',
    periodId: 'ChargingPeriod.emptied-dropped-2.1.1',
    dropFor: '2.1.1',
  },
  '2.2.1': {
    into: '2.2.1',
    dimensionId: 'CdrDimension.type-dropped-2.2.1',
    periodId: 'ChargingPeriod.emptied-dropped-2.2.1',
  },
};

/** One period: dimensions of a type the target lacks are dropped; undefined when none is left. */
function convertPeriod(
  value: Json,
  step: PeriodStep,
  ctx: ConversionContext,
  pointer: string,
): Json | undefined {
  let out = step.dropFor
    ? dropFields(value, PERIOD_DROPPED, 'ChargingPeriod', step.dropFor, ctx, pointer)
    : value;
  if (!Array.isArray(out.dimensions)) return out;
  const known = DIMENSIONS_INTO[step.into];
  const kept = out.dimensions.filter(
    (d) => !isObject(d) || typeof d.type !== 'string' || known.includes(d.type),
  );
  if (kept.length === out.dimensions.length) return out;
  ctx.report(step.dimensionId, child(pointer, 'dimensions'));
  if (kept.length === 0) return undefined;
  out = { ...out, dimensions: kept };
  return out;
}

/** A list of periods; a period left empty is dropped (the one before it then runs longer). */
function convertPeriods(list: unknown, step: PeriodStep, ctx: ConversionContext, pointer: string): unknown {
  if (!Array.isArray(list)) return list;
  const out: unknown[] = [];
  list.forEach((item, index) => {
    const period = isObject(item) ? convertPeriod(item, step, ctx, child(pointer, index)) : item;
    if (period !== undefined) out.push(period);
  });
  if (out.length !== list.length) ctx.report(step.periodId, pointer);
  return out;
}

/** `charging_periods` of a Session/CDR, when present. */
export function withPeriods(value: Json, step: PeriodStep, ctx: ConversionContext, pointer: string): Json {
  if (!('charging_periods' in value)) return value;
  const at = child(pointer, 'charging_periods');
  return { ...value, charging_periods: convertPeriods(value.charging_periods, step, complete(ctx), at) };
}

/** A ChargingPeriod converted on its own: one that would be left empty cannot be. */
function standalonePeriod(step: PeriodStep) {
  return (value: Json, ctx: ConversionContext, pointer: string): Json => {
    const out = convertPeriod(value, step, ctx, pointer);
    if (out === undefined) {
      throw new ConversionError(`OCPI ${step.into} has none of this ChargingPeriod's dimension types`);
    }
    return out;
  };
}

/** A CdrDimension converted on its own: a type the target lacks has no form there. */
function standaloneDimension(step: PeriodStep) {
  return (value: Json): Json => {
    const type = value.type;
    if (typeof type === 'string' && !DIMENSIONS_INTO[step.into].includes(type)) {
      throw new ConversionError(`OCPI ${step.into} has no CdrDimensionType '${type}'`);
    }
    return value;
  };
}

// ==== AuthMethod ====

/**
 * 2.1.1 has no COMMAND (a session started by StartSession/ReserveNow): AUTH_REQUEST, the 2.1.1
 * value for "the eMSP authorized it", is the nearest. Reported under `<object>.auth-method-command`.
 */
const AUTH_METHODS_2_1_1 = enumValues(v2_1_1.cdrs.AuthMethod);

/** The row of withAuthMethod211 for `object` (Session or CDR). */
export function authMethodRow(object: string): LossyMapping {
  return row(
    `${object}.auth-method-command`,
    object,
    'auth_method',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 has no AuthMethod COMMAND (session started by a StartSession or ReserveNow command): it becomes ' +
      'AUTH_REQUEST, the 2.1.1 value for an authorization given by the eMSP.',
  );
}

export function withAuthMethod211(
  value: Json,
  object: string,
  ctx: ConversionContext,
  pointer: string,
): Json {
  const method = value.auth_method;
  if (typeof method !== 'string' || AUTH_METHODS_2_1_1.includes(method)) return value;
  ctx.report(`${object}.auth-method-command`, child(pointer, 'auth_method'));
  return { ...value, auth_method: method === 'COMMAND' ? 'AUTH_REQUEST' : method };
}

// ==== CdrToken (2.1.1: a bare auth_id) ====

/** An eMA ID: country (2 letters), provider (3), instance (9), optional check digit; '-' allowed between. */
const EMA_ID = /^([A-Za-z]{2})-?([A-Za-z0-9]{3})-?[A-Za-z0-9]{9}(?:-?[A-Za-z0-9])?$/;

/** The eMSP that issued a contract id, when the id is an eMA ID. */
export function partyOfContractId(
  contractId: unknown,
): { country_code: string; party_id: string } | undefined {
  if (typeof contractId !== 'string') return undefined;
  const match = EMA_ID.exec(contractId);
  if (match === null) return undefined;
  return { country_code: match[1]!, party_id: match[2]! };
}

/** 2.1.1 `auth_id` -> canonical `cdr_token` (see the file comment). */
export function authIdToCdrToken(value: Json, object: string, ctx: ConversionContext, pointer: string): Json {
  if (!('auth_id' in value)) return value;
  const { auth_id, ...rest } = value;
  if ('cdr_token' in value) {
    // Supplied by the caller: it must be the token auth_id names.
    const supplied = value.cdr_token;
    if (isObject(supplied) && !ciEqual(supplied.contract_id, auth_id)) {
      throw new ConversionError(
        `${object}: cdr_token.contract_id '${String(supplied.contract_id)}' is not auth_id '${String(auth_id)}'`,
      );
    }
    return rest;
  }
  const party = partyOfContractId(auth_id);
  if (party === undefined) {
    throw new ConversionError(
      `${object}: cannot tell which eMSP owns the token of auth_id '${String(auth_id)}' (not an eMA ID); ` +
        'add the canonical cdr_token (from the token store) to the 2.1.1 document before converting',
    );
  }
  ctx.report('CdrToken.from-auth-id', child(pointer, 'cdr_token'));
  return { ...rest, cdr_token: { ...party, uid: auth_id, type: 'OTHER', contract_id: auth_id } };
}

/** Canonical `cdr_token` -> 2.1.1 `auth_id` (its contract id); lost unless the way back rebuilds it. */
export function cdrTokenToAuthId(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (!('cdr_token' in value)) return value;
  const { cdr_token, ...rest } = value;
  if (!isObject(cdr_token)) return { ...rest, auth_id: cdr_token };
  const { contract_id } = cdr_token;
  const party = partyOfContractId(contract_id);
  const rebuilt =
    party !== undefined &&
    ciEqual(cdr_token.country_code, party.country_code) &&
    ciEqual(cdr_token.party_id, party.party_id) &&
    ciEqual(cdr_token.uid, contract_id) &&
    cdr_token.type === 'OTHER' &&
    Object.keys(cdr_token).length === 5;
  if (!rebuilt) ctx.report('CdrToken.reduced-to-auth-id', child(pointer, 'auth_id'));
  return { ...rest, auth_id: contract_id };
}

const cdrToken221 = downOnly((value, ctx, pointer) =>
  withTokenType(value, 'CdrToken', '2.2.1', ctx, pointer),
);

/** `cdr_token` of a Session/CDR going down to 2.2.1. */
export function withCdrToken221(value: Json, ctx: ConversionContext, pointer: string): Json {
  return withObject(value, 'cdr_token', cdrToken221.fromCanonical, ctx, pointer);
}

// ==== the Location embedded in 2.1.1 Sessions and CDRs ====

export interface Relevant {
  location: Json;
  evse?: Json;
  connector?: Json;
}

/**
 * The EVSE and connector of an embedded 2.1.1 Location (it should hold just the ones used); the
 * first ones are taken, reported (`<object>.first-evse-taken`) when there were more.
 */
export function relevantParts(
  location: Json,
  object: string,
  ctx: ConversionContext,
  pointer: string,
): Relevant {
  const evses = Array.isArray(location.evses) ? location.evses.filter(isObject) : [];
  const evse = evses[0];
  const connectors =
    evse !== undefined && Array.isArray(evse.connectors) ? evse.connectors.filter(isObject) : [];
  if (evses.length > 1 || connectors.length > 1) ctx.report(`${object}.first-evse-taken`, pointer);
  return { location, evse, connector: connectors[0] };
}

/** Stand-ins for connector fields 2.1.1 requires and nothing tells (documented in the notes). */
export const STAND_IN_CONNECTOR = {
  standard: 'IEC_62196_T2',
  format: 'SOCKET',
  power_type: 'AC_3_PHASE',
  voltage: 0,
  amperage: 0,
} as const;

/** 2.1.1 CDR.location -> CdrLocation: what a CDR keeps of the Location, EVSE and connector used. */
function locationToCdrLocation(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (!('location' in value)) return value;
  const { location, ...rest } = value;
  if (!isObject(location)) return value;
  const at = child(pointer, 'cdr_location');
  const { evse, connector } = relevantParts(location, 'CDR', ctx, at);
  ctx.report('CDR.location-reduced', at);
  const cdrLocation: Json = {};
  for (const key of ['id', 'name', 'address', 'city', 'postal_code', 'country', 'coordinates']) {
    if (location[key] !== undefined) cdrLocation[key] = location[key];
  }
  if (evse === undefined || connector === undefined) {
    // A CDR without a charging EVSE: 2.2 marks the ids #NA, the connector fields are then ignored.
    ctx.report('CDR.evse-not-available', at);
    Object.assign(cdrLocation, {
      evse_uid: NOT_AVAILABLE,
      evse_id: NOT_AVAILABLE,
      connector_id: NOT_AVAILABLE,
      connector_standard: STAND_IN_CONNECTOR.standard,
      connector_format: STAND_IN_CONNECTOR.format,
      connector_power_type: STAND_IN_CONNECTOR.power_type,
    });
  } else {
    if (evse.evse_id === undefined) ctx.report('CDR.evse-id-not-available', child(at, 'evse_id'));
    Object.assign(cdrLocation, {
      evse_uid: evse.uid,
      evse_id: evse.evse_id ?? NOT_AVAILABLE,
      connector_id: connector.id,
      connector_standard: connector.standard,
      connector_format: connector.format,
      connector_power_type: connector.power_type,
    });
  }
  return { ...rest, cdr_location: ordered(cdrLocation, v2_3_0.cdrs.CdrLocation) };
}

/** A 2.1.1 Location with its EVSE and connector keys in spec order (readability only). */
export function orderedLocation211(location: Json): Json {
  if (!Array.isArray(location.evses)) return ordered(location, v2_1_1.locations.Location);
  const evses = mapObjects(location.evses, '', (evse) => {
    if (!Array.isArray(evse.connectors)) return ordered(evse, v2_1_1.locations.EVSE);
    const connectors = mapObjects(evse.connectors, '', (c) => ordered(c, v2_1_1.locations.Connector));
    return ordered({ ...evse, connectors }, v2_1_1.locations.EVSE);
  });
  return ordered({ ...location, evses }, v2_1_1.locations.Location);
}

/**
 * Canonical CdrLocation -> 2.1.1 Location: a canonical Location is built from it (status UNKNOWN,
 * STAND_IN_CONNECTOR voltage/amperage, timestamps of the CDR's start) and converted to 2.1.1 by the
 * Locations converter, which reports its own losses (state, coordinates, connector standard…).
 */
function cdrLocationToLocation(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (!('cdr_location' in value)) return value;
  const { cdr_location, ...rest } = value;
  if (!isObject(cdr_location)) return value;
  const {
    evse_uid,
    evse_id,
    connector_id,
    connector_standard,
    connector_format,
    connector_power_type,
    ...locationFields
  } = cdr_location;
  const at = child(pointer, 'location');
  const stamp = value.start_date_time;
  const evses =
    evse_uid === NOT_AVAILABLE
      ? []
      : [
          {
            uid: evse_uid,
            ...(evse_id === undefined || evse_id === NOT_AVAILABLE ? {} : { evse_id }),
            status: 'UNKNOWN',
            connectors: [
              {
                id: connector_id,
                standard: connector_standard,
                format: connector_format,
                power_type: connector_power_type,
                max_voltage: STAND_IN_CONNECTOR.voltage,
                max_amperage: STAND_IN_CONNECTOR.amperage,
                last_updated: stamp,
              },
            ],
            last_updated: stamp,
          },
        ];
  ctx.report('CDR.location-from-cdr-location', at);
  const canonical = { ...locationFields, publish: true, evses, last_updated: stamp };
  const converter = locationConverters.Location?.['2.1.1'];
  if (converter === undefined) throw new ConversionError('the Location converter of 2.1.1 is missing');
  const location = orderedLocation211(converter.fromCanonical(canonical, complete(ctx), at));
  return { ...rest, location };
}

const cdrLocation221 = downOnly((value, ctx, pointer) => {
  if (!('connector_standard' in value)) return value;
  const at = child(pointer, 'connector_standard');
  const id = 'CdrLocation.connector_standard-2.2.1';
  return {
    ...value,
    connector_standard: connectorTypeFromCanonical(value.connector_standard, '2.2.1', ctx, id, at),
  };
});

// ==== money ====

/** The cost split of a CDR (2.2 additions; total_cost, which 2.1.1 has too, includes them). */
const COST_SPLIT = [
  'total_fixed_cost',
  'total_energy_cost',
  'total_time_cost',
  'total_parking_cost',
  'total_reservation_cost',
];
const PRICE_FIELDS = ['total_cost', ...COST_SPLIT];

// ==== CDR ====

/** A CDR field 2.1.1 lacks, with why losing it matters. */
const dropped211 = (
  field: string,
  why: string,
  carriesNothing?: (value: unknown) => boolean,
): DroppedField => ({
  object: 'CDR',
  field,
  to: '2.1.1',
  why,
  ...(carriesNothing === undefined ? {} : { carriesNothing }),
});
const isFalse = (value: unknown) => value === false;

const CDR_DROPPED: readonly DroppedField[] = [
  ...droppedForEach((to) => ({
    object: 'CDR',
    field: 'booking_id',
    to,
    why: 'the link to the Booking (bookings branch) this CDR also bills is not sent.',
  })),
  dropped211('session_id', 'the receiver cannot match the CDR to its Session.'),
  dropped211('authorization_reference', 'the receiver cannot match the CDR to the authorization it gave.'),
  dropped211('signed_data', 'the signed meter values (calibration law, e.g. Eichrecht) are not sent.'),
  ...COST_SPLIT.map((field) =>
    dropped211(field, 'the split of the total is not sent (total_cost, which includes this amount, is).'),
  ),
  dropped211('invoice_reference_id', 'the reference to the invoice that will bill this CDR is not sent.'),
  dropped211(
    'credit',
    'a credit CDR (negative amounts cancelling an earlier CDR) arrives as an ordinary CDR with negative ' +
      'amounts. Not reported for credit false.',
    isFalse,
  ),
  dropped211('credit_reference_id', 'the receiver does not learn which CDR a credit CDR cancels.'),
  dropped211(
    'home_charging_compensation',
    'the receiver does not learn that the energy is to be compensated to the driver. Not reported for false.',
    isFalse,
  ),
];

/** A complete CDR needs a charging period: one that has none left cannot be converted. */
function requirePeriods(value: Json, ctx: ConversionContext, message: string): Json {
  if (!ctx.partial && Array.isArray(value.charging_periods) && value.charging_periods.length === 0) {
    throw new ConversionError(`CDR: ${message}`);
  }
  return value;
}

function cdrToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = inventOwner(value, ctx, 'CDR.party-from-context', pointer, 'CDR');
  out = rename(out, 'stop_date_time', 'end_date_time');
  out = authIdToCdrToken(out, 'CDR', ctx, pointer);
  out = locationToCdrLocation(out, ctx, pointer);
  out = withObjects(out, 'tariffs', tariffConverters['2.1.1'].toCanonical, ctx, pointer);
  out = withPeriods(out, PERIODS_UP_211, ctx, pointer);
  out = requirePeriods(out, ctx, 'no charging period is left once FLAT dimensions are dropped');
  out = withPrices(out, ['total_cost'], '2.1.1', 'toCanonical', ctx, pointer);
  return ordered(out, v2_3_0.cdrs.CDR);
}

function cdrFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = dropOwner(value, ctx, 'CDR.party-dropped', pointer);
  out = dropFields(out, CDR_DROPPED, 'CDR', '2.1.1', ctx, pointer);
  out = rename(out, 'end_date_time', 'stop_date_time');
  out = cdrTokenToAuthId(out, ctx, pointer);
  out = withAuthMethod211(out, 'CDR', ctx, pointer);
  out = cdrLocationToLocation(out, ctx, pointer);
  out = withObjects(out, 'tariffs', tariffConverters['2.1.1'].fromCanonical, ctx, pointer);
  out = withPeriods(out, PERIODS_DOWN['2.1.1'], ctx, pointer);
  out = requirePeriods(out, ctx, '2.1.1 can express none of its charging periods (one is required)');
  out = withPrices(out, ['total_cost'], '2.1.1', 'fromCanonical', ctx, pointer);
  return ordered(out, v2_1_1.cdrs.CDR);
}

function cdrToCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  const out = withObjects(value, 'tariffs', tariffConverters['2.2.1'].toCanonical, ctx, pointer);
  return withPrices(out, PRICE_FIELDS, '2.2.1', 'toCanonical', ctx, pointer);
}

function cdrFromCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = dropFields(value, CDR_DROPPED, 'CDR', '2.2.1', ctx, pointer);
  out = withCdrToken221(out, ctx, pointer);
  out = withObject(out, 'cdr_location', cdrLocation221.fromCanonical, ctx, pointer);
  out = withObjects(out, 'tariffs', tariffConverters['2.2.1'].fromCanonical, ctx, pointer);
  out = withPeriods(out, PERIODS_DOWN['2.2.1'], ctx, pointer);
  out = requirePeriods(out, ctx, '2.2.1 can express none of its charging periods (one is required)');
  return withPrices(out, PRICE_FIELDS, '2.2.1', 'fromCanonical', ctx, pointer);
}

// ==== the module ====

export const converters: ModuleConverters = {
  CDR: {
    '2.1.1': { toCanonical: cdrToCanonical211, fromCanonical: cdrFromCanonical211 },
    '2.2.1': { toCanonical: cdrToCanonical221, fromCanonical: cdrFromCanonical221 },
  },
  ChargingPeriod: {
    '2.1.1': {
      toCanonical: standalonePeriod(PERIODS_UP_211),
      fromCanonical: standalonePeriod(PERIODS_DOWN['2.1.1']),
    },
    '2.2.1': downOnly(standalonePeriod(PERIODS_DOWN['2.2.1'])),
  },
  CdrDimension: {
    '2.1.1': {
      toCanonical: standaloneDimension(PERIODS_UP_211),
      fromCanonical: standaloneDimension(PERIODS_DOWN['2.1.1']),
    },
    '2.2.1': downOnly(standaloneDimension(PERIODS_DOWN['2.2.1'])),
  },
  // 2.1.1 has no CdrToken (a bare auth_id) and no CdrLocation (the whole Location).
  CdrToken: { '2.2.1': cdrToken221 },
  CdrLocation: { '2.2.1': cdrLocation221 },
  SignedData: unchangedIn('2.2.1'),
  SignedValue: unchangedIn('2.2.1'),
};

export const lossyMappings: LossyMapping[] = [
  // ---- shared with Sessions: charging periods ----
  row(
    'CdrDimension.flat-dropped',
    'ChargingPeriod',
    'dimensions[].type',
    '2.1.1',
    '2.3.0',
    'loses',
    '2.2 has no FLAT dimension (a flat fee is a Tariff price component there): FLAT dimensions are ' +
      "left out of the period's list. total_cost, which includes the fee, is unchanged.",
  ),
  row(
    'ChargingPeriod.flat-only-dropped',
    'ChargingPeriod',
    'charging_periods[]',
    '2.1.1',
    '2.3.0',
    'loses',
    'A period whose only dimensions were FLAT has none left and is left out: the period before it ' +
      'then runs until the next one. A CDR left without any period cannot be converted (ConversionError).',
  ),
  row(
    'CdrDimension.type-dropped-2.1.1',
    'ChargingPeriod',
    'dimensions[].type',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 knows ENERGY, FLAT, MAX_CURRENT, MIN_CURRENT, PARKING_TIME and TIME: every other dimension ' +
      '(power, SoC, import/export, RESERVATION_TIME and the bookings additions…) is left out of the list. ' +
      'The amounts they priced stay in total_cost.',
  ),
  row(
    'CdrDimension.type-dropped-2.2.1',
    'ChargingPeriod',
    'dimensions[].type',
    '2.3.0',
    '2.2.1',
    'loses',
    'RESERVATION_EXPIRES and RESERVATION_OVERTIME (bookings branch) are not 2.2.1 dimension types and ' +
      'are left out of the list. The amounts they priced stay in total_cost.',
  ),
  row(
    'ChargingPeriod.emptied-dropped-2.1.1',
    'ChargingPeriod',
    'charging_periods[]',
    '2.3.0',
    '2.1.1',
    'loses',
    'A period left without dimensions 2.1.1 knows (e.g. one with only RESERVATION_TIME) is left out; ' +
      'the period before it then runs until the next one. A CDR left without any period cannot be ' +
      'converted (ConversionError).',
  ),
  row(
    'ChargingPeriod.emptied-dropped-2.2.1',
    'ChargingPeriod',
    'charging_periods[]',
    '2.3.0',
    '2.2.1',
    'loses',
    'A period left without dimensions 2.2.1 knows (only bookings-branch types) is left out; the period ' +
      'before it then runs until the next one.',
  ),
  ...droppedFieldRows(PERIOD_DROPPED),
  // ---- shared with Sessions: the token ----
  row(
    'CdrToken.from-auth-id',
    'CdrToken',
    'auth_id -> cdr_token',
    '2.1.1',
    '2.3.0',
    'invents',
    '2.1.1 names the token by its contract id only (auth_id). contract_id is auth_id (exact); the owning ' +
      'eMSP is read from it as an eMA ID (country code, then party id); uid is set to auth_id and type to ' +
      'OTHER, as nothing tells the real ones. Not applied when the document already carries cdr_token; an ' +
      'auth_id that is no eMA ID is a ConversionError rather than a guessed owner.',
  ),
  row(
    'CdrToken.reduced-to-auth-id',
    'CdrToken',
    'cdr_token -> auth_id',
    '2.3.0',
    '2.1.1',
    'loses',
    'auth_id is the contract_id; uid, type and the owning eMSP are dropped. Not reported when they are ' +
      'what the way back derives from the contract id (uid = contract_id, type OTHER, owner from the eMA ID).',
  ),
  row(
    'CdrToken.type-to-other-2.2.1',
    'CdrToken',
    'type',
    '2.3.0',
    '2.2.1',
    'loses',
    "2.2.1's TokenType is closed and lacks EMAID: EMAID and types unknown to 2.2.1 become OTHER.",
  ),
  // ---- CDR ----
  row(
    'CDR.party-from-context',
    'CDR',
    'country_code, party_id',
    '2.1.1',
    '2.3.0',
    'invents',
    "A 2.1.1 CDR names no owner: the CPO is taken from the conversion's party. Without one a complete " +
      'CDR cannot be converted (ConversionError).',
  ),
  row(
    'CDR.party-dropped',
    'CDR',
    'country_code, party_id',
    '2.3.0',
    '2.1.1',
    'loses',
    "A 2.1.1 CDR carries no owner. Reported when the owner is not the conversion's party.",
  ),
  authMethodRow('CDR'),
  row(
    'CDR.location-reduced',
    'CDR',
    'location -> cdr_location',
    '2.1.1',
    '2.3.0',
    'loses',
    'The embedded Location becomes a CdrLocation: id, name, address, city, postal_code, country, ' +
      'coordinates, and the uid/evse_id of the EVSE and id/standard/format/power_type of the connector ' +
      'used. Everything else (type, operator, opening times, EVSE status, connector voltage/amperage/' +
      'tariff, timestamps, any extra field) is dropped.',
  ),
  row(
    'CDR.first-evse-taken',
    'CDR',
    'location.evses',
    '2.1.1',
    '2.3.0',
    'loses',
    'The embedded Location should hold only the EVSE and connector used; when it holds several, the first ' +
      'EVSE and its first connector are taken.',
  ),
  row(
    'CDR.evse-not-available',
    'CDR',
    'cdr_location.evse_uid, evse_id, connector_*',
    '2.1.1',
    '2.3.0',
    'invents',
    'The embedded Location has no EVSE or connector: evse_uid, evse_id and connector_id are #NA (the ' +
      "spec's marker, meant for reservation CDRs) and connector_standard/format/power_type get the stand-in " +
      'values IEC_62196_T2 / SOCKET / AC_3_PHASE, which a receiver ignores with #NA ids.',
  ),
  row(
    'CDR.evse-id-not-available',
    'CDR',
    'cdr_location.evse_id',
    '2.1.1',
    '2.3.0',
    'invents',
    'evse_id is optional on a 2.1.1 EVSE and required in a CdrLocation: a missing one becomes #NA.',
  ),
  row(
    'CDR.location-from-cdr-location',
    'CDR',
    'cdr_location -> location',
    '2.3.0',
    '2.1.1',
    'invents',
    '2.1.1 embeds a whole Location: it is rebuilt from the CdrLocation with one EVSE (status UNKNOWN, ' +
      'no evse_id when #NA) and one connector (voltage and amperage 0: unknown), type UNKNOWN, every ' +
      "last_updated the CDR's start_date_time; a #NA evse_uid gives a Location without EVSE. The Location " +
      "converter's own rows report what else changes (state, postal_code, coordinates, connector standard).",
  ),
  row(
    'CdrLocation.connector_standard-2.2.1',
    'CdrLocation',
    'connector_standard',
    '2.3.0',
    '2.2.1',
    'loses',
    'A ConnectorType 2.2.1 lacks: SAE_J3400 becomes TESLA_S (the same plug); MCS or an unknown open-enum ' +
      'value is kept as text, which a strict 2.2.1 receiver will reject (as the Location converter does).',
  ),
  ...droppedFieldRows(CDR_DROPPED),
];
