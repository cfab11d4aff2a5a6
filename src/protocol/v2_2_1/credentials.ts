/** OCPI 2.2.1, chapter "Credentials": what two platforms exchange to register with each other. */
import type { Static } from '@sinclair/typebox';
import { CiString, DerivedClass, OcpiClass, OneOrMore } from '../common/primitives.js';
import * as v2_1_1 from '../v2_1_1/credentials.js';
import { BusinessDetails } from './locations.js';
import { Role } from './types.js';

/** One role a platform plays; each (role, party_id, country_code) is unique. */
export const CredentialsRole = OcpiClass('CredentialsRole', {
  role: Role,
  business_details: BusinessDetails,
  party_id: CiString(3),
  country_code: CiString(2),
});
export type CredentialsRole = Static<typeof CredentialsRole>;

/**
 * 2.2: one connection per platform, listing every role it plays: `roles` replaces 2.1.1's inline
 * `business_details`, `party_id` and `country_code`. `token` and `url` are unchanged (the token is
 * printable non-whitespace ASCII by the text; string(64) is what the table types).
 */
export const Credentials = DerivedClass(
  'Credentials',
  v2_1_1.Credentials,
  { roles: OneOrMore(CredentialsRole) },
  { remove: ['business_details', 'party_id', 'country_code'] },
);
export type Credentials = Static<typeof Credentials>;
