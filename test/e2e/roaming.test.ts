/**
 * End to end: a whole roaming transaction between real nodes on loopback ports, in every version,
 * on SQLite and on PostgreSQL. The eMSP (DE:MSP:EMSP) publishes its tokens; they reach the CPO
 * (NL:CPO:CPO) by push. A driver presents tokens at the CPO's EVSE: decided from the whitelist, or
 * by a real-time authorization call to the eMSP. An authorized session runs: EVSE CHARGING, the
 * Session pushed at start, PATCHed with charging periods, kWh and cost while it runs, completed;
 * its CDR POSTed. The eMSP holds exactly what the CPO sent, in the version they speak; a second
 * eMSP (BE:OTH:EMSP) connected to the same CPO sees none of it. A CDR sent twice is kept once,
 * the eMSP's pull of CDRs (the backstop) gives the same CDRs, and a correction goes as a credit
 * CDR and a new one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fromCanonical } from '../../src/model/index.js';
import { tokenObjectId } from '../../src/platform/object-modules.js';
import { reconcileCdrs, storeTariffSource } from '../../src/platform/reconciliation/index.js';
import { generateSeed } from '../../src/platform/seed/index.js';
import { formatDateTime, OCPI_VERSIONS, type OcpiVersion } from '../../src/protocol/index.js';
import type { ObjectModule, PeerRecord } from '../../src/store/types.js';
import { pgAvailability } from '../store/targets.js';
import {
  type Backend,
  connectNodes,
  deliverAll,
  ocpiCall,
  postgresBackend,
  type RunningNode,
  sqliteBackend,
  startNode,
} from './helpers.js';

type Json = Record<string, unknown>;

const CPO = { countryCode: 'NL', partyId: 'CPO' };
const EMSP = { country_code: 'DE', party_id: 'MSP' };
const HOUR = 3_600_000;
/** Everything happens in the past, in order: seed, tokens, then the session (all before now). */
const T0 = Date.now() - 6 * HOUR;
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

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
    last_updated: formatDateTime(at(10)),
  };
}

const TOKENS = {
  always: token('A0000001', 'ALWAYS'),
  never: token('N0000002', 'NEVER'),
  offline: token('O0000003', 'ALLOWED_OFFLINE'),
  blocked: token('B0000004', 'ALLOWED', false),
};

async function connect(cpo: RunningNode, other: RunningNode, name: string) {
  const { atInviter, atOther } = await connectNodes(cpo, other, { name });
  return { atCpo: atInviter, cpo: atOther };
}

const held = async (node: RunningNode, module: ObjectModule, peerId: string) =>
  node.store.objects.list({ module, peerId }, { offset: 0, limit: 1000 });

const TYPES = { sessions: 'Session', cdrs: 'CDR', tokens: 'Token' } as const;
const inVersion = (module: keyof typeof TYPES, version: OcpiVersion, data: Json) =>
  fromCanonical(TYPES[module], version, data).value;

