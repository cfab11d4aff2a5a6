/**
 * Converters of the Commands chapter: the request bodies (ReserveNow, StartSession, StopSession,
 * UnlockConnector, CancelReservation) and the answers (CommandResponse, CommandResult).
 *
 * 2.1.1 has one answer object, CommandResponse, used twice: as the CPO's synchronous answer and as
 * the body POSTed later to `response_url`. 2.2 splits them into CommandResponse (synchronous, with a
 * `timeout`) and CommandResult (asynchronous, with its own result values). So:
 * - `CommandResponse` 2.1.1 <-> canonical CommandResponse (the synchronous answer);
 * - `CommandResult` 2.1.1 <-> canonical CommandResult, where the 2.1.1 side is a CommandResponse
 *   body (the only shape a 2.1.1 `response_url` receives). That entry lets a bridge forward a 2.2
 *   result to a 2.1.1 eMSP and back.
 */
import { v2_1_1, v2_2_1, v2_3_0 } from '../../protocol/index.js';
import {
  child,
  type DroppedField,
  downOnly,
  dropFields,
  droppedFieldRows,
  enumValues,
  identity,
  type Json,
  ordered,
  row,
  unchangedIn,
  withEnum,
  withFields,
  withObject,
} from './common.js';
import { ConversionError } from './errors.js';
import { tokenConverters } from './tokens.js';
import type { ConversionContext, LossyMapping, ModuleConverters } from './types.js';

/**
 * The `timeout` (seconds) given to a 2.1.1 CommandResponse, which has none. Generous on purpose:
 * after it the eMSP may give up on the result, and a 2.1.1 CPO promised nothing.
 */
export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 120;

const DROPPED: readonly DroppedField[] = [
  {
    object: 'StartSession',
    field: 'connector_id',
    to: '2.1.1',
    why: 'the Charge Point may start on another connector of the EVSE (and an EVSE that requires a connector may refuse).',
  },
  {
    object: 'StartSession',
    field: 'authorization_reference',
    to: '2.1.1',
    why: 'the CPO cannot echo it in the Session and CDR, so they cannot be matched to this command.',
  },
  {
    object: 'ReserveNow',
    field: 'authorization_reference',
    to: '2.1.1',
    why: 'the CPO cannot echo it in the Session and CDR, so they cannot be matched to this reservation.',
  },
  {
    object: 'CommandResponse',
    field: 'message',
    to: '2.1.1',
    why: 'the human-readable explanation of the answer is not sent.',
  },
  {
    object: 'CommandResult',
    field: 'message',
    to: '2.1.1',
    why: 'the human-readable explanation of the result is not sent.',
  },
];

// ---- requests carrying a Token ----

/** 2.1.1 reservation ids are ints, 2.2 ids CiString(36): the decimal digits of the int. */
function reservationIdToCanonical(value: unknown): unknown {
  return typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
}

/**
 * A canonical reservation id as a 2.1.1 int. Only a decimal integer can go; one written with
 * leading zeros loses them (reported); anything else has no 2.1.1 form (ConversionError).
 */
function reservationIdFromCanonical(value: unknown, ctx: ConversionContext, pointer: string): unknown {
  if (typeof value !== 'string') return value;
  if (!/^-?\d+$/.test(value)) {
    throw new ConversionError(`reservation_id '${value}' is not an integer; 2.1.1 reservation ids are ints`);
  }
  const id = Number(value);
  if (!Number.isSafeInteger(id)) {
    throw new ConversionError(`reservation_id '${value}' is too large for a 2.1.1 int`);
  }
  if (String(id) !== value) ctx.report('ReserveNow.reservation_id-renumbered', pointer);
  return id;
}

function reserveNowToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const out = withObject(value, 'token', tokenConverters['2.1.1'].toCanonical, ctx, pointer);
  return ordered(
    withFields(out, ['reservation_id'], reservationIdToCanonical, ctx, pointer),
    v2_3_0.commands.ReserveNow,
  );
}

function reserveNowFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  let out = dropFields(value, DROPPED, 'ReserveNow', '2.1.1', ctx, pointer);
  out = withFields(out, ['reservation_id'], reservationIdFromCanonical, ctx, pointer);
  return withObject(out, 'token', tokenConverters['2.1.1'].fromCanonical, ctx, pointer);
}

function startSessionFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const out = dropFields(value, DROPPED, 'StartSession', '2.1.1', ctx, pointer);
  return withObject(out, 'token', tokenConverters['2.1.1'].fromCanonical, ctx, pointer);
}

/** 2.2.1 and canonical differ only in the embedded Token. */
const tokenBearer221 = downOnly((value, ctx, pointer) =>
  withObject(value, 'token', tokenConverters['2.2.1'].fromCanonical, ctx, pointer),
);

// ---- answers ----

const COMMAND_RESPONSE_TYPES_2_1_1 = enumValues(v2_1_1.commands.CommandResponseType);
const COMMAND_RESPONSE_TYPES_2_2_1 = enumValues(v2_2_1.commands.CommandResponseType);
const COMMAND_RESULT_TYPES = enumValues(v2_3_0.commands.CommandResultType);

/** A `result` the target's type lacks: REJECTED (the command was not carried out as asked). */
function withResult(
  value: Json,
  known: readonly string[],
  ctx: ConversionContext,
  id: string,
  pointer: string,
): Json {
  return withEnum(value, 'result', known, 'REJECTED', ctx, id, pointer);
}

function commandResponseToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  // 2.2 moved TIMEOUT to the asynchronous result: as a direct answer it means "not accepted".
  const id = 'CommandResponse.timeout-as-rejected';
  const out = withResult(value, COMMAND_RESPONSE_TYPES_2_2_1, ctx, id, pointer);
  if (!ctx.partial && !('timeout' in out)) {
    ctx.report('CommandResponse.timeout-invented', child(pointer, 'timeout'));
    return ordered({ ...out, timeout: DEFAULT_COMMAND_TIMEOUT_SECONDS }, v2_3_0.commands.CommandResponse);
  }
  return ordered(out, v2_3_0.commands.CommandResponse);
}

function commandResponseFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const { timeout, ...rest } = dropFields(value, DROPPED, 'CommandResponse', '2.1.1', ctx, pointer);
  // The default is what the way back restores: dropping it loses nothing.
  if (timeout !== undefined && timeout !== DEFAULT_COMMAND_TIMEOUT_SECONDS) {
    ctx.report('CommandResponse.timeout-dropped', child(pointer, 'timeout'));
  }
  return rest; // every 2.2 CommandResponseType value exists in 2.1.1
}

const commandResult211 = {
  toCanonical: (value: Json, ctx: ConversionContext, pointer: string) =>
    withResult(value, COMMAND_RESULT_TYPES, ctx, 'CommandResult.unknown-session-as-rejected', pointer),
  fromCanonical: (value: Json, ctx: ConversionContext, pointer: string) =>
    withResult(
      dropFields(value, DROPPED, 'CommandResult', '2.1.1', ctx, pointer),
      COMMAND_RESPONSE_TYPES_2_1_1,
      ctx,
      'CommandResult.result-as-rejected',
      pointer,
    ),
};

// ---- the module ----

export const converters: ModuleConverters = {
  ReserveNow: {
    '2.1.1': { toCanonical: reserveNowToCanonical211, fromCanonical: reserveNowFromCanonical211 },
    '2.2.1': tokenBearer221,
  },
  StartSession: {
    '2.1.1': {
      toCanonical: (value, ctx, pointer) =>
        ordered(
          withObject(value, 'token', tokenConverters['2.1.1'].toCanonical, ctx, pointer),
          v2_3_0.commands.StartSession,
        ),
      fromCanonical: startSessionFromCanonical211,
    },
    '2.2.1': tokenBearer221,
  },
  // Same fields in every version (2.2 only makes the ids CiString).
  StopSession: unchangedIn('2.1.1', '2.2.1'),
  UnlockConnector: unchangedIn('2.1.1', '2.2.1'),
  // New in 2.2.
  CancelReservation: unchangedIn('2.2.1'),
  CommandResponse: {
    '2.1.1': { toCanonical: commandResponseToCanonical211, fromCanonical: commandResponseFromCanonical211 },
    '2.2.1': identity,
  },
  CommandResult: { '2.1.1': commandResult211, '2.2.1': identity },
};

export const lossyMappings: LossyMapping[] = [
  row(
    'ReserveNow.reservation_id-renumbered',
    'ReserveNow',
    'reservation_id',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 reservation ids are ints: a decimal id written with leading zeros ("007") becomes the int 7, ' +
      'which the sender will not recognise as its id. (An id that is not a decimal integer cannot be ' +
      'sent to 2.1.1 at all: ConversionError.)',
  ),
  row(
    'CommandResponse.timeout-as-rejected',
    'CommandResponse',
    'result',
    '2.1.1',
    '2.3.0',
    'loses',
    '2.2 has no TIMEOUT among the direct answers (it is a CommandResult value there): a 2.1.1 direct ' +
      'answer TIMEOUT becomes REJECTED (the command was not accepted).',
  ),
  row(
    'CommandResponse.timeout-invented',
    'CommandResponse',
    'timeout',
    '2.1.1',
    '2.3.0',
    'invents',
    `A 2.1.1 CPO gives no timeout for the asynchronous result; canonical requires one: ` +
      `${DEFAULT_COMMAND_TIMEOUT_SECONDS} seconds is assumed.`,
  ),
  row(
    'CommandResponse.timeout-dropped',
    'CommandResponse',
    'timeout',
    '2.3.0',
    '2.1.1',
    'loses',
    `2.1.1 has no timeout: the eMSP does not learn how long to wait for the result. Not reported for ` +
      `the ${DEFAULT_COMMAND_TIMEOUT_SECONDS}-second default, which the way back restores.`,
  ),
  row(
    'CommandResult.unknown-session-as-rejected',
    'CommandResult',
    'result',
    '2.1.1',
    '2.3.0',
    'loses',
    'A 2.1.1 asynchronous answer (a CommandResponse body) UNKNOWN_SESSION has no CommandResultType: ' +
      'it becomes REJECTED.',
  ),
  row(
    'CommandResult.result-as-rejected',
    'CommandResult',
    'result',
    '2.3.0',
    '2.1.1',
    'loses',
    'A 2.1.1 asynchronous answer is a CommandResponse: CANCELED_RESERVATION, EVSE_OCCUPIED, ' +
      'EVSE_INOPERATIVE, FAILED and UNKNOWN_RESERVATION become REJECTED (the reason is lost).',
  ),
  ...droppedFieldRows(DROPPED),
];
