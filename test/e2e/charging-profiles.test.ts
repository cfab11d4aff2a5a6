/**
 * End to end: smart charging between a sender node hosting an eMSP and an SCSP party
 * (DE:MSP:EMSP, DE:SCP:SCSP) and a CPO node (NL:CPO:CPO) on loopback ports, in 2.2.1 and 2.3.0,
 * on SQLite and on PostgreSQL, with the built-in charge point simulator behind the CPO.
 *
 * A session started by a remote START_SESSION (the Commands module) gets a profile (PUT),
 * its active profile read (GET), its profile cleared (DELETE), each ACCEPTED and its result
 * posted to the path of its kind; the profile lowers the simulated power, which the session's
 * energy and its CDR's charging periods (MIN_POWER/MAX_POWER) show; a CPO-side limit (load
 * balancing) is pushed to the sender as the session's new ActiveChargingProfile; an unknown
 * session is answered UNKNOWN_SESSION, an ended one REJECTED; a response_url that is down gets
 * the result once it is back (the outbox retries); a charge point that never answers ends the
 * request as TIMEOUT on both sides.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { chargingProfilesModule } from '../../src/platform/charging-profiles/module.js';
import {
  type ChargingProfilesService,
  createChargingProfilesService,
} from '../../src/platform/charging-profiles/service.js';
import type { ChargingProfilesSettings } from '../../src/platform/charging-profiles/settings.js';
import { commandsModule } from '../../src/platform/commands/module.js';
import { type CommandsService, createCommandsService } from '../../src/platform/commands/service.js';
import { type NodeConfig, validateNodeConfig } from '../../src/platform/config.js';
import { createSimulatedGateway, type SimulatedGateway } from '../../src/platform/gateway/simulator.js';
import { formatDateTime, type OcpiVersion } from '../../src/protocol/index.js';
import type { CommandRecord } from '../../src/store/commands.js';
import type { SqlStore } from '../../src/store/database.js';
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
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.now() - 6 * HOUR;
const CHARGE_POINT_TIMEOUT_MS = 800;
/** Fast retries and sweeps; the CPO answers timeout = 0.8 s + 1 s → 2 s. */
const SETTINGS: Partial<ChargingProfilesSettings> = {
  chargePointTimeoutMs: CHARGE_POINT_TIMEOUT_MS,
  resultMarginMs: 1000,
  baseDelayMs: 40,
  maxDelayMs: 150,
  pollIntervalMs: 20,
};

interface ProfilesNode {
  config: NodeConfig;
  app: FastifyInstance;
  store: SqlStore;
  commands: CommandsService;
  profiles: ChargingProfilesService;
  gateway: SimulatedGateway;
  /** The simulator's clock: real time shifted by this (tests move it forward). */
  clock: { shiftMs: number };
  silent: { on: boolean };
  /** While on, POSTs to our charging profile response_urls get HTTP 503. */
  resultsDown: { on: boolean };
  close(): Promise<void>;
}

async function startNode(
  backend: Backend,
  versions: OcpiVersion[],
  parties: string[],
): Promise<ProfilesNode> {
  const store = await backend.open();
  const config = validateNodeConfig({ publicUrl: 'http://127.0.0.1:1', parties, versions });
  assert.ok(config.modules.includes('chargingprofiles'), 'the module is on by default');
  let commands: CommandsService | undefined;
  let profiles: ChargingProfilesService | undefined;
  const app = buildApp({
    config,
    store,
    logger: false,
    modules: [
      commandsModule({ commands: () => commands as CommandsService }),
      chargingProfilesModule({ chargingProfiles: () => profiles as ChargingProfilesService }),
    ],
  });
  const clock = { shiftMs: -2 * HOUR };
  const silent = { on: false };
  const resultsDown = { on: false };
  const gateway = createSimulatedGateway({
    override: () => (silent.on ? 'silent' : undefined),
    sampleIntervalMs: 0,
    now: () => new Date(Date.now() + clock.shiftMs),
  });
  commands = createCommandsService({
    config,
    store,
    chargingSessions: app.platform.chargingSessions,
    publisher: app.platform.publisher,
    gateway,
    settings: SETTINGS,
  });
  profiles = createChargingProfilesService({
    config,
    store,
    gateway,
    events: commands.chargePointEvents,
    settings: SETTINGS,
  });
  resultsDownHook(app, resultsDown, /\/chargingprofiles\/[a-z]+\/[^/]+$/);
  await listenOnLoopback(app, config);
  const c = commands;
  const p = profiles;
  c.start();
  p.start();
  return {
    config,
    app,
    store,
    commands: c,
    profiles: p,
    gateway,
    clock,
    silent,
    resultsDown,
    close: async () => {
      await p.stop();
      await c.stop();
      await app.close();
      await store.close();
    },
  };
}

