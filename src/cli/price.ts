/**
 * `roamkit price --tariff FILE --session FILE [--ocpi V] [--time-zone ZONE] [--json]`: the cost of
 * a Session or CDR (of OCPI version V) under a Tariff, by the tariff engine (src/tariff/), from the
 * document's charging periods (never its own totals).
 *
 * It prints the breakdown (periods, Price Components, dimensions, totals, tax lines, limits, notes)
 * as tables, or with --json one object whose total_cost, total_energy_cost, … have the shape of
 * V's CDR beside the audit trail. Given a CDR, it then compares the totals the CDR claims with the
 * computed ones: the invoice check in one command.
 *
 * Exit codes: 0 priced (and, for a CDR, its totals match within a cent and no note needs review);
 * 1 a CDR whose totals differ by more than a cent, or a note that needs review; 2 usage errors,
 * unreadable files, documents without the facts a price needs.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ConversionError, toCanonical } from '../model/index.js';
import { OCPI_VERSIONS, type OcpiVersion } from '../protocol/index.js';
import type { ChargingPeriod } from '../protocol/v2_3_0/cdrs.js';
import type { Tariff } from '../protocol/v2_3_0/tariffs.js';
import { compileTariff } from '../tariff/compile.js';
import {
  assertTimeZone,
  type CdrCheck,
  cdrCosts,
  checkCdr,
  needsReview,
  type Pricing,
  type PricingNote,
  type PricingPolicy,
  priceSession,
  pricingPolicy,
} from '../tariff/index.js';
import { formatMoney, moneyOf, plus, sumMoney } from '../tariff/money.js';
import { note } from '../tariff/notes.js';
import { InputError, isEnvelope, readDocument } from './read-documents.js';

export interface PriceIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface PriceCommandOptions {
  tariff: string;
  session: string;
  ocpi: OcpiVersion;
  timeZone?: string;
  json: boolean;
  stepSize: boolean;
  decimals?: number;
}

type Json = Record<string, unknown>;

/** The owner the converter needs for a 2.1.1 Tariff (which names none); pricing never reads it. */
const NO_PARTY = { country_code: 'ZZ', party_id: 'ZZZ' };

function parseTimeZone(value: string): string {
  try {
    assertTimeZone(value);
  } catch {
    throw new InvalidArgumentError('use an IANA time zone, e.g. Europe/Amsterdam or UTC');
  }
  return value;
}

function parseDecimals(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 12)
    throw new InvalidArgumentError('use a whole number from 0 to 12');
  return n;
}

function objectIn(name: string, value: unknown, what: string): Json {
  const payload = isEnvelope(value) ? value.data : value;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new InputError(`${name}: not a ${what} object`);
  }
  return payload as Json;
}

/** The Tariff file in the canonical model. */
function readTariff(file: string, version: OcpiVersion): Tariff {
  const doc = readDocument(file);
  const raw = objectIn(doc.name, doc.value, 'Tariff');
  try {
    return toCanonical('Tariff', version, raw, version === '2.1.1' ? { party: NO_PARTY } : {})
      .value as unknown as Tariff;
  } catch (error) {
    if (error instanceof ConversionError) throw new InputError(`${doc.name}: ${error.message}`);
    throw error;
  }
}

/** A Session has a status and kwh; a CDR has neither. */
function isSession(doc: Json): boolean {
  return 'status' in doc && 'kwh' in doc;
}

