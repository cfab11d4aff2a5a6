/**
 * The charge point gateway: the simulator obeying commands (sessions with a deterministic
 * virtual meter, reservations, unlocks, a charge point that never answers), the HTTP adapter's
 * messages to a backend, and the gateway API the backend reports through.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import type { MeterSample } from '../../src/charging/index.js';
import { createPublisher } from '../../src/platform/delivery/publisher.js';
import { commandMessage, createHttpGateway, registerGatewayApi } from '../../src/platform/gateway/http.js';
import { createSimulatedGateway } from '../../src/platform/gateway/simulator.js';
import type {
  ChargePointAnswer,
  ChargePointCommand,
  ChargePointEvents,
  SessionStart,
} from '../../src/platform/gateway/types.js';
import { generateSeed } from '../../src/platform/seed/index.js';
import { memoryStore, testConfig } from '../http/helpers.js';

type Json = Record<string, unknown>;

const LOCATION = { countryCode: 'NL', partyId: 'CPO', id: 'LOC1' };
const at = (evse: number, connector = '1') => ({
  location: LOCATION,
  evseUid: `E${evse}`,
  connectorId: connector,
});
const TOKEN = { country_code: 'DE', party_id: 'MSP', uid: 'C1', type: 'RFID', contract_id: 'DE-MSP-C1' };
const OTHER = { ...TOKEN, uid: 'C2', contract_id: 'DE-MSP-C2' };

/** Events that record what the charge points reported. */
function recorder(options: { failStart?: boolean } = {}) {
  const results = new Map<string, ChargePointAnswer>();
  const starts: SessionStart[] = [];
  const meter: [string, MeterSample][] = [];
  const stops: string[] = [];
  const statuses: [string, string][] = [];
  const canceled: string[] = [];
  const events: ChargePointEvents = {
    async commandResult(id, answer) {
      results.set(id, answer);
    },
    async sessionStarted(start) {
      if (options.failStart) throw new RangeError('no such connector');
      starts.push(start);
      return { sessionId: start.sessionId as string };
    },
    async meterValues(id, sample) {
      meter.push([id, sample]);
    },
    async sessionStopped(id) {
      stops.push(id);
      return { cdrId: id };
    },
    async evseStatus(where, status) {
      statuses.push([where.evseUid, status]);
    },
    async reservationCanceled(id) {
      canceled.push(id);
    },
  };
  return { events, results, starts, meter, stops, statuses, canceled };
}

let n = 0;
const id = () => `cmd-${++n}`;

