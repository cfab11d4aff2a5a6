/**
 * Converters of the Sessions chapter: Session and ChargingPreferences.
 *
 * Session differs between versions as the CDR does (the shared steps live in cdrs.ts):
 * 2.1.1 spells the times `start_datetime`/`end_datetime`, names the token by `auth_id`, embeds the
 * Location (only the EVSE and connector used) where 2.2 gives location_id/evse_uid/connector_id,
 * gives total_cost as a number excluding VAT, and lacks the status RESERVATION and
 * authorization_reference. 2.2.1 and 2.3.0 differ in Price, TokenType and the bookings
 * branch's dimension types.
 *
 * canonical -> 2.1.1 cannot rebuild the embedded Location from three ids: the 2.1.1 Session gets a
 * stand-in Location holding the ids and "unknown" values (reported). A platform that has the
 * Location (Locations module) should put its own 2.1.1 Location there.
 */
import { v2_1_1, v2_3_0 } from '../../protocol/index.js';
import {
  authIdToCdrToken,
  authMethodRow,
  cdrTokenToAuthId,
  NOT_AVAILABLE,
  orderedLocation211,
  PERIODS_DOWN,
  PERIODS_UP_211,
  relevantParts,
  STAND_IN_CONNECTOR,
  withAuthMethod211,
  withCdrToken221,
  withPeriods,
} from './cdrs.js';
import {
  child,
  type DroppedField,
  dropFields,
  dropOwner,
  droppedFieldRows,
  enumValues,
  inventOwner,
  isObject,
  type Json,
  ordered,
  rename,
  row,
  unchangedIn,
  withEnum,
  withPrices,
} from './common.js';
import type { ConversionContext, LossyMapping, ModuleConverters } from './types.js';

const SESSION_DROPPED: readonly DroppedField[] = [
  {
    object: 'Session',
    field: 'authorization_reference',
    to: '2.1.1',
    why: 'the receiver cannot match the Session to the authorization (or command) it gave.',
  },
];

// ---- the embedded Location ----

/** 2.1.1 Session.location -> location_id, evse_uid, connector_id. */
function locationToIds(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (!('location' in value)) return value;
  const { location, ...rest } = value;
  if (!isObject(location)) return value;
  const { evse, connector } = relevantParts(location, 'Session', ctx, child(pointer, 'evse_uid'));
  ctx.report('Session.location-reduced', child(pointer, 'location_id'));
  if (evse === undefined || connector === undefined) {
    ctx.report('Session.evse-not-available', child(pointer, 'evse_uid'));
  }
  return {
    ...rest,
    location_id: location.id,
    evse_uid: evse?.uid ?? NOT_AVAILABLE,
    connector_id: connector?.id ?? NOT_AVAILABLE,
  };
}

/**
 * Canonical Session ids -> a 2.1.1 Location holding only them: everything else 2.1.1 requires gets
 * an empty or "unknown" stand-in (type UNKNOWN, status UNKNOWN, empty address, 0/0 coordinates,
 * STAND_IN_CONNECTOR), timestamped with the session's start.
 */
function idsToLocation(value: Json, ctx: ConversionContext, pointer: string): Json {
  const { location_id, evse_uid, connector_id, ...rest } = value;
  if (location_id === undefined && evse_uid === undefined && connector_id === undefined) return value;
  if (ctx.partial) {
    // A PATCH replaces `location` whole; building one would invent every field of it.
    for (const [key, v] of Object.entries({ location_id, evse_uid, connector_id })) {
      if (v !== undefined) ctx.report('Session.location-ids-dropped', child(pointer, key));
    }
    return rest;
  }
  const stamp = value.start_date_time;
  const evses =
    evse_uid === undefined || evse_uid === NOT_AVAILABLE
      ? []
      : [
          {
            uid: evse_uid,
            status: 'UNKNOWN',
            connectors: [{ id: connector_id ?? NOT_AVAILABLE, ...STAND_IN_CONNECTOR, last_updated: stamp }],
            last_updated: stamp,
          },
        ];
  ctx.report('Session.location-stand-in', child(pointer, 'location'));
  const location = {
    id: location_id,
    type: 'UNKNOWN',
    address: '',
    city: '',
    postal_code: '',
    country: '',
    coordinates: { latitude: '0.000000', longitude: '0.000000' },
    evses,
    last_updated: stamp,
  };
  return { ...rest, location: orderedLocation211(location) };
}

// ---- Session ----

const SESSION_STATUSES_2_1_1 = enumValues(v2_1_1.sessions.SessionStatus);

function sessionToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = inventOwner(value, ctx, 'Session.party-from-context', pointer, 'Session');
  out = rename(out, 'start_datetime', 'start_date_time');
  out = rename(out, 'end_datetime', 'end_date_time');
  out = authIdToCdrToken(out, 'Session', ctx, pointer);
  out = locationToIds(out, ctx, pointer);
  out = withPeriods(out, PERIODS_UP_211, ctx, pointer);
  out = withPrices(out, ['total_cost'], '2.1.1', 'toCanonical', ctx, pointer);
  return ordered(out, v2_3_0.sessions.Session);
}

function sessionFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = dropOwner(value, ctx, 'Session.party-dropped', pointer);
  out = dropFields(out, SESSION_DROPPED, 'Session', '2.1.1', ctx, pointer);
  out = cdrTokenToAuthId(out, ctx, pointer);
  out = withAuthMethod211(out, 'Session', ctx, pointer);
  out = idsToLocation(out, ctx, pointer);
  out = rename(out, 'start_date_time', 'start_datetime');
  out = rename(out, 'end_date_time', 'end_datetime');
  // 2.1.1 has no RESERVATION: the session has not started yet, which is what PENDING says.
  out = withEnum(
    out,
    'status',
    SESSION_STATUSES_2_1_1,
    'PENDING',
    ctx,
    'Session.status-reservation',
    pointer,
  );
  out = withPeriods(out, PERIODS_DOWN['2.1.1'], ctx, pointer);
  out = withPrices(out, ['total_cost'], '2.1.1', 'fromCanonical', ctx, pointer);
  return ordered(out, v2_1_1.sessions.Session);
}

function sessionFromCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = withCdrToken221(value, ctx, pointer);
  out = withPeriods(out, PERIODS_DOWN['2.2.1'], ctx, pointer);
  return withPrices(out, ['total_cost'], '2.2.1', 'fromCanonical', ctx, pointer);
}

// ---- the module ----

export const converters: ModuleConverters = {
  Session: {
    '2.1.1': { toCanonical: sessionToCanonical211, fromCanonical: sessionFromCanonical211 },
    '2.2.1': {
      toCanonical: (value, ctx, pointer) =>
        withPrices(value, ['total_cost'], '2.2.1', 'toCanonical', ctx, pointer),
      fromCanonical: sessionFromCanonical221,
    },
  },
  // New in 2.2 (Charging Preferences), unchanged in 2.3.0.
  ChargingPreferences: unchangedIn('2.2.1'),
};

export const lossyMappings: LossyMapping[] = [
  row(
    'Session.party-from-context',
    'Session',
    'country_code, party_id',
    '2.1.1',
    '2.3.0',
    'invents',
    "A 2.1.1 Session names no owner: the CPO is taken from the conversion's party. Without one a " +
      'complete Session cannot be converted (ConversionError).',
  ),
  row(
    'Session.party-dropped',
    'Session',
    'country_code, party_id',
    '2.3.0',
    '2.1.1',
    'loses',
    "A 2.1.1 Session carries no owner. Reported when the owner is not the conversion's party.",
  ),
  row(
    'Session.location-reduced',
    'Session',
    'location -> location_id, evse_uid, connector_id',
    '2.1.1',
    '2.3.0',
    'loses',
    'The embedded Location becomes three ids (Location.id, the EVSE uid, the connector id); the rest of ' +
      'the Location, EVSE and connector (address, coordinates, status, connector details…) is dropped. ' +
      'The receiver has it from the Locations module.',
  ),
  row(
    'Session.first-evse-taken',
    'Session',
    'location.evses',
    '2.1.1',
    '2.3.0',
    'loses',
    'The embedded Location should hold only the EVSE and connector in use; when it holds several, the ' +
      'first EVSE and its first connector are taken.',
  ),
  row(
    'Session.evse-not-available',
    'Session',
    'evse_uid, connector_id',
    '2.1.1',
    '2.3.0',
    'invents',
    'The embedded Location has no EVSE (or the EVSE no connector): evse_uid/connector_id become #NA, the ' +
      "spec's marker for ids not (yet) known.",
  ),
  row(
    'Session.location-stand-in',
    'Session',
    'location_id, evse_uid, connector_id -> location',
    '2.3.0',
    '2.1.1',
    'invents',
    '2.1.1 embeds a whole Location, which three ids cannot give: a stand-in carries the ids (no EVSE for ' +
      'a #NA evse_uid) with type UNKNOWN, empty address/city/postal_code/country, coordinates 0.000000, EVSE ' +
      'status UNKNOWN, connector IEC_62196_T2 / SOCKET / AC_3_PHASE with voltage and amperage 0, every ' +
      "last_updated the session's start. A platform holding the Location should substitute it.",
  ),
  row(
    'Session.location-ids-dropped',
    'Session',
    'location_id, evse_uid, connector_id',
    '2.3.0',
    '2.1.1',
    'loses',
    'In a PATCH, 2.1.1 can only replace the whole embedded Location, which the ids cannot make without ' +
      'inventing every other field (never done in a PATCH): changed ids are left out.',
  ),
  authMethodRow('Session'),
  row(
    'Session.status-reservation',
    'Session',
    'status',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 has no RESERVATION status: a session that is a reservation becomes PENDING (not started yet).',
  ),
  ...droppedFieldRows(SESSION_DROPPED),
];
