/** Sessions and Tariffs for the tariff engine's tests. */
import { toCanonical } from '../../src/model/index.js';
import type { CdrDimensionType, ChargingPeriod } from '../../src/protocol/v2_3_0/cdrs.js';
import type { Tariff, TariffElement } from '../../src/protocol/v2_3_0/tariffs.js';
import type { Price } from '../../src/protocol/v2_3_0/types.js';
import type { Pricing, PricingSession } from '../../src/tariff/index.js';
import { readExample } from '../helpers/fixtures.js';

/** `base` plus some minutes, as an OCPI DateTime. */
export function at(base: string, minutes: number): string {
  const iso = new Date(Date.parse(base) + Math.round(minutes * 60_000)).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

export type Dimensions = Partial<Record<CdrDimensionType, number>>;

/** A period: minutes after the session start, its dimensions, and optionally its tariff_id. */
export type PeriodSpec = [minute: number, dimensions: Dimensions, tariffId?: string];

export function periodsOf(base: string, specs: readonly PeriodSpec[]): ChargingPeriod[] {
  return specs.map(([minute, dims, tariffId]) => ({
    start_date_time: at(base, minute),
    dimensions: Object.entries(dims).map(([type, volume]) => ({ type: type as CdrDimensionType, volume })),
    ...(tariffId !== undefined && { tariff_id: tariffId }),
  }));
}

/** A session from `base` (UTC) lasting `endMinute` minutes, with periods at minute offsets. */
export function session(
  base: string,
  specs: readonly PeriodSpec[],
  endMinute: number,
  timeZone = 'Europe/Amsterdam',
): PricingSession {
  return {
    start_date_time: base,
    end_date_time: at(base, endMinute),
    time_zone: timeZone,
    charging_periods: periodsOf(base, specs),
  };
}

export type ChapterVersion = '2.2.1' | '2.3.0';
export const CHAPTERS: readonly ChapterVersion[] = ['2.2.1', '2.3.0'];

/** A Tariff example file of a chapter, in the canonical model (2.2.1 through the converter). */
export function example(version: ChapterVersion, file: string): Tariff {
  const raw = readExample(`${version}/${file}`);
  return toCanonical('Tariff', version, raw).value as unknown as Tariff;
}

/** A canonical Tariff around some elements. */
export function tariff(elements: TariffElement[], extra: Partial<Tariff> = {}): Tariff {
  return {
    country_code: 'NL',
    party_id: 'RKT',
    id: 'T1',
    currency: 'EUR',
    elements,
    tax_included: 'NO',
    last_updated: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

/** [before taxes, after taxes] of a pricing's total. */
export function totals(p: Pricing): [number, number] {
  return [p.totals.before_taxes, p.totals.after_taxes];
}

/** [before taxes, after taxes] of a Price, the taxes summed exactly (to 1e-9). */
export function sides(price: Price | undefined): [number, number] | undefined {
  if (price === undefined) return undefined;
  const taxes = (price.taxes ?? []).reduce((sum, t) => sum + Math.round(t.amount * 1e9), 0);
  return [price.before_taxes, Math.round(price.before_taxes * 1e9 + taxes) / 1e9];
}

/** The codes of a pricing's notes. */
export function codes(p: Pricing): string[] {
  return p.notes.map((n) => n.code);
}
