/**
 * The Charging Profiles module's parts without a network: the simulator obeying profiles (power
 * capped by the limit of the moment, energy integrated across the profile's periods, a limit in
 * A per phase, a duration, the ActiveChargingProfile it computes, a local limit reported as a
 * change), the charge point's answers as results, and what the outbox sends for each kind of row.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MeterSample } from '../../src/charging/index.js';
import { chargingProfilePost } from '../../src/platform/charging-profiles/posts.js';
import { profileResultOf } from '../../src/platform/charging-profiles/receiver.js';
import { chargingProfilesSettings } from '../../src/platform/charging-profiles/settings.js';
import { createSimulatedGateway } from '../../src/platform/gateway/simulator.js';
import type { ChargePointAnswer, ChargePointEvents, ConnectorRef } from '../../src/platform/gateway/types.js';
import type { CommandRecord } from '../../src/store/commands.js';
import type { PeerRecord } from '../../src/store/types.js';

type Json = Record<string, unknown>;

const AT: ConnectorRef = {
  location: { countryCode: 'NL', partyId: 'CPO', id: 'LOC1' },
  evseUid: 'NL*CPO*E1',
  connectorId: '1',
};
const TOKEN = { country_code: 'DE', party_id: 'MSP', uid: 'C1', type: 'RFID', contract_id: 'DE-MSP-C1' };

function recorder() {
  const results = new Map<string, ChargePointAnswer>();
  const meter: MeterSample[] = [];
  const changes: { sessionId: string; active: Json; commandId?: string }[] = [];
  let sessionId = '';
  const events: ChargePointEvents = {
    async commandResult(id, answer) {
      results.set(id, answer);
    },
    async sessionStarted(start) {
      sessionId = start.sessionId as string;
      return { sessionId };
    },
    async meterValues(_id, sample) {
      meter.push(sample);
    },
    async sessionStopped() {
      return { cdrId: sessionId };
    },
    async evseStatus() {},
    async reservationCanceled() {},
    async activeChargingProfile(id, active, commandId) {
      changes.push({ sessionId: id, active, ...(commandId === undefined ? {} : { commandId }) });
    },
  };
  return { events, results, meter, changes, session: () => sessionId };
}

const MIN = 60_000;

/** The periods of a reported ActiveChargingProfile. */
const periodsIn = (active: Json | undefined) =>
  ((active?.charging_profile ?? {}) as Json).charging_profile_period;

const T = Date.parse('2026-11-25T10:00:00Z');

async function running(options: { powerKw?: number } = {}) {
  const clock = { t: T };
  const sim = createSimulatedGateway({
    now: () => new Date(clock.t),
    sampleIntervalMs: 0,
    powerKw: options.powerKw ?? 11,
  });
  const r = recorder();
  sim.connect(r.events);
  await sim.dispatch({ kind: 'START_SESSION', commandId: 'start', at: AT, token: TOKEN });
  await sim.idle();
  let n = 0;
  const send = async (command: Json) => {
    const commandId = `c${++n}`;
    await sim.dispatch({ ...command, commandId, sessionId: r.session(), at: AT } as never);
    await sim.idle();
    return { commandId, answer: r.results.get(commandId) };
  };
  return { sim, r, clock, send };
}

describe('the simulator obeys charging profiles', () => {
  it('a profile caps the power from its periods on; the energy follows each period', async () => {
    const { sim, r, clock, send } = await running();
    clock.t += 10 * MIN; // 10 min at 11 kW
    // From the start of charging: unlimited (22 kW > 11) for 20 min, then 4 kW, then 0 from 40 min.
    const profile = {
      charging_rate_unit: 'W',
      charging_profile_period: [
        { start_period: 0, limit: 22000 },
        { start_period: 20 * 60, limit: 4000 },
        { start_period: 40 * 60, limit: 0 },
      ],
    };
    const set = await send({ kind: 'SET_CHARGING_PROFILE', profile });
    assert.deepEqual(set.answer, { result: 'ACCEPTED' });
    assert.equal(r.changes.length, 1, 'the change reported');
    assert.equal(r.changes[0]?.commandId, set.commandId, 'with the request that caused it');
    assert.deepEqual(periodsIn(r.changes[0]?.active), [
      { start_period: 0, limit: 11000 },
      { start_period: 600, limit: 4000 },
      { start_period: 1800, limit: 0 },
    ]);
    clock.t += 50 * MIN; // 60 min after the start: 20 min at 11, 20 at 4, 20 at 0
    const [session] = sim.sessions();
    assert.ok(Math.abs((session?.energyKwh ?? 0) - (11 / 3 + 4 / 3)) < 1e-9, String(session?.energyKwh));
    assert.equal(session?.powerKw, 0);
    const get = await send({ kind: 'GET_ACTIVE_CHARGING_PROFILE', durationS: 600 });
    assert.deepEqual(periodsIn(get.answer?.data), [{ start_period: 0, limit: 0 }]);
    await sim.dispatch({ kind: 'STOP_SESSION', commandId: 'stop', sessionId: r.session(), at: AT });
    await sim.idle();
    const last = r.meter.at(-1);
    assert.ok(Math.abs((last?.energyKwh ?? 0) - 5) < 1e-9);
    assert.equal(last?.evseSuspended, true, 'held at 0 by the profile: the EVSE suspended delivery');
    await sim.close();
  });

  it('a limit in A per phase, a duration after which the profile no longer limits; clear, then nothing to clear', async () => {
    const { sim, r, clock, send } = await running({ powerKw: 22 });
    const profile = {
      start_date_time: new Date(T).toISOString(),
      duration: 1800,
      charging_rate_unit: 'A',
      charging_profile_period: [{ start_period: 0, limit: 10 }],
    };
    await send({ kind: 'SET_CHARGING_PROFILE', profile });
    assert.equal(sim.sessions()[0]?.powerKw, 6.9, '10 A × 230 V × 3');
    assert.deepEqual(r.meter.at(-1)?.powerKw, 6.9, 'a meter value with the new power');
    clock.t += 60 * MIN;
    assert.equal(sim.sessions()[0]?.powerKw, 22, 'after the duration');
    assert.ok(Math.abs((sim.sessions()[0]?.energyKwh ?? 0) - (6.9 / 2 + 22 / 2)) < 1e-9);
    assert.deepEqual((await send({ kind: 'CLEAR_CHARGING_PROFILE' })).answer, { result: 'ACCEPTED' });
    assert.deepEqual((await send({ kind: 'CLEAR_CHARGING_PROFILE' })).answer, { result: 'UNKNOWN' });
    const bad = await send({
      kind: 'SET_CHARGING_PROFILE',
      profile: { charging_rate_unit: 'W', charging_profile_period: [] },
    });
    assert.equal(bad.answer?.result, 'REJECTED');
    await sim.close();
  });

  it('a local limit (load balancing) is reported as a change with no request behind it', async () => {
    const { sim, r, clock } = await running();
    clock.t += 5 * MIN;
    assert.equal(await sim.setLocalLimit(r.session(), 3), true);
    assert.equal(sim.sessions()[0]?.powerKw, 3);
    assert.equal(r.changes.at(-1)?.commandId, undefined);
    assert.deepEqual(periodsIn(r.changes.at(-1)?.active), [{ start_period: 0, limit: 3000 }]);
    assert.equal(await sim.setLocalLimit('no-such-session', 3), false);
    await sim.close();
  });
});

