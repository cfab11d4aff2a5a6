/**
 * Notes of a pricing: what a person should look at, with a machine-readable code.
 *
 * `review` notes mean the result may not be what the parties agreed: the input is inconsistent, or
 * the Tariff or the periods do not say enough to price exactly (`roamkit price` fails an invoice
 * check on any of them). `info` notes explain a result that follows the rules but may surprise.
 */

export type NoteSeverity = 'review' | 'info';

export const NOTE_CODES = {
  /** A period outlasts the Price Component pricing it: the CPO should have split it. */
  PERIOD_SPANS_COMPONENT_CHANGE: 'review',
  /** A period starts before the one listed before it. */
  PERIODS_OUT_OF_ORDER: 'review',
  /** A period starts before the session start or after its end. */
  PERIOD_OUTSIDE_SESSION: 'review',
  /** A period's start_date_time is not a DateTime: it is not priced. */
  PERIOD_INVALID: 'review',
  /** A period's TIME, PARKING_TIME and RESERVATION_TIME add up to more than the period lasts. */
  TIME_EXCEEDS_PERIOD: 'review',
  /** A period names another Tariff (tariff_id): this Tariff does not price it. */
  PERIOD_OTHER_TARIFF: 'review',
  /** A period starts outside the Tariff's start_date_time/end_date_time: it is not priced. */
  TARIFF_NOT_VALID: 'review',
  /** The Tariff prices this dimension, but no element's restrictions held: the volume is free. */
  DIMENSION_NOT_PRICED: 'review',
  /** The Tariff has no Price Component for a measured dimension at all: free by design. */
  DIMENSION_NOT_IN_TARIFF: 'info',
  /** A power or current restriction had to be judged, and the period has no such dimension. */
  RESTRICTION_NOT_MEASURED: 'review',
  /** Something in the Tariff breaks the spec (negative VAT, a malformed time, min above max…). */
  MALFORMED_TARIFF: 'review',
  /** tax_included NO and a component without vat: taxes may still be added by local law (2.3.0). */
  TAXES_NOT_INCLUDED: 'info',
  /** tax_included YES and a component without vat: its tax share is unknown, reported as before taxes. */
  TAX_SHARE_UNKNOWN: 'info',
  /** An after_taxes limit could not be judged because the taxes are not known. */
  AFTER_TAXES_LIMIT_NOT_JUDGED: 'info',
  /** The Tariff has local-time restrictions, and the time zone was not given: UTC was assumed (CLI). */
  TIME_ZONE_ASSUMED: 'review',
} as const satisfies Record<string, NoteSeverity>;

export type NoteCode = keyof typeof NOTE_CODES;

export interface PricingNote {
  code: NoteCode;
  severity: NoteSeverity;
  message: string;
  /** Indexes in the session's charging_periods the note is about. */
  periods?: number[];
  /** Index of the Tariff Element concerned. */
  element?: number;
  /** The dimension concerned. */
  dimension?: string;
  /** JSON pointer into the Tariff, for MALFORMED_TARIFF. */
  pointer?: string;
}

export function note(code: NoteCode, message: string, extra: Partial<PricingNote> = {}): PricingNote {
  return { code, severity: NOTE_CODES[code], message, ...extra };
}

/** Whether any note asks for a person to look. */
export function needsReview(notes: readonly PricingNote[]): boolean {
  return notes.some((n) => n.severity === 'review');
}
