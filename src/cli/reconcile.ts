/**
 * `roamkit reconcile --peer ID [--from DATE] [--to DATE] [--format table|csv|json] [--db URL]`:
 * the eMSP's invoice check over a period. Every CDR received from the peer that ended in
 * [from, to) is priced again from the tariff it names (src/platform/reconciliation/), credit CDRs
 * netted against what they credit; per CDR and in total, what the CPO billed, what the tariff
 * gives and the difference. Exit 0 when everything agrees, 1 when a CDR differs or needs review.
 */
import type { Command } from 'commander';
import {
  type ReconciliationReport,
  receivedCdrs,
  reconcileCdrs,
  storeTariffSource,
} from '../platform/reconciliation/index.js';
import { parseDateTime } from '../protocol/index.js';
import { type DataIo, reportError } from './data.js';
import { checkNodeDatabase, databaseUrl, withNodeStore } from './node-context.js';
import { InputError } from './read-documents.js';

interface ReconcileCommandOptions {
  peer: string;
  from?: string;
  to?: string;
  format?: string;
  tolerance?: string;
  db?: string;
}

const FORMATS = ['table', 'csv', 'json'] as const;
const COLUMNS = ['cdr', 'end', 'tariff', 'billed', 'computed', 'difference', 'verdict', 'detail'] as const;

function dateOption(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDateTime(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (!parsed.ok) throw new InputError(`roamkit reconcile: ${flag} ${value}: ${parsed.error}`);
  return parsed.date;
}

function rows(report: ReconciliationReport): string[][] {
  return report.cdrs.map((c) => [
    c.id,
    c.end,
    c.tariffId ?? '',
    `${c.billed} ${c.currency}`,
    c.computed === undefined ? '' : String(c.computed),
    c.difference === undefined ? '' : String(c.difference),
    c.verdict,
    c.detail ??
      (c.creditedBy
        ? `credited by ${c.creditedBy}`
        : c.creditReference
          ? `credits ${c.creditReference}`
          : ''),
  ]);
}

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

function write(
  report: ReconciliationReport,
  format: (typeof FORMATS)[number],
  out: (line: string) => void,
): void {
  if (format === 'json') {
    out(JSON.stringify(report, null, 2));
    return;
  }
  const body = rows(report);
  if (format === 'csv') {
    out(COLUMNS.join(','));
    for (const row of body) out(row.map(csvField).join(','));
    return;
  }
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  out(line(COLUMNS));
  for (const row of body) out(line(row));
  for (const [currency, t] of Object.entries(report.totals.byCurrency)) {
    out(`total ${currency}: billed ${t.billed}, tariff gives ${t.computed}, difference ${t.difference}`);
  }
  const counts = Object.entries(report.totals.verdicts).map(([v, n]) => `${n} ${v}`);
  out(`${report.cdrs.length} CDRs: ${counts.join(', ') || 'none'}`);
}

export function addReconcileCommand(program: Command, io: DataIo): Command {
  return program
    .command('reconcile')
    .description("check a peer's CDRs against its tariffs over a period (credit CDRs netted)")
    .requiredOption('--peer <id>', 'the CPO peer (see peers list)')
    .option('--from <date>', 'CDRs that ended at or after (DateTime or YYYY-MM-DD, UTC)')
    .option('--to <date>', 'CDRs that ended before (DateTime or YYYY-MM-DD, UTC)')
    .option('--format <format>', `${FORMATS.join(', ')} (default table)`)
    .option('--tolerance <amount>', 'amounts within this much agree (default 0.01)')
    .option('--db <url>', "the node's database: sqlite:PATH or postgres://… (env ROAMKIT_DB)")
    .action(async (options: ReconcileCommandOptions) => {
      process.exitCode = await runReconcile(options, io);
    });
}

async function runReconcile(options: ReconcileCommandOptions, io: DataIo): Promise<number> {
  const url = databaseUrl(options.db, io.env ?? process.env);
  try {
    const format = (options.format ?? 'table') as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) {
      throw new InputError(`roamkit reconcile: --format must be one of ${FORMATS.join(', ')}`);
    }
    const tolerance = options.tolerance === undefined ? undefined : Number(options.tolerance);
    if (tolerance !== undefined && !(tolerance >= 0)) {
      throw new InputError('roamkit reconcile: --tolerance must be a number ≥ 0');
    }
    const from = dateOption(options.from, '--from');
    const to = dateOption(options.to, '--to');
    checkNodeDatabase(url, 'reconcile');
    const report = await withNodeStore(url, async (store) => {
      const peer = await store.peers.findById(options.peer);
      if (peer === undefined) {
        throw new InputError(`roamkit reconcile: no peer with id ${options.peer} (see roamkit peers list)`);
      }
      const cdrs = await receivedCdrs(store, peer.id, {
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
      });
      return reconcileCdrs(
        cdrs,
        storeTariffSource(store, peer.id),
        tolerance === undefined ? {} : { tolerance },
      );
    });
    write(report, format, io.out);
    const v = report.totals.verdicts;
    return (v.MISMATCH ?? 0) + (v.REVIEW ?? 0) + (v.NO_TARIFF ?? 0) > 0 ? 1 : 0;
  } catch (error) {
    return reportError(error, 'reconcile', url, io);
  }
}
