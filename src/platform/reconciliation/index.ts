/**
 * Invoice reconciliation at the eMSP: every CDR a CPO sent is priced again by the tariff engine
 * from the tariff it names (the tariffs the CDR carries, else the CPO's tariff we hold from sync)
 * and its own charging periods, and compared with what the CPO billed. Credit CDRs are netted
 * against the CDRs they credit: a CDR credited and replaced counts by its replacement.
 */
import { Decimal } from 'decimal.js';
import type { ChargingPeriod } from '../../protocol/v2_3_0/cdrs.js';
import type { Tariff } from '../../protocol/v2_3_0/tariffs.js';
import type { ObjectKey, OcpiObjectRecord, Store } from '../../store/types.js';
import { checkCdr, needsReview, priceSession } from '../../tariff/index.js';

type Json = Record<string, unknown>;

export type CdrVerdict = 'OK' | 'MISMATCH' | 'REVIEW' | 'NO_TARIFF' | 'CREDITED' | 'CREDIT';

/** One CDR of the report. */
export interface ReconciledCdr {
  id: string;
  owner: string;
  start: string;
  end: string;
  currency: string;
  tariffId?: string;
  /** total_cost before taxes as the CPO billed it (a credit CDR: negative). */
  billed: number;
  /** What the tariff gives for the CDR's periods (a credit CDR: the negation of its original's). */
  computed?: number;
  /** billed − computed. */
  difference?: number;
  verdict: CdrVerdict;
  /** Why, for anything but OK: the differing fields, the engine's notes, the missing tariff. */
  detail?: string;
  /** A credit CDR: the CDR it credits. A credited CDR: the credit CDR that cancels it. */
  creditReference?: string;
  creditedBy?: string;
}

export interface ReconciliationReport {
  cdrs: ReconciledCdr[];
  totals: {
    /** Per currency: net billed (credits netted), net computed, difference; counts per verdict. */
    byCurrency: Record<string, { billed: number; computed: number; difference: number }>;
    verdicts: Partial<Record<CdrVerdict, number>>;
  };
}

export interface ReconcileOptions {
  /** Amounts within this many currency units agree (default 0.01). */
  tolerance?: number;
}

/** Where a tariff and a time zone come from for one CDR (the store at the eMSP; a map in tests). */
export interface TariffSource {
  tariff(owner: { countryCode: string; partyId: string }, id: string): Promise<Json | undefined>;
  timeZone(owner: { countryCode: string; partyId: string }, locationId: string): Promise<string | undefined>;
}

const difference = (billed: number, computed: number): number =>
  new Decimal(billed).minus(computed).toNumber();

const beforeTaxes = (price: unknown): number =>
  price !== null && typeof price === 'object' && typeof (price as Json).before_taxes === 'number'
    ? ((price as Json).before_taxes as number)
    : 0;

/** The tariff id the CDR's periods name (the first), else the only tariff it carries. */
function tariffIdOf(cdr: Json): string | undefined {
  const periods = Array.isArray(cdr.charging_periods) ? (cdr.charging_periods as Json[]) : [];
  const named = periods.find((p) => typeof p.tariff_id === 'string')?.tariff_id as string | undefined;
  if (named !== undefined) return named;
  const carried = Array.isArray(cdr.tariffs) ? (cdr.tariffs as Json[]) : [];
  return carried.length === 1 ? (carried[0]?.id as string | undefined) : undefined;
}

/** The fields every row of the report has, as the CDR states them. */
function row(record: Pick<OcpiObjectRecord, 'key' | 'data'>, verdict: CdrVerdict): ReconciledCdr {
  const { key, data } = record;
  return {
    id: key.id,
    owner: `${key.countryCode}/${key.partyId}`,
    start: String(data.start_date_time),
    end: String(data.end_date_time),
    currency: String(data.currency),
    billed: beforeTaxes(data.total_cost),
    verdict,
  };
}

