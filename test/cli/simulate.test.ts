/**
 * `roamkit simulate` against a CPO node's SQLite file, between two real nodes on loopback ports:
 * the eMSP (DE:MSP:EMSP) pushes its tokens, the CPO (NL:CPO:CPO) is seeded with locations and
 * tariffs and serves on the same database file; the command runs in this process on that file
 * with its own delivery worker (no `roamkit serve` worker runs). Afterwards the eMSP holds exactly
 * the Sessions and CDRs the CPO made (each CDR once, as the CPO has it), every CDR's totals agree
 * with its session and its periods, the EVSEs are AVAILABLE again at both ends, the eMSP's pull
 * of the CPO's Sessions and CDRs finds the same (all in the past), and the same seed on fresh
 * databases gives the same CDR ids and energies. No tokens: exit 1 and why.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { Command } from 'commander';
import { recordNodeMeta } from '../../src/cli/serve.js';
import { addSimulateCommand, type SimulateIo } from '../../src/cli/simulate.js';
import { fromCanonical } from '../../src/model/index.js';
import { generateSeed } from '../../src/platform/seed/index.js';
import { formatDateTime, type OcpiVersion } from '../../src/protocol/index.js';
import { openStore } from '../../src/store/database.js';
import type { ObjectModule, PeerRecord } from '../../src/store/types.js';
import { connectNodes, deliverAll, type RunningNode, sqliteBackend, startNode } from '../e2e/helpers.js';

type Json = Record<string, unknown>;

const tmp = mkdtempSync(join(tmpdir(), 'roamkit-simulate-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let dbCount = 0;

interface CliRun {
  code: number;
  out: string;
  err: string;
  lines: string[];
}

/**
 * `roamkit simulate ARGS…` in-process, the way main.ts's `run` runs a command (exit code from
 * process.exitCode, commander's usage errors as 2), not on a terminal.
 */
