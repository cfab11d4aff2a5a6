/** OCPI 2.3.0, chapter "HubClientInfo": a Hub telling its parties which other parties are reachable. */
import type { Static } from '@sinclair/typebox';
import { CiString, DateTime, OcpiClass } from '../common/primitives.js';
import { ConnectionStatus } from '../v2_2_1/hub_client_info.js';
import { Role } from './types.js';

// Unchanged since 2.2.1.
export { ConnectionStatus };

/** 2.3.0: redefined only because Role changed (no HUB value any more); fields are 2.2.1's. */
export const ClientInfo = OcpiClass('ClientInfo', {
  party_id: CiString(3),
  country_code: CiString(2),
  role: Role,
  status: ConnectionStatus,
  last_updated: DateTime(),
});
export type ClientInfo = Static<typeof ClientInfo>;
