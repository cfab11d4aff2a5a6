/**
 * `roamkit tokens import|list|block|unblock` against node databases (SQLite files a node has
 * "served": its settings recorded in node_meta). The node is an eMSP (DE/TNM and NL/TNM, the
 * owners the spec's examples name) that also hosts a CPO party, listed first. The spec's Token
 * examples of each version import (2.1.1's for the first eMSP party) and are owed to a registered
 * CPO peer; `list` streams them back; `block` stores valid: false and owes the CPO a PATCH; bad
 * records refuse the whole import; an unknown token is exit 1, usage errors exit 2.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { recordNodeMeta } from '../../src/cli/serve.js';
import { type TokenSummary, tokenTable } from '../../src/cli/tokens.js';
import { validateNodeConfig } from '../../src/platform/config.js';
import { planDelivery } from '../../src/platform/delivery/plan.js';
import { tokenObjectId } from '../../src/platform/object-modules.js';
import { findSchema, type OcpiVersion, schemasByVersion, validate } from '../../src/protocol/index.js';
import { openStore } from '../../src/store/database.js';
import type { ObjectKey } from '../../src/store/types.js';
import { exampleExpectations } from '../fixtures/expectations.js';
import { readExample } from '../helpers/fixtures.js';
import { runCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'roamkit-tokens-'));
const NOW = new Date('2025-03-04T05:06:07Z');
const NOW_TEXT = '2025-03-04T05:06:07Z';
const path = (name: string) => join(tmp, name);
after(() => rmSync(tmp, { recursive: true, force: true }));

// The first party is a CPO: 2.1.1 tokens must still go to the first eMSP party.
const PARTIES = [
  { country_code: 'NL', party_id: 'RMK', role: 'CPO', business_details: { name: 'Roamkit Charging' } },
  { country_code: 'DE', party_id: 'TNM', role: 'EMSP', business_details: { name: 'TheNewMotion DE' } },
  { country_code: 'NL', party_id: 'TNM', role: 'EMSP', business_details: { name: 'TheNewMotion NL' } },
];

let dbCounter = 0;
/** A SQLite node database with the node's settings recorded, as `roamkit serve` leaves it. */
async function nodeDb(parties: readonly unknown[] = PARTIES): Promise<string> {
  const url = `sqlite:${path(`node-${++dbCounter}.db`)}`;
  const store = openStore(url);
  await store.migrate();
  await recordNodeMeta(store, validateNodeConfig({ publicUrl: 'http://127.0.0.1:8080', parties }));
  await store.close();
  return url;
}

/** A registered CPO peer with a Tokens Receiver endpoint: every change of our tokens is owed to it. */
async function cpoPeer(db: string, name = 'CPO'): Promise<string> {
  const store = openStore(db);
  try {
    const peer = await store.peers.create({
      name,
      status: 'REGISTERED',
      version: '2.2.1',
      endpoints: [{ identifier: 'tokens', role: 'RECEIVER', url: 'http://127.0.0.1:9/ocpi/2.2.1/tokens' }],
      roles: [{ role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'x' } }],
    });
    return peer.id;
  } finally {
    await store.close();
  }
}

/** `roamkit ARGS…` with the test clock (and standard input's text when given). */
const cli = (args: string[], extra: { stdin?: string } = {}) =>
  runCli(args, {
    now: () => NOW,
    ...(extra.stdin === undefined ? {} : { stdin: () => extra.stdin as string }),
  });

