/** OCPI 2.1.1, chapter "Credentials": what two parties exchange to register with each other. */
import type { Static } from '@sinclair/typebox';
import { OcpiClass, OcpiString, Url } from '../common/primitives.js';
import { BusinessDetails } from './locations.js';

/** 2.1.1 carries a single party per connection (2.2 moves this into a list of roles). */
export const Credentials = OcpiClass('Credentials', {
  token: OcpiString(64),
  url: Url(),
  business_details: BusinessDetails,
  party_id: OcpiString(3),
  country_code: OcpiString(2),
});
export type Credentials = Static<typeof Credentials>;