function versionSuite(backend: Backend, version: OcpiVersion) {
  describe(`${version}`, { concurrency: false }, () => {
    let cpo: RunningNode;
    let emsp: RunningNode;
    let other: RunningNode;
    let toEmsp: { atCpo: PeerRecord; cpo: PeerRecord };
    let toOther: { atCpo: PeerRecord; cpo: PeerRecord };
    let location: Json;
    let sessionId: string;
    let cdrId: string;
    const chargePoint = () => {
      const evse = (location.evses as Json[])[0] as Json;
      return {
        location: { ...CPO, id: location.id as string },
        evseUid: evse.uid as string,
        connectorId: ((evse.connectors as Json[])[0] as Json).id as string,
      };
    };

    before(async () => {
      const versions = [version];
      [cpo, emsp, other] = await Promise.all([
        startNode(backend, { label: 'CPO', versions, parties: ['NL:CPO:CPO'] }),
        startNode(backend, { label: 'eMSP', versions, parties: ['DE:MSP:EMSP'] }),
        startNode(backend, { label: 'other eMSP', versions, parties: ['BE:OTH:EMSP'] }),
      ]);
      toEmsp = await connect(cpo, emsp, 'eMSP');
      toOther = await connect(cpo, other, 'other eMSP');
      const seed = generateSeed({
        locations: 2,
        seed: `roaming-${version}`,
        party: { country_code: 'NL', party_id: 'CPO' },
        now: at(0),
        tariffs: 2,
      });
      await cpo.app.platform.publisher.putAll([
        { module: 'tariffs', documents: seed.tariffs as unknown as Json[] },
        { module: 'locations', documents: seed.locations as unknown as Json[] },
      ]);
      location = seed.locations[0] as unknown as Json;
      await deliverAll(cpo);
    });
    after(async () => {
      await Promise.all([cpo?.close(), emsp?.close(), other?.close()]);
    });

    test('tokens: the eMSP pushes its tokens, the CPO keeps them per eMSP by uid and type', async () => {
      await emsp.app.platform.publisher.putMany('tokens', Object.values(TOKENS));
      const sent = await deliverAll(emsp);
      assert.equal(
        sent,
        4 * 2 - 4,
        'one PUT per token to the one CPO (the other eMSP has no tokens Receiver)',
      );
      const atCpo = await held(cpo, 'tokens', toEmsp.atCpo.id);
      assert.deepEqual(
        atCpo.map((r) => r.key.id).sort(),
        Object.values(TOKENS)
          .map((t) => tokenObjectId(t.uid as string, 'RFID'))
          .sort(),
      );
      for (const record of atCpo) {
        const ours = await emsp.store.objects.get('tokens', record.key);
        assert.ok(ours);
        assert.deepEqual(inVersion('tokens', version, record.data), inVersion('tokens', version, ours.data));
      }
      // Blocking a token reaches the CPO as a PATCH of valid.
      await emsp.app.platform.publisher.patch(
        'tokens',
        { countryCode: 'DE', partyId: 'MSP', id: tokenObjectId('O0000003', 'RFID') },
        [],
        { valid: false, last_updated: formatDateTime(at(20)) },
      );
      await deliverAll(emsp);
      const offline = await cpo.store.objects.get('tokens', {
        countryCode: 'DE',
        partyId: 'MSP',
        id: tokenObjectId('O0000003', 'RFID'),
      });
      assert.equal(offline?.data.valid, false);
      await emsp.app.platform.publisher.patch(
        'tokens',
        { countryCode: 'DE', partyId: 'MSP', id: tokenObjectId('O0000003', 'RFID') },
        [],
        { valid: true, last_updated: formatDateTime(at(21)) },
      );
      await deliverAll(emsp);
    });

    test('authorization: whitelist ALWAYS from the cache, NEVER in real time, unknown and blocked refused', async () => {
      const sessions = cpo.app.platform.chargingSessions;
      const always = await sessions.authorize({ uid: 'A0000001', type: 'RFID' }, chargePoint(), at(30));
      assert.equal(always.decision.authorized, true);
      assert.equal(always.decision.source, 'whitelist');
      assert.equal(always.decision.realTime, undefined, 'ALWAYS never asks the eMSP');

      const never = await sessions.authorize({ uid: 'N0000002', type: 'RFID' }, chargePoint(), at(30));
      assert.equal(never.decision.authorized, true, never.decision.reason);
      assert.equal(never.decision.source, 'real-time');
      assert.equal(never.decision.realTime, 'answered');
      assert.equal(never.decision.allowed, 'ALLOWED');
      if (version !== '2.1.1')
        assert.match(String(never.decision.authorization_reference), /^[0-9a-f-]{36}$/);

      const unknown = await sessions.authorize(
        { uid: 'X9999999', type: 'RFID', issuer: { countryCode: 'DE', partyId: 'MSP' } },
        chargePoint(),
        at(30),
      );
      assert.equal(unknown.decision.authorized, false);
      assert.equal(unknown.decision.realTime, 'unknown', 'the eMSP answered: no such token');

      const blocked = await sessions.authorize({ uid: 'B0000004', type: 'RFID' }, chargePoint(), at(30));
      assert.equal(blocked.decision.authorized, false);
      assert.equal(blocked.decision.allowed, 'BLOCKED');
    });

    test('a session: pushed at start, PATCHed as it runs, completed; the CDR posted; the other eMSP sees nothing', async () => {
      const sessions = cpo.app.platform.chargingSessions;
      const authorization = await sessions.authorize(
        { uid: 'N0000002', type: 'RFID' },
        chargePoint(),
        at(60),
      );
      sessionId = await sessions.start({
        authorization,
        at: chargePoint(),
        when: at(60),
        id: `S-${version}`,
      });
      await deliverAll(cpo);
      const started = await held(emsp, 'sessions', toEmsp.cpo.id);
      assert.deepEqual(
        started.map((r) => [r.key.id, r.data.status]),
        [[sessionId, 'ACTIVE']],
      );
      // 50 kW for 90 minutes, a sample every 10 minutes, then parked for 20.
      for (let minute = 10; minute <= 110; minute += 10) {
        const charging = minute <= 90;
        await sessions.meter(sessionId, {
          time: at(60 + minute),
          energyKwh: (50 * Math.min(minute, 90)) / 60,
          powerKw: charging ? 50 : 0,
        });
        await deliverAll(cpo);
      }
      const running = await emsp.store.objects.get('sessions', { ...CPO, id: sessionId });
      assert.equal(running?.data.kwh, 75);
      const { session, cdr } = await sessions.stop(sessionId, at(180));
      cdrId = cdr.id as string;
      await deliverAll(cpo);

      const heldSession = await emsp.store.objects.get('sessions', { ...CPO, id: sessionId });
      const ours = await cpo.store.objects.get('sessions', { ...CPO, id: sessionId });
      assert.ok(heldSession && ours);
      assert.equal(heldSession.data.status, 'COMPLETED');
      assert.deepEqual(ours.data, session);
      assert.deepEqual(
        inVersion('sessions', version, heldSession.data),
        inVersion('sessions', version, ours.data),
        'the eMSP holds the CPO session as the version carries it (periods appended by PATCH, none twice)',
      );
      const heldCdrs = await held(emsp, 'cdrs', toEmsp.cpo.id);
      assert.equal(heldCdrs.length, 1);
      assert.deepEqual(
        inVersion('cdrs', version, heldCdrs[0]?.data as Json),
        inVersion('cdrs', version, cdr),
      );
      assert.equal(cdr.total_energy, 75);
      assert.ok(Number((cdr.total_cost as Json).before_taxes) > 0, 'priced from the connector tariff');
      // The CPO priced it with the tariff engine; the eMSP, pricing it again from the tariff it
      // holds, agrees to the cent (its invoice check).
      const check = await reconcileCdrs(heldCdrs, storeTariffSource(emsp.store, toEmsp.cpo.id));
      assert.deepEqual(
        check.cdrs.map((c) => [c.verdict, c.difference]),
        [['OK', 0]],
        JSON.stringify(check.cdrs),
      );
      const stored = await cpo.store.objects.get('locations', chargePoint().location);
      const evse = (stored?.data.evses as Json[] | undefined)?.[0];
      assert.equal(evse?.status, 'AVAILABLE');

      assert.equal(
        (await held(other, 'sessions', toOther.cpo.id)).length,
        0,
        'nothing pushed to the other eMSP',
      );
      assert.equal((await held(other, 'cdrs', toOther.cpo.id)).length, 0);
      const pulled = await other.app.platform.sync.sync(toOther.cpo.id, 'sessions', { full: true });
      assert.equal(pulled.received, 0, "the other eMSP's pull of the CPO's sessions lists none");
      assert.equal((await other.app.platform.sync.sync(toOther.cpo.id, 'cdrs', { full: true })).received, 0);
    });

    test('a CDR posted again is kept once; the pull of CDRs (the backstop) gives the same', async () => {
      const url = toEmsp.atCpo.endpoints.find((e) => e.identifier === 'cdrs' && e.role === 'RECEIVER')?.url;
      assert.ok(url);
      const cdr = await cpo.store.objects.get('cdrs', { ...CPO, id: cdrId });
      assert.ok(cdr);
      const again = await ocpiCall(
        'POST',
        url,
        String(toEmsp.atCpo.outgoingToken),
        version,
        inVersion('cdrs', version, cdr.data),
      );
      assert.equal(again.body.status_code, 1000);
      assert.equal((await held(emsp, 'cdrs', toEmsp.cpo.id)).length, 1, 'still one CDR');

      const pulled = await emsp.app.platform.sync.sync(toEmsp.cpo.id, 'cdrs', { full: true });
      assert.equal(pulled.received, 1);
      assert.equal(pulled.rejected, 0);
      assert.equal((await held(emsp, 'cdrs', toEmsp.cpo.id)).length, 1);
      const sessionsPulled = await emsp.app.platform.sync.sync(toEmsp.cpo.id, 'sessions', { full: true });
      assert.equal(sessionsPulled.received, 1);
    });

    test('a correction: a credit CDR (negative total_cost) and a new CDR, never a change of the first', async () => {
      const sessions = cpo.app.platform.chargingSessions;
      const { credit, replacement } = await sessions.correct({ ...CPO, id: cdrId }, (original) => ({
        ...original,
        id: `${cdrId}-2`,
        total_cost: { before_taxes: 1.5 },
        last_updated: formatDateTime(new Date()),
      }));
      await deliverAll(cpo);
      const byId = new Map((await held(emsp, 'cdrs', toEmsp.cpo.id)).map((r) => [r.key.id, r.data]));
      assert.deepEqual([...byId.keys()].sort(), [cdrId, `${cdrId}-2`, `${cdrId}-CR`].sort());
      const heldCredit = byId.get(credit.id as string) as Json;
      if (version !== '2.1.1') {
        assert.equal(heldCredit.credit, true);
        assert.equal(heldCredit.credit_reference_id, cdrId);
        assert.equal(
          (heldCredit.total_cost as Json).before_taxes,
          -Number(
            (
              (await cpo.store.objects.get('cdrs', { ...CPO, id: cdrId }))?.data.total_cost as
                | Json
                | undefined
            )?.before_taxes,
          ),
        );
      }
      assert.equal(replacement.id, `${cdrId}-2`);
      await assert.rejects(
        cpo.app.platform.publisher.put('cdrs', { ...replacement, total_cost: { before_taxes: 9 } }),
        /never changed once stored/,
      );
    });
  });
}

const pg = await pgAvailability('the roaming transaction on PostgreSQL');

// Versions and backends side by side (each with its own nodes and databases); the steps of one in order.
describe('a roaming transaction end to end', { concurrency: true }, () => {
  for (const backend of [sqliteBackend(), postgresBackend()]) {
    const skip = backend.label === 'PostgreSQL' ? pg.skip : false;
    describe(`on ${backend.label}`, { skip, concurrency: true }, () => {
      after(() => backend.cleanup());
      for (const version of OCPI_VERSIONS) versionSuite(backend, version);
    });
  }
});