/** The spec's complete Token examples of a version, envelopes opened, in file order. */
function tokenExamples(version: OcpiVersion): Record<string, unknown>[] {
  const examples = exampleExpectations.filter(
    (e) =>
      e.version === version &&
      e.file.startsWith(`${version}/`) &&
      e.type === 'Token' &&
      (e.form === 'object' || e.form === 'envelope') &&
      e.erratum === undefined,
  );
  return examples.flatMap((e) => {
    const doc = readExample(e.file) as Record<string, unknown>;
    const value = e.form === 'envelope' ? doc.data : doc;
    return (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
  });
}

const ndjson = (docs: readonly unknown[]) => `${docs.map((d) => JSON.stringify(d)).join('\n')}\n`;

/** Our stored tokens: canonical data by `CC/PID/TYPE:UID`. */
async function stored(db: string): Promise<Map<string, Record<string, unknown>>> {
  const store = openStore(db);
  try {
    const found = new Map<string, Record<string, unknown>>();
    for await (const record of store.objects.iterate({ module: 'tokens', peerId: null })) {
      found.set(`${record.key.countryCode}/${record.key.partyId}/${record.key.id}`, record.data);
    }
    return found;
  } finally {
    await store.close();
  }
}

function valid(version: OcpiVersion, type: string, doc: unknown): void {
  const schema = findSchema(schemasByVersion[version], type);
  assert.ok(schema);
  assert.deepEqual(validate(schema, doc).issues, []);
}

/** The peer's deliveries of tokens, by key id. */
async function tokenDeliveries(db: string, peerId: string) {
  const store = openStore(db);
  try {
    const rows = await store.deliveries.list({ peerId, module: 'tokens', limit: 1000 });
    return new Map(rows.map((r) => [`${r.key.countryCode}/${r.key.partyId}/${r.key.id}`, r]));
  } finally {
    await store.close();
  }
}

/** A node database with the 2.2.1 examples imported (and the CPO peer registered before). */
async function imported221(): Promise<{ db: string; peerId: string }> {
  const db = await nodeDb();
  const peerId = await cpoPeer(db);
  const r = await cli(['tokens', 'import', '-', '--ocpi', '2.2.1', '--db', db], {
    stdin: ndjson(tokenExamples('2.2.1')),
  });
  assert.equal(r.code, 0, r.err);
  return { db, peerId };
}

describe('roamkit tokens import', () => {
  test("the spec's Token examples of each version import; the CPO peer is owed every one", async () => {
    for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
      const examples = tokenExamples(version);
      assert.ok(examples.length >= 6, version);
      const db = await nodeDb();
      const peerId = await cpoPeer(db);
      // 2.1.1 as NDJSON, 2.2.1 as a JSON array file, 2.3.0 on standard input.
      let r: Awaited<ReturnType<typeof cli>>;
      if (version === '2.3.0') {
        r = await cli(['tokens', 'import', '-', '--ocpi', version, '--db', db], { stdin: ndjson(examples) });
      } else {
        const file = path(`tokens-${version}.${version === '2.2.1' ? 'json' : 'ndjson'}`);
        writeFileSync(file, version === '2.2.1' ? JSON.stringify(examples, null, 2) : ndjson(examples));
        r = await cli(['tokens', 'import', file, '--ocpi', version, '--db', db]);
      }
      assert.equal(r.code, 0, `${version}: ${r.err}`);

      const tokens = await stored(db);
      for (const doc of tokens.values()) valid('2.3.0', 'Token', doc);
      if (version === '2.1.1') {
        // 012345678 is printed three times (same last_updated): the last record wins.
        assert.deepEqual(
          [...tokens.keys()].sort(),
          ['DE/TNM/RFID:012345678', 'DE/TNM/RFID:100012', 'DE/TNM/RFID:100013', 'DE/TNM/RFID:100014'],
          'owned by the first eMSP party, not the first party (a CPO)',
        );
        // Every record is a new revision (each differs from the one before), as `roamkit import` counts.
        assert.match(r.out, /^imported 6 tokens for DE\/TNM from .*tokens-2\.1\.1\.ndjson$/m);
        const last = tokens.get('DE/TNM/RFID:012345678');
        assert.equal(last?.contract_id, 'FA54320', 'auth_id becomes contract_id');
        assert.equal(last?.whitelist, 'ALLOWED');
        assert.match(r.err, /Token\.party-from-context \(invents\): 6 times in 6 objects/);
      } else {
        assert.equal(tokens.size, 7, version);
        assert.match(r.out, /^imported 7 tokens from /m);
        // The owners as named, canonical = the 2.3.0 example itself.
        const rfid = readExample(`${version}/token_example_2_full_rfid.json`);
        if (version === '2.3.0') assert.deepEqual(tokens.get('DE/TNM/RFID:12345678905880'), rfid);
        assert.equal(tokens.get('DE/TNM/APP_USER:bdf21bce-fc97-11e8-8eb2-f2801f1b9fd1')?.type, 'APP_USER');
        assert.equal(tokens.get('NL/TNM/RFID:100014')?.valid, false);
        assert.equal(tokens.get('NL/TNM/RFID:012345678')?.contract_id, 'NL8ACC12E46L89');
        assert.equal(tokens.get('DE/TNM/RFID:012345678')?.contract_id, 'FA54320');
      }
      assert.match(r.out, /^owed to 1 CPO peer; the running node pushes them$/m);

      // Published in the same transaction: one PENDING row per token for the CPO.
      const owed = await tokenDeliveries(db, peerId);
      assert.deepEqual([...owed.keys()].sort(), [...tokens.keys()].sort(), version);
      for (const row of owed.values()) assert.equal(row.state, 'PENDING');
    }
  });

  test('2.1.1 with --party: that eMSP owns them; tokens given as stored change nothing', async () => {
    const db = await nodeDb();
    const examples = tokenExamples('2.1.1');
    const args = ['tokens', 'import', '-', '--ocpi', '2.1.1', '--party', 'nl:tnm', '--db', db];
    const r = await cli(args, { stdin: ndjson(examples) });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^imported 6 tokens for NL\/TNM from -$/m);
    assert.match(r.out, /^no registered CPO peer takes Tokens pushes yet$/m);
    assert.deepEqual(
      [...(await stored(db)).keys()].map((k) => k.slice(0, 7)),
      Array(4).fill('NL/TNM/'),
    );

    // The list example's three tokens, each once: exactly as stored.
    const again = await cli(args, { stdin: ndjson(examples.slice(-3)) });
    assert.equal(again.code, 0, again.err);
    assert.equal(again.out, 'imported 0 tokens for NL/TNM from - (3 unchanged, already stored as given)');
  });

  test('bad records refuse the whole import, each named by index, uid and pointer', async () => {
    const db = await nodeDb();
    const peerId = await cpoPeer(db);
    const [appUser, rfid] = tokenExamples('2.2.1') as [Record<string, unknown>, Record<string, unknown>];
    const noValid: Record<string, unknown> = { ...rfid, uid: 'NOVALID' };
    delete noValid.valid;
    const records = [
      appUser,
      noValid,
      { ...rfid, uid: 'CPOTOKEN', country_code: 'NL', party_id: 'RMK' },
      { ...rfid, uid: 'FOREIGN', country_code: 'BE', party_id: 'XXX' },
    ];
    const file = path('bad.ndjson');
    writeFileSync(file, `${ndjson(records)}{"uid": not json}\n${JSON.stringify(rfid)}\n`);

    const r = await cli(['tokens', 'import', file, '--ocpi', '2.2.1', '--db', db]);
    assert.equal(r.code, 1);
    assert.match(r.err, new RegExp(`^${file}: record 1 \\(id NOVALID\\): .*valid`, 'm'));
    assert.match(
      r.err,
      new RegExp(`^${file}: record 2 \\(id CPOTOKEN\\): /party_id owner NL/RMK is not an eMSP party`, 'm'),
    );
    assert.match(
      r.err,
      new RegExp(
        `^${file}: record 3 \\(id FOREIGN\\): /country_code owner BE/XXX is not a party this node hosts`,
        'm',
      ),
    );
    assert.match(r.err, new RegExp(`^${file}: record 4: / not JSON`, 'm'));
    assert.doesNotMatch(r.err, /record 0|record 5/);
    assert.match(r.err, /4 of 6 records are bad; nothing imported/);
    assert.equal((await stored(db)).size, 0);
    assert.equal((await tokenDeliveries(db, peerId)).size, 0, 'nothing owed either');

    // A 2.1.1 record without uid: the same, in 2.1.1's schema.
    const in211 = tokenExamples('2.1.1');
    const noUid: Record<string, unknown> = { ...in211[0] };
    delete noUid.uid;
    const bad211 = await cli(['tokens', 'import', '-', '--ocpi', '2.1.1', '--db', db], {
      stdin: ndjson([in211[1], noUid]),
    });
    assert.equal(bad211.code, 1);
    assert.match(bad211.err, /^-: record 1: .*uid/m);
    assert.match(bad211.err, /1 of 2 records are bad; nothing imported/);
  });

  test('the publisher refusing one record (older than the stored token) imports nothing either', async () => {
    const db = await nodeDb();
    const list = tokenExamples('2.3.0').filter((t) => t.party_id === 'TNM' && t.country_code === 'NL');
    assert.equal(
      (await cli(['tokens', 'import', '-', '--ocpi', '2.3.0', '--db', db], { stdin: ndjson(list) })).code,
      0,
    );
    const before = await stored(db);
    const changed = list.map((t) => ({ ...t, whitelist: 'NEVER' }));
    // Record 2 is a day older than what is stored: CPOs would ignore it, so it is refused.
    const older = list[2] as Record<string, unknown>;
    const dayBefore = new Date(Date.parse(String(older.last_updated)) - 86_400_000).toISOString();
    Object.assign(changed[2] as object, { last_updated: `${dayBefore.slice(0, 19)}Z` });

    const r = await cli(['tokens', 'import', '-', '--ocpi', '2.3.0', '--db', db], { stdin: ndjson(changed) });
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      new RegExp(`^-: record 2 \\(id ${String(older.uid)}\\): /last_updated is older than the stored`, 'm'),
    );
    assert.deepEqual(await stored(db), before, 'no whitelist changed');
  });
});

