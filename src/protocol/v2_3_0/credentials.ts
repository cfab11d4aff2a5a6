/** OCPI 2.3.0, chapter "Credentials": what two platforms exchange to register with each other. */
import type { Static } from '@sinclair/typebox';
import { CiString, DerivedClass, OneOrMore, Optional } from '../common/primitives.js';
import * as v2_2_1 from '../v2_2_1/credentials.js';
import { BusinessDetails } from './locations.js';
import { Role } from './types.js';

/** 2.3.0: role is the 2.3.0 Role (no HUB value any more); business_details the 2.3.0 BusinessDetails. */
export const CredentialsRole = DerivedClass('CredentialsRole', v2_2_1.CredentialsRole, {
  role: Role,
  business_details: BusinessDetails,
});
export type CredentialsRole = Static<typeof CredentialsRole>;

/**
 * 2.3.0: adds `hub_party_id` (country code + party id of the Hub, 5 characters), since a Hub no
 * longer appears as a role; `roles` are 2.3.0 CredentialsRoles and now also list the parties
 * reachable through a Hub.
 */
export const Credentials = DerivedClass(
  'Credentials',
  v2_2_1.Credentials,
  { hub_party_id: Optional(CiString(5)), roles: OneOrMore(CredentialsRole) },
  { after: { hub_party_id: 'url' } },
);
export type Credentials = Static<typeof Credentials>;