describe('the charge point simulator', () => {
  it('START_SESSION starts a session on the virtual meter; STOP_SESSION ends it with the energy of power × time', async () => {
    let clock = Date.parse('2026-11-25T10:00:00Z');
    const sim = createSimulatedGateway({ now: () => new Date(clock), powerKw: 11, sampleIntervalMs: 0 });
    const r = recorder();
    sim.connect(r.events);
    const start = id();
    await sim.dispatch({ kind: 'START_SESSION', commandId: start, at: at(1), token: TOKEN });
    await sim.idle();
    assert.deepEqual(r.results.get(start), { result: 'ACCEPTED' });
    assert.equal(r.starts[0]?.commandId, start);
    const sessionId = r.starts[0]?.sessionId as string;
    assert.deepEqual(r.meter[0], [sessionId, { time: new Date(clock), energyKwh: 0, powerKw: 11 }]);
    clock += 30 * 60_000;
    assert.equal(sim.sessions()[0]?.energyKwh, 5.5);
    const stop = id();
    await sim.dispatch({ kind: 'STOP_SESSION', commandId: stop, sessionId, at: at(1) });
    await sim.idle();
    assert.deepEqual(r.results.get(stop), { result: 'ACCEPTED' });
    assert.deepEqual(r.meter[1], [sessionId, { time: new Date(clock), energyKwh: 5.5, powerKw: 11 }]);
    assert.deepEqual(r.stops, [sessionId]);
    assert.deepEqual(sim.sessions(), []);
    const again = id();
    await sim.dispatch({ kind: 'STOP_SESSION', commandId: again, sessionId, at: at(1) });
    await sim.idle();
    assert.equal(r.results.get(again)?.result, 'REJECTED');
    await sim.close();
  });

  it('two starts at one EVSE at once: one session, the other EVSE_OCCUPIED', async () => {
    const sim = createSimulatedGateway({ sampleIntervalMs: 0 });
    const r = recorder();
    sim.connect(r.events);
    const [a, b] = [id(), id()];
    await Promise.all([
      sim.dispatch({ kind: 'START_SESSION', commandId: a, at: at(1), token: TOKEN }),
      sim.dispatch({ kind: 'START_SESSION', commandId: b, at: at(1), token: OTHER }),
    ]);
    await sim.idle();
    assert.deepEqual([r.results.get(a)?.result, r.results.get(b)?.result].sort(), [
      'ACCEPTED',
      'EVSE_OCCUPIED',
    ]);
    assert.equal(r.starts.length, 1);
    await sim.close();
  });

  it('a session that cannot start: FAILED, and the EVSE stays free', async () => {
    const sim = createSimulatedGateway({ sampleIntervalMs: 0 });
    const r = recorder({ failStart: true });
    sim.connect(r.events);
    const c = id();
    await sim.dispatch({ kind: 'START_SESSION', commandId: c, at: at(1), token: TOKEN });
    await sim.idle();
    assert.equal(r.results.get(c)?.result, 'FAILED');
    assert.match(r.results.get(c)?.message ?? '', /no such connector/);
    assert.deepEqual(sim.sessions(), []);
  });

  it('meter values every sampleIntervalMs of real time while a session runs', async () => {
    const sim = createSimulatedGateway({ sampleIntervalMs: 15 });
    const r = recorder();
    sim.connect(r.events);
    await sim.dispatch({ kind: 'START_SESSION', commandId: id(), at: at(1), token: TOKEN });
    await sim.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sim.close();
    assert.ok(r.meter.length >= 3, `${r.meter.length} samples`);
    const energies = r.meter.map(([, s]) => s.energyKwh);
    assert.deepEqual(
      energies,
      [...energies].sort((x, y) => x - y),
      'the meter only goes up',
    );
  });

  it('a reservation holds its EVSE for its token until it expires, is used or canceled', async () => {
    const sim = createSimulatedGateway({ sampleIntervalMs: 0 });
    const r = recorder();
    sim.connect(r.events);
    const run = async (command: ChargePointCommand) => {
      await sim.dispatch(command);
      await sim.idle();
      return r.results.get(command.commandId)?.result;
    };
    const soon = new Date(Date.now() + 60_000);
    const reserve = (reservationId: string, evse: number, expiresAt = soon) =>
      run({ kind: 'RESERVE_NOW', commandId: id(), at: at(evse), reservationId, token: TOKEN, expiresAt });
    assert.equal(await reserve('p/1', 1), 'ACCEPTED');
    assert.deepEqual(r.statuses.at(-1), ['E1', 'RESERVED']);
    assert.equal(
      await run({
        kind: 'RESERVE_NOW',
        commandId: id(),
        at: at(1),
        reservationId: 'q/1',
        token: OTHER,
        expiresAt: soon,
      }),
      'REJECTED',
      'held by another reservation',
    );
    assert.equal(await run({ kind: 'START_SESSION', commandId: id(), at: at(1), token: OTHER }), 'REJECTED');
    assert.equal(await reserve('p/1', 2), 'ACCEPTED', 'the same id moves the reservation');
    assert.deepEqual(r.statuses.slice(-2), [
      ['E1', 'AVAILABLE'],
      ['E2', 'RESERVED'],
    ]);
    assert.equal(
      await run({ kind: 'CANCEL_RESERVATION', commandId: id(), reservationId: 'p/1', location: LOCATION }),
      'ACCEPTED',
    );
    assert.deepEqual(r.statuses.at(-1), ['E2', 'AVAILABLE']);
    assert.equal(
      await run({ kind: 'CANCEL_RESERVATION', commandId: id(), reservationId: 'p/1', location: LOCATION }),
      'UNKNOWN_RESERVATION',
    );
    assert.equal(await reserve('p/2', 3), 'ACCEPTED');
    assert.equal(
      await run({ kind: 'START_SESSION', commandId: id(), at: at(3), token: TOKEN }),
      'ACCEPTED',
      'its token',
    );
    assert.deepEqual(sim.reservations(), [], 'used up');
    assert.equal(await reserve('p/3', 3), 'EVSE_OCCUPIED');
    assert.equal(await reserve('p/4', 4, new Date(Date.now() + 30)), 'ACCEPTED');
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(r.statuses.at(-1), ['E4', 'AVAILABLE'], 'expired');
    assert.deepEqual(sim.reservations(), []);
    await sim.close();
  });

  it('UNLOCK_CONNECTOR: refused on the connector of a running session, done elsewhere', async () => {
    const sim = createSimulatedGateway({ sampleIntervalMs: 0 });
    const r = recorder();
    sim.connect(r.events);
    await sim.dispatch({ kind: 'START_SESSION', commandId: id(), at: at(1, '1'), token: TOKEN });
    await sim.idle();
    const [busy, free, elsewhere] = [id(), id(), id()];
    await sim.dispatch({ kind: 'UNLOCK_CONNECTOR', commandId: busy, at: at(1, '1') });
    await sim.dispatch({ kind: 'UNLOCK_CONNECTOR', commandId: free, at: at(1, '2') });
    await sim.dispatch({ kind: 'UNLOCK_CONNECTOR', commandId: elsewhere, at: at(2, '1') });
    await sim.idle();
    assert.equal(r.results.get(busy)?.result, 'REJECTED');
    assert.equal(r.results.get(free)?.result, 'ACCEPTED');
    assert.equal(r.results.get(elsewhere)?.result, 'ACCEPTED');
    await sim.close();
  });

  it('charging profiles are kept per running session', async () => {
    const sim = createSimulatedGateway({ sampleIntervalMs: 0, powerKw: 22 });
    const r = recorder();
    sim.connect(r.events);
    await sim.dispatch({ kind: 'START_SESSION', commandId: id(), at: at(1), token: TOKEN });
    await sim.idle();
    const sessionId = r.starts[0]?.sessionId as string;
    const profile = { charging_rate_unit: 'A', charging_profile_period: [{ start_period: 0, limit: 16 }] };
    const [set, get, unknown] = [id(), id(), id()];
    await sim.dispatch({ kind: 'SET_CHARGING_PROFILE', commandId: set, sessionId, at: at(1), profile });
    await sim.idle();
    await sim.dispatch({
      kind: 'GET_ACTIVE_CHARGING_PROFILE',
      commandId: get,
      sessionId,
      at: at(1),
      durationS: 900,
    });
    await sim.dispatch({ kind: 'CLEAR_CHARGING_PROFILE', commandId: unknown, sessionId: 'nope', at: at(1) });
    await sim.idle();
    assert.equal(r.results.get(set)?.result, 'ACCEPTED');
    // The active profile as the charge point computes it: 16 A per phase × 230 V × 3 phases, in W.
    assert.deepEqual(r.results.get(get)?.data?.charging_profile, {
      charging_rate_unit: 'W',
      duration: 900,
      charging_profile_period: [{ start_period: 0, limit: 11040 }],
    });
    assert.equal(r.results.get(unknown)?.result, 'UNKNOWN');
    await sim.close();
  });

  it('override: a charge point that never answers, or answers what the test says', async () => {
    const sim = createSimulatedGateway({
      sampleIntervalMs: 0,
      override: (command) =>
        command.kind === 'UNLOCK_CONNECTOR'
          ? 'silent'
          : command.kind === 'START_SESSION'
            ? { result: 'EVSE_INOPERATIVE' }
            : undefined,
    });
    const r = recorder();
    sim.connect(r.events);
    const [unlock, start] = [id(), id()];
    await sim.dispatch({ kind: 'UNLOCK_CONNECTOR', commandId: unlock, at: at(1) });
    await sim.dispatch({ kind: 'START_SESSION', commandId: start, at: at(1), token: TOKEN });
    await sim.idle();
    assert.equal(r.results.has(unlock), false);
    assert.deepEqual(r.results.get(start), { result: 'EVSE_INOPERATIVE' });
    assert.equal(r.starts.length, 0);
  });
});