async function simulate(args: string[], io: Partial<SimulateIo> = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('roamkit')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.push(s.trimEnd()), writeErr: (s) => err.push(s.trimEnd()) });
  addSimulateCommand(program, {
    env: {},
    isTTY: false,
    ...io,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  process.exitCode = 0;
  let code: number;
  try {
    await program.parseAsync(['simulate', ...args], { from: 'user' });
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    if (!String((error as { code?: string }).code).startsWith('commander.')) throw error;
    code = 2;
  } finally {
    process.exitCode = undefined;
  }
  return { code, out: out.join('\n'), err: err.join('\n'), lines: out };
}

const CPO = { countryCode: 'NL', partyId: 'CPO' };
const EMSP = { country_code: 'DE', party_id: 'MSP' };

function token(uid: string, whitelist: string, valid = true): Json {
  return {
    ...EMSP,
    uid,
    type: 'RFID',
    contract_id: `DE-MSP-C${uid}`,
    visual_number: `DE-MSP-${uid}`,
    issuer: 'MSP Mobility',
    valid,
    whitelist,
    language: 'de',
    last_updated: formatDateTime(new Date(Date.now() - 3 * 86_400_000)),
  };
}

/** Ten drivers' cards (most decided from the CPO's cache, some asked in real time) and a blocked one. */
const TOKENS = [
  ...Array.from({ length: 10 }, (_, i) =>
    token(`C${String(i).padStart(7, '0')}`, i % 3 === 0 ? 'NEVER' : i % 3 === 1 ? 'ALLOWED' : 'ALWAYS'),
  ),
  token('B0000099', 'ALLOWED', false),
];

interface World {
  cpo: RunningNode;
  emsp: RunningNode;
  db: string;
  /** The eMSP as the CPO knows it, and the CPO as the eMSP knows it. */
  emspAtCpo: PeerRecord;
  cpoAtEmsp: PeerRecord;
  close(): Promise<void>;
}

/** A CPO on a SQLite file (its settings recorded as `roamkit serve` does) and an eMSP, connected. */
async function world(options: { tokens?: boolean } = {}): Promise<World> {
  const db = `sqlite:${join(tmp, `cpo-${++dbCount}.db`)}`;
  const cpoStore = openStore(db);
  await cpoStore.migrate();
  const backend = sqliteBackend();
  const cpo = await startNode(backend, {
    label: 'CPO',
    versions: ['2.3.0'],
    parties: ['NL:CPO:CPO'],
    store: cpoStore,
  });
  const emsp = await startNode(backend, { label: 'eMSP', versions: ['2.3.0'], parties: ['DE:MSP:EMSP'] });
  await recordNodeMeta(cpoStore, cpo.app.platform.config);
  const { atInviter: emspAtCpo, atOther: cpoAtEmsp } = await connectNodes(cpo, emsp, { name: 'eMSP' });

  const seed = generateSeed({
    locations: 6,
    seed: 'simulate-cli',
    party: { country_code: 'NL', party_id: 'CPO' },
    now: new Date(Date.now() - 7 * 86_400_000),
    tariffs: 3,
  });
  await cpo.app.platform.publisher.putAll([
    { module: 'tariffs', documents: seed.tariffs as unknown as Json[] },
    { module: 'locations', documents: seed.locations as unknown as Json[] },
  ]);
  await deliverAll(cpo);
  if (options.tokens !== false) {
    await emsp.app.platform.publisher.putMany('tokens', TOKENS);
    await deliverAll(emsp);
    assert.equal(await cpo.store.objects.count({ module: 'tokens', peerId: emspAtCpo.id }), TOKENS.length);
  }
  return {
    cpo,
    emsp,
    db,
    emspAtCpo,
    cpoAtEmsp,
    close: async () => {
      await Promise.all([cpo.close(), emsp.close()]);
    },
  };
}

const all = (node: RunningNode, module: ObjectModule, peerId: string | null) =>
  node.store.objects.list({ module, peerId }, { offset: 0, limit: 10_000 });

const inVersion = (type: 'Session' | 'CDR', version: OcpiVersion, data: Json) =>
  fromCanonical(type, version, data).value;

const energyOfPeriods = (periods: Json[]) =>
  periods
    .flatMap((p) => p.dimensions as Json[])
    .filter((d) => d.type === 'ENERGY')
    .reduce((sum, d) => sum + Number(d.volume), 0);

/** [CDR id, total_energy] of the CPO's CDRs, sorted. */
async function cdrFacts(node: RunningNode): Promise<[string, number][]> {
  return (await all(node, 'cdrs', null))
    .map((r) => [r.key.id, Number(r.data.total_energy)] as [string, number])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

const ARGS = ['--sessions', '14', '--concurrency', '4', '--seed', 'cli-test', '--speed', 'max'];

describe('roamkit simulate', { concurrency: false }, () => {
  let first: [string, number][] = [];

  test('the eMSP holds exactly the Sessions and CDRs the CPO made, totals consistent, EVSEs free again', async () => {
    const w = await world();
    try {
      const run = await simulate([...ARGS, '--sample-minutes', '10', '--refused', '0.25', '--db', w.db]);
      assert.equal(run.code, 0, `${run.out}\n${run.err}`);
      const summary = /sessions: (\d+) started, (\d+) CDRs, ([\d.]+) kWh/.exec(run.out);
      const tokens = /tokens: (\d+) authorized, (\d+) refused/.exec(run.out);
      assert.ok(summary && tokens, run.out);
      assert.match(run.out, /^simulated 14 drivers from \S+Z to \S+Z: /m);
      assert.match(run.out, /deliveries: nothing owed to any peer/);
      // Plain progress lines, not a bar (not a terminal), the last one for all 14.
      assert.match(run.err, /^14\/14 drivers done: 0 charging, [\d.]+ kWh delivered; simulated time /m);

      const ourSessions = await all(w.cpo, 'sessions', null);
      const ourCdrs = await all(w.cpo, 'cdrs', null);
      const started = Number(summary[1]);
      assert.ok(started >= 8, `most drivers charge: ${run.out}`);
      assert.equal(Number(tokens[1]), started, 'every authorized driver charged');
      assert.ok(Number(tokens[2]) >= 1, `a quarter of the tokens were meant to be refused: ${run.out}`);
      assert.equal(ourSessions.length, started);
      assert.equal(ourCdrs.length, Number(summary[2]));
      assert.equal(ourCdrs.length, started, 'every session stopped with its CDR');

      // The eMSP: the same Sessions and CDRs, each once, as the CPO holds them.
      const heldSessions = await all(w.emsp, 'sessions', w.cpoAtEmsp.id);
      const heldCdrs = await all(w.emsp, 'cdrs', w.cpoAtEmsp.id);
      assert.deepEqual(heldSessions.map((r) => r.key.id).sort(), ourSessions.map((r) => r.key.id).sort());
      assert.deepEqual(heldCdrs.map((r) => r.key.id).sort(), ourCdrs.map((r) => r.key.id).sort());
      assert.equal(new Set(heldCdrs.map((r) => r.key.id)).size, heldCdrs.length, 'each CDR once');
      const version = w.cpoAtEmsp.version as OcpiVersion;
      let kwh = 0;
      for (const ours of ourSessions) {
        const held = heldSessions.find((r) => r.key.id === ours.key.id);
        assert.equal(held?.data.status, 'COMPLETED');
        assert.deepEqual(
          inVersion('Session', version, held?.data as Json),
          inVersion('Session', version, ours.data),
          `session ${ours.key.id}: periods appended by PATCH, none twice`,
        );
      }
      for (const ours of ourCdrs) {
        const held = heldCdrs.find((r) => r.key.id === ours.key.id)?.data as Json;
        assert.deepEqual(inVersion('CDR', version, held), inVersion('CDR', version, ours.data));
        const session = heldSessions.find((r) => r.key.id === held.session_id)?.data as Json;
        assert.ok(session, `the CDR's session ${String(held.session_id)} is at the eMSP`);
        const energy = Number(held.total_energy);
        assert.ok(energy > 0);
        assert.equal(energy, session.kwh, 'CDR total_energy = the session kwh');
        assert.ok(
          Math.abs(energyOfPeriods(held.charging_periods as Json[]) - energy) < 1e-4,
          'the periods ENERGY sum = total_energy',
        );
        assert.deepEqual(held.cdr_token, session.cdr_token);
        assert.equal((held.cdr_token as Json).country_code, 'DE');
        assert.ok(Date.parse(String(held.end_date_time)) < Date.now(), 'in the past');
        kwh += energy;
      }
      assert.ok(Math.abs(kwh - Number(summary[3])) < 1e-3, 'the summary kWh is the CDRs total');

      // Every EVSE a session used is AVAILABLE again, at the CPO and in the eMSP's copy.
      const used = new Map<string, Set<string>>();
      for (const s of ourSessions) {
        const id = String(s.data.location_id);
        used.set(id, (used.get(id) ?? new Set()).add(String(s.data.evse_uid)));
      }
      for (const [locationId, evses] of used) {
        for (const node of [w.cpo, w.emsp]) {
          const location = await node.store.objects.get('locations', { ...CPO, id: locationId });
          for (const uid of evses) {
            const evse = ((location?.data.evses ?? []) as Json[]).find((e) => e.uid === uid);
            assert.equal(evse?.status, 'AVAILABLE', `${node.label}: EVSE ${uid}`);
          }
        }
      }

      // The eMSP's pull (the backstop) lists the same: every DateTime lies in the past.
      const pulledCdrs = await w.emsp.app.platform.sync.sync(w.cpoAtEmsp.id, 'cdrs', { full: true });
      assert.equal(pulledCdrs.received, ourCdrs.length);
      assert.equal(pulledCdrs.rejected, 0);
      const pulledSessions = await w.emsp.app.platform.sync.sync(w.cpoAtEmsp.id, 'sessions', { full: true });
      assert.equal(pulledSessions.received, ourSessions.length);
      assert.equal((await all(w.emsp, 'cdrs', w.cpoAtEmsp.id)).length, ourCdrs.length, 'still each CDR once');

      first = await cdrFacts(w.cpo);

      // The same seed again on this database: the next run number, new ids, nothing collides.
      const again = await simulate([...ARGS, '--sample-minutes', '10', '--refused', '0.25', '--db', w.db]);
      assert.equal(again.code, 0, again.out + again.err);
      assert.match(again.out, /\(run 1;/);
      assert.equal((await all(w.cpo, 'cdrs', null)).length, ourCdrs.length * 2);

      // On a terminal: a progress bar instead of the lines.
      let drawn = '';
      const progressStream = Object.assign(
        new Writable({
          write(chunk, _encoding, done) {
            drawn += String(chunk);
            done();
          },
        }),
        { isTTY: true, columns: 160 },
      );
      const tty = await simulate(['--sessions', '3', '--speed', 'max', '--seed', 'tty', '--db', w.db], {
        isTTY: true,
        progressStream,
      });
      assert.equal(tty.code, 0, tty.out + tty.err);
      assert.match(drawn, /drivers \[[^\]]*\] 3\/3 \| 0 charging \| [\d.]+ kWh \| \S+Z/);
      assert.doesNotMatch(tty.err, /drivers done/);
    } finally {
      await w.close();
    }
  });

  test('the same seed on fresh databases: the same CDR ids and energies', async () => {
    assert.ok(first.length > 0, 'the first test ran');
    const w = await world();
    try {
      const run = await simulate([...ARGS, '--sample-minutes', '10', '--refused', '0.25', '--db', w.db]);
      assert.equal(run.code, 0, run.out + run.err);
      assert.deepEqual(await cdrFacts(w.cpo), first);
      assert.ok(
        first.every(([id]) => /^SIM-[0-9a-f]{8}-0-\d{6}$/.test(id)),
        JSON.stringify(first),
      );
    } finally {
      await w.close();
    }
  });

  test('no tokens from any eMSP: exit 1 and why; a database no node served: exit 2', async () => {
    const w = await world({ tokens: false });
    try {
      const run = await simulate([...ARGS, '--db', w.db]);
      assert.equal(run.code, 1, run.out + run.err);
      assert.match(run.err, /roamkit simulate: this node holds no tokens from any eMSP/);
      assert.equal((await all(w.cpo, 'sessions', null)).length, 0);
    } finally {
      await w.close();
    }
    const missing = await simulate(['--db', `sqlite:${join(tmp, 'nothing-here.db')}`]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no database at/);
    const bad = await simulate(['--speed', 'fast']);
    assert.equal(bad.code, 2);
  });
});
