/**
 * `roamkit price`: the breakdown of a Session or CDR under a Tariff, and the invoice check of a
 * CDR (exit 1 when its totals differ by more than a cent or a note needs review).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readExample } from '../helpers/fixtures.js';
import { type CliRun, runCli } from './helpers.js';

/** `roamkit price ARGS…` in-process, through main.ts's `run` (exit codes, InputError → 2). */
const price = (args: string[]): Promise<CliRun> => runCli(['price', ...args]);

let dir: string;
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'roamkit-price-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** `roamkit price --tariff T --session D ARGS…`, the two documents written to files first. */
const priceOf = (tariff: unknown, doc: unknown, ...more: string[]): Promise<CliRun> =>
  price(['--tariff', file('t.json', tariff), '--session', file('doc.json', doc), ...more]);

type Json = Record<string, unknown>;

describe('roamkit price: the invoice check of a CDR', () => {
  it("2.2.1: the spec's CDR example, its own Tariff → the totals match, exit 0", async () => {
    const cdr = readExample('2.2.1/cdr_example.json') as Json;
    const run = await priceOf(
      (cdr.tariffs as unknown[])[0],
      cdr,
      '--ocpi',
      '2.2.1',
      '--time-zone',
      'Europe/Brussels',
    );
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /total_cost\s+before_taxes\s+4\.0000\s+4\.0000\s+0\.0000\s+ok/);
    assert.match(run.out, /The CDR's totals match its charging periods priced under the Tariff\./);
    assert.match(run.out, /TIME\s+1\.973 h\s+2 h\s+0\/0/); // measured and billed after the 300 s step
  });

  it('--json: the cost fields in the shape of V (2.2.1: excl_vat / incl_vat) beside the audit trail', async () => {
    const cdr = readExample('2.2.1/cdr_example.json') as Json;
    const run = await priceOf((cdr.tariffs as unknown[])[0], cdr, '--ocpi', '2.2.1', '--json');
    assert.equal(run.code, 0);
    const json = JSON.parse(run.out) as Json;
    assert.deepEqual(json.total_cost, { excl_vat: 4, incl_vat: 4.4 });
    assert.deepEqual(json.total_time_cost, { excl_vat: 4, incl_vat: 4.4 });
    assert.equal(json.time_zone, 'UTC'); // a 2.2.1 CdrLocation has no time zone; the Tariff needs none
    const audit = json.audit as Json;
    assert.deepEqual(Object.keys(audit), [
      'policy',
      'totals',
      'tax_lines',
      'components',
      'periods',
      'dimensions',
      'limits',
    ]);
    assert.deepEqual((json.check as Json).ok, true);
  });

  it('a CDR claiming more than a cent too much → DIFFERS, exit 1 (the breakdown printed all the same)', async () => {
    const cdr = readExample('2.2.1/cdr_example.json') as Json;
    const overcharged = { ...cdr, total_cost: { excl_vat: 4.5, incl_vat: 4.95 } };
    const run = await priceOf((cdr.tariffs as unknown[])[0], overcharged, '--ocpi', '2.2.1');
    assert.equal(run.code, 1);
    assert.match(run.out, /total_cost\s+before_taxes\s+4\.0000\s+4\.5000\s+0\.5000\s+DIFFERS/);
    assert.match(run.out, /Price Components/);
    assert.match(run.out, /The CDR's totals differ/);
  });

  it("2.3.0: the spec's CDR example matches, but its Tariff lacks tax_included → a note to review, exit 1", async () => {
    const cdr = readExample('2.3.0/cdr_example.json') as Json;
    const run = await priceOf((cdr.tariffs as unknown[])[0], cdr, '--json');
    assert.equal(run.code, 1);
    const json = JSON.parse(run.out) as Json;
    assert.deepEqual(json.total_cost, {
      before_taxes: 4,
      taxes: [{ name: 'VAT', percentage: 10, amount: 0.4 }],
    });
    assert.equal((json.check as Json).ok, true);
    assert.deepEqual(
      (json.notes as Json[]).map((n) => [n.code, n.severity]),
      [['MALFORMED_TARIFF', 'review']],
    );
  });

  it('2.1.1: total_cost is a number excluding VAT; the time zone comes from the embedded Location', async () => {
    const cdr = readExample('2.1.1/mod_cdrs_01.json.txt') as Json;
    // The example's Tariff writes its price as "2.00"; here a number, and only from 23:00 to 02:00:
    // the session, 21:39 to 23:37 UTC, is 23:39 to 01:37 in Brussels (summer time).
    const tariff = {
      id: '12',
      currency: 'EUR',
      elements: [
        {
          price_components: [{ type: 'TIME', price: 2, step_size: 300 }],
          restrictions: { start_time: '23:00', end_time: '02:00' },
        },
      ],
      last_updated: '2015-02-02T14:15:01Z',
    };
    const location = { ...(cdr.location as Json), time_zone: 'Europe/Brussels' };
    const run = await priceOf(tariff, { ...cdr, location }, '--ocpi', '2.1.1', '--json');
    assert.equal(run.code, 0, run.out);
    const json = JSON.parse(run.out) as Json;
    assert.equal(json.total_cost, 4);
    assert.equal(json.time_zone, 'Europe/Brussels');
    // In UTC the session falls outside the window: the time is free, and the CDR's 4.00 differs.
    const utc = await priceOf(tariff, { ...cdr, location }, '--ocpi', '2.1.1', '--time-zone', 'UTC');
    assert.equal(utc.code, 1);
  });

  it('the policy from the command line: --decimals 2 and --no-step-size (tariff_3, 20.45 kWh)', async () => {
    const tariff = readExample('2.3.0/tariff_3_alt_url.json');
    const claimed = (before: number, taxes: number) => ({
      start_date_time: '2026-11-25T09:00:00Z',
      end_date_time: '2026-11-25T11:00:00Z',
      charging_periods: [
        {
          start_date_time: '2026-11-25T09:00:00Z',
          dimensions: [
            { type: 'ENERGY', volume: 20.45 },
            { type: 'TIME', volume: 2 },
          ],
        },
      ],
      total_cost: { before_taxes: before, taxes: [{ name: 'VAT', amount: taxes }] },
    });
    const code = async (cdr: Json, ...more: string[]) =>
      (await priceOf(tariff, cdr, '--decimals', '2', ...more)).code;
    // The text of the chapter: 20.5 kWh billed, € 5.63 / € 6.24.
    assert.equal(await code(claimed(5.63, 0.61)), 0);
    // Its 2.3.0 table: 20.45 kWh, € 5.61 / € 6.22, which is step_size off.
    assert.equal(await code(claimed(5.61, 0.61)), 1);
    assert.equal(await code(claimed(5.61, 0.61), '--no-step-size'), 0);
  });
});

describe('roamkit price: a Session', () => {
  it('prices its periods (never its total_cost), exit 0; notes shown', async () => {
    const session = readExample('2.3.0/session_example_2_short_finished.json');
    const tariff = { ...(readExample('2.3.0/tariff_13_simple_3hour_5parking.json') as Json), id: '12' };
    const run = await priceOf(tariff, session, '--json');
    assert.equal(run.code, 0);
    const json = JSON.parse(run.out) as Json;
    assert.equal(json.kind, 'Session');
    assert.equal(json.check, undefined);
    // 0.718 h parked, 5-minute steps → 45 minutes at € 5.00 = € 3.75 (+20 %); its two first
    // periods carry no TIME and no tariff_id, the last one names Tariff 12.
    assert.deepEqual(json.total_cost, {
      before_taxes: 3.75,
      taxes: [{ name: 'VAT', percentage: 20, amount: 0.75 }],
    });
  });

  it('the time zone assumed UTC for a Tariff with local-time restrictions is a note to review', async () => {
    const session = readExample('2.3.0/session_example_2_short_finished.json');
    const tariff = { ...(readExample('2.3.0/tariff_4_complex.json') as Json), id: '12' };
    const codes = async (...more: string[]) => {
      const run = await priceOf(tariff, session, '--json', ...more);
      return (JSON.parse(run.out).notes as Json[]).map((n) => n.code);
    };
    assert.ok((await codes()).includes('TIME_ZONE_ASSUMED'));
    assert.ok(!(await codes('--time-zone', 'Europe/Brussels')).includes('TIME_ZONE_ASSUMED'));
  });
});

describe('roamkit price: usage errors (exit 2)', () => {
  it('an unknown time zone, a missing file, a document without a start', async () => {
    const tariff = file('t.json', readExample('2.3.0/tariff_1_simple_2hour.json'));
    const session = file('s.json', readExample('2.3.0/session_example_2_short_finished.json'));
    assert.equal(
      (await price(['--tariff', tariff, '--session', session, '--time-zone', 'Mars/Olympus'])).code,
      2,
    );
    const missing = await price(['--tariff', join(dir, 'nope.json'), '--session', session]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read/);
    const noStart = await price(['--tariff', tariff, '--session', file('x.json', { charging_periods: [] })]);
    assert.equal(noStart.code, 2);
    assert.match(noStart.err, /needs start_date_time/);
    assert.equal((await price(['--session', session])).code, 2); // --tariff is required
  });
});