describe('results and posts', () => {
  it('a charge point answer becomes the result of its request', () => {
    assert.deepEqual(profileResultOf('SET_CHARGING_PROFILE', { result: 'ACCEPTED' }), { result: 'ACCEPTED' });
    assert.deepEqual(profileResultOf('CLEAR_PROFILE', { result: 'FAILED' }), { result: 'REJECTED' });
    const active = {
      start_date_time: '2026-11-25T10:00:00Z',
      charging_profile: {
        charging_rate_unit: 'W',
        charging_profile_period: [{ start_period: 0, limit: 3680 }],
      },
    };
    assert.deepEqual(profileResultOf('GET_ACTIVE_CHARGING_PROFILE', { result: 'ACCEPTED', data: active }), {
      result: 'ACCEPTED',
      profile: active,
    });
    assert.deepEqual(profileResultOf('GET_ACTIVE_CHARGING_PROFILE', { result: 'ACCEPTED' }), {
      result: 'REJECTED',
    });
  });

  it('each result goes to its response_url as its own object; a push goes to PUT {session_id} of the peer', () => {
    const peer = {
      endpoints: [
        {
          identifier: 'chargingprofiles',
          role: 'SENDER',
          url: 'https://scsp.example/ocpi/2.2.1/chargingprofiles',
        },
      ],
    } as unknown as PeerRecord;
    const row = (command: string, request: Json, result: Json | null) =>
      ({ id: 'cp-1', version: '2.2.1', command, request, result }) as unknown as CommandRecord;
    const set = chargingProfilePost(
      row('SET_CHARGING_PROFILE', { response_url: 'https://scsp.example/r/1' }, { result: 'ACCEPTED' }),
      peer,
    );
    assert.ok(typeof set !== 'string');
    assert.equal(set.row.path, 'chargingprofile/{request_id}');
    assert.equal(set.url, 'https://scsp.example/r/1');
    const clear = chargingProfilePost(
      row('CLEAR_PROFILE', { response_url: 'https://x/2' }, { result: 'UNKNOWN' }),
      peer,
    );
    assert.ok(typeof clear !== 'string');
    assert.equal(clear.row.path, 'clearprofile/{request_id}');
    const push = chargingProfilePost(
      row(
        'ACTIVE_CHARGING_PROFILE',
        {
          session_id: 'S1',
          active_charging_profile: {
            start_date_time: '2026-11-25T10:00:00Z',
            charging_profile: { charging_rate_unit: 'W', charging_profile_period: [] },
          },
        },
        null,
      ),
      peer,
    );
    assert.ok(typeof push !== 'string');
    assert.equal(push.row.method, 'PUT');
    assert.deepEqual(push.params, { session_id: 'S1' });
    assert.match(
      String(chargingProfilePost(row('SET_CHARGING_PROFILE', {}, { result: 'ACCEPTED' }), peer)),
      /no response_url/,
    );
  });

  it('settings: defaults, and bad values refused', () => {
    const settings = chargingProfilesSettings();
    assert.equal(settings.allow, 'scsp');
    assert.equal(settings.minRequestIntervalMs, 0);
    assert.equal(settings.chargePointTimeoutMs, 30_000);
    assert.throws(() => chargingProfilesSettings({ allow: 'anyone' as never }), RangeError);
    assert.throws(() => chargingProfilesSettings({ minRequestIntervalMs: -1 }), RangeError);
  });
});