const DRIVER = {
  country_code: 'DE',
  party_id: 'MSP',
  uid: 'C0000001',
  type: 'RFID',
  contract_id: 'DE-MSP-C0000001',
  issuer: 'MSP Mobility',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: formatDateTime(new Date(T0)),
};

const SMART = ['RFID_READER', 'REMOTE_START_STOP_CAPABLE', 'CHARGING_PROFILE_CAPABLE'];

/** A seeded Location: E1 and E2 take profiles, E3 does not. */
const location = (version: OcpiVersion) =>
  seededLocation({
    seed: `profiles-${version}`,
    now: new Date(T0),
    tariffs: 1,
    evses: [
      { capabilities: SMART },
      { capabilities: SMART },
      { capabilities: ['RFID_READER', 'REMOTE_START_STOP_CAPABLE'] },
    ],
  });

/** A profile in W from the start of charging: `limitW` from now on (the offset from the session's start). */
const profileFrom = (offsetS: number, limitW: number): Json => ({
  charging_rate_unit: 'W',
  charging_profile_period: [
    { start_period: 0, limit: 22000 },
    { start_period: offsetS, limit: limitW },
  ],
});

const dimension = (period: Json, type: string) =>
  ((period.dimensions ?? []) as Json[]).find((d) => d.type === type)?.volume;