/** The facts of a Session or CDR of `version`: its start, end, Location time zone and periods. */
export function sessionFacts(
  name: string,
  doc: Json,
  version: OcpiVersion,
): { kind: 'Session' | 'CDR'; start: string; end?: string; timeZone?: string; periods: ChargingPeriod[] } {
  const kind = isSession(doc) ? 'Session' : 'CDR';
  const older = version === '2.1.1';
  const startField = older && kind === 'Session' ? 'start_datetime' : 'start_date_time';
  const endField = older ? (kind === 'Session' ? 'end_datetime' : 'stop_date_time') : 'end_date_time';
  const start = doc[startField];
  if (typeof start !== 'string') throw new InputError(`${name}: a ${version} ${kind} needs ${startField}`);
  const end = doc[endField];
  if (end !== undefined && typeof end !== 'string')
    throw new InputError(`${name}: ${endField} is not a DateTime`);
  if (kind === 'CDR' && end === undefined)
    throw new InputError(`${name}: a ${version} CDR needs ${endField}`);
  const list = doc.charging_periods ?? [];
  if (!Array.isArray(list)) throw new InputError(`${name}: charging_periods is not a list`);
  const periods = list.map((period, i) => {
    if (period === null || typeof period !== 'object')
      throw new InputError(`${name}: charging_periods[${i}] is not an object`);
    try {
      return toCanonical('ChargingPeriod', version, period).value as unknown as ChargingPeriod;
    } catch (error) {
      // A 2.1.1 period with FLAT dimensions only has none left in the canonical model: it still
      // starts where it starts.
      if (error instanceof ConversionError) return { ...(period as ChargingPeriod), dimensions: [] };
      throw error;
    }
  });
  // Only 2.1.1 embeds the Location, with its time_zone.
  const location = doc.location as Json | undefined;
  const timeZone = typeof location?.time_zone === 'string' ? location.time_zone : undefined;
  return { kind, start, ...(typeof end === 'string' && { end }), ...(timeZone && { timeZone }), periods };
}

export interface PriceResult {
  pricing: Pricing;
  kind: 'Session' | 'CDR';
  timeZone: string;
  check: CdrCheck | undefined;
  /** The exit code. */
  code: number;
  /** What --json prints. */
  json: Json;
}

/** Prices the files as the command does (exit code and the --json object included). */
export function priceFiles(options: PriceCommandOptions): PriceResult {
  const version = options.ocpi;
  const tariff = readTariff(options.tariff, version);
  const doc = readDocument(options.session);
  const raw = objectIn(doc.name, doc.value, 'Session or CDR');
  const facts = sessionFacts(doc.name, raw, version);
  const timeZone = options.timeZone ?? facts.timeZone ?? 'UTC';
  const policy: Partial<PricingPolicy> = { stepSize: options.stepSize };
  if (options.decimals !== undefined) {
    policy.componentDecimals = options.decimals;
    policy.totalDecimals = options.decimals;
  }
  let pricing: Pricing;
  try {
    pricing = priceSession(
      tariff,
      {
        start_date_time: facts.start,
        ...(facts.end !== undefined && { end_date_time: facts.end }),
        time_zone: timeZone,
        charging_periods: facts.periods,
      },
      { ocpiVersion: version, policy: pricingPolicy(policy) },
    );
  } catch (error) {
    if (error instanceof RangeError) throw new InputError(`${doc.name}: ${error.message}`);
    throw error;
  }
  if (
    options.timeZone === undefined &&
    facts.timeZone === undefined &&
    compileTariff(tariff, version).usesLocal
  ) {
    pricing.notes.push(
      note(
        'TIME_ZONE_ASSUMED',
        `the ${facts.kind} does not give the Location's time zone and --time-zone is not set: the Tariff's local-time restrictions were judged in UTC`,
      ),
    );
  }
  const check = facts.kind === 'CDR' ? checkCdr(pricing, raw, version) : undefined;
  const code = check !== undefined && (!check.ok || needsReview(pricing.notes)) ? 1 : 0;
  const json: Json = {
    ocpi: version,
    kind: facts.kind,
    tariff_id: pricing.tariff_id,
    currency: pricing.currency,
    time_zone: timeZone,
    ...cdrCosts(pricing, version),
    total_energy: pricing.total_energy,
    total_time: pricing.total_time,
    total_parking_time: pricing.total_parking_time,
    audit: {
      policy: pricing.policy,
      totals: pricing.totals,
      tax_lines: pricing.total_cost.taxes ?? [],
      components: pricing.components,
      periods: pricing.periods,
      dimensions: pricing.dimensions,
      limits: pricing.limits,
    },
    notes: pricing.notes,
    ...(check !== undefined && { check }),
  };
  return { pricing, kind: facts.kind, timeZone, check, code, json };
}

// ---------------------------------------------------------------------------------------------
// Tables

