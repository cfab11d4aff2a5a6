/** OCPI 2.2.1, chapter "Credentials": what two platforms exchange to register with each other. */
import type { Static } from '@sinclair/typebox';
import { CiString, OcpiClass, OcpiString, OneOrMore, Url } from '../common/primitives.js';
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
 * 2.2: one connection per platform, listing every role it plays (2.1.1 had one party inline).
 * The token is printable non-whitespace ASCII by the text; string(64) is what the table types.
 */
export const Credentials = OcpiClass('Credentials', {
  token: OcpiString(64),
  url: Url(),
  roles: OneOrMore(CredentialsRole),
});
export type Credentials = Static<typeof Credentials>;
