/** OCPI 2.2.1, chapter "Commands": remote commands to a Charge Point and their asynchronous result. */
import type { Static } from '@sinclair/typebox';
import {
  CiString,
  DateTime,
  DerivedClass,
  enumValues,
  OcpiClass,
  OcpiEnum,
  OcpiInt,
  Optional,
  Url,
  ZeroOrMore,
} from '../common/primitives.js';
import * as v2_1_1 from '../v2_1_1/commands.js';
import { Token } from './tokens.js';
import { DisplayText } from './types.js';

/** 2.2: the CPO's direct answer only (TIMEOUT moved to CommandResultType). */
export const CommandResponseType = OcpiEnum('CommandResponseType', [
  'NOT_SUPPORTED',
  'REJECTED',
  'ACCEPTED',
  'UNKNOWN_SESSION',
]);
export type CommandResponseType = Static<typeof CommandResponseType>;

/** What the Charge Point finally did, POSTed to the Sender's `response_url`. */
export const CommandResultType = OcpiEnum('CommandResultType', [
  'ACCEPTED',
  'CANCELED_RESERVATION',
  'EVSE_OCCUPIED',
  'EVSE_INOPERATIVE',
  'FAILED',
  'NOT_SUPPORTED',
  'REJECTED',
  'TIMEOUT',
  'UNKNOWN_RESERVATION',
]);
export type CommandResultType = Static<typeof CommandResultType>;

/** 2.2: adds CANCEL_RESERVATION. */
export const CommandType = OcpiEnum('CommandType', [...enumValues(v2_1_1.CommandType), 'CANCEL_RESERVATION']);
export type CommandType = Static<typeof CommandType>;

/** Body for CANCEL_RESERVATION: the Sender's own `reservation_id` from its ReserveNow. */
export const CancelReservation = OcpiClass('CancelReservation', {
  response_url: Url(),
  reservation_id: CiString(36),
});
export type CancelReservation = Static<typeof CancelReservation>;

/** 2.2: synchronous answer of the Receiver; `timeout` tells the Sender how long to wait for the result. */
export const CommandResponse = OcpiClass('CommandResponse', {
  result: CommandResponseType,
  timeout: OcpiInt(),
  message: ZeroOrMore(DisplayText),
});
export type CommandResponse = Static<typeof CommandResponse>;

/** The asynchronous result body, POSTed to `response_url`. */
export const CommandResult = OcpiClass('CommandResult', {
  result: CommandResultType,
  message: ZeroOrMore(DisplayText),
});
export type CommandResult = Static<typeof CommandResult>;

/** 2.2: `reservation_id` becomes CiString(36), ids CiString(36), adds `authorization_reference`. */
export const ReserveNow = OcpiClass('ReserveNow', {
  response_url: Url(),
  token: Token,
  expiry_date: DateTime(),
  reservation_id: CiString(36),
  location_id: CiString(36),
  evse_uid: Optional(CiString(36)),
  authorization_reference: Optional(CiString(36)),
});
export type ReserveNow = Static<typeof ReserveNow>;

/** 2.2: ids CiString(36), adds `connector_id` and `authorization_reference`. */
export const StartSession = OcpiClass('StartSession', {
  response_url: Url(),
  token: Token,
  location_id: CiString(36),
  evse_uid: Optional(CiString(36)),
  connector_id: Optional(CiString(36)),
  authorization_reference: Optional(CiString(36)),
});
export type StartSession = Static<typeof StartSession>;

/** 2.2: `session_id` becomes CiString(36). */
export const StopSession = DerivedClass('StopSession', v2_1_1.StopSession, { session_id: CiString(36) });
export type StopSession = Static<typeof StopSession>;

/** 2.2: ids become CiString(36). */
export const UnlockConnector = OcpiClass('UnlockConnector', {
  response_url: Url(),
  location_id: CiString(36),
  evse_uid: CiString(36),
  connector_id: CiString(36),
});
export type UnlockConnector = Static<typeof UnlockConnector>;