describe('roamkit tokens list', () => {
  let db: string;
  before(async () => {
    ({ db } = await imported221());
  });

  test('a table: a header and one aligned row per token of ours', async () => {
    const r = await cli(['tokens', 'list', '--format', 'table', '--db', db]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.lines.length, 8);
    const [header, ...rows] = r.lines as [string, ...string[]];
    assert.match(header, /^party +uid +type +contract_id +valid +whitelist +issuer +last_updated$/);
    const at = header.indexOf('valid ');
    for (const row of rows) assert.match(row.slice(at), /^(yes|no) /, row);
    const blocked = rows.filter((row) => row.slice(at).startsWith('no '));
    assert.equal(blocked.length, 1);
    assert.match(
      blocked[0] ?? '',
      /^NL\/TNM +100014 +RFID +FA543BB +no +ALLOWED +TheNewMotion +2015-05-29T10:12:26Z$/,
    );
  });

  test('NDJSON and JSON: the listed fields, in store order; --valid, --invalid and --party filter', async () => {
    const all = await cli(['tokens', 'list', '--format', 'ndjson', '--db', db]);
    assert.equal(all.code, 0, all.err);
    const tokens = all.lines.map((line) => JSON.parse(line) as TokenSummary);
    assert.equal(tokens.length, 7);
    assert.match(all.err, /^listed 7 tokens$/);
    assert.deepEqual(tokens[0], {
      country_code: 'DE',
      party_id: 'TNM',
      uid: 'bdf21bce-fc97-11e8-8eb2-f2801f1b9fd1',
      type: 'APP_USER',
      contract_id: 'DE8ACC12E46L89',
      valid: true,
      whitelist: 'ALLOWED',
      issuer: 'TheNewMotion',
      last_updated: '2018-12-10T17:16:15Z',
    });

    const invalid = await cli(['tokens', 'list', '--invalid', '--format', 'json', '--db', db]);
    assert.equal(invalid.code, 0, invalid.err);
    assert.deepEqual(
      (JSON.parse(invalid.out) as TokenSummary[]).map((t) => t.uid),
      ['100014'],
    );
    const validNl = await cli([
      'tokens',
      'list',
      '--valid',
      '--party',
      'NL:TNM',
      '--format',
      'json',
      '--db',
      db,
    ]);
    assert.equal(validNl.code, 0, validNl.err);
    assert.deepEqual(
      (JSON.parse(validNl.out) as TokenSummary[]).map((t) => `${t.party_id}:${t.uid}`),
      ['TNM:012345678', 'TNM:100012', 'TNM:100013'],
    );
    assert.deepEqual(
      (JSON.parse(validNl.out) as TokenSummary[]).map((t) => t.country_code),
      ['NL', 'NL', 'NL'],
    );

    const none = await cli(['tokens', 'list', '--format', 'json', '--db', await nodeDb()]);
    assert.deepEqual(JSON.parse(none.out), []);
    const noneTable = await cli(['tokens', 'list', '--format', 'table', '--db', await nodeDb()]);
    assert.deepEqual(noneTable.lines, ['no tokens']);
  });

  test('the table streams: widths come from the first rows, later rows are written as they come', () => {
    const lines: string[] = [];
    const table = tokenTable((line) => lines.push(line), 2);
    const token = (uid: string): TokenSummary => ({
      country_code: 'NL',
      party_id: 'TNM',
      uid,
      type: 'RFID',
      contract_id: 'C1',
      valid: true,
      whitelist: 'ALWAYS',
      issuer: 'I',
      last_updated: '2025-01-01T00:00:00Z',
    });
    table.add(token('A'));
    table.add(token('B'));
    assert.equal(lines.length, 0, 'held until the sample is full');
    table.add(token('C'));
    assert.equal(lines.length, 4, 'the header and the three rows');
    table.add(token('A-MUCH-LONGER-UID'));
    assert.equal(lines.length, 5, 'written at once');
    table.end();
    assert.equal(lines.length, 5);
    assert.match(lines[1] ?? '', /^NL\/TNM +A +RFID /);
    assert.equal(lines[1]?.indexOf('RFID'), lines[0]?.indexOf('type'));
  });
});

