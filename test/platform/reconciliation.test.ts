/**
 * Invoice reconciliation at the eMSP: the 2.3.0 spec's example CDR (TIME 2.00/h, step 5 min,
 * 1.973 h → 24 steps of 5 min = 2 h → 4.00 EUR + 10 % VAT) passes; the same CDR billed a euro
 * too high is flagged with the difference; a credit CDR nets its original to zero and the
 * replacement is checked on its own; a CDR whose tariff nobody knows says so. Then the CLI over a
 * node's database: table, CSV, JSON, exit codes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { recordNodeMeta } from '../../src/cli/serve.js';
import { validateNodeConfig } from '../../src/platform/config.js';
import {
  cdrCheckMetaKey,
  checkReceivedCdr,
  reconcileCdrs,
  storeTariffSource,
  type TariffSource,
} from '../../src/platform/reconciliation/index.js';
import { openStore } from '../../src/store/database.js';
import type { OcpiObjectRecord } from '../../src/store/types.js';
import { runCli } from '../cli/helpers.js';
import { readExample } from '../helpers/fixtures.js';

type Json = Record<string, unknown>;

/** The spec's example CDR; its tariff lacks 2.3.0's required tax_included (a known erratum). */
function exampleCdr(id: string, changes: Json = {}): Json {
  const cdr = structuredClone(readExample('2.3.0/cdr_example.json')) as Json;
  for (const tariff of cdr.tariffs as Json[]) tariff.tax_included = 'NO';
  return { ...cdr, id, ...changes };
}

const record = (data: Json): Pick<OcpiObjectRecord, 'key' | 'data'> => ({
  key: { countryCode: 'BE', partyId: 'BEC', id: String(data.id) },
  data,
});

const nothingKnown: TariffSource = { tariff: async () => undefined, timeZone: async () => undefined };

describe('reconciliation', () => {
  test("the spec's example CDR agrees with its tariff; one billed a euro too high is flagged", async () => {
    const good = exampleCdr('CDR-OK');
    const bad = exampleCdr('CDR-HIGH', {
      total_cost: { before_taxes: 5, taxes: [{ name: 'VAT', amount: 0.5 }] },
    });
    const report = await reconcileCdrs([record(good), record(bad)], nothingKnown);
    const [ok, high] = report.cdrs;
    assert.equal(ok?.verdict, 'OK', ok?.detail);
    assert.equal(ok?.billed, 4);
    assert.equal(ok?.computed, 4);
    assert.equal(ok?.difference, 0);
    assert.equal(high?.verdict, 'MISMATCH');
    assert.equal(high?.difference, 1);
    assert.match(String(high?.detail), /total_cost before_taxes: billed 5, tariff gives 4/);
    assert.deepEqual(report.totals.byCurrency.EUR, { billed: 9, computed: 8, difference: 1 });
    assert.deepEqual(report.totals.verdicts, { OK: 1, MISMATCH: 1 });
  });

  test('a credit CDR nets its original to zero; the replacement is checked on its own', async () => {
    const original = exampleCdr('CDR-1', { total_cost: { before_taxes: 6 } });
    const credit = exampleCdr('CDR-1-CR', {
      credit: true,
      credit_reference_id: 'CDR-1',
      total_cost: { before_taxes: -6 },
    });
    const replacement = exampleCdr('CDR-1-B');
    const report = await reconcileCdrs([record(original), record(credit), record(replacement)], nothingKnown);
    assert.deepEqual(
      report.cdrs.map((c) => [c.id, c.verdict]),
      [
        ['CDR-1', 'CREDITED'],
        ['CDR-1-CR', 'CREDIT'],
        ['CDR-1-B', 'OK'],
      ],
    );
    assert.equal(report.cdrs[0]?.creditedBy, 'CDR-1-CR');
    // Billed net 6 − 6 + 4 = 4, which is what the tariff gives for the one real session.
    assert.deepEqual(report.totals.byCurrency.EUR, { billed: 4, computed: 4, difference: 0 });
  });

  test("a credit is matched within its owner: another party's CDR of the same id is not it", async () => {
    const original = exampleCdr('CDR-1', { total_cost: { before_taxes: 6 } });
    const credit = exampleCdr('CDR-1-CR', {
      credit: true,
      credit_reference_id: 'CDR-1',
      total_cost: { before_taxes: -6 },
    });
    const namesake = {
      key: { countryCode: 'NL', partyId: 'NLC', id: 'CDR-1-CR' },
      data: exampleCdr('CDR-1-CR'),
    };
    const report = await reconcileCdrs([namesake, record(original), record(credit)], nothingKnown);
    const credited = report.cdrs.find((c) => c.id === 'CDR-1');
    assert.equal(credited?.verdict, 'CREDITED');
    assert.equal(credited?.computed, 6);
    assert.equal(report.cdrs[0]?.verdict, 'OK');
    assert.deepEqual(report.totals.byCurrency.EUR, { billed: 4, computed: 4, difference: 0 });
  });

  test("a CDR without its tariff is priced from the CPO's tariff we hold; unknown: NO_TARIFF", async () => {
    const { tariffs, ...bare } = exampleCdr('CDR-BARE');
    const tariff = (tariffs as Json[])[0] as Json;
    const known: TariffSource = {
      tariff: async (owner, id) => (owner.countryCode === 'BE' && id === '12' ? tariff : undefined),
      timeZone: async () => 'Europe/Brussels',
    };
    assert.equal((await reconcileCdrs([record(bare)], known)).cdrs[0]?.verdict, 'OK');
    const unknown = (await reconcileCdrs([record(bare)], nothingKnown)).cdrs[0];
    assert.equal(unknown?.verdict, 'NO_TARIFF');
    assert.match(String(unknown?.detail), /tariff 12 is neither in the CDR nor known from the CPO/);
  });
});

