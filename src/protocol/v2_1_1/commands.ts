/** OCPI 2.1.1, chapter "Commands": remote commands to a Charge Point and their asynchronous answer. */
import type { Static } from '@sinclair/typebox';
import { DateTime, OcpiClass, OcpiEnum, OcpiInt, OcpiString, Optional, Url } from '../common/primitives.js';
import { Token } from './tokens.js';

/** In 2.1.1 one enum serves both the CPO's direct answer and the Charge Point's later result. */
export const CommandResponseType = OcpiEnum('CommandResponseType', [
  'NOT_SUPPORTED',
  'REJECTED',
  'ACCEPTED',
  'TIMEOUT',
  'UNKNOWN_SESSION',
]);
export type CommandResponseType = Static<typeof CommandResponseType>;

/** The `{command}` URL segment of the CPO's commands endpoint. */
export const CommandType = OcpiEnum('CommandType', [
  'RESERVE_NOW',
  'START_SESSION',
  'STOP_SESSION',
  'UNLOCK_CONNECTOR',
]);
export type CommandType = Static<typeof CommandType>;

/** Both the synchronous response body and the body POSTed to `response_url` later. */
export const CommandResponse = OcpiClass('CommandResponse', {
  result: CommandResponseType,
});
export type CommandResponse = Static<typeof CommandResponse>;

/** Body for RESERVE_NOW; reusing a `reservation_id` replaces that reservation. */
export const ReserveNow = OcpiClass('ReserveNow', {
  response_url: Url(),
  token: Token,
  expiry_date: DateTime(),
  reservation_id: OcpiInt(),
  location_id: OcpiString(39),
  evse_uid: Optional(OcpiString(39)),
});
export type ReserveNow = Static<typeof ReserveNow>;

/** Body for START_SESSION; without `evse_uid` the Charge Point picks the EVSE. */
export const StartSession = OcpiClass('StartSession', {
  response_url: Url(),
  token: Token,
  location_id: OcpiString(39),
  evse_uid: Optional(OcpiString(39)),
});
export type StartSession = Static<typeof StartSession>;

/** Body for STOP_SESSION. */
export const StopSession = OcpiClass('StopSession', {
  response_url: Url(),
  session_id: OcpiString(36),
});
export type StopSession = Static<typeof StopSession>;

/** Body for UNLOCK_CONNECTOR (help-desk use only, never driver-initiated). */
export const UnlockConnector = OcpiClass('UnlockConnector', {
  response_url: Url(),
  location_id: OcpiString(39),
  evse_uid: OcpiString(39),
  connector_id: OcpiString(36),
});
export type UnlockConnector = Static<typeof UnlockConnector>;
