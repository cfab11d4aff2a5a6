/** OCPI 2.3.0, chapter "Types": the classes and enums shared by every module. */
import type { Static } from '@sinclair/typebox';
import { OcpiClass, OcpiEnum, OcpiNumber, OcpiString, Optional, ZeroOrMore } from '../common/primitives.js';

export { DisplayText } from '../v2_2_1/types.js';

// 2.3.0: new. One tax line of a Price; lengths are not limited by the spec.
export const TaxAmount = OcpiClass('TaxAmount', {
  name: OcpiString(),
  account_number: Optional(OcpiString()),
  percentage: Optional(OcpiNumber()),
  amount: OcpiNumber(),
});
export type TaxAmount = Static<typeof TaxAmount>;

// 2.3.0: before_taxes plus a list of TaxAmount lines (2.2.1: excl_vat/incl_vat).
export const Price = OcpiClass('Price', {
  before_taxes: OcpiNumber(),
  taxes: ZeroOrMore(TaxAmount),
});
export type Price = Static<typeof Price>;

// 2.3.0: drops HUB (a hub's reachable parties are listed under their own roles in credentials).
export const Role = OcpiEnum('Role', ['CPO', 'EMSP', 'NAP', 'NSP', 'OTHER', 'SCSP']);
export type Role = Static<typeof Role>;
