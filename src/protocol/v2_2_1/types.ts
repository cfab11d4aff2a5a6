/** OCPI 2.2.1, chapter "Types": the classes and enums shared by every module. */
import type { Static } from '@sinclair/typebox';
import { OcpiClass, OcpiEnum, OcpiNumber, Optional } from '../common/primitives.js';

export { DisplayText } from '../v2_1_1/types.js';

// 2.2.1: new (2.1.1 has no Price class; its tariffs carry bare numbers).
export const Price = OcpiClass('Price', {
  excl_vat: OcpiNumber(),
  incl_vat: Optional(OcpiNumber()),
});
export type Price = Static<typeof Price>;

// 2.2.1: new (2.1.1 has no roles: one party per connection).
export const Role = OcpiEnum('Role', ['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'SCSP']);
export type Role = Static<typeof Role>;
