/** OCPI 2.2.1, chapter "Types": the classes and enums shared by every module. */
import type { Static } from '@sinclair/typebox';
import { OcpiClass, OcpiEnum, OcpiNumber, OcpiString, Optional } from '../common/primitives.js';

export const DisplayText = OcpiClass('DisplayText', {
  language: OcpiString(2),
  text: OcpiString(512),
});
export type DisplayText = Static<typeof DisplayText>;

export const Price = OcpiClass('Price', {
  excl_vat: OcpiNumber(),
  incl_vat: Optional(OcpiNumber()),
});
export type Price = Static<typeof Price>;

export const Role = OcpiEnum('Role', ['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'SCSP']);
export type Role = Static<typeof Role>;
