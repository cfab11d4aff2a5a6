/** OCPI 2.3.0, chapter "HubClientInfo": a Hub telling its parties which other parties are reachable. */
import type { Static } from '@sinclair/typebox';
import { DerivedClass } from '../common/primitives.js';
import * as v2_2_1 from '../v2_2_1/hub_client_info.js';
import { Role } from './types.js';

// Unchanged since 2.2.1.
export { ConnectionStatus } from '../v2_2_1/hub_client_info.js';

/** 2.3.0: role is the 2.3.0 Role (no HUB value any more). */
export const ClientInfo = DerivedClass('ClientInfo', v2_2_1.ClientInfo, { role: Role });
export type ClientInfo = Static<typeof ClientInfo>;