function versionSuite(backend: Backend, version: OcpiVersion) {
  describe(version, { concurrency: false }, () => {
    let cpo: ProfilesNode;
    let sender: ProfilesNode;
    let atSender: PeerRecord;
    let locationId: string;
    let sessionId: string;
    const profiles = () => sender.profiles;
    const received = async (command: string) =>
      (await cpo.profiles.list({ side: 'RECEIVED', command, limit: 1 }))[0] as CommandRecord;
    const startSession = async (evse: number): Promise<string> => {
      const done = await sender.commands.sendAndWait(atSender.id, 'START_SESSION', {
        token: DRIVER,
        location_id: locationId,
        evse_uid: E(evse),
      });
      assert.equal(done.outcome, 'ACCEPTED', JSON.stringify(done));
      const started = (await cpo.commands.list({ side: 'RECEIVED', command: 'START_SESSION', limit: 1 }))[0];
      assert.ok(started?.reference);
      return started.reference;
    };

    before(async () => {
      [cpo, sender] = await Promise.all([
        startNode(backend, [version], ['NL:CPO:CPO']),
        startNode(backend, [version], ['DE:MSP:EMSP', 'DE:SCP:SCSP']),
      ]);
      const peers = await connect(cpo, sender, 'smart charging');
      atSender = peers.atSender;
      assert.ok(
        atSender.endpoints.some((e) => e.identifier === 'chargingprofiles' && e.role === 'RECEIVER'),
        'the CPO offers the Receiver interface',
      );
      assert.ok(
        peers.atCpo.endpoints.some((e) => e.identifier === 'chargingprofiles' && e.role === 'SENDER'),
      );
      locationId = await publishLocation(cpo, location(version));
      sessionId = await startSession(1);
    });
    after(async () => {
      await Promise.all([cpo?.close(), sender?.close()]);
    });

    test('PUT: the profile is accepted by the CPO and the charge point; the ChargingProfileResult comes back on its own path', async () => {
      cpo.clock.shiftMs += 30 * MINUTE; // 30 min at 11 kW
      const done = await profiles().sendAndWait(atSender.id, {
        type: 'SET_CHARGING_PROFILE',
        sessionId,
        chargingProfile: profileFrom(30 * 60, 3680),
      });
      assert.equal(done.response?.result, 'ACCEPTED');
      assert.equal(done.response?.timeout, 2);
      assert.equal(done.outcome, 'ACCEPTED', JSON.stringify(done));
      assert.deepEqual(done.result, { result: 'ACCEPTED' });
      assert.match(
        String(done.request.response_url),
        new RegExp(`/chargingprofiles/chargingprofile/${done.id}$`),
      );
      const atCpo = await eventually(
        () => received('SET_CHARGING_PROFILE'),
        (r) => r.delivery?.state === 'DELIVERED',
        'the result delivered',
      );
      assert.equal(atCpo.reference, sessionId);
      assert.equal(atCpo.outcome, 'ACCEPTED');
      const running = cpo.gateway.sessions().find((s) => s.sessionId === sessionId);
      assert.equal(running?.powerKw, 3.68, 'the simulator obeys the profile');
      assert.ok(
        Math.abs((running?.energyKwh ?? 0) - 5.5) < 0.01,
        `5.5 kWh before the profile (${running?.energyKwh})`,
      );
      // The sender's own change is not pushed back to it.
      assert.equal(await profiles().activeProfile(sessionId), undefined);
    });

    test('GET: the active profile for the asked duration comes back as an ActiveChargingProfileResult', async () => {
      const done = await profiles().sendAndWait(atSender.id, {
        type: 'GET_ACTIVE_CHARGING_PROFILE',
        sessionId,
        durationS: 900,
      });
      assert.equal(done.outcome, 'ACCEPTED', JSON.stringify(done));
      assert.match(String(done.request.response_url), /\/chargingprofiles\/activechargingprofile\//);
      const profile = (done.result?.profile ?? {}) as Json;
      assert.equal(typeof profile.start_date_time, 'string');
      assert.deepEqual(profile.charging_profile, {
        charging_rate_unit: 'W',
        duration: 900,
        charging_profile_period: [{ start_period: 0, limit: 3680 }],
      });
    });

    test('a CPO-side limit (load balancing) is pushed to the sender as the new ActiveChargingProfile', async () => {
      assert.equal(await cpo.gateway.setLocalLimit(sessionId, 2), true);
      const pushed = await eventually(
        () => profiles().activeProfile(sessionId),
        (p) => p !== undefined,
        'the push received',
      );
      const periods = ((pushed?.profile.charging_profile ?? {}) as Json).charging_profile_period;
      assert.deepEqual(periods, [{ start_period: 0, limit: 2000 }]);
      const push = (
        await cpo.profiles.list({ side: 'SENT', command: 'ACTIVE_CHARGING_PROFILE', limit: 5 })
      )[0];
      assert.equal(push?.reference, sessionId);
      await eventually(
        async () => (await cpo.profiles.get(push?.id as string))?.delivery?.state,
        (s) => s === 'DELIVERED',
        'the push acknowledged',
      );
      await cpo.gateway.setLocalLimit(sessionId, undefined);
    });

    test('DELETE: the profile is cleared (ClearProfileResult ACCEPTED on its path); clearing again finds none (UNKNOWN)', async () => {
      const cleared = await profiles().sendAndWait(atSender.id, { type: 'CLEAR_PROFILE', sessionId });
      assert.equal(cleared.outcome, 'ACCEPTED', JSON.stringify(cleared));
      assert.match(String(cleared.request.response_url), /\/chargingprofiles\/clearprofile\//);
      assert.equal(cpo.gateway.sessions().find((s) => s.sessionId === sessionId)?.powerKw, 11);
      const again = await profiles().sendAndWait(atSender.id, { type: 'CLEAR_PROFILE', sessionId });
      assert.equal(again.response?.result, 'ACCEPTED');
      assert.equal(again.outcome, 'UNKNOWN');
    });

    test('a profile lowers the power of a running session: its energy and its CDR charging periods show it', async () => {
      const second = await startSession(2);
      cpo.clock.shiftMs += 30 * MINUTE; // 30 min at 11 kW: 5.5 kWh
      const set = await profiles().sendAndWait(atSender.id, {
        type: 'SET_CHARGING_PROFILE',
        sessionId: second,
        chargingProfile: profileFrom(30 * 60, 3680),
      });
      assert.equal(set.outcome, 'ACCEPTED');
      cpo.clock.shiftMs += 30 * MINUTE; // 30 min at 3.68 kW: 1.84 kWh
      const stopped = await sender.commands.sendAndWait(atSender.id, 'STOP_SESSION', { session_id: second });
      assert.equal(stopped.outcome, 'ACCEPTED');
      const cdr = await cpo.store.objects.get('cdrs', { ...CPO, id: second });
      assert.ok(cdr, 'the CDR');
      assert.ok(
        Math.abs(Number(cdr.data.total_energy) - 7.34) < 0.01,
        `7.34 kWh, not 11 (${cdr.data.total_energy})`,
      );
      const periods = cdr.data.charging_periods as Json[];
      const powers = periods.flatMap((p) => [dimension(p, 'MIN_POWER'), dimension(p, 'MAX_POWER')]);
      assert.ok(powers.includes(3.68), `MIN_POWER 3.68 kW in ${JSON.stringify(periods)}`);
      assert.ok(powers.includes(11), 'MAX_POWER 11 kW');
      // An ended session takes no profile.
      const late = await profiles().sendAndWait(atSender.id, {
        type: 'SET_CHARGING_PROFILE',
        sessionId: second,
        chargingProfile: profileFrom(0, 1000),
      });
      assert.equal(late.outcome, 'REJECTED');
      assert.equal(late.result, null, 'a refusal has no result');
    });

    test('an unknown session: UNKNOWN_SESSION, at once, for each request', async () => {
      for (const request of [
        {
          type: 'SET_CHARGING_PROFILE' as const,
          sessionId: 'NO-SUCH-SESSION',
          chargingProfile: profileFrom(0, 1000),
        },
        { type: 'GET_ACTIVE_CHARGING_PROFILE' as const, sessionId: 'NO-SUCH-SESSION', durationS: 60 },
        { type: 'CLEAR_PROFILE' as const, sessionId: 'NO-SUCH-SESSION' },
      ]) {
        const done = await profiles().send(atSender.id, request);
        assert.equal(done.state, 'DONE');
        assert.equal(done.outcome, 'UNKNOWN_SESSION', request.type);
        assert.equal(done.response?.result, 'UNKNOWN_SESSION');
      }
    });

    test('a response_url that is down: the result is retried through the outbox until it gets through', async () => {
      sender.resultsDown.on = true;
      let sent: CommandRecord;
      try {
        sent = await profiles().send(atSender.id, {
          type: 'GET_ACTIVE_CHARGING_PROFILE',
          sessionId,
          durationS: 60,
        });
        assert.equal(sent.state, 'WAITING');
        const failing = await eventually(
          () => received('GET_ACTIVE_CHARGING_PROFILE'),
          (r) => (r.delivery?.attempts ?? 0) >= 2,
          'two failed posts',
        );
        assert.equal(failing.delivery?.state, 'PENDING');
        assert.match(failing.delivery?.lastError ?? '', /503/);
      } finally {
        sender.resultsDown.on = false;
      }
      const done = await profiles().wait(sent.id);
      assert.equal(done.outcome, 'ACCEPTED');
      const atCpo = await eventually(
        () => received('GET_ACTIVE_CHARGING_PROFILE'),
        (r) => r.delivery?.state === 'DELIVERED',
        'delivered at last',
      );
      assert.ok((atCpo.delivery?.attempts ?? 0) >= 2);
    });

    test('a charge point that never answers: TIMEOUT at the CPO (nothing posted) and at the sender after the timeout', async () => {
      cpo.silent.on = true;
      try {
        const t = Date.now();
        const done = await profiles().sendAndWait(atSender.id, {
          type: 'SET_CHARGING_PROFILE',
          sessionId,
          chargingProfile: profileFrom(0, 5000),
        });
        assert.equal(done.response?.result, 'ACCEPTED');
        assert.equal(done.outcome, 'TIMEOUT');
        assert.equal(done.result, null);
        assert.ok(Date.now() - t >= 1900, 'the sender waited for the timeout it was given (2 s)');
        const atCpo = await received('SET_CHARGING_PROFILE');
        assert.equal(atCpo.outcome, 'TIMEOUT');
        assert.equal(atCpo.delivery, null, 'no result to post');
      } finally {
        cpo.silent.on = false;
      }
    });
  });
}

const pg = await pgAvailability('charging profiles end to end on PostgreSQL');

describe('charging profiles end to end', { concurrency: true }, () => {
  for (const backend of [sqliteBackend(), postgresBackend()]) {
    const skip = backend.label === 'PostgreSQL' ? pg.skip : false;
    describe(`on ${backend.label}`, { skip, concurrency: true }, () => {
      after(() => backend.cleanup());
      for (const version of ['2.2.1', '2.3.0'] as const) versionSuite(backend, version);
    });
  }
});