function table(header: string[], rows: string[][], right: number[] = []): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const cell = (text: string, i: number) =>
    right.includes(i) ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const line = (cells: string[]) => `  ${cells.map(cell).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function amount(value: number | undefined, decimals: number): string {
  return value === undefined || Number.isNaN(value) ? '-' : formatMoney(moneyOf(value), decimals);
}

function quantity(value: number, unit: string): string {
  return unit === 'fee' ? '1' : `${value} ${unit}`;
}

function noteLine(n: PricingNote): string {
  const where = n.periods?.length ? ` (periods ${n.periods.join(', ')})` : n.pointer ? ` (${n.pointer})` : '';
  return `  [${n.severity}] ${n.code}: ${n.message}${where}`;
}

/** The breakdown as the command prints it without --json. */
export function breakdown(result: PriceResult, options: { ocpi: OcpiVersion; session: string }): string[] {
  const { pricing: p, check } = result;
  const d = p.policy.totalDecimals;
  const c = p.policy.componentDecimals;
  const lines: string[] = [];
  lines.push(
    `${result.kind} ${options.session} under Tariff ${p.tariff_id} (${p.currency}), OCPI ${options.ocpi} rules, time zone ${result.timeZone}`,
  );
  lines.push(
    `policy: step_size ${p.policy.stepSize ? 'on' : 'off'}, quantities to 10^-${p.policy.quantityDecimals} Wh/s, ` +
      `components to ${c} and totals to ${d} decimals, ${p.policy.rounding}`,
  );

  lines.push('', 'Charging periods');
  const periodRows: string[][] = [];
  for (const period of p.periods) {
    const label = period.index < 0 ? 'res.' : String(period.index);
    if (period.segments.length === 0)
      periodRows.push([label, period.start_date_time, '-', '', '', '', '', '']);
    period.segments.forEach((s, i) => {
      const unit = s.dimension === 'ENERGY' ? 'kWh' : s.dimension === 'FLAT' ? 'fee' : 'h';
      const component = s.component === undefined ? undefined : p.components[s.component];
      periodRows.push([
        i === 0 ? label : '',
        i === 0 ? period.start_date_time : '',
        s.dimension,
        quantity(s.volume, unit),
        quantity(s.billed, unit),
        component === undefined ? 'free' : `${component.element}/${component.component}`,
        s.reason === undefined
          ? ''
          : s.reason.restrictions.length === 0
            ? 'no restrictions'
            : s.reason.restrictions.join(', '),
        amount(s.amount, c),
      ]);
    });
  }
  lines.push(
    ...table(
      ['#', 'start', 'dimension', 'measured', 'billed', 'elem/comp', 'restrictions held', 'amount'],
      periodRows,
      [7],
    ),
  );

  lines.push('', 'Price Components');
  lines.push(
    ...table(
      [
        'elem/comp',
        'type',
        'context',
        'price',
        'vat',
        'step',
        'quantity',
        'before taxes',
        'tax',
        'after taxes',
        'CDR field',
      ],
      p.components.map((x) => [
        `${x.element}/${x.component}`,
        x.type,
        x.context,
        String(x.price),
        x.vat === undefined ? '-' : `${x.vat}%`,
        String(x.step_size),
        String(x.quantity),
        amount(x.before_taxes, c),
        amount(x.tax, c),
        amount(x.after_taxes, c),
        x.cdr_field,
      ]),
      [3, 6, 7, 8, 9],
    ),
  );

  lines.push('', 'Dimensions');
  lines.push(
    ...table(
      ['dimension', 'measured', 'priced', 'billed', 'step_size'],
      p.dimensions.map((x) => [
        x.dimension,
        `${x.measured} ${x.unit}`,
        `${x.priced} ${x.unit}`,
        `${x.billed} ${x.unit}`,
        x.step === undefined
          ? ''
          : `${x.step.step_size} ${x.step.unit} (component ${x.step.component}): +${x.step.added} ${x.unit}`,
      ]),
    ),
  );

  lines.push('', `Totals (${p.currency})`);
  const totalRows: string[][] = [];
  for (const field of [
    'total_cost',
    'total_fixed_cost',
    'total_energy_cost',
    'total_time_cost',
    'total_parking_cost',
    'total_reservation_cost',
  ] as const) {
    const price = p[field];
    if (price === undefined) continue;
    const before = moneyOf(price.before_taxes);
    const taxes = sumMoney((price.taxes ?? []).map((t) => moneyOf(t.amount)));
    totalRows.push([
      field,
      formatMoney(before, d),
      formatMoney(taxes, d),
      formatMoney(plus(before, taxes), d),
    ]);
  }
  lines.push(...table(['field', 'before taxes', 'taxes', 'after taxes'], totalRows, [1, 2, 3]));
  const taxLines = p.total_cost.taxes ?? [];
  if (taxLines.length > 0) {
    lines.push('', 'Tax lines');
    lines.push(
      ...table(
        ['name', 'percentage', 'amount'],
        taxLines.map((t) => [
          t.name,
          t.percentage === undefined ? '-' : `${t.percentage}%`,
          amount(t.amount, d),
        ]),
        [1, 2],
      ),
    );
  }
  if (p.limits.length > 0) {
    lines.push('', 'Limits applied');
    for (const l of p.limits) {
      lines.push(`  ${l.limit}.${l.side} ${l.value}: ${amount(l.from, d)} -> ${amount(l.to, d)}`);
    }
  }
  if (p.notes.length > 0) {
    lines.push('', 'Notes');
    for (const n of p.notes) lines.push(noteLine(n));
  }
  if (check !== undefined) {
    lines.push('', 'Check against the CDR (tolerance 0.01)');
    if (!check.currency.ok) {
      lines.push(
        `  currency: the CDR says ${check.currency.claimed}, the Tariff ${check.currency.computed}: DIFFERS`,
      );
    }
    lines.push(
      ...table(
        ['field', 'side', 'computed', 'claimed', 'difference', ''],
        check.compared.map((x) => [
          x.field,
          x.side,
          amount(x.computed, d),
          amount(x.claimed, d),
          amount(x.difference, d),
          x.ok ? 'ok' : 'DIFFERS',
        ]),
        [2, 3, 4],
      ),
    );
    const review = p.notes.filter((n) => n.severity === 'review').length;
    lines.push(
      '',
      check.ok && review === 0
        ? "The CDR's totals match its charging periods priced under the Tariff."
        : `${[
            check.ok
              ? "The CDR's totals match"
              : "The CDR's totals differ from its charging periods priced under the Tariff",
            review > 0 ? `${review} note(s) need review` : '',
          ]
            .filter(Boolean)
            .join('; ')}.`,
    );
  }
  return lines;
}

/** Adds the `price` command; `parseVersion` is the program's own --ocpi parser. */
export function addPriceCommand(
  program: Command,
  io: PriceIo,
  parseVersion: (value: string) => OcpiVersion,
): Command {
  return program
    .command('price')
    .description(
      "price a Session or CDR's charging periods under a Tariff (tariff engine); given a CDR, check its totals",
    )
    .requiredOption('--tariff <file>', 'a Tariff object (JSON) of version V; - reads standard input')
    .requiredOption('--session <file>', 'a Session or CDR object (JSON) of version V')
    .addOption(
      new Option('--ocpi <version>', `the version V of both files: ${OCPI_VERSIONS.join(', ')}`)
        .default('2.3.0')
        .argParser(parseVersion),
    )
    .option(
      '--time-zone <zone>',
      "IANA time zone of the Location (default: the Location's when the document carries one, else UTC)",
      parseTimeZone,
    )
    .option(
      '--json',
      'print one JSON object: the CDR cost fields of version V, the audit trail, the check',
      false,
    )
    .option('--no-step-size', 'bill what was measured (OCPI 3.0): step_size is not applied')
    .option('--decimals <n>', 'decimals of component amounts and totals (default 4)', parseDecimals)
    .action((options: PriceCommandOptions) => {
      const result = priceFiles(options);
      if (options.json) io.out(JSON.stringify(result.json, null, 2));
      else for (const line of breakdown(result, options)) io.out(line);
      process.exitCode = result.code;
    });
}
