/**
 * End to end: remote commands between an eMSP node (DE:MSP:EMSP) and a CPO node (NL:CPO:CPO) on
 * loopback ports, in every version, on SQLite and on PostgreSQL, with the built-in charge point
 * simulator behind the CPO. Each command accepted and completed (a remote start becomes a
 * Session with auth method COMMAND and the eMSP's authorization reference, a remote stop ends it
 * with its CDR, a reservation holds the EVSE, a cancellation frees it, an unlock); each refusal
 * (an unknown token, an unknown location: 2003, an occupied or inoperative EVSE, an EVSE without
 * the capability, an unknown session); a charge point that never answers (TIMEOUT); a
 * response_url that is down (the result retried through the outbox) or down for longer than the
 * command's timeout (TIMEOUT at the eMSP, the late result kept beside it).
 *
 * The CPO checks tokens against its cache here (`tokenCheck: 'cache'`), so an unknown token is
 * refused; the default ('issuer') is covered in test/platform/commands.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { addCommandCommand } from '../../src/cli/command.js';
import { recordNodeMeta } from '../../src/cli/serve.js';
import { buildApp } from '../../src/http/app.js';
import { commandsModule } from '../../src/platform/commands/module.js';
import { type CommandsService, createCommandsService } from '../../src/platform/commands/service.js';
import type { CommandsSettings } from '../../src/platform/commands/settings.js';
import { CommandSendError, lateResult, messageText } from '../../src/platform/commands/types.js';
import { type NodeConfig, validateNodeConfig } from '../../src/platform/config.js';
import { createHttpGateway, registerGatewayApi } from '../../src/platform/gateway/http.js';
import { createSimulatedGateway, type SimulatedGateway } from '../../src/platform/gateway/simulator.js';
import type { ChargePointGateway } from '../../src/platform/gateway/types.js';
import { tokenObjectId } from '../../src/platform/object-modules.js';
import {
  encodeAuthorization,
  formatDateTime,
  MODULE_IDS,
  OCPI_VERSIONS,
  type OcpiVersion,
} from '../../src/protocol/index.js';
import type { CommandRecord } from '../../src/store/commands.js';
import { openStore, type SqlStore } from '../../src/store/database.js';
import type { PeerRecord } from '../../src/store/types.js';
import { pgAvailability } from '../store/targets.js';
import {
  connect,
  E,
  eventually,
  listenOnLoopback,
  publishLocation,
  resultsDownHook,
  seededLocation,
} from './async-request-helpers.js';
import { type Backend, postgresBackend, sqliteBackend } from './helpers.js';

type Json = Record<string, unknown>;

const CPO = { countryCode: 'NL', partyId: 'CPO' };
const EMSP = { country_code: 'DE', party_id: 'MSP' };
const HOUR = 3_600_000;
const T0 = Date.now() - 6 * HOUR;

/** The CPO's charge point answers within this, or the command's result is TIMEOUT. */
const CHARGE_POINT_TIMEOUT_MS = 800;
const CPO_SETTINGS: Partial<CommandsSettings> = {
  chargePointTimeoutMs: CHARGE_POINT_TIMEOUT_MS,
  resultMarginMs: 1000,
  tokenCheck: 'cache',
  baseDelayMs: 40,
  maxDelayMs: 150,
  pollIntervalMs: 20,
};
/** 2.2+: the CPO's timeout (2 s); 2.1.1 gives none: this. */
const EMSP_SETTINGS: Partial<CommandsSettings> = { defaultResultTimeoutMs: 2000, pollIntervalMs: 20 };

interface CommandsNode {
  label: string;
  config: NodeConfig;
  app: FastifyInstance;
  store: SqlStore;
  commands: CommandsService;
  gateway: SimulatedGateway;
  /** While on, the charge points never answer. */
  silent: { on: boolean };
  /** While on, POSTs to our response_urls get HTTP 503. */
  resultsDown: { on: boolean };
  close(): Promise<void>;
}

