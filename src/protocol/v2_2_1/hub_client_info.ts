/** OCPI 2.2.1, chapter "HubClientInfo": a Hub telling its parties which other parties are reachable. */
import type { Static } from '@sinclair/typebox';
import { CiString, DateTime, OcpiClass, OcpiEnum } from '../common/primitives.js';
import { Role } from './types.js';

export const ConnectionStatus = OcpiEnum('ConnectionStatus', [
  'CONNECTED',
  'OFFLINE',
  'PLANNED',
  'SUSPENDED',
]);
export type ConnectionStatus = Static<typeof ConnectionStatus>;

/** One party behind the Hub, keyed by (country_code, party_id, role) as in its credentials. */
export const ClientInfo = OcpiClass('ClientInfo', {
  party_id: CiString(3),
  country_code: CiString(2),
  role: Role,
  status: ConnectionStatus,
  last_updated: DateTime(),
});
export type ClientInfo = Static<typeof ClientInfo>;
