/**
 * The Commands module's parts without a network: the CPO's verdicts on commands (judge.ts), the
 * eMSP's guard on results sent to its response_url, the outbox worker's handling of a sender
 * that refuses, fails or is gone, and the result body in each version.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OcpiClient } from '../../src/client/client.js';
import { OcpiStatusError, OcpiTransportError } from '../../src/client/errors.js';
import { sessionDocument } from '../../src/platform/charging-sessions/documents.js';
import { type JudgeContext, judgeCommand, type Verdict } from '../../src/platform/commands/judge.js';
import { createCommandsWorker } from '../../src/platform/commands/outbox.js';
import { commandResultOf } from '../../src/platform/commands/receiver.js';
import { createCommandSender } from '../../src/platform/commands/sender.js';
import { type CommandsSettings, commandsSettings } from '../../src/platform/commands/settings.js';
import type { NodeConfig } from '../../src/platform/config.js';
import type { ClientFactory } from '../../src/platform/credentials.js';
import { createPublisher } from '../../src/platform/delivery/publisher.js';
import { type OcpiRequestContext, silentLogger } from '../../src/platform/modules.js';
import { tokenObjectId } from '../../src/platform/object-modules.js';
import { generateSeed } from '../../src/platform/seed/index.js';
import { type OcpiVersion, rowsFor } from '../../src/protocol/index.js';
import type { CommandRepository } from '../../src/store/commands.js';
import type { SqlStore } from '../../src/store/database.js';
import type { PeerRecord } from '../../src/store/types.js';
import { memoryStore, testConfig } from '../http/helpers.js';

type Json = Record<string, unknown>;

const NOW = new Date('2026-11-25T10:00:00Z');
const CPO = { countryCode: 'NL', partyId: 'CPO' };
const E = (n: number) => `NL*CPO*E000001*${n}`;
const role = (name: string, country_code: string, party_id: string) => ({
  role: name,
  country_code,
  party_id,
  business_details: { name: `${country_code} ${party_id}` },
});

function token(uid: string, party = { country_code: 'DE', party_id: 'MSP' }, valid = true): Json {
  return {
    ...party,
    uid,
    type: 'RFID',
    contract_id: `${party.country_code}-${party.party_id}-C${uid}`,
    issuer: 'MSP',
    valid,
    whitelist: 'ALLOWED',
    last_updated: '2026-11-25T08:00:00Z',
  };
}

/** Our location: E1 AVAILABLE (everything), E2 CHARGING, E3 needs a connector id, E4 AVAILABLE but nothing remote, E5 REMOVED. */
function location(): Json {
  const seed = generateSeed({
    locations: 1,
    seed: 'judge',
    party: { country_code: 'NL', party_id: 'CPO' },
    now: new Date('2026-11-25T06:00:00Z'),
    tariffs: 1,
  });
  const base = seed.locations[0] as unknown as Json;
  const template = (base.evses as Json[])[0] as Json;
  const connectors = [1, 2].map((id) => ({
    ...((template.connectors as Json[])[0] as Json),
    id: String(id),
  }));
  const full = ['REMOTE_START_STOP_CAPABLE', 'UNLOCK_CAPABLE', 'RESERVABLE'];
  const evse = (n: number, capabilities: string[], status: string): Json => ({
    ...template,
    uid: E(n),
    evse_id: E(n),
    status,
    capabilities,
    connectors,
  });
  return {
    ...base,
    id: 'LOC1',
    evses: [
      evse(1, full, 'AVAILABLE'),
      evse(2, full, 'CHARGING'),
      evse(3, [...full, 'START_SESSION_CONNECTOR_REQUIRED'], 'AVAILABLE'),
      evse(4, ['RFID_READER'], 'AVAILABLE'),
      evse(5, full, 'REMOVED'),
    ],
  };
}

interface World {
  store: SqlStore;
  config: NodeConfig;
  repository: CommandRepository;
  emsp: PeerRecord;
  other: PeerRecord;
  context(peer: PeerRecord, settings?: Partial<CommandsSettings>): JudgeContext;
}