describe('roamkit tokens block / unblock', () => {
  let db: string;
  let peerId: string;
  const key: ObjectKey = { countryCode: 'NL', partyId: 'TNM', id: tokenObjectId('012345678', 'RFID') };
  before(async () => {
    ({ db, peerId } = await imported221());
    // The CPO has acknowledged every token (the worker delivered them): nothing is pending.
    const store = openStore(db);
    try {
      const claimed = await store.deliveries.claim({
        workerId: 'w',
        now: new Date(),
        limit: 100,
        leaseMs: 60_000,
      });
      assert.equal(claimed.length, 7);
      for (const row of claimed) assert.ok(await store.deliveries.acknowledge(row, 'w', row.pendingRevision));
    } finally {
      await store.close();
    }
  });

  test('a uid held by two of our eMSP parties needs --party (usage error)', async () => {
    const r = await cli(['tokens', 'block', '012345678', '--db', db]);
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /RFID token 012345678 is a token of several of our parties \((DE|NL)\/TNM, (DE|NL)\/TNM\): give --party/,
    );
  });

  test('block: valid false, a new revision owed to the CPO (a PATCH) and to a CPO registered since', async () => {
    const late = await cpoPeer(db, 'Late CPO');
    assert.equal((await tokenDeliveries(db, late)).size, 0, 'registered after the import: owed nothing yet');

    const r = await cli(['tokens', 'block', '012345678', '--party', 'NL:TNM', '--db', db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^blocked RFID token 012345678 of NL\/TNM \(valid: false\)$/m);
    assert.match(r.out, /^owed to 2 CPO peers; the running node sends the change$/m);

    const store = openStore(db);
    try {
      const record = await store.objects.get('tokens', key);
      assert.equal(record?.data.valid, false);
      assert.equal(record?.data.last_updated, NOW_TEXT);
      assert.equal(record?.revision, 2);
      assert.equal(
        (await store.objects.get('tokens', { ...key, countryCode: 'DE' }))?.data.valid,
        true,
        "DE/TNM's token of the same uid is untouched",
      );

      const row = await store.deliveries.get(peerId, 'tokens', key);
      assert.equal(row?.state, 'PENDING');
      assert.equal(row?.pendingRevision, 2);
      assert.equal(row?.ackedRevision, 1);
      // The CPO holds revision 1: the worker sends it a PATCH of what changed.
      assert.ok(record && row);
      const message = planDelivery({ record, delivery: row, version: '2.2.1' });
      assert.equal(message.method, 'PATCH');
      assert.deepEqual(message.params, { country_code: 'NL', party_id: 'TNM', token_uid: '012345678' });
      assert.deepEqual(message.query, { type: 'RFID' });
      assert.deepEqual(message.body, { valid: false, last_updated: NOW_TEXT });
      const pending = await store.deliveries.list({ peerId, state: 'PENDING' });
      assert.equal(pending.length, 1, 'only the blocked token is owed');

      const lateRow = await store.deliveries.get(late, 'tokens', key);
      assert.equal(lateRow?.state, 'PENDING', 'the row is created for a peer that had none');
      assert.equal(lateRow?.pendingRevision, 2);
    } finally {
      await store.close();
    }

    const listed = await cli([
      'tokens',
      'list',
      '--invalid',
      '--party',
      'NL:TNM',
      '--format',
      'ndjson',
      '--db',
      db,
    ]);
    assert.deepEqual(
      listed.lines.map((l) => (JSON.parse(l) as TokenSummary).uid),
      ['012345678', '100014'],
    );
  });

  test('blocking a blocked token changes nothing; unblock makes it valid again', async () => {
    const again = await cli(['tokens', 'block', '012345678', '--party', 'NL:TNM', '--db', db]);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /^RFID token 012345678 of NL\/TNM is already blocked; nothing changed$/);

    const unblock = await cli(['tokens', 'unblock', '012345678', '--party', 'NL:TNM', '--db', db]);
    assert.equal(unblock.code, 0, unblock.err);
    assert.match(unblock.out, /^unblocked RFID token 012345678 of NL\/TNM \(valid: true\)$/m);
    const token = (await stored(db)).get('NL/TNM/RFID:012345678');
    assert.equal(token?.valid, true);
    // --type (any case) names a token of another type; the one party holding it needs no --party.
    const app = await cli([
      'tokens',
      'block',
      'bdf21bce-fc97-11e8-8eb2-f2801f1b9fd1',
      '--type',
      'app_user',
      '--db',
      db,
    ]);
    assert.equal(app.code, 0, app.err);
    assert.equal(
      (await stored(db)).get('DE/TNM/APP_USER:bdf21bce-fc97-11e8-8eb2-f2801f1b9fd1')?.valid,
      false,
    );
  });

  test('an unknown token is exit 1; bad arguments are usage errors (exit 2)', async () => {
    const unknown = await cli(['tokens', 'block', 'NOPE', '--db', db]);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.err,
      /^roamkit tokens block: no token of ours with uid NOPE and type RFID \(another type\? give --type\); see roamkit tokens list$/,
    );
    // Exists, but as an RFID token.
    const wrongType = await cli(['tokens', 'unblock', '12345678905880', '--type', 'APP_USER', '--db', db]);
    assert.equal(wrongType.code, 1);
    assert.match(wrongType.err, /no token of ours with uid 12345678905880 and type APP_USER;/);
    const wrongParty = await cli(['tokens', 'block', '12345678905880', '--party', 'NL:TNM', '--db', db]);
    assert.equal(wrongParty.code, 1);
    assert.match(wrongParty.err, /uid 12345678905880 and type RFID of NL\/TNM/);

    const notHosted = await cli(['tokens', 'block', '100014', '--party', 'BE:XXX', '--db', db]);
    assert.equal(notHosted.code, 2);
    assert.match(
      notHosted.err,
      /--party BE\/XXX is not a party this node hosts \(NL\/RMK \(CPO\), DE\/TNM \(EMSP\), NL\/TNM \(EMSP\)\)/,
    );
    const cpo = await cli(['tokens', 'list', '--party', 'NL:RMK', '--db', db]);
    assert.equal(cpo.code, 2);
    assert.match(cpo.err, /--party NL\/RMK plays CPO; Tokens belong to an eMSP/);
    const both = await cli(['tokens', 'list', '--valid', '--invalid', '--db', db]);
    assert.equal(both.code, 2);
    assert.match(both.err, /give --valid or --invalid, not both/);
    assert.equal((await cli(['tokens', 'list', '--format', 'xml', '--db', db])).code, 2);
    assert.equal((await cli(['tokens', 'block', 'X', '--type', 'RF:ID', '--db', db])).code, 2);
    assert.equal((await cli(['tokens', 'block', '--db', db])).code, 2, 'no uid');
    assert.equal((await cli(['tokens', 'import', '-', '--ocpi', '2.0', '--db', db], { stdin: '' })).code, 2);
    assert.equal((await cli(['tokens', 'import', '-', '--db', db], { stdin: '' })).code, 2, 'no --ocpi');
    const unreadable = await cli(['tokens', 'import', path('missing.json'), '--ocpi', '2.2.1', '--db', db]);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.err, /^roamkit tokens import: .*missing\.json: cannot read/);
    const missing = await cli(['tokens', 'list', '--db', `sqlite:${path('nowhere.db')}`]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no database at .*nowhere\.db/);

    const cpoOnly = await nodeDb([PARTIES[0]]);
    const noEmsp = await cli(['tokens', 'import', '-', '--ocpi', '2.1.1', '--db', cpoOnly], {
      stdin: ndjson(tokenExamples('2.1.1')),
    });
    assert.equal(noEmsp.code, 2);
    assert.match(noEmsp.err, /the node hosts no eMSP party \(NL\/RMK \(CPO\)\); Tokens belong to an eMSP/);
    const notJson = await cli(['tokens', 'import', '-', '--ocpi', '2.2.1', '--db', db], {
      stdin: `[${JSON.stringify(tokenExamples('2.2.1')[0])},`,
    });
    assert.equal(notJson.code, 1);
    assert.match(notJson.err, /^-: not JSON/);
  });
});