/** A node with the Commands module enabled (its id added to the validated modules) and the simulator. */
async function startCommandsNode(
  backend: Backend,
  options: {
    label: string;
    versions: OcpiVersion[];
    parties: string[];
    settings: Partial<CommandsSettings>;
    /** Instead of the simulator (its gateway API then open with `gatewayToken`). */
    gateway?: (publicUrl: () => string) => ChargePointGateway;
    gatewayToken?: string;
  },
): Promise<CommandsNode> {
  const store = await backend.open();
  const base = validateNodeConfig({
    publicUrl: 'http://127.0.0.1:1',
    parties: options.parties,
    versions: options.versions,
  });
  const config = {
    ...base,
    modules: MODULE_IDS.filter((id) => base.modules.includes(id) || id === 'commands'),
  };
  let commands: CommandsService | undefined;
  const app = buildApp({
    config,
    store,
    logger: false,
    modules: [commandsModule({ commands: () => commands as CommandsService })],
  });
  const silent = { on: false };
  const resultsDown = { on: false };
  const gateway =
    options.gateway?.(() => config.publicUrl) ??
    createSimulatedGateway({
      override: () => (silent.on ? 'silent' : undefined),
      sampleIntervalMs: 0,
    });
  commands = createCommandsService({
    config,
    store,
    chargingSessions: app.platform.chargingSessions,
    publisher: app.platform.publisher,
    gateway,
    settings: options.settings,
  });
  const service = commands;
  registerGatewayApi(app, {
    events: () => service.chargePointEvents,
    config,
    store,
    token: options.gatewayToken,
  });
  resultsDownHook(app, resultsDown, /\/commands\/[A-Z_]+\/[^/]+$/);
  await listenOnLoopback(app, config);
  service.start();
  return {
    label: options.label,
    config,
    app,
    store,
    commands: service,
    // The tests that reach into the simulator run with it.
    gateway: gateway as SimulatedGateway,
    silent,
    resultsDown,
    close: async () => {
      await service.stop();
      await app.close();
      await store.close();
    },
  };
}

/** Runs a node's delivery worker until nothing is owed; every attempt must succeed. */
async function deliverAll(node: CommandsNode): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const result = await node.app.platform.delivery.runOnce();
    const open = await node.store.deliveries.list({ state: ['PENDING', 'PARKED', 'REFUSED'] });
    if (result.failed > 0 || open.some((d) => d.state !== 'PENDING')) {
      assert.fail(
        `${node.label}: ${open.map((d) => `${d.module} ${d.key.id} ${d.state}: ${d.lastError}`).join('\n')}`,
      );
    }
    if (open.length === 0) return;
  }
  assert.fail(`${node.label}: deliveries still pending after 50 rounds`);
}

function token(uid: string): Json {
  return {
    ...EMSP,
    uid,
    type: 'RFID',
    contract_id: `DE-MSP-C${uid}`,
    issuer: 'MSP Mobility',
    valid: true,
    whitelist: 'ALLOWED',
    last_updated: formatDateTime(new Date(T0 + 10 * 60_000)),
  };
}
const DRIVER = token('C0000001');
const OTHER_DRIVER = token('C0000002');
/** Ours, but never pushed to the CPO. */
const UNPUSHED = token('U0000009');

const FULL = ['RFID_READER', 'REMOTE_START_STOP_CAPABLE', 'UNLOCK_CAPABLE', 'RESERVABLE'];

/** A seeded Location with four EVSEs we control: E1, E2 ready for anything, E3 out of order, E4 without remote capabilities. */
const commandLocation = (version: OcpiVersion) =>
  seededLocation({
    seed: `commands-${version}`,
    now: new Date(T0),
    tariffs: 2,
    evses: [
      { capabilities: FULL },
      { capabilities: FULL },
      { capabilities: FULL, status: 'OUTOFORDER' },
      { capabilities: ['RFID_READER'] },
    ],
  });

