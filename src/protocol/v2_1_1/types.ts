/** OCPI 2.1.1, chapter "Types": the only class the chapter defines is DisplayText. */
import type { Static } from '@sinclair/typebox';
import { OcpiClass, OcpiString } from '../common/primitives.js';

export const DisplayText = OcpiClass('DisplayText', {
  language: OcpiString(2),
  text: OcpiString(512),
});
export type DisplayText = Static<typeof DisplayText>;