test('a credit CDR that names no original says so, and counts as billed', async () => {
  const orphan = exampleCdr('CR-ORPHAN', { credit: true, total_cost: { before_taxes: -2 } });
  const [row] = (await reconcileCdrs([record(orphan)], nothingKnown)).cdrs;
  assert.equal(row?.verdict, 'CREDIT');
  assert.equal(row?.creditReference, undefined);
  assert.match(String(row?.detail), /names no CDR it credits/);
  assert.equal(row?.difference, -2);
});

describe('a CDR checked on receipt', () => {
  test('a mispriced CDR is logged and recorded; a correct one leaves no record', async () => {
    const store = openStore('sqlite::memory:');
    await store.migrate();
    try {
      const warnings: object[] = [];
      const log = { warn: (obj: object) => warnings.push(obj) };
      const good = await checkReceivedCdr(store, log, 'peer-1', record(exampleCdr('CDR-GOOD')));
      assert.equal(good?.verdict, 'OK');
      assert.equal(await store.meta.get(cdrCheckMetaKey(record(exampleCdr('CDR-GOOD')).key)), undefined);
      const bad = record(exampleCdr('CDR-BAD', { total_cost: { before_taxes: 7 } }));
      assert.equal((await checkReceivedCdr(store, log, 'peer-1', bad))?.verdict, 'MISMATCH');
      const recorded = (await store.meta.get(cdrCheckMetaKey(bad.key))) as Json;
      assert.equal(recorded.verdict, 'MISMATCH');
      assert.equal(recorded.difference, 3);
      assert.equal(recorded.peerId, 'peer-1');
      assert.equal(warnings.length, 1);
    } finally {
      await store.close();
    }
  });
});

describe('roamkit reconcile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roamkit-reconcile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('table, csv and json over the CDRs of one peer in a period; exit 1 on a mismatch, 2 on bad input', async () => {
    const db = `sqlite:${join(dir, 'emsp.db')}`;
    const store = openStore(db);
    await store.migrate();
    // What `roamkit serve` records for the CLI: the node's configuration.
    await recordNodeMeta(
      store,
      validateNodeConfig({ publicUrl: 'http://127.0.0.1:8080', parties: ['DE:MSP:EMSP'] }),
    );
    const peer = await store.peers.create({
      name: 'CPO',
      status: 'REGISTERED',
      roles: [{ role: 'CPO', country_code: 'BE', party_id: 'BEC', business_details: { name: 'CPO' } }],
    });
    const put = (data: Json) =>
      store.objects.put({
        module: 'cdrs',
        key: { countryCode: 'BE', partyId: 'BEC', id: String(data.id) },
        peerId: peer.id,
        data,
        lastUpdated: new Date(String(data.last_updated)),
      });
    await put(exampleCdr('CDR-OK'));
    await put(exampleCdr('CDR-HIGH', { total_cost: { before_taxes: 5 } }));
    await put(exampleCdr('CDR-LATER', { end_date_time: '2025-01-10T10:00:00Z' }));
    assert.equal(
      await storeTariffSource(store, peer.id).tariff({ countryCode: 'BE', partyId: 'BEC' }, '12'),
      undefined,
    );
    await store.close();

    const december = ['--peer', peer.id, '--from', '2024-12-01', '--to', '2025-01-01', '--db', db];
    const table = await runCli(['reconcile', ...december], {});
    assert.equal(table.code, 1, table.err);
    assert.match(table.out, /CDR-OK .* OK/);
    assert.match(table.out, /CDR-HIGH .* MISMATCH/);
    assert.doesNotMatch(table.out, /CDR-LATER/, 'outside the period');
    assert.match(table.out, /total EUR: billed 9, tariff gives 8, difference 1/);

    const csv = await runCli(['reconcile', ...december, '--format', 'csv'], {});
    assert.equal(csv.lines[0], 'cdr,end,tariff,billed,computed,difference,verdict,detail');
    assert.equal(csv.lines.length, 3);

    const json = await runCli(
      ['reconcile', '--peer', peer.id, '--from', '2025-01-01', '--format', 'json', '--db', db],
      {},
    );
    assert.equal(json.code, 0, json.err);
    const report = JSON.parse(json.out) as { cdrs: Json[] };
    assert.deepEqual(
      report.cdrs.map((c) => [c.id, c.verdict]),
      [['CDR-LATER', 'OK']],
    );

    assert.equal((await runCli(['reconcile', '--peer', 'nobody', '--db', db], {})).code, 2);
    assert.equal((await runCli(['reconcile', ...december, '--format', 'xml'], {})).code, 2);
    assert.equal(
      (await runCli(['reconcile', '--peer', peer.id, '--from', 'yesterday', '--db', db], {})).code,
      2,
    );
  });
});
