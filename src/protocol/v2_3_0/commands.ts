/** OCPI 2.3.0, chapter "Commands": remote commands to a Charge Point and their asynchronous result. */
import type { Static } from '@sinclair/typebox';
import { CiString, DateTime, OcpiClass, OcpiOpenEnum, Optional, Url } from '../common/primitives.js';
import {
  CancelReservation,
  CommandResponse,
  CommandResponseType,
  CommandResult,
  CommandResultType,
  StopSession,
  UnlockConnector,
} from '../v2_2_1/commands.js';
import { Token } from './tokens.js';

// Unchanged since 2.2.1.
export {
  CancelReservation,
  CommandResponse,
  CommandResponseType,
  CommandResult,
  CommandResultType,
  StopSession,
  UnlockConnector,
};

/** 2.3.0: becomes an OpenEnum (same known values). */
export const CommandType = OcpiOpenEnum('CommandType', [
  'CANCEL_RESERVATION',
  'RESERVE_NOW',
  'START_SESSION',
  'STOP_SESSION',
  'UNLOCK_CONNECTOR',
]);
export type CommandType = Static<typeof CommandType>;

/** 2.3.0: redefined only because it embeds the changed Token. */
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

/** 2.3.0: redefined only because it embeds the changed Token. */
export const StartSession = OcpiClass('StartSession', {
  response_url: Url(),
  token: Token,
  location_id: CiString(36),
  evse_uid: Optional(CiString(36)),
  connector_id: Optional(CiString(36)),
  authorization_reference: Optional(CiString(36)),
});
export type StartSession = Static<typeof StartSession>;
