/** OCPI 2.3.0, chapter "Credentials": what two platforms exchange to register with each other. */
import type { Static } from '@sinclair/typebox';
import { CiString, OcpiClass, OcpiString, OneOrMore, Optional, Url } from '../common/primitives.js';
import { BusinessDetails } from './locations.js';
import { Role } from './types.js';

/** 2.3.0: redefined because Role changed (no HUB value any more); fields are 2.2.1's. */
export const CredentialsRole = OcpiClass('CredentialsRole', {
  role: Role,
  business_details: BusinessDetails,
  party_id: CiString(3),
  country_code: CiString(2),
});
export type CredentialsRole = Static<typeof CredentialsRole>;

/**
 * 2.3.0: adds `hub_party_id` (country code + party id of the Hub, 5 characters), since a Hub no
 * longer appears as a role; `roles` now also lists the parties reachable through a Hub.
 */
export const Credentials = OcpiClass('Credentials', {
  token: OcpiString(64),
  url: Url(),
  hub_party_id: Optional(CiString(5)),
  roles: OneOrMore(CredentialsRole),
});
export type Credentials = Static<typeof Credentials>;