describe('the HTTP gateway: commands to a backend', () => {
  it('a command as JSON in OCPI words, with where to call back', () => {
    const message = commandMessage(
      {
        kind: 'START_SESSION',
        commandId: 'c-1',
        at: at(1),
        token: TOKEN,
        authorizationReference: 'REF',
      },
      'https://cpo.example.com/gateway',
    );
    assert.deepEqual(message, {
      command_id: 'c-1',
      type: 'START_SESSION',
      callback_url: 'https://cpo.example.com/gateway',
      country_code: 'NL',
      party_id: 'CPO',
      location_id: 'LOC1',
      evse_uid: 'E1',
      connector_id: '1',
      token: TOKEN,
      authorization_reference: 'REF',
    });
    assert.deepEqual(
      commandMessage(
        {
          kind: 'RESERVE_NOW',
          commandId: 'c-2',
          at: { location: LOCATION, evseUid: 'E2' },
          reservationId: 'p/7',
          token: TOKEN,
          expiresAt: new Date('2026-11-25T11:00:00.000Z'),
        },
        'cb',
      ).expiry_date,
      '2026-11-25T11:00:00Z',
    );
  });

  it('an answer in the response is reported at once; none waits for the callback; an error status rejects', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const replies = [
      new Response(JSON.stringify({ result: 'ACCEPTED' }), { status: 200 }),
      new Response(null, { status: 202 }),
      new Response('oops', { status: 500 }),
    ];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return replies.shift() as Response;
    }) as unknown as typeof fetch;
    const gateway = createHttpGateway({
      url: 'https://csms.example.com/api/',
      token: 'csms-secret',
      callbackUrl: 'https://cpo.example.com/gateway',
      fetch: fakeFetch,
    });
    const r = recorder();
    gateway.connect(r.events);
    await gateway.dispatch({ kind: 'UNLOCK_CONNECTOR', commandId: 'u-1', at: at(1) });
    assert.deepEqual(r.results.get('u-1'), { result: 'ACCEPTED' });
    assert.equal(calls[0]?.url, 'https://csms.example.com/api/commands');
    assert.equal(
      (calls[0]?.init.headers as Record<string, string> | undefined)?.Authorization,
      'Bearer csms-secret',
    );
    assert.equal(JSON.parse(String(calls[0]?.init.body)).type, 'UNLOCK_CONNECTOR');
    await gateway.dispatch({ kind: 'UNLOCK_CONNECTOR', commandId: 'u-2', at: at(1) });
    assert.equal(r.results.has('u-2'), false);
    await assert.rejects(
      gateway.dispatch({ kind: 'UNLOCK_CONNECTOR', commandId: 'u-3', at: at(1) }),
      /HTTP 500/,
    );
  });
});

