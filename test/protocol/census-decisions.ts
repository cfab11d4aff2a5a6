/**
 * Recorded decisions of the spec census (census.test.ts): differences between the spec's
 * property/value tables and Roamkit's schemas that are known and accepted, each with its reason.
 * A difference not listed here fails the census. Keep reasons short and in our own words.
 *
 * `field` is the field or enum value concerned (leave it out for a whole class/enum); `kind`
 * narrows a decision to one kind of difference (see DiffKind in test/helpers/census.ts).
 */
import type { Decision } from '../helpers/census.js';

export const decisions: readonly Decision[] = [
  // --- 2.3.0: spelling slips in the type column (the type meant is not in doubt) ---
  {
    version: '2.3.0',
    object: 'EVSE',
    field: 'accepted_service_providers',
    kind: 'type',
    reason: 'spec writes `String[50]`, a capitalised spelling of the string type: string(50)',
  },
  {
    version: '2.3.0',
    object: 'Parking',
    field: 'physical_reference',
    kind: 'type',
    reason: 'spec writes `String[12]`, a capitalised spelling of the string type: string(12)',
  },
  {
    version: '2.3.0',
    object: 'AccessInformation',
    field: 'value',
    kind: 'type',
    reason: 'bookings branch writes `String` (no link, no length): read as string without a length',
  },
  {
    version: '2.3.0',
    object: 'Calendar',
    field: 'available_timeslots',
    kind: 'type',
    reason: 'bookings branch writes `TimeSlot`; the class (and the link target) is Timeslot',
  },
  {
    version: '2.3.0',
    object: 'BookingRequest',
    field: 'tokens',
    kind: 'type',
    reason:
      'bookings branch writes `BookingTokens`; the link goes to the BookingToken class (card * makes it a list)',
  },
  // --- Roamkit's own registry entries ---
  {
    version: '2.3.0',
    object: 'TerminalActivationRequest',
    kind: 'extra-object',
    reason:
      'body of POST terminals/activate: a Terminal whose terminal_id may be absent; the spec gives it no class name',
  },
];