async function world(): Promise<World> {
  const store = await memoryStore();
  const config = testConfig({ parties: ['NL:CPO:CPO'] });
  const publisher = createPublisher({ config, store });
  const doc = location();
  await publisher.putAll([
    { module: 'tariffs', documents: [] },
    { module: 'locations', documents: [doc] },
  ]);
  const peer = (name: string, party: [string, string]) =>
    store.peers.create({
      name,
      status: 'REGISTERED',
      version: '2.2.1',
      outgoingToken: `token-${name}`,
      roles: [role('EMSP', ...party)],
      endpoints: [],
    });
  const emsp = await peer('emsp', ['DE', 'MSP']);
  const other = await peer('other', ['BE', 'OTH']);
  // A session of the eMSP's customer (running) and one that has ended.
  const facts = (id: string, status: 'ACTIVE' | 'COMPLETED') => ({
    owner: { country_code: 'NL', party_id: 'CPO' },
    id,
    token: { country_code: 'DE', party_id: 'MSP', uid: 'C1', type: 'RFID', contract_id: 'DE-MSP-C1' },
    authMethod: 'COMMAND' as const,
    location: doc,
    evseUid: E(2),
    connectorId: '2',
    currency: 'EUR',
    start: new Date('2026-11-25T09:00:00Z'),
    status,
    kwh: 3,
    periods: [],
    lastUpdated: new Date('2026-11-25T09:30:00Z'),
  });
  await publisher.put('sessions', sessionDocument(facts('S-RUNNING', 'ACTIVE')));
  await publisher.put('sessions', sessionDocument(facts('S-ENDED', 'COMPLETED')));
  // The eMSP pushed C1 (valid) and B1 (blocked).
  for (const t of [token('C1'), token('B1', undefined, false)]) {
    await store.objects.put({
      module: 'tokens',
      key: { countryCode: 'DE', partyId: 'MSP', id: tokenObjectId(String(t.uid), 'RFID') },
      peerId: emsp.id,
      data: t,
      lastUpdated: new Date(String(t.last_updated)),
    });
  }
  const repository = store.commands;
  return {
    store,
    config,
    repository,
    emsp,
    other,
    context: (p, settings = {}) => ({
      config,
      store,
      repository,
      settings: commandsSettings(settings),
      peer: p,
      now: NOW,
    }),
  };
}

const forwarded = (verdict: Verdict) => {
  assert.equal(verdict.kind, 'forward', JSON.stringify(verdict));
  return (verdict as Extract<Verdict, { kind: 'forward' }>).command as Json;
};
const answered = (verdict: Verdict, result: string, message?: RegExp) => {
  assert.equal(verdict.kind, 'answer', JSON.stringify(verdict));
  const answer = verdict as Extract<Verdict, { kind: 'answer' }>;
  assert.equal(answer.result, result);
  if (message !== undefined) assert.match(answer.message, message);
};
const unknownLocation = (verdict: Verdict, message: RegExp) => {
  assert.equal(verdict.kind, 'error', JSON.stringify(verdict));
  const error = (verdict as Extract<Verdict, { kind: 'error' }>).outcome;
  assert.equal(error.statusCode, 2003);
  assert.match(error.message ?? '', message);
};