/** One (non-credit) CDR priced again and compared. */
export async function reconcileCdr(
  record: Pick<OcpiObjectRecord, 'key' | 'data'>,
  source: TariffSource,
  options: ReconcileOptions = {},
): Promise<ReconciledCdr> {
  const cdr = record.data;
  const owner = { countryCode: record.key.countryCode, partyId: record.key.partyId };
  const base = row(record, 'OK');
  const tariffId = tariffIdOf(cdr);
  const carried = (Array.isArray(cdr.tariffs) ? (cdr.tariffs as Json[]) : []).find((t) => t.id === tariffId);
  const tariff = carried ?? (tariffId === undefined ? undefined : await source.tariff(owner, tariffId));
  if (tariff === undefined) {
    return {
      ...base,
      ...(tariffId === undefined ? {} : { tariffId }),
      verdict: 'NO_TARIFF',
      detail:
        tariffId === undefined
          ? 'the CDR names no tariff and carries none'
          : `tariff ${tariffId} is neither in the CDR nor known from the CPO`,
    };
  }
  const location = (cdr.cdr_location ?? {}) as Json;
  const timeZone = (await source.timeZone(owner, String(location.id))) ?? 'UTC';
  const pricing = priceSession(tariff as unknown as Tariff, {
    start_date_time: String(cdr.start_date_time),
    end_date_time: String(cdr.end_date_time),
    time_zone: timeZone,
    charging_periods: cdr.charging_periods as ChargingPeriod[],
  });
  const check = checkCdr(pricing, cdr, '2.3.0', options.tolerance);
  const computed = pricing.totals.before_taxes;
  const differing = check.compared.filter((c) => !c.ok);
  const review = pricing.notes.filter((n) => needsReview([n]));
  const verdict: CdrVerdict = differing.length > 0 ? 'MISMATCH' : review.length > 0 ? 'REVIEW' : 'OK';
  const detail = [
    ...differing.map((d) => `${d.field} ${d.side}: billed ${d.claimed}, tariff gives ${d.computed}`),
    ...review.map((n) => `${n.code}: ${n.message}`),
  ].join('; ');
  return {
    ...base,
    tariffId: String(tariff.id),
    computed,
    difference: difference(base.billed, computed),
    verdict,
    ...(detail === '' ? {} : { detail }),
  };
}

/**
 * The report over CDRs (canonical records): credit CDRs matched to what they credit, the others
 * priced again. A credited CDR and its credit net to zero (both marked); the replacement that
 * follows is an ordinary CDR. A credit whose original is not among `records` keeps its own amount.
 */
export async function reconcileCdrs(
  records: readonly Pick<OcpiObjectRecord, 'key' | 'data'>[],
  source: TariffSource,
  options: ReconcileOptions = {},
): Promise<ReconciliationReport> {
  // A credit CDR by the CDR it credits (same owner): both are netted, not priced again.
  const creditOf = new Map<string, Pick<OcpiObjectRecord, 'key' | 'data'>>();
  for (const r of records) {
    if (r.data.credit === true && typeof r.data.credit_reference_id === 'string') {
      creditOf.set(`${r.key.countryCode}/${r.key.partyId}/${r.data.credit_reference_id}`, r);
    }
  }
  const byId = new Set(records.map((r) => `${r.key.countryCode}/${r.key.partyId}/${r.key.id}`));
  const cdrs: ReconciledCdr[] = [];
  for (const record of records) {
    const owner = `${record.key.countryCode}/${record.key.partyId}`;
    if (record.data.credit === true) {
      const ref = record.data.credit_reference_id;
      const reference = typeof ref === 'string' ? ref : undefined;
      const matched = reference !== undefined && byId.has(`${owner}/${reference}`);
      const base = row(record, 'CREDIT');
      const detail =
        reference === undefined
          ? 'a credit CDR that names no CDR it credits (credit_reference_id)'
          : `credits CDR ${reference}, which is not in this report`;
      cdrs.push({
        ...base,
        computed: matched ? base.billed : 0,
        difference: matched ? 0 : base.billed,
        ...(reference === undefined ? {} : { creditReference: reference }),
        ...(matched ? {} : { detail }),
      });
      continue;
    }
    const credit = creditOf.get(`${owner}/${record.key.id}`);
    if (credit !== undefined) {
      cdrs.push({
        ...row(record, 'CREDITED'),
        computed: -beforeTaxes(credit.data.total_cost),
        difference: 0,
        creditedBy: credit.key.id,
      });
      continue;
    }
    cdrs.push(await reconcileCdr(record, source, options));
  }
  // Sums in decimal: money never goes through binary floating point arithmetic.
  const sums = new Map<string, { billed: Decimal; computed: Decimal }>();
  const verdicts: Partial<Record<CdrVerdict, number>> = {};
  for (const c of cdrs) {
    verdicts[c.verdict] = (verdicts[c.verdict] ?? 0) + 1;
    const sum = sums.get(c.currency) ?? { billed: new Decimal(0), computed: new Decimal(0) };
    sums.set(c.currency, {
      billed: sum.billed.plus(c.billed),
      computed: sum.computed.plus(c.computed ?? c.billed),
    });
  }
  const byCurrency: ReconciliationReport['totals']['byCurrency'] = {};
  for (const [currency, sum] of sums) {
    byCurrency[currency] = {
      billed: sum.billed.toNumber(),
      computed: sum.computed.toNumber(),
      difference: sum.billed.minus(sum.computed).toNumber(),
    };
  }
  return { cdrs, totals: { byCurrency, verdicts } };
}