function versionSuite(backend: Backend, version: OcpiVersion) {
  describe(version, { concurrency: false }, () => {
    let cpo: CommandsNode;
    let emsp: CommandsNode;
    let peers: { atCpo: PeerRecord; atSender: PeerRecord };
    let locationId: string;
    let sessionId: string;
    const send = (command: Parameters<CommandsService['send']>[1], request: Json) =>
      emsp.commands.sendAndWait(peers.atSender.id, command, request);
    const evseStatus = async (n: number) => {
      const record = await cpo.store.objects.get('locations', { ...CPO, id: locationId });
      return ((record?.data.evses ?? []) as Json[]).find((e) => e.uid === E(n))?.status;
    };
    /** The CPO's record of the last command of a type it received. */
    const received = async (command: string) =>
      (await cpo.commands.list({ side: 'RECEIVED', command, limit: 1 }))[0] as CommandRecord;

    before(async () => {
      const versions = [version];
      [cpo, emsp] = await Promise.all([
        startCommandsNode(backend, {
          label: 'CPO',
          versions,
          parties: ['NL:CPO:CPO'],
          settings: CPO_SETTINGS,
        }),
        startCommandsNode(backend, {
          label: 'eMSP',
          versions,
          parties: ['DE:MSP:EMSP'],
          settings: EMSP_SETTINGS,
        }),
      ]);
      peers = await connect(cpo, emsp, 'eMSP');
      locationId = await publishLocation(cpo, commandLocation(version));
      await emsp.app.platform.publisher.putMany('tokens', [DRIVER, OTHER_DRIVER]);
      await Promise.all([deliverAll(cpo), deliverAll(emsp)]);
      const cached = await cpo.store.objects.get('tokens', {
        countryCode: 'DE',
        partyId: 'MSP',
        id: tokenObjectId('C0000001', 'RFID'),
      });
      assert.equal(cached?.peerId, peers.atCpo.id, 'the CPO holds the pushed token');
    });
    after(async () => {
      await Promise.all([cpo?.close(), emsp?.close()]);
    });

    test('a body that is not a command is answered 2001, never a 500, and nothing is stored', async () => {
      const interfaceName = version === '2.1.1' ? 'cpo' : 'receiver';
      const url = `${cpo.config.publicUrl}/ocpi/${version}/${interfaceName}/commands/START_SESSION`;
      const authorization = encodeAuthorization(String(peers.atSender.outgoingToken), version);
      for (const body of [
        'null',
        '[]',
        '"START"',
        '{}',
        '{"response_url":5,"token":"x","location_id":[1]}',
        '{',
      ]) {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body,
        });
        // Malformed JSON is HTTP 400; a body the schema refuses is an OCPI error in HTTP 200.
        assert.equal(response.status, body === '{' ? 400 : 200, body);
        assert.equal(((await response.json()) as Json).status_code, 2001, body);
      }
      assert.deepEqual(await cpo.commands.list({ side: 'RECEIVED' }), []);
    });

    test('START_SESSION: accepted; the charge point starts a session (auth COMMAND) that reaches the eMSP', async () => {
      const done = await send('START_SESSION', { token: DRIVER, location_id: locationId, evse_uid: E(1) });
      assert.equal(done.state, 'DONE');
      assert.equal(done.outcome, 'ACCEPTED', JSON.stringify(done));
      assert.equal(done.response?.result, 'ACCEPTED');
      assert.equal(done.result?.result, 'ACCEPTED');
      // 2.2+: the CPO's timeout, the charge point's time and the margin; 2.1.1 has none (the converters assume 120 s).
      assert.equal(done.response?.timeout, version === '2.1.1' ? 120 : 2);
      const atCpo = await received('START_SESSION');
      assert.equal(atCpo.outcome, 'ACCEPTED');
      assert.ok(atCpo.reference, 'the CPO notes the session the command started');
      sessionId = atCpo.reference as string;
      await eventually(
        () => received('START_SESSION'),
        (r) => r.delivery?.state === 'DELIVERED',
        'the result delivered',
      );

      const session = await cpo.store.objects.get('sessions', { ...CPO, id: sessionId });
      assert.equal(session?.data.status, 'ACTIVE');
      assert.equal(session?.data.auth_method, 'COMMAND');
      assert.equal((session?.data.cdr_token as Json | undefined)?.uid, 'C0000001');
      assert.equal(session?.data.evse_uid, E(1));
      if (version !== '2.1.1') {
        assert.equal(
          session?.data.authorization_reference,
          done.id,
          "the eMSP's command id is the session's reference",
        );
      }
      assert.equal(await evseStatus(1), 'CHARGING');
      await deliverAll(cpo);
      const atSender = await emsp.store.objects.get('sessions', { ...CPO, id: sessionId });
      assert.equal(atSender?.peerId, peers.atSender.id);
      assert.equal(atSender?.data.status, 'ACTIVE');
      if (version !== '2.1.1') assert.equal(atSender?.data.authorization_reference, done.id);
    });

    test('START_SESSION at an occupied EVSE, an inoperative one, one without remote start: refused at once', async () => {
      const occupied = await send('START_SESSION', {
        token: OTHER_DRIVER,
        location_id: locationId,
        evse_uid: E(1),
      });
      assert.equal(occupied.outcome, 'REJECTED');
      assert.equal(occupied.result, null, 'no result follows a refusal');
      if (version !== '2.1.1')
        assert.match(messageText(occupied.response?.message) ?? '', /occupied \(CHARGING\)/);
      const inoperative = await send('START_SESSION', {
        token: OTHER_DRIVER,
        location_id: locationId,
        evse_uid: E(3),
      });
      assert.equal(inoperative.outcome, 'REJECTED');
      if (version !== '2.1.1') assert.match(messageText(inoperative.response?.message) ?? '', /OUTOFORDER/);
      const incapable = await send('START_SESSION', {
        token: OTHER_DRIVER,
        location_id: locationId,
        evse_uid: E(4),
      });
      assert.equal(incapable.outcome, 'NOT_SUPPORTED');
      assert.equal(await evseStatus(1), 'CHARGING');
      assert.equal(await evseStatus(4), 'AVAILABLE');
    });

    test('START_SESSION with a token the CPO does not know: REJECTED', async () => {
      const unknown = await send('START_SESSION', {
        token: UNPUSHED,
        location_id: locationId,
        evse_uid: E(2),
      });
      assert.equal(unknown.outcome, 'REJECTED');
      if (version !== '2.1.1')
        assert.match(messageText(unknown.response?.message) ?? '', /unknown token U0000009/);
      assert.equal(await evseStatus(2), 'AVAILABLE');
    });

    test('an unknown location: OCPI status 2003, no CommandResponse', async () => {
      const unlock = await send('UNLOCK_CONNECTOR', {
        location_id: 'NOWHERE',
        evse_uid: E(1),
        connector_id: '1',
      });
      assert.equal(unlock.outcome, 'ERROR');
      assert.equal(unlock.error?.statusCode, 2003);
      assert.equal(unlock.response, null);
      const start = await send('START_SESSION', { token: DRIVER, location_id: 'NOWHERE' });
      assert.equal(start.error?.statusCode, 2003);
      const evse = await send('UNLOCK_CONNECTOR', {
        location_id: locationId,
        evse_uid: 'NL*CPO*E999',
        connector_id: '1',
      });
      assert.equal(evse.error?.statusCode, 2003, 'an unknown EVSE of a known location too');
    });

    test('STOP_SESSION: accepted; the session completes with its CDR, which reaches the eMSP', async () => {
      const done = await send('STOP_SESSION', { session_id: sessionId });
      assert.equal(done.outcome, 'ACCEPTED', JSON.stringify(done));
      assert.equal(done.reference, sessionId);
      const session = await cpo.store.objects.get('sessions', { ...CPO, id: sessionId });
      assert.equal(session?.data.status, 'COMPLETED');
      const cdr = await cpo.store.objects.get('cdrs', { ...CPO, id: sessionId });
      assert.equal(cdr?.data.session_id, sessionId);
      assert.equal(cdr?.data.auth_method, 'COMMAND');
      assert.equal(await evseStatus(1), 'AVAILABLE');
      await deliverAll(cpo);
      const atSender = await emsp.store.objects.list(
        { module: 'cdrs', peerId: peers.atSender.id },
        { offset: 0, limit: 10 },
      );
      // The CDR takes the session's id (2.1.1 CDRs name no session_id).
      assert.deepEqual(
        atSender.map((r) => r.key.id),
        [sessionId],
      );
      if (version !== '2.1.1') assert.equal(atSender[0]?.data.session_id, sessionId);
    });

    test('STOP_SESSION of an unknown session: UNKNOWN_SESSION; of one that has ended: REJECTED', async () => {
      const unknown = await send('STOP_SESSION', { session_id: 'NO-SUCH-SESSION' });
      assert.equal(unknown.outcome, 'UNKNOWN_SESSION');
      const ended = await send('STOP_SESSION', { session_id: sessionId });
      assert.equal(ended.outcome, 'REJECTED');
    });

    test('UNLOCK_CONNECTOR: accepted; NOT_SUPPORTED where the EVSE cannot unlock', async () => {
      const done = await send('UNLOCK_CONNECTOR', {
        location_id: locationId,
        evse_uid: E(2),
        connector_id: '1',
      });
      assert.equal(done.outcome, 'ACCEPTED');
      const incapable = await send('UNLOCK_CONNECTOR', {
        location_id: locationId,
        evse_uid: E(4),
        connector_id: '1',
      });
      assert.equal(incapable.outcome, 'NOT_SUPPORTED');
    });

    test('RESERVE_NOW holds the EVSE for its token; CANCEL_RESERVATION frees it (2.2+); the reserving token starts there', async () => {
      const expiry = formatDateTime(new Date(Date.now() + HOUR));
      const reserve = (reservationId: string) =>
        send('RESERVE_NOW', {
          token: DRIVER,
          expiry_date: expiry,
          reservation_id: reservationId,
          location_id: locationId,
          evse_uid: E(2),
        });
      const reserved = await reserve('1001');
      assert.equal(reserved.outcome, 'ACCEPTED', JSON.stringify(reserved));
      assert.equal(reserved.reference, '1001');
      assert.equal(await evseStatus(2), 'RESERVED');
      const other = await send('START_SESSION', {
        token: OTHER_DRIVER,
        location_id: locationId,
        evse_uid: E(2),
      });
      assert.equal(other.response?.result, 'ACCEPTED', 'a RESERVED EVSE is for the charge point to judge');
      assert.equal(other.outcome, 'REJECTED', 'reserved for another token');

      if (version === '2.1.1') {
        await assert.rejects(
          emsp.commands.send(peers.atSender.id, 'CANCEL_RESERVATION', { reservation_id: '1001' }),
          (error: unknown) => error instanceof CommandSendError && error.kind === 'not_in_version',
        );
      } else {
        const canceled = await send('CANCEL_RESERVATION', { reservation_id: '1001' });
        assert.equal(canceled.outcome, 'ACCEPTED');
        assert.equal(await evseStatus(2), 'AVAILABLE');
        const again = await send('CANCEL_RESERVATION', { reservation_id: '1001' });
        assert.equal(again.outcome, 'UNKNOWN_RESERVATION');
        const never = await send('CANCEL_RESERVATION', { reservation_id: '4242' });
        assert.equal(never.response?.result, 'ACCEPTED');
        assert.equal(never.outcome, 'UNKNOWN_RESERVATION');
        assert.equal((await reserve('1002')).outcome, 'ACCEPTED');
      }
      const start = await send('START_SESSION', { token: DRIVER, location_id: locationId, evse_uid: E(2) });
      assert.equal(start.outcome, 'ACCEPTED', 'the reserving token starts on its reservation');
      assert.equal(cpo.gateway.reservations().length, 0, 'the reservation is used up');
      assert.equal(await evseStatus(2), 'CHARGING');
      const started = (await received('START_SESSION')).reference as string;
      assert.equal((await send('STOP_SESSION', { session_id: started })).outcome, 'ACCEPTED');

      // The CPO cancels a reservation (the charge point broke down): the RESERVE_NOW's response_url is told (2.2+).
      const held = await reserve('1003');
      assert.equal(held.outcome, 'ACCEPTED');
      assert.equal(await cpo.gateway.cancelReservation(`${peers.atCpo.id}/1003`), true);
      assert.equal(await evseStatus(2), 'AVAILABLE');
      if (version === '2.1.1') {
        assert.equal(
          (await emsp.commands.get(held.id))?.outcome,
          'ACCEPTED',
          '2.1.1 has no CANCELED_RESERVATION',
        );
      } else {
        const canceled = await eventually(
          () => emsp.commands.get(held.id),
          (r) => r?.outcome === 'CANCELED_RESERVATION',
          'the eMSP told of the cancellation',
        );
        assert.equal(canceled?.result?.result, 'CANCELED_RESERVATION');
      }
    });

    test('a charge point that never answers: the command ends as TIMEOUT at both nodes', async () => {
      cpo.silent.on = true;
      try {
        const t = Date.now();
        const done = await send('UNLOCK_CONNECTOR', {
          location_id: locationId,
          evse_uid: E(2),
          connector_id: '1',
        });
        assert.equal(done.response?.result, 'ACCEPTED');
        assert.equal(done.outcome, 'TIMEOUT');
        assert.equal(done.result?.result, 'TIMEOUT', 'the CPO posted TIMEOUT');
        assert.ok(Date.now() - t >= CHARGE_POINT_TIMEOUT_MS);
        const atCpo = await eventually(
          () => received('UNLOCK_CONNECTOR'),
          (r) => r.delivery?.state === 'DELIVERED',
          'the TIMEOUT delivered',
        );
        assert.equal(atCpo.outcome, 'TIMEOUT');
      } finally {
        cpo.silent.on = false;
      }
    });

    test('a response_url that is down: the result is retried through the outbox until it gets through', async () => {
      emsp.resultsDown.on = true;
      let sent: CommandRecord;
      try {
        sent = await emsp.commands.send(peers.atSender.id, 'UNLOCK_CONNECTOR', {
          location_id: locationId,
          evse_uid: E(2),
          connector_id: '1',
        });
        assert.equal(sent.state, 'WAITING');
        const failing = await eventually(
          () => received('UNLOCK_CONNECTOR'),
          (r) => (r.delivery?.attempts ?? 0) >= 2,
          'two failed posts',
        );
        assert.equal(failing.delivery?.state, 'PENDING');
        assert.match(failing.delivery?.lastError ?? '', /503/);
        assert.equal((await emsp.commands.get(sent.id))?.state, 'WAITING');
      } finally {
        emsp.resultsDown.on = false;
      }
      const done = await emsp.commands.wait(sent.id);
      assert.equal(done.outcome, 'ACCEPTED');
      const atCpo = await eventually(
        () => received('UNLOCK_CONNECTOR'),
        (r) => r.delivery?.state === 'DELIVERED',
        'delivered at last',
      );
      assert.ok((atCpo.delivery?.attempts ?? 0) >= 2);
    });

    test('no result within the timeout: TIMEOUT at the eMSP; the result that comes later is kept beside it', async () => {
      emsp.resultsDown.on = true;
      let done: CommandRecord;
      try {
        const t = Date.now();
        done = await send('UNLOCK_CONNECTOR', { location_id: locationId, evse_uid: E(2), connector_id: '1' });
        assert.equal(done.outcome, 'TIMEOUT');
        assert.equal(done.result, null);
        assert.ok(Date.now() - t >= 1900, 'waited for the timeout (2 s)');
      } finally {
        emsp.resultsDown.on = false;
      }
      const late = await eventually(
        () => emsp.commands.get(done.id),
        (r) => r?.result !== null,
        'the late result stored',
      );
      assert.equal(late?.outcome, 'TIMEOUT', 'the outcome stays what the caller was told');
      assert.equal(late && lateResult(late), 'ACCEPTED');
    });
  });
}

