/**
 * The Sessions module over HTTP (buildApp + inject), in every version: the eMSP's Receiver
 * interface (what a CPO pushes: PUT, PATCH; 2.2.1+ PATCH adds charging periods, 2.1.1 replaces
 * the list), the CPO's Sender list (a peer sees only the Sessions of its own tokens) and the
 * 2.2.1+ Charging Preferences PUT. Bodies are the spec's Session examples.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { preferencesMetaKey, sessionsModule } from '../../src/platform/sessions.js';
import type { OcpiVersion } from '../../src/protocol/index.js';
import type { ObjectKey } from '../../src/store/types.js';
import { assertValid } from '../helpers/convert.js';
import { readExample } from '../helpers/fixtures.js';
import { FIXED_NOW } from '../http/helpers.js';
import {
  addPeer,
  call,
  clone,
  emspPeersByVersion,
  idsOf,
  ifacePath,
  type Json,
  moduleNode,
  nextPath,
  type ObjectNode,
  role,
  type TestPeer,
  VERSIONS,
} from './object-modules-helpers.js';

/** testConfig's node (our CPO NL/RMK first, our eMSP NL/RME) with the Sessions module on a fixed clock. */
const sessionsNode = () => moduleNode((deps) => [sessionsModule(deps)]);

const periodsOf = (session: Json | undefined) => (session?.charging_periods ?? []) as Json[];
const key = (cc: string, pid: string, id: string): ObjectKey => ({ countryCode: cc, partyId: pid, id });

// ---------------------------------------------------------------------------------------------
// The eMSP's Receiver interface.

describe('Sessions Receiver (eMSP), 2.1.1', () => {
  const receiver = ifacePath('2.1.1', 'sessions', 'RECEIVER');
  const base = `${receiver}/NL/TNM`;
  const sessionWith = (file: string, id: string, changes: Json = {}): Json => ({
    ...(clone(readExample(`2.1.1/${file}`)) as Json),
    id,
    ...changes,
  });
  let node: ObjectNode;
  let peer: TestPeer;
  const stored = (id: string) => node.store.objects.get('sessions', key('NL', 'TNM', id));

  before(async () => {
    node = await sessionsNode();
    peer = await addPeer(node.store, '2.1.1', [role('CPO', 'NL', 'TNM')]);
  });
  after(() => node.close());

  test("PUT of the spec's example stores it canonical (HTTP 201, then 200); GET answers it in 2.1.1", async () => {
    const created = await call(
      node.app,
      peer,
      'PUT',
      `${base}/101`,
      sessionWith('mod_sessions_02.json.txt', '101'),
    );
    assert.equal(created.body.status_code, 1000, JSON.stringify(created.body));
    assert.equal(created.http, 201);
    const record = await stored('101');
    assert.equal(record?.peerId, peer.record.id);
    assert.equal(record?.data.country_code, 'NL');
    assert.equal(record?.data.party_id, 'TNM');
    assert.equal(record?.data.location_id, 'LOC1');
    assert.equal(record?.data.evse_uid, '3256');
    assert.deepEqual(record?.data.total_cost, { before_taxes: 2.5 });
    // The eMA ID auth_id names the eMSP of the token.
    assert.equal((record?.data.cdr_token as Json | undefined)?.contract_id, 'DE8ACC12E46L89');
    const got = await call(node.app, peer, 'GET', `${base}/101`);
    assert.equal(got.http, 200);
    assertValid('2.1.1', 'Session', got.body.data);
    assert.equal((got.body.data as Json).auth_id, 'DE8ACC12E46L89');
    assert.equal((got.body.data as Json).total_cost, 2.5);
    const replaced = await call(
      node.app,
      peer,
      'PUT',
      `${base}/101`,
      sessionWith('mod_sessions_02.json.txt', '101', { status: 'ACTIVE' }),
    );
    assert.equal(replaced.http, 200);
    assert.equal((await stored('101'))?.data.status, 'ACTIVE');
  });

  test("PATCH of the spec's example (no last_updated): total_cost set, receive time stamped", async () => {
    await call(node.app, peer, 'PUT', `${base}/P1`, sessionWith('mod_sessions_02.json.txt', 'P1'));
    const answer = await call(
      node.app,
      peer,
      'PATCH',
      `${base}/P1`,
      readExample('2.1.1/mod_sessions_01.json.txt'),
    );
    assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
    const record = await stored('P1');
    assert.deepEqual(record?.data.total_cost, { before_taxes: 0.6 });
    assert.equal(record?.data.last_updated, '2025-03-04T05:06:07Z');
    assert.equal(record?.data.status, 'PENDING', 'fields not in the PATCH are unchanged');
  });

  test('2.1.1 PATCH with charging_periods replaces the list (no append rule in 2.1.1)', async () => {
    await call(node.app, peer, 'PUT', `${base}/P3`, sessionWith('mod_sessions_03.json.txt', 'P3'));
    assert.equal(periodsOf((await stored('P3'))?.data).length, 3);
    const period = { start_date_time: '2015-06-29T23:10:00Z', dimensions: [{ type: 'ENERGY', volume: 1 }] };
    const answer = await call(node.app, peer, 'PATCH', `${base}/P3`, {
      charging_periods: [period],
      last_updated: '2015-06-29T23:10:00Z',
    });
    assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
    const periods = periodsOf((await stored('P3'))?.data);
    assert.equal(periods.length, 1);
    assert.equal(periods[0]?.start_date_time, '2015-06-29T23:10:00Z');
  });

  test("the URL's owner must be one of the peer's parties: HTTP 404", async () => {
    const answer = await call(
      node.app,
      peer,
      'PUT',
      `${receiver}/FR/OTH/101`,
      sessionWith('mod_sessions_02.json.txt', '101'),
    );
    assert.equal(answer.http, 404);
    assert.equal(answer.body.status_code, 2000);
    assert.equal(await node.store.objects.get('sessions', key('FR', 'OTH', '101')), undefined);
  });
});