describe('the CPO judges a command before the charge point sees it', () => {
  it("START_SESSION: the sender's own token goes through, pushed or not (the eMSP authorized it); another party's is refused", async () => {
    const w = await world();
    const start = (t: Json, extra: Json = {}, ctx = w.context(w.emsp)) =>
      judgeCommand('START_SESSION', { token: t, location_id: 'LOC1', evse_uid: E(1), ...extra }, ctx);
    const pushed = forwarded(await start(token('C1'), { authorization_reference: 'REF-1' }));
    assert.deepEqual(pushed.at, { location: { ...CPO, id: 'LOC1' }, evseUid: E(1), connectorId: '1' });
    assert.deepEqual(pushed.token, {
      country_code: 'DE',
      party_id: 'MSP',
      uid: 'C1',
      type: 'RFID',
      contract_id: 'DE-MSP-CC1',
    });
    assert.equal(pushed.authorizationReference, 'REF-1');
    forwarded(await start(token('APP-NEVER-PUSHED')));
    forwarded(await start(token('B1', undefined, false)));
    answered(
      await start(token('X1', { country_code: 'BE', party_id: 'OTH' })),
      'REJECTED',
      /belongs to BE\/OTH, not to the sender/,
    );
    // The same token from the other eMSP: not its token.
    answered(await start(token('C1'), {}, w.context(w.other)), 'REJECTED', /not to the sender/);
  });

  it("START_SESSION with tokenCheck 'cache': only a token the sender pushed, and valid", async () => {
    const w = await world();
    const ctx = w.context(w.emsp, { tokenCheck: 'cache' });
    const start = (t: Json) =>
      judgeCommand('START_SESSION', { token: t, location_id: 'LOC1', evse_uid: E(1) }, ctx);
    forwarded(await start(token('C1')));
    answered(await start(token('APP-NEVER-PUSHED')), 'REJECTED', /unknown token APP-NEVER-PUSHED/);
    answered(await start(token('B1', undefined, false)), 'REJECTED', /not valid/);
  });

  it('START_SESSION: the EVSE the CPO picks, and every EVSE that cannot take it', async () => {
    const w = await world();
    const start = (extra: Json) =>
      judgeCommand('START_SESSION', { token: token('C1'), location_id: 'LOC1', ...extra }, w.context(w.emsp));
    assert.equal(
      (forwarded(await start({})).at as Json).evseUid,
      E(1),
      'the first available EVSE that starts remotely',
    );
    assert.equal((forwarded(await start({ evse_uid: E(1), connector_id: '2' })).at as Json).connectorId, '2');
    unknownLocation(await start({ location_id: 'NOWHERE' }), /unknown location NOWHERE/);
    unknownLocation(await start({ evse_uid: 'NL*CPO*E9' }), /has no EVSE/);
    unknownLocation(await start({ evse_uid: E(5) }), /has no EVSE/);
    unknownLocation(await start({ evse_uid: E(1), connector_id: '7' }), /has no connector 7/);
    answered(await start({ evse_uid: E(2) }), 'REJECTED', /occupied \(CHARGING\)/);
    answered(await start({ evse_uid: E(3) }), 'REJECTED', /needs a connector_id/);
    forwarded(await start({ evse_uid: E(3), connector_id: '1' }));
    answered(await start({ evse_uid: E(4) }), 'NOT_SUPPORTED', /REMOTE_START_STOP_CAPABLE/);
  });

  it("STOP_SESSION: a running session of the sender's customer; unknown, another's or ended are answered at once", async () => {
    const w = await world();
    const stop = (id: string, peer = w.emsp) =>
      judgeCommand('STOP_SESSION', { session_id: id }, w.context(peer));
    const command = forwarded(await stop('S-RUNNING'));
    assert.deepEqual(command.at, { location: { ...CPO, id: 'LOC1' }, evseUid: E(2), connectorId: '2' });
    answered(await stop('S-NONE'), 'UNKNOWN_SESSION');
    answered(await stop('S-RUNNING', w.other), 'REJECTED', /not a session of the sender's customers/);
    answered(await stop('S-ENDED'), 'REJECTED', /has ended \(COMPLETED\)/);
  });

  it('RESERVE_NOW: a reservable EVSE, an expiry ahead, a charge point id no other sender can reach', async () => {
    const w = await world();
    const reserve = (extra: Json, peer = w.emsp) =>
      judgeCommand(
        'RESERVE_NOW',
        {
          token: token('C1'),
          expiry_date: '2026-11-25T11:00:00Z',
          reservation_id: 'R1',
          location_id: 'LOC1',
          ...extra,
        },
        w.context(peer),
      );
    const command = forwarded(await reserve({}));
    assert.equal(command.reservationId, `${w.emsp.id}/R1`);
    assert.equal((command.at as Json).evseUid, E(1));
    assert.deepEqual(command.expiresAt, new Date('2026-11-25T11:00:00Z'));
    answered(await reserve({ expiry_date: '2026-11-25T09:59:00Z' }), 'REJECTED', /not in the future/);
    answered(await reserve({ evse_uid: E(4) }), 'NOT_SUPPORTED', /RESERVABLE/);
    answered(await reserve({ evse_uid: E(2) }), 'REJECTED', /occupied/);
  });

  it('CANCEL_RESERVATION: of a reservation in place, forwarded; of none (or an expired one), UNKNOWN_RESERVATION at once', async () => {
    const w = await world();
    const cancel = (id: string, peer = w.emsp) =>
      judgeCommand('CANCEL_RESERVATION', { reservation_id: id }, w.context(peer));
    const none = await cancel('R1');
    assert.equal(none.kind, 'result');
    assert.equal((none as Extract<Verdict, { kind: 'result' }>).result, 'UNKNOWN_RESERVATION');
    const reserved = (expiry: string, reservationId: string) =>
      w.repository.insert({
        id: `rn-${reservationId}`,
        side: 'RECEIVED',
        peerId: w.emsp.id,
        version: '2.2.1',
        command: 'RESERVE_NOW',
        reference: reservationId,
        request: { reservation_id: reservationId, location_id: 'LOC1', evse_uid: E(1), expiry_date: expiry },
        state: 'DONE',
        outcome: 'ACCEPTED',
      });
    await reserved('2026-11-25T11:00:00Z', 'R1');
    await reserved('2026-11-25T09:00:00Z', 'R-OLD');
    const command = forwarded(await cancel('R1'));
    assert.equal(command.reservationId, `${w.emsp.id}/R1`);
    assert.equal((await cancel('R-OLD')).kind, 'result', 'expired');
    assert.equal(
      (await cancel('R1', w.other)).kind,
      'result',
      "another sender's reservation is unknown to it",
    );
  });

  it('UNLOCK_CONNECTOR: an UNLOCK_CAPABLE EVSE and a connector of it', async () => {
    const w = await world();
    const unlock = (evse: string, connector = '1') =>
      judgeCommand(
        'UNLOCK_CONNECTOR',
        { location_id: 'LOC1', evse_uid: evse, connector_id: connector },
        w.context(w.emsp),
      );
    forwarded(await unlock(E(2), '2'));
    answered(await unlock(E(4)), 'NOT_SUPPORTED', /UNLOCK_CAPABLE/);
    unknownLocation(await unlock(E(1), '9'), /no connector 9/);
    unknownLocation(await unlock(E(5)), /no EVSE/);
  });
});

describe("a charge point's answer as a CommandResult", () => {
  it('keeps CommandResultType values; anything else is FAILED and says what came', () => {
    assert.deepEqual(commandResultOf({ result: 'EVSE_OCCUPIED' }), { result: 'EVSE_OCCUPIED' });
    assert.deepEqual(commandResultOf({ result: 'REJECTED', message: 'cable stuck' }), {
      result: 'REJECTED',
      message: [{ language: 'en', text: 'cable stuck' }],
    });
    assert.deepEqual(commandResultOf({ result: 'Faulted' }), {
      result: 'FAILED',
      message: [{ language: 'en', text: 'the charge point answered Faulted' }],
    });
  });
});

/** A request context as the routes give it. */
function resultContext(peer: PeerRecord, version: OcpiVersion, params: Json, body: Json): OcpiRequestContext {
  const row = rowsFor(version, 'commands', 'SENDER')[0];
  assert.ok(row);
  return {
    version,
    row,
    peer,
    presentedToken: 'x',
    params: params as Record<string, string>,
    query: {},
    body,
    log: silentLogger,
  };
}

/** The eMSP's sender of the world, which only takes results here (it never sends). */
const offlineSender = (w: World) =>
  createCommandSender({
    config: w.config,
    store: w.store,
    repository: w.repository,
    clientFactory: () => {
      throw new Error('no network here');
    },
    settings: commandsSettings(),
    now: () => NOW,
    log: silentLogger,
  });

describe('the eMSP takes a result only from the peer it sent the command to, at its URL', () => {
  it('another peer, another command type or an unknown id: HTTP 404; the right one is stored', async () => {
    const w = await world();
    const sender = offlineSender(w);
    await w.repository.insert({
      id: 'C-1',
      side: 'SENT',
      peerId: w.emsp.id,
      version: '2.2.1',
      command: 'UNLOCK_CONNECTOR',
      request: {},
      state: 'WAITING',
      deadline: new Date(NOW.getTime() + 60_000),
    });
    const post = (
      peer: PeerRecord,
      command: string,
      uid: string,
      version: OcpiVersion = '2.2.1',
      body: Json = { result: 'ACCEPTED' },
    ) => sender.receive(resultContext(peer, version, { command, uid }, body));
    for (const outcome of [
      await post(w.other, 'UNLOCK_CONNECTOR', 'C-1'),
      await post(w.emsp, 'STOP_SESSION', 'C-1'),
      await post(w.emsp, 'UNLOCK_CONNECTOR', 'C-2'),
    ]) {
      assert.equal(outcome.httpStatus, 404);
      assert.equal(outcome.statusCode, 2000);
    }
    assert.equal((await w.repository.get('C-1'))?.state, 'WAITING');
    assert.equal((await post(w.emsp, 'UNLOCK_CONNECTOR', 'C-1')).statusCode, 1000);
    const done = await w.repository.get('C-1');
    assert.equal(done?.outcome, 'ACCEPTED');
    assert.equal(
      (await post(w.emsp, 'UNLOCK_CONNECTOR', 'C-1', '2.2.1', { result: 'FAILED' })).statusCode,
      1000,
      'a repeat is acknowledged',
    );
    assert.equal((await w.repository.get('C-1'))?.outcome, 'ACCEPTED', 'and changes nothing');
  });

  it('2.1.1: the result is a CommandResponse body; UNKNOWN_SESSION becomes REJECTED', async () => {
    const w = await world();
    const sender = offlineSender(w);
    await w.repository.insert({
      id: 'C-211',
      side: 'SENT',
      peerId: w.emsp.id,
      version: '2.1.1',
      command: 'STOP_SESSION',
      request: {},
      state: 'WAITING',
    });
    const outcome = await sender.receive(
      resultContext(
        w.emsp,
        '2.1.1',
        { command: 'STOP_SESSION', uid: 'C-211' },
        { result: 'UNKNOWN_SESSION' },
      ),
    );
    assert.equal(outcome.statusCode, 1000);
    assert.equal((await w.repository.get('C-211'))?.outcome, 'REJECTED');
  });
});

/** A client factory whose calls go to `call` (what was sent is recorded). */
function fakeClients(call: (body: unknown, url: string) => Promise<unknown>): {
  factory: ClientFactory;
  sent: { version: string; body: unknown; url: string }[];
} {
  const sent: { version: string; body: unknown; url: string }[] = [];
  const factory: ClientFactory = ({ version }) =>
    ({
      callEndpoint: async (_row: unknown, options: { body: unknown; url: string }) => {
        sent.push({ version, body: options.body, url: options.url });
        return { data: await call(options.body, options.url) };
      },
    }) as unknown as OcpiClient;
  return { factory, sent };
}

describe('the result outbox', () => {
  async function received(w: World, version: OcpiVersion, result: Json) {
    const id = `R-${Math.random().toString(36).slice(2)}`;
    await w.store.peers.update(w.emsp.id, { version });
    await w.repository.insert({
      id,
      side: 'RECEIVED',
      peerId: w.emsp.id,
      version,
      command: 'START_SESSION',
      request: { response_url: `https://emsp.example.com/ocpi/${version}/results/${id}` },
      state: 'WAITING',
      deadline: new Date(Date.now() + 60_000),
    });
    await w.repository.complete(id, result);
    return id;
  }

  it('posts each result in the version the command came in (2.1.1: a CommandResponse, reasons folded into REJECTED)', async () => {
    const w = await world();
    const { factory, sent } = fakeClients(async () => undefined);
    const worker = createCommandsWorker({
      store: w.store,
      repository: w.repository,
      clientFactory: factory,
      settings: commandsSettings(),
      log: silentLogger,
      now: () => new Date(),
    });
    const old = await received(w, '2.1.1', {
      result: 'EVSE_OCCUPIED',
      message: [{ language: 'en', text: 'busy' }],
    });
    const round = await worker.runOnce();
    assert.equal(round.delivered, 1);
    assert.deepEqual(sent[0], {
      version: '2.1.1',
      body: { result: 'REJECTED' },
      url: `https://emsp.example.com/ocpi/2.1.1/results/${old}`,
    });
    const recent = await received(w, '2.2.1', {
      result: 'EVSE_OCCUPIED',
      message: [{ language: 'en', text: 'busy' }],
    });
    await worker.runOnce();
    assert.deepEqual(sent[1]?.body, { result: 'EVSE_OCCUPIED', message: [{ language: 'en', text: 'busy' }] });
    assert.equal((await w.repository.get(recent))?.delivery?.state, 'DELIVERED');
  });

  it('a sender that refuses the result (2xxx) is not asked again; one that fails is, until the retry window closes', async () => {
    const w = await world();
    // Ahead of the store's clock, which stamps the posts due.
    let clock = Date.now() + 1000;
    const request = { method: 'POST', url: 'https://emsp.example.com/r', attempts: 1 };
    let failure: Error = new OcpiStatusError(
      {
        code: 2001,
        statusMessage: 'no such command',
        httpStatus: 200,
        data: undefined,
        timestamp: undefined,
      },
      request,
    );
    const { factory } = fakeClients(async () => {
      throw failure;
    });
    const worker = createCommandsWorker({
      store: w.store,
      repository: w.repository,
      clientFactory: factory,
      settings: commandsSettings({ retryWindowMs: 10_000, baseDelayMs: 1000, maxDelayMs: 4000 }),
      log: silentLogger,
      now: () => new Date(clock),
      random: () => 0.5,
    });
    const refused = await received(w, '2.2.1', { result: 'ACCEPTED' });
    await worker.runOnce();
    const given = await w.repository.get(refused);
    assert.equal(given?.delivery?.state, 'FAILED');
    assert.match(given?.delivery?.lastError ?? '', /refused the result.*2001/);

    failure = new OcpiTransportError('NETWORK', 'connection refused', request);
    const failing = await received(w, '2.2.1', { result: 'ACCEPTED' });
    const attempts: number[] = [];
    for (let i = 0; i < 20; i++) {
      await worker.runOnce();
      const record = await w.repository.get(failing);
      if (record?.delivery?.state !== 'PENDING') break;
      attempts.push(record.delivery.attempts);
      clock = (record.delivery.nextAttemptAt as Date).getTime();
    }
    const last = await w.repository.get(failing);
    assert.equal(last?.delivery?.state, 'FAILED');
    assert.match(last?.delivery?.lastError ?? '', /failing since .*connection refused/);
    assert.ok(attempts.length >= 3, `retried with backoff: ${attempts.join(', ')}`);
    assert.equal(
      await w.repository.retryResults({ peerId: w.emsp.id }, new Date(clock)),
      2,
      'an operator may retry both',
    );
  });

  it('a sender no longer registered: given up', async () => {
    const w = await world();
    const { factory, sent } = fakeClients(async () => undefined);
    const worker = createCommandsWorker({
      store: w.store,
      repository: w.repository,
      clientFactory: factory,
      settings: commandsSettings(),
      log: silentLogger,
      now: () => new Date(),
    });
    const id = await received(w, '2.2.1', { result: 'ACCEPTED' });
    await w.store.peers.update(w.emsp.id, { status: 'UNREGISTERED' });
    await worker.runOnce();
    assert.equal(sent.length, 0);
    assert.match((await w.repository.get(id))?.delivery?.lastError ?? '', /no longer registered/);
  });
});

describe('the eMSP vouches for the token it sends', () => {
  it('a token of another party, or one of ours it knows as blocked, is not sent', async () => {
    const store = await memoryStore();
    const config = testConfig({ parties: ['DE:MSP:EMSP'] });
    const cpo = await store.peers.create({
      name: 'cpo',
      status: 'REGISTERED',
      version: '2.2.1',
      outgoingToken: 't',
      roles: [role('CPO', 'NL', 'CPO')],
      endpoints: [{ identifier: 'commands', role: 'RECEIVER', url: 'https://cpo.example.com/commands' }],
    });
    await createPublisher({ config, store }).put('tokens', token('B1', undefined, false));
    const { factory, sent } = fakeClients(async () => ({ result: 'ACCEPTED', timeout: 30 }));
    const sender = createCommandSender({
      config,
      store,
      repository: store.commands,
      clientFactory: factory,
      settings: commandsSettings(),
      now: () => new Date(),
      log: silentLogger,
    });
    const start = (t: Json) => sender.send(cpo.id, 'START_SESSION', { token: t, location_id: 'LOC1' });
    await assert.rejects(
      start(token('X', { country_code: 'BE', party_id: 'OTH' })),
      /not to an eMSP party of this node/,
    );
    await assert.rejects(start(token('B1')), /not valid \(blocked\)/);
    await assert.rejects(sender.send(cpo.id, 'START_SESSION', { location_id: 'LOC1' }), /token is required/);
    assert.equal(sent.length, 0);
    const ok = await start(token('NEVER-STORED'));
    assert.equal(ok.state, 'WAITING', 'a token of ours we do not store (an app user) is ours to vouch for');
    const body = sent[0]?.body as Json;
    assert.equal(body.authorization_reference, ok.id);
    assert.equal(
      body.response_url,
      `http://127.0.0.1:8080/ocpi/2.2.1/sender/commands/START_SESSION/${ok.id}`,
    );
    const wait = (ok.deadline as Date).getTime() - ok.createdAt.getTime();
    assert.ok(
      wait > 29_000 && wait < 31_000,
      `the result is awaited for the CPO's timeout (30 s): ${wait} ms`,
    );
  });
});