describe('the gateway API: what a backend reports', () => {
  async function api(token: string | undefined, options: { refuse?: boolean } = {}) {
    const store = await memoryStore();
    const config = testConfig({ parties: ['NL:CPO:CPO'] });
    const seed = generateSeed({
      locations: 1,
      seed: 'gateway-api',
      party: { country_code: 'NL', party_id: 'CPO' },
      now: new Date('2026-11-25T06:00:00Z'),
      tariffs: 1,
    });
    const location = { ...(seed.locations[0] as unknown as Json), id: 'LOC1' };
    await createPublisher({ config, store }).putAll([{ module: 'locations', documents: [location] }]);
    const r = recorder();
    const events: ChargePointEvents = {
      ...r.events,
      sessionStarted: async (start) =>
        options.refuse
          ? { refused: 'token blocked' }
          : r.events.sessionStarted({ ...start, sessionId: 'S-1' }),
    };
    const app = Fastify();
    registerGatewayApi(app, { events: () => events, config, store, token });
    await app.ready();
    /** `auth` null: no Authorization header. */
    const call = (path: string, body: unknown, auth: string | null | undefined = token) =>
      app.inject({
        method: 'POST',
        url: `/gateway${path}`,
        ...(auth === null || auth === undefined ? {} : { headers: { authorization: `Bearer ${auth}` } }),
        payload: body as Json,
      });
    return {
      app,
      r,
      call,
      close: async () => {
        await app.close();
        await store.close();
      },
    };
  }

  it('is off without a token, and asks for it', async () => {
    const off = await api(undefined);
    assert.equal((await off.call('/results/x', { result: 'ACCEPTED' })).statusCode, 404);
    await off.close();
    const on = await api('gateway-secret-123456');
    assert.equal((await on.call('/results/x', { result: 'ACCEPTED' }, 'wrong')).statusCode, 401);
    assert.equal((await on.call('/results/x', { result: 'ACCEPTED' }, null)).statusCode, 401);
    assert.equal(on.r.results.size, 0);
    await on.close();
  });

  it('results, sessions, meter values, stops, EVSE statuses and canceled reservations', async () => {
    const { r, call, close } = await api('gateway-secret-123456');
    assert.equal(
      (await call('/results/cmd-9', { result: 'REJECTED', message: 'cable stuck' })).statusCode,
      200,
    );
    assert.deepEqual(r.results.get('cmd-9'), { result: 'REJECTED', message: 'cable stuck' });
    assert.equal((await call('/results/cmd-9', { message: 'no result' })).statusCode, 400);

    const evse = 'NL*CPO*E000001*1';
    const started = await call('/sessions', {
      command_id: 'cmd-1',
      location_id: 'LOC1',
      evse_uid: evse,
      connector_id: '1',
      timestamp: '2026-11-25T10:00:00Z',
    });
    assert.equal(started.statusCode, 200, started.body);
    assert.deepEqual(started.json(), { session_id: 'S-1' });
    assert.deepEqual(r.starts[0], {
      at: { location: LOCATION, evseUid: evse, connectorId: '1' },
      commandId: 'cmd-1',
      when: new Date('2026-11-25T10:00:00Z'),
      sessionId: 'S-1',
    });
    assert.equal(
      (
        await call('/sessions', {
          location_id: 'NOWHERE',
          evse_uid: evse,
          connector_id: '1',
          command_id: 'c',
        })
      ).statusCode,
      404,
    );
    assert.equal(
      (await call('/sessions', { location_id: 'LOC1', evse_uid: evse, connector_id: '1' })).statusCode,
      400,
    );

    const metered = await call('/sessions/S-1/meter-values', {
      timestamp: '2026-11-25T10:15:00Z',
      energy_kwh: 2.75,
      power_kw: 11,
    });
    assert.equal(metered.statusCode, 200);
    assert.deepEqual(r.meter[0], [
      'S-1',
      { time: new Date('2026-11-25T10:15:00Z'), energyKwh: 2.75, powerKw: 11 },
    ]);
    assert.equal(
      (await call('/sessions/S-1/meter-values', { energy_kwh: 'lots', power_kw: 11 })).statusCode,
      400,
    );
    const stopped = await call('/sessions/S-1/stop', {});
    assert.deepEqual(stopped.json(), { cdr_id: 'S-1' });
    assert.equal(
      (await call('/evse-status', { location_id: 'LOC1', evse_uid: evse, status: 'OUTOFORDER' })).statusCode,
      200,
    );
    assert.deepEqual(r.statuses, [[evse, 'OUTOFORDER']]);
    assert.equal((await call('/reservation-canceled', { reservation_id: 'peer/1001' })).statusCode, 200);
    assert.deepEqual(r.canceled, ['peer/1001']);
    await close();
  });

  it('a locally presented token the node refuses: HTTP 403 with the reason', async () => {
    const { call, close } = await api('gateway-secret-123456', { refuse: true });
    const refused = await call('/sessions', {
      token: { uid: 'AABB', type: 'RFID' },
      location_id: 'LOC1',
      evse_uid: 'NL*CPO*E000001*1',
      connector_id: '1',
    });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json(), { error: 'refused', message: 'token blocked' });
    await close();
  });
});