for (const version of ['2.2.1', '2.3.0'] as const) {
  describe(`Sessions Receiver (eMSP), ${version}`, () => {
    const receiver = ifacePath(version, 'sessions', 'RECEIVER');
    const example = (file: string) => clone(readExample(`${version}/${file}`)) as Json;
    const start = (id: string, changes: Json = {}): Json => ({
      ...example('session_example_1_simple_start.json'),
      id,
      ...changes,
    });
    const finished = (id: string, changes: Json = {}): Json => ({
      ...example('session_example_2_short_finished.json'),
      id,
      ...changes,
    });
    /**
     * The spec's "adding a new ChargingPeriod" PATCH. Its last_updated (2019-06-23) is older than
     * session_example_1's (2020-03-09): sent after that PUT it would be a stale message, so it is
     * moved after it (its period too).
     */
    const periodPatch = (at: string): Json => {
      const patch = example('session_patch_example_charging_period.json');
      (patch.charging_periods as Json[])[0]!.start_date_time = at;
      return { ...patch, last_updated: at };
    };
    let node: ObjectNode;
    let peer: TestPeer;
    const stk = (id: string) => node.store.objects.get('sessions', key('NL', 'STK', id));
    const bec = (id: string) => node.store.objects.get('sessions', key('BE', 'BEC', id));

    before(async () => {
      node = await sessionsNode();
      peer = await addPeer(node.store, version, [role('CPO', 'NL', 'STK'), role('CPO', 'BE', 'BEC')]);
    });
    after(() => node.close());

    test("PUT of the spec's example stores it (HTTP 201, then 200); GET answers it as sent", async () => {
      const created = await call(node.app, peer, 'PUT', `${receiver}/NL/STK/101`, start('101'));
      assert.equal(created.body.status_code, 1000, JSON.stringify(created.body));
      assert.equal(created.http, 201);
      const record = await stk('101');
      assert.equal(record?.peerId, peer.record.id);
      assert.equal(record?.data.status, 'PENDING');
      assert.deepEqual(record?.data.cdr_token, start('101').cdr_token);
      assert.equal(record?.lastUpdated.toISOString(), '2020-03-09T10:17:09.000Z');
      const got = await call(node.app, peer, 'GET', `${receiver}/NL/STK/101`);
      assert.equal(got.http, 200);
      assertValid(version, 'Session', got.body.data);
      assert.deepEqual(got.body.data, start('101'));
      const replaced = await call(
        node.app,
        peer,
        'PUT',
        `${receiver}/NL/STK/101`,
        start('101', { status: 'ACTIVE', last_updated: '2020-03-09T10:18:00Z' }),
      );
      assert.equal(replaced.http, 200);
      assert.equal((await stk('101'))?.data.status, 'ACTIVE');
    });

    test("PATCH with charging_periods ADDS them (the spec's example), an empty list changes nothing", async () => {
      await call(node.app, peer, 'PUT', `${receiver}/NL/STK/A1`, start('A1'));
      assert.equal(periodsOf((await stk('A1'))?.data).length, 0);

      const first = await call(
        node.app,
        peer,
        'PATCH',
        `${receiver}/NL/STK/A1`,
        periodPatch('2020-03-09T10:30:00Z'),
      );
      assert.equal(first.body.status_code, 1000, JSON.stringify(first.body));
      let record = await stk('A1');
      assert.equal(periodsOf(record?.data).length, 1);
      assert.equal(record?.data.kwh, 15);
      assert.equal((record?.data.total_cost as Json | undefined)?.before_taxes, 0.8);
      assert.equal(record?.data.status, 'PENDING', 'fields not in the PATCH are unchanged');

      const second = await call(
        node.app,
        peer,
        'PATCH',
        `${receiver}/NL/STK/A1`,
        periodPatch('2020-03-09T10:45:00Z'),
      );
      assert.equal(second.body.status_code, 1000);
      record = await stk('A1');
      assert.deepEqual(
        periodsOf(record?.data).map((p) => p.start_date_time),
        ['2020-03-09T10:30:00Z', '2020-03-09T10:45:00Z'],
      );

      const empty = await call(node.app, peer, 'PATCH', `${receiver}/NL/STK/A1`, {
        charging_periods: [],
        kwh: 16,
        last_updated: '2020-03-09T10:50:00Z',
      });
      assert.equal(empty.body.status_code, 1000);
      record = await stk('A1');
      assert.equal(periodsOf(record?.data).length, 2, 'an empty list changes nothing');
      assert.equal(record?.data.kwh, 16);
      assert.equal(record?.data.last_updated, '2020-03-09T10:50:00Z');

      // The spec's total-cost PATCH (no charging_periods), moved after the others.
      const cost = {
        ...example('session_patch_example_total_cost.json'),
        last_updated: '2020-03-09T10:55:00Z',
      };
      assert.equal(
        (await call(node.app, peer, 'PATCH', `${receiver}/NL/STK/A1`, cost)).body.status_code,
        1000,
      );
      record = await stk('A1');
      assert.equal(periodsOf(record?.data).length, 2);
      assert.equal((record?.data.total_cost as Json | undefined)?.before_taxes, 0.6);
      assert.equal(record?.revision, 5);

      const got = await call(node.app, peer, 'GET', `${receiver}/NL/STK/A1`);
      assertValid(version, 'Session', got.body.data);
      assert.equal(periodsOf(got.body.data as Json).length, 2);
    });

    test("after a PUT of the finished example (3 periods), the spec's PATCH makes 4; a PUT replaces them", async () => {
      await call(node.app, peer, 'PUT', `${receiver}/BE/BEC/F1`, finished('F1'));
      assert.equal(periodsOf((await bec('F1'))?.data).length, 3);
      const patch = example('session_patch_example_charging_period.json');
      const answer = await call(node.app, peer, 'PATCH', `${receiver}/BE/BEC/F1`, patch);
      assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
      const periods = periodsOf((await bec('F1'))?.data);
      assert.equal(periods.length, 4);
      assert.deepEqual(periods.slice(0, 3), finished('F1').charging_periods);
      assert.deepEqual(periods[3], (patch.charging_periods as Json[])[0]);
      // A PUT without charging_periods removes them (the Session is replaced).
      const { charging_periods: _, ...withoutPeriods } = finished('F1', {
        last_updated: '2020-01-01T00:00:00Z',
      });
      await call(node.app, peer, 'PUT', `${receiver}/BE/BEC/F1`, withoutPeriods);
      assert.equal(periodsOf((await bec('F1'))?.data).length, 0);
    });

    test('a PATCH without last_updated is refused (2001) and changes nothing', async () => {
      await call(node.app, peer, 'PUT', `${receiver}/NL/STK/NOLU`, start('NOLU'));
      const { last_updated: _, ...patch } = periodPatch('2020-03-09T10:30:00Z');
      const answer = await call(node.app, peer, 'PATCH', `${receiver}/NL/STK/NOLU`, patch);
      assert.equal(answer.body.status_code, 2001);
      const record = await stk('NOLU');
      assert.equal(record?.revision, 1);
      assert.equal(periodsOf(record?.data).length, 0);
    });

    test('a PATCH or PUT older than the Session held is acknowledged and not applied', async () => {
      await call(node.app, peer, 'PUT', `${receiver}/NL/STK/OLD`, start('OLD'));
      const stalePatch = example('session_patch_example_charging_period.json'); // 2019 < 2020
      const patched = await call(node.app, peer, 'PATCH', `${receiver}/NL/STK/OLD`, stalePatch);
      assert.equal(patched.body.status_code, 1000);
      assert.match(patched.body.status_message as string, /older/);
      const stalePut = start('OLD', { status: 'INVALID', last_updated: '2019-01-01T00:00:00Z' });
      const put = await call(node.app, peer, 'PUT', `${receiver}/NL/STK/OLD`, stalePut);
      assert.equal(put.body.status_code, 1000);
      const record = await stk('OLD');
      assert.equal(record?.revision, 1);
      assert.equal(record?.data.status, 'PENDING');
      assert.equal(periodsOf(record?.data).length, 0);
    });

    test("the URL's owner must be one of the peer's parties (HTTP 404); the body's owner must be the URL's (2001)", async () => {
      const foreign = await call(
        node.app,
        peer,
        'PUT',
        `${receiver}/FR/OTH/101`,
        start('101', { country_code: 'FR', party_id: 'OTH' }),
      );
      assert.equal(foreign.http, 404);
      assert.equal((await call(node.app, peer, 'GET', `${receiver}/FR/OTH/101`)).http, 404);
      const mismatch = await call(node.app, peer, 'PUT', `${receiver}/BE/BEC/M1`, start('M1'));
      assert.equal(mismatch.body.status_code, 2001);
      assert.equal(await bec('M1'), undefined);
    });

    test('PATCH of an unknown Session: an error status, and the node is told to pull', async () => {
      const answer = await call(
        node.app,
        peer,
        'PATCH',
        `${receiver}/NL/STK/NOPE`,
        periodPatch('2020-03-09T10:30:00Z'),
      );
      assert.equal(answer.body.status_code, 2000);
      assert.deepEqual(node.missing.at(-1), [peer.record.id, 'sessions']);
      assert.equal(await stk('NOPE'), undefined);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The CPO's Sender interface: our own Sessions.

const OUR_CPO = { country_code: 'NL', party_id: 'RMK' };

/** The spec's finished Session as one of ours, for the eMSP `emsp`. */
function ourSession(id: string, emsp: [string, string], changes: Json = {}): Json {
  const doc = clone(readExample('2.3.0/session_example_2_short_finished.json')) as Json;
  return {
    ...doc,
    ...OUR_CPO,
    id,
    cdr_token: { ...(doc.cdr_token as Json), country_code: emsp[0], party_id: emsp[1] },
    ...changes,
  };
}

/** A running Session of ours at LOC1, for DE/MSP (the spec's simple start, ACTIVE). */
function ourRunningSession(id: string, evseUid: string, emsp: [string, string] = ['DE', 'MSP']): Json {
  const doc = clone(readExample('2.3.0/session_example_1_simple_start.json')) as Json;
  return {
    ...doc,
    ...OUR_CPO,
    id,
    evse_uid: evseUid,
    connector_id: '1',
    status: 'ACTIVE',
    cdr_token: { ...(doc.cdr_token as Json), country_code: emsp[0], party_id: emsp[1] },
  };
}

describe('Sessions Sender (CPO): a peer lists only the Sessions of its own tokens', () => {
  let node: ObjectNode;
  let msp: Record<OcpiVersion, TestPeer>;
  let oth: Record<OcpiVersion, TestPeer>;

  before(async () => {
    node = await sessionsNode();
    ({ msp, oth } = await emspPeersByVersion(node.store));
    const publisher = node.app.platform.publisher;
    const plan: [string, [string, string]][] = [
      ['S1', ['DE', 'MSP']],
      ['S2', ['DE', 'OTH']],
      ['S3', ['DE', 'MSP']],
      ['S4', ['FR', 'NOB']],
      ['S5', ['DE', 'MSP']],
    ];
    for (const [i, [id, emsp]] of plan.entries()) {
      await publisher.put('sessions', ourSession(id, emsp, { last_updated: `2024-01-0${i + 1}T00:00:00Z` }));
    }
  });
  after(() => node.close());

  const list = async (peer: TestPeer, query: string) => {
    const answer = await call(
      node.app,
      peer,
      'GET',
      `${ifacePath(peer.version, 'sessions', 'SENDER')}${query}`,
    );
    assert.equal(answer.http, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
    return answer;
  };

  for (const version of VERSIONS) {
    test(`${version}: each eMSP sees its own Sessions only, counted and paged as such`, async () => {
      const all = await list(msp[version], '?date_from=2000-01-01T00:00:00Z');
      assert.deepEqual(idsOf(all), ['S1', 'S3', 'S5']);
      assert.equal(all.headers['x-total-count'], '3');
      for (const session of all.body.data as Json[]) assertValid(version, 'Session', session);

      const other = await list(oth[version], '?date_from=2000-01-01T00:00:00Z');
      assert.deepEqual(idsOf(other), ['S2']);
      assert.equal(other.headers['x-total-count'], '1');

      const first = await list(msp[version], '?date_from=2000-01-01T00:00:00Z&limit=2');
      assert.deepEqual(idsOf(first), ['S1', 'S3']);
      assert.equal(first.headers['x-total-count'], '3');
      assert.equal(first.headers['x-limit'], '2');
      const second = await call(node.app, msp[version], 'GET', nextPath(first));
      assert.deepEqual(idsOf(second), ['S5']);
      assert.equal(second.headers.link, undefined);

      const window = await list(msp[version], '?date_from=2024-01-02T00:00:00Z&date_to=2024-01-05T00:00:00Z');
      assert.deepEqual(idsOf(window), ['S3']);
    });
  }

  test('an eMSP with both parties sees the Sessions of both', async () => {
    const both = await addPeer(node.store, '2.2.1', [role('EMSP', 'DE', 'MSP'), role('EMSP', 'DE', 'OTH')]);
    const answer = await list(both, '?date_from=2000-01-01T00:00:00Z');
    assert.deepEqual(idsOf(answer), ['S1', 'S2', 'S3', 'S5']);
  });
});

describe('Sessions Sender (CPO), 2.2.1+: PUT {session_id}/charging_preferences', () => {
  let node: ObjectNode;
  const emsp = {} as Record<'2.2.1' | '2.3.0', TestPeer>;
  const url = (version: '2.2.1' | '2.3.0', id: string) =>
    `${ifacePath(version, 'sessions', 'SENDER')}/${id}/charging_preferences`;
  const metaOf = (id: string) => node.store.meta.get(preferencesMetaKey({ ...key('NL', 'RMK', id) }));

  before(async () => {
    node = await sessionsNode();
    emsp['2.2.1'] = await addPeer(node.store, '2.2.1', [role('EMSP', 'DE', 'MSP')]);
    emsp['2.3.0'] = await addPeer(node.store, '2.3.0', [role('EMSP', 'DE', 'MSP')]);
    const publisher = node.app.platform.publisher;
    const tariff = clone(readExample('2.3.0/tariff_1_simple_2hour.json')) as Json;
    // Connector 3256/1 has a REGULAR tariff and a PROFILE_GREEN one; no PROFILE_FAST.
    await publisher.put('tariffs', { ...tariff, ...OUR_CPO, id: '11', type: 'REGULAR' });
    await publisher.put('tariffs', { ...tariff, ...OUR_CPO, id: 'GREEN', type: 'PROFILE_GREEN' });
    const location = clone(readExample('2.3.0/location_example.json')) as Json;
    const evses = location.evses as Json[];
    evses[0]!.capabilities = ['RESERVABLE', 'CHARGING_PREFERENCES_CAPABLE'];
    ((evses[0]!.connectors as Json[])[0] as Json).tariff_ids = ['11', 'GREEN'];
    // EVSE 3257 keeps capabilities without CHARGING_PREFERENCES_CAPABLE.
    await publisher.put('locations', { ...location, ...OUR_CPO, id: 'LOC1' });
    await publisher.put('sessions', ourRunningSession('RUN1', '3256'));
    await publisher.put('sessions', ourRunningSession('RUN2', '3257'));
    await publisher.put('sessions', ourRunningSession('THEIRS', '3256', ['DE', 'OTH']));
  });
  after(() => node.close());

  const departure = (hoursFromNow: number) =>
    new Date(FIXED_NOW.getTime() + hoursFromNow * 3_600_000).toISOString().replace('.000Z', 'Z');

  for (const version of ['2.2.1', '2.3.0'] as const) {
    test(`${version}: an unknown Session, or another eMSP's, is HTTP 404`, async () => {
      for (const id of ['NOSUCH', 'THEIRS']) {
        const answer = await call(node.app, emsp[version], 'PUT', url(version, id), {
          profile_type: 'REGULAR',
        });
        assert.equal(answer.http, 404, id);
        assert.notEqual(answer.body.status_code, 1000, id);
      }
      assert.equal(await metaOf('THEIRS'), undefined);
    });

    test(`${version}: an EVSE without CHARGING_PREFERENCES_CAPABLE: HTTP 404 with 2001`, async () => {
      const answer = await call(node.app, emsp[version], 'PUT', url(version, 'RUN2'), {
        profile_type: 'REGULAR',
      });
      assert.equal(answer.http, 404);
      assert.equal(answer.body.status_code, 2001);
      assert.equal(await metaOf('RUN2'), undefined);
    });

    test(`${version}: REGULAR is ACCEPTED and kept in node_meta for the smart-charging system`, async () => {
      const preferences = { profile_type: 'REGULAR', departure_time: departure(4), energy_need: 20 };
      const answer = await call(node.app, emsp[version], 'PUT', url(version, 'RUN1'), preferences);
      assert.equal(answer.http, 200);
      assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
      assert.equal(answer.body.data, 'ACCEPTED');
      assert.deepEqual(await metaOf('RUN1'), preferences);
    });

    test(`${version}: PROFILE_FAST without a PROFILE_FAST tariff: PROFILE_TYPE_NOT_SUPPORTED, nothing kept`, async () => {
      const kept = await metaOf('RUN1');
      const answer = await call(node.app, emsp[version], 'PUT', url(version, 'RUN1'), {
        profile_type: 'FAST',
        departure_time: departure(4),
        energy_need: 20,
      });
      assert.equal(answer.body.status_code, 1000);
      assert.equal(answer.body.data, 'PROFILE_TYPE_NOT_SUPPORTED');
      assert.deepEqual(await metaOf('RUN1'), kept);
    });

    test(`${version}: a smart profile without departure_time: DEPARTURE_REQUIRED`, async () => {
      const answer = await call(node.app, emsp[version], 'PUT', url(version, 'RUN1'), {
        profile_type: 'GREEN',
        energy_need: 20,
      });
      assert.equal(answer.body.data, 'DEPARTURE_REQUIRED');
    });

    test(`${version}: a departure already past: NOT_POSSIBLE; a future one: ACCEPTED`, async () => {
      const past = await call(node.app, emsp[version], 'PUT', url(version, 'RUN1'), {
        profile_type: 'GREEN',
        departure_time: departure(-1),
        energy_need: 20,
      });
      assert.equal(past.body.data, 'NOT_POSSIBLE');
      assert.notEqual(((await metaOf('RUN1')) as Json | undefined)?.profile_type, 'GREEN');
      const future = { profile_type: 'GREEN', departure_time: departure(6), energy_need: 20 };
      const ok = await call(node.app, emsp[version], 'PUT', url(version, 'RUN1'), future);
      assert.equal(ok.body.data, 'ACCEPTED');
      assert.deepEqual(await metaOf('RUN1'), future);
    });
  }
});