/** Tariffs and time zones from what the eMSP holds of the CPO (pushed or pulled). */
export function storeTariffSource(store: Pick<Store, 'objects'>, peerId: string): TariffSource {
  const held = async (module: 'tariffs' | 'locations', key: ObjectKey) => {
    const record = await store.objects.get(module, key);
    return record !== undefined && record.peerId === peerId && !record.deleted ? record.data : undefined;
  };
  return {
    tariff: (owner, id) => held('tariffs', { ...owner, id }),
    timeZone: async (owner, locationId) => {
      const location = await held('locations', { ...owner, id: locationId });
      return typeof location?.time_zone === 'string' ? location.time_zone : undefined;
    },
  };
}

/** The CDRs received from `peerId` that ended in [from, to), oldest first. */
export async function receivedCdrs(
  store: Pick<Store, 'objects'>,
  peerId: string,
  range: { from?: Date; to?: Date },
): Promise<OcpiObjectRecord[]> {
  const out: OcpiObjectRecord[] = [];
  for await (const record of store.objects.iterate({ module: 'cdrs', peerId })) {
    const end = Date.parse(String(record.data.end_date_time));
    if (range.from !== undefined && end < range.from.getTime()) continue;
    if (range.to !== undefined && end >= range.to.getTime()) continue;
    out.push(record);
  }
  return out.sort((a, b) => String(a.data.end_date_time).localeCompare(String(b.data.end_date_time)));
}

/** Where the check of a received CDR is recorded (node_meta), when it is not OK. */
export const cdrCheckMetaKey = (key: ObjectKey): string =>
  `cdr_check/${key.countryCode}/${key.partyId}/${key.id}`;

/**
 * A CDR just received, priced again and compared: a difference beyond a cent, a note that needs
 * review or an unknown tariff is logged and recorded under cdrCheckMetaKey (credit CDRs are
 * checked against their original by `reconcileCdrs` over a period, not here).
 */
export async function checkReceivedCdr(
  store: Pick<Store, 'objects' | 'meta'>,
  log: { warn(obj: object, msg?: string): void },
  peerId: string,
  record: Pick<OcpiObjectRecord, 'key' | 'data'>,
): Promise<ReconciledCdr | undefined> {
  if (record.data.credit === true) return undefined;
  const result = await reconcileCdr(record, storeTariffSource(store, peerId));
  if (result.verdict !== 'OK') {
    log.warn(
      { peerId, cdr: record.key, verdict: result.verdict, detail: result.detail },
      'CDR check: not as the tariff gives',
    );
    await store.meta.set(cdrCheckMetaKey(record.key), { peerId, ...result });
  }
  return result;
}