const pg = await pgAvailability('commands end to end on PostgreSQL');

describe('commands end to end', { concurrency: true }, () => {
  for (const backend of [sqliteBackend(), postgresBackend()]) {
    const skip = backend.label === 'PostgreSQL' ? pg.skip : false;
    describe(`on ${backend.label}`, { skip, concurrency: true }, () => {
      after(() => backend.cleanup());
      for (const version of OCPI_VERSIONS) versionSuite(backend, version);
    });
  }
});

/** `roamkit command …` in this process (main.ts wires the same group); returns the exit code and what it wrote. */
async function roamkit(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line), env: {} };
  const program = new Command('roamkit')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  addCommandCommand(program, io);
  process.exitCode = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { code: Number(process.exitCode ?? 0), out, err };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code?.startsWith('commander.')) return { code: 2, out, err };
    throw error;
  } finally {
    process.exitCode = undefined;
  }
}

describe("roamkit command: sent from the eMSP node's database, the result awaited there", () => {
  const dir = mkdtempSync(join(tmpdir(), 'roamkit-command-cli-'));
  const dbUrl = `sqlite:${join(dir, 'emsp.db')}`;
  const fileBackend: Backend = {
    label: 'SQLite',
    async open() {
      const store = openStore(dbUrl);
      await store.migrate();
      return store;
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
  let cpo: CommandsNode;
  let emsp: CommandsNode;
  let locationId: string;

  before(async () => {
    cpo = await startCommandsNode(sqliteBackend(), {
      label: 'CPO',
      versions: ['2.2.1'],
      parties: ['NL:CPO:CPO'],
      settings: CPO_SETTINGS,
    });
    emsp = await startCommandsNode(fileBackend, {
      label: 'eMSP',
      versions: ['2.2.1'],
      parties: ['DE:MSP:EMSP'],
      settings: EMSP_SETTINGS,
    });
    // What `roamkit serve` records for the commands that act on its database.
    await recordNodeMeta(emsp.store, emsp.config);
    await connect(cpo, emsp, 'eMSP');
    locationId = await publishLocation(cpo, commandLocation('2.2.1'));
    await emsp.app.platform.publisher.putMany('tokens', [DRIVER]);
    await Promise.all([deliverAll(cpo), deliverAll(emsp)]);
  });
  after(async () => {
    await Promise.all([cpo?.close(), emsp?.close()]);
    await fileBackend.cleanup();
  });

  test('start-session, stop-session, unlock: exit 0 once the result is ACCEPTED', async () => {
    const start = await roamkit([
      'command',
      'start-session',
      '--peer',
      'CPO',
      '--token',
      'C0000001',
      '--location',
      locationId,
      '--evse',
      E(1),
      '--db',
      dbUrl,
    ]);
    assert.equal(start.code, 0, [...start.out, ...start.err].join('\n'));
    assert.match(
      start.out[0] ?? '',
      /^START_SESSION [0-9a-f-]{36} \(OCPI 2\.2\.1\): the CPO answered ACCEPTED \(result due by /,
    );
    assert.equal(start.out[1], 'outcome: ACCEPTED');
    const sessionId = (await cpo.commands.list({ side: 'RECEIVED', command: 'START_SESSION', limit: 1 }))[0]
      ?.reference;
    assert.ok(sessionId);
    const stop = await roamkit([
      'command',
      'stop-session',
      '--peer',
      'CPO',
      '--session',
      sessionId,
      '--db',
      dbUrl,
      '--format',
      'json',
    ]);
    assert.equal(stop.code, 0, stop.err.join('\n'));
    const json = JSON.parse(stop.out.join('\n')) as Json;
    assert.equal(json.outcome, 'ACCEPTED');
    assert.equal(json.reference, sessionId);
    const unlock = await roamkit([
      'command',
      'unlock',
      '--peer',
      'CPO',
      '--location',
      locationId,
      '--evse',
      E(2),
      '--connector',
      '1',
      '--db',
      dbUrl,
    ]);
    assert.equal(unlock.code, 0);
  });

  test('a refusal, an unknown location, an unknown token or peer: exit 1 with the reason', async () => {
    const unknownSession = await roamkit([
      'command',
      'stop-session',
      '--peer',
      'CPO',
      '--session',
      'NOPE',
      '--db',
      dbUrl,
    ]);
    assert.equal(unknownSession.code, 1);
    assert.match(
      unknownSession.out.join('\n'),
      /answered UNKNOWN_SESSION \(unknown session NOPE\)[\s\S]*outcome: UNKNOWN_SESSION/,
    );
    const nowhere = await roamkit([
      'command',
      'unlock',
      '--peer',
      'CPO',
      '--location',
      'NOWHERE',
      '--evse',
      E(1),
      '--connector',
      '1',
      '--db',
      dbUrl,
    ]);
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.out[0] ?? '', /not taken by the CPO: OCPI status 2003: unknown location NOWHERE/);
    const token = await roamkit([
      'command',
      'start-session',
      '--peer',
      'CPO',
      '--token',
      'NOT-OURS',
      '--location',
      locationId,
      '--db',
      dbUrl,
    ]);
    assert.equal(token.code, 1);
    assert.match(token.err[0] ?? '', /no token of ours with uid NOT-OURS and type RFID/);
    const peer = await roamkit([
      'command',
      'stop-session',
      '--peer',
      'nobody',
      '--session',
      'S',
      '--db',
      dbUrl,
    ]);
    assert.equal(peer.code, 1);
    assert.match(peer.err[0] ?? '', /no peer nobody/);
    const usage = await roamkit(['command', 'unlock', '--peer', 'CPO', '--db', dbUrl]);
    assert.equal(usage.code, 2, 'a required option missing');
  });

  test('--no-wait returns after the answer; list and show read the stored commands', async () => {
    cpo.silent.on = true;
    try {
      const sent = await roamkit([
        'command',
        'unlock',
        '--peer',
        'CPO',
        '--location',
        locationId,
        '--evse',
        E(2),
        '--connector',
        '1',
        '--no-wait',
        '--db',
        dbUrl,
      ]);
      assert.equal(sent.code, 0);
      assert.equal(sent.out.length, 1, 'only the answer');
    } finally {
      cpo.silent.on = false;
    }
    const list = await roamkit(['command', 'list', '--side', 'sent', '--db', dbUrl]);
    assert.equal(list.code, 0);
    assert.match(list.out[0] ?? '', /sent {2}UNLOCK_CONNECTOR {2}[0-9a-f-]{36} {2}WAITING {2}-$/);
    assert.ok(list.out.some((line) => /START_SESSION .* DONE {2}ACCEPTED$/.test(line)));
    const id = (list.out[0] ?? '').split('  ')[3] as string;
    const shown = await roamkit(['command', 'show', id, '--db', dbUrl]);
    assert.equal((JSON.parse(shown.out.join('\n')) as Json).command, 'UNLOCK_CONNECTOR');
    assert.equal((await roamkit(['command', 'show', 'nope', '--db', dbUrl])).code, 1);
  });
});

/**
 * A charging-station backend behind the HTTP gateway, as docs/gateway.md describes it: it takes
 * commands, answers UNLOCK_CONNECTOR at once and the others later through the gateway API, and
 * reports the sessions it runs (start, a meter value, stop).
 */
async function fakeBackend(token: string): Promise<{ server: Server; url: string; commands: Json[] }> {
  const commands: Json[] = [];
  const callback = async (base: string, path: string, body: Json): Promise<Json> => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Json;
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const sessions = new Map<string, string>();
  const act = async (command: Json) => {
    const base = String(command.callback_url);
    const place = {
      location_id: command.location_id,
      evse_uid: command.evse_uid,
      connector_id: command.connector_id,
    };
    if (command.type === 'START_SESSION') {
      await callback(base, `/results/${command.command_id}`, { result: 'ACCEPTED' });
      const { session_id } = await callback(base, '/sessions', { command_id: command.command_id, ...place });
      sessions.set(String(command.evse_uid), String(session_id));
      await callback(base, `/sessions/${session_id}/meter-values`, { energy_kwh: 0, power_kw: 11 });
    } else if (command.type === 'STOP_SESSION') {
      await callback(base, `/sessions/${command.session_id}/stop`, {});
      await callback(base, `/results/${command.command_id}`, { result: 'ACCEPTED' });
    }
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const command = JSON.parse(Buffer.concat(chunks).toString()) as Json;
      commands.push({ ...command, authorization: request.headers.authorization });
      if (command.type === 'UNLOCK_CONNECTOR') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"ACCEPTED"}');
        return;
      }
      response.writeHead(202).end();
      setImmediate(() => void act(command).catch((error: unknown) => console.error(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, commands };
}

describe('the HTTP gateway: a charging-station backend behind the CPO node', () => {
  const GATEWAY_TOKEN = 'gateway-callback-token-0123456789';
  let backend: Awaited<ReturnType<typeof fakeBackend>>;
  let cpo: CommandsNode;
  let emsp: CommandsNode;
  let peers: { atCpo: PeerRecord; atSender: PeerRecord };
  let locationId: string;

  before(async () => {
    backend = await fakeBackend(GATEWAY_TOKEN);
    [cpo, emsp] = await Promise.all([
      startCommandsNode(sqliteBackend(), {
        label: 'CPO',
        versions: ['2.2.1'],
        parties: ['NL:CPO:CPO'],
        settings: CPO_SETTINGS,
        gateway: (publicUrl) =>
          createHttpGateway({
            url: backend.url,
            token: 'csms-token',
            callbackUrl: () => `${publicUrl()}/gateway`,
          }),
        gatewayToken: GATEWAY_TOKEN,
      }),
      startCommandsNode(sqliteBackend(), {
        label: 'eMSP',
        versions: ['2.2.1'],
        parties: ['DE:MSP:EMSP'],
        settings: EMSP_SETTINGS,
      }),
    ]);
    peers = await connect(cpo, emsp, 'eMSP');
    locationId = await publishLocation(cpo, commandLocation('2.2.1'));
    await emsp.app.platform.publisher.putMany('tokens', [DRIVER]);
    await Promise.all([deliverAll(cpo), deliverAll(emsp)]);
  });
  after(async () => {
    await Promise.all([cpo?.close(), emsp?.close()]);
    await new Promise((resolve) => backend?.server.close(resolve));
  });

  test('a remote start and stop through the backend: the session it reports runs, stops with its CDR', async () => {
    const send = (command: Parameters<CommandsService['send']>[1], request: Json) =>
      emsp.commands.sendAndWait(peers.atSender.id, command, request);
    const start = await send('START_SESSION', { token: DRIVER, location_id: locationId, evse_uid: E(1) });
    assert.equal(start.outcome, 'ACCEPTED', JSON.stringify(start));
    const sent = backend.commands[0] as Json;
    assert.equal(sent.type, 'START_SESSION');
    assert.equal(sent.authorization, 'Bearer csms-token');
    assert.equal(sent.callback_url, `${cpo.config.publicUrl}/gateway`);
    assert.equal(sent.evse_uid, E(1));
    assert.equal((sent.token as Json).uid, 'C0000001');
    assert.equal(sent.authorization_reference, start.id);
    const atCpo = await eventually(
      () => cpo.commands.list({ side: 'RECEIVED', command: 'START_SESSION', limit: 1 }),
      (list) => typeof list[0]?.reference === 'string',
      'the session noted',
    );
    const sessionId = atCpo[0]?.reference as string;
    const session = await eventually(
      () => cpo.store.objects.get('sessions', { ...CPO, id: sessionId }),
      (s) => s?.data.status === 'ACTIVE',
      'the session running',
    );
    assert.equal(session?.data.auth_method, 'COMMAND');
    assert.equal(session?.data.authorization_reference, start.id);

    const stop = await send('STOP_SESSION', { session_id: sessionId });
    assert.equal(stop.outcome, 'ACCEPTED');
    assert.equal(
      (await cpo.store.objects.get('sessions', { ...CPO, id: sessionId }))?.data.status,
      'COMPLETED',
    );
    assert.ok(await cpo.store.objects.get('cdrs', { ...CPO, id: sessionId }), 'the CDR');

    const unlock = await send('UNLOCK_CONNECTOR', {
      location_id: locationId,
      evse_uid: E(2),
      connector_id: '1',
    });
    assert.equal(unlock.outcome, 'ACCEPTED', 'an answer in the response');
  });

  test('the gateway API refuses a caller without the gateway token', async () => {
    const response = await fetch(`${cpo.config.publicUrl}/gateway/results/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
      body: JSON.stringify({ result: 'ACCEPTED' }),
    });
    assert.equal(response.status, 401);
  });
});
