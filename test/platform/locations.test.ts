/**
 * The Locations module over HTTP (buildApp + inject), in every version: the Receiver interface
 * (what a CPO pushes to us) with every rule of the chapters, and the Sender interface (our own
 * Locations: pages, date filters, visibility, single objects). Bodies are the spec's examples.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConversionCache } from '../../src/platform/published-objects/index.js';
import { findSchema, type OcpiVersion, schemasByVersion, validate } from '../../src/protocol/index.js';
import { openStore } from '../../src/store/database.js';
import { readExample } from '../helpers/fixtures.js';
import { dropTestSchemas, newTestSchema, pgAvailability, pgTestUrl } from '../store/targets.js';
import {
  addPeer,
  call,
  clone,
  ifacePath,
  type Json,
  type ObjectNode,
  objectNode,
  ownerReceiver,
  role,
  type TestPeer,
  VERSIONS,
} from './object-modules-helpers.js';

/** A complete Location of each version (2.1.1 has no owner in the object). */
const EXAMPLE: Record<OcpiVersion, string> = {
  '2.1.1': '2.1.1/mod_locations_06.json.txt',
  '2.2.1': '2.2.1/location_example.json',
  '2.3.0': '2.3.0/location_example.json',
};
/** The owner the examples are pushed under (2.2.1+: the example's own). */
const OWNER: Record<OcpiVersion, [string, string]> = {
  '2.1.1': ['NL', 'TNM'],
  '2.2.1': ['BE', 'BEC'],
  '2.3.0': ['BE', 'BEC'],
};

const schemaOf = (version: OcpiVersion, type: string) => {
  const schema = findSchema(schemasByVersion[version], type);
  assert.ok(schema, `${version} ${type} schema`);
  return schema;
};

function assertValid(version: OcpiVersion, type: string, value: unknown): void {
  const result = validate(schemaOf(version, type), value);
  assert.ok(result.valid, `${version} ${type}: ${JSON.stringify(result.issues.slice(0, 3))}`);
}

const evsesOf = (location: Json) => location.evses as Json[];
const evse = (location: Json, uid: string) => evsesOf(location).find((e) => e.uid === uid) as Json;

for (const version of VERSIONS) {
  describe(`Locations Receiver, ${version}`, () => {
    const [cc, pid] = OWNER[version];
    const example = () => clone(readExample(EXAMPLE[version])) as Json;
    const locationWith = (id: string, changes: Json = {}) => ({ ...example(), id, ...changes });
    let node: ObjectNode;
    let peer: TestPeer;
    let stranger: TestPeer;
    const state = () => ({ node, peer });
    const { base, key, stored, put } = ownerReceiver(
      'locations',
      version,
      OWNER[version],
      locationWith,
      state,
    );

    before(async () => {
      node = await objectNode();
      peer = await addPeer(node.store, version, [role('CPO', cc, pid), role('CPO', 'DE', 'SEC')]);
      stranger = await addPeer(node.store, version, [role('CPO', 'FR', 'OTH')]);
    });
    after(() => node.close());

    test('PUT stores the Location canonical (HTTP 201, then 200 on replace); GET answers it in the version', async () => {
      const created = await put('LOC1');
      assert.equal(created.http, 201);
      assert.equal(created.body.data, undefined);
      const record = await stored('LOC1');
      assert.equal(record.peerId, peer.record.id);
      assert.equal(record.revision, 1);
      assert.equal(record.data.country_code, cc);
      assert.equal(record.data.party_id, pid);
      assert.equal(record.data.time_zone, 'Europe/Brussels');
      assert.equal(record.data.publish, true);
      assert.equal(record.lastUpdated.toISOString(), '2015-06-29T20:39:09.000Z');
      assertValid('2.3.0', 'Location', record.data);

      const got = await call(node.app, peer, 'GET', `${base}/LOC1`);
      assert.equal(got.http, 200);
      assert.equal(got.body.status_code, 1000);
      assertValid(version, 'Location', got.body.data);
      if (version === '2.3.0') assert.deepEqual(got.body.data, locationWith('LOC1'));
      else {
        const data = got.body.data as Json;
        assert.equal(data.name, 'Gent Zuid');
        assert.deepEqual(
          evsesOf(data).map((e) => e.uid),
          ['3256', '3257'],
        );
      }

      const replaced = await put('LOC1', { name: 'Gent Zuid 2' });
      assert.equal(replaced.http, 200);
      assert.equal((await stored('LOC1')).revision, 2);
      assert.equal((await stored('LOC1')).data.name, 'Gent Zuid 2');
    });

    test("the URL's owner must be one of the peer's parties: HTTP 404 (2000), nothing read or written", async () => {
      await call(node.app, stranger, 'PUT', `${ifacePath(version, 'locations', 'RECEIVER')}/FR/OTH/LOC9`, {
        ...locationWith('LOC9'),
        ...(version === '2.1.1' ? {} : { country_code: 'FR', party_id: 'OTH' }),
      });
      const theirs = `${ifacePath(version, 'locations', 'RECEIVER')}/FR/OTH/LOC9`;
      const read = await call(node.app, peer, 'GET', theirs);
      assert.equal(read.http, 404);
      assert.equal(read.body.status_code, 2000);
      assert.match(read.body.status_message as string, /FR\/OTH is not one of the parties/);
      const write = await call(node.app, peer, 'PUT', theirs, locationWith('LOC9', { name: 'hijacked' }));
      assert.equal(write.http, 404);
      assert.equal(write.body.status_code, 2000);
      const patch = await call(node.app, peer, 'PATCH', theirs, {
        name: 'hijacked',
        last_updated: '2030-01-01T00:00:00Z',
      });
      assert.equal(patch.http, 404);
      const record = await node.store.objects.get('locations', {
        countryCode: 'FR',
        partyId: 'OTH',
        id: 'LOC9',
      });
      assert.equal(record?.data.name, 'Gent Zuid');
      assert.equal(record?.peerId, stranger.record.id);
    });

    test('a party this node hosts is never written by a peer, whatever its credentials claim', async () => {
      const impostor = await addPeer(node.store, version, [role('CPO', 'NL', 'RMK')]);
      const url = `${ifacePath(version, 'locations', 'RECEIVER')}/NL/RMK/LOC1`;
      const answer = await call(node.app, impostor, 'PUT', url, {
        ...locationWith('LOC1'),
        ...(version === '2.1.1' ? {} : { country_code: 'NL', party_id: 'RMK' }),
      });
      assert.equal(answer.http, 404);
      assert.equal(answer.body.status_code, 2000);
      assert.match(answer.body.status_message as string, /hosted by this node/);
      assert.equal(
        await node.store.objects.get('locations', { countryCode: 'NL', partyId: 'RMK', id: 'LOC1' }),
        undefined,
      );
    });

    test('ids in the body must match the URL (2001), and nothing is stored', async () => {
      await put('LOC-IDS');
      const expect2001 = async (method: 'PUT' | 'PATCH', url: string, body: Json, pattern: RegExp) => {
        const answer = await call(node.app, peer, method, url, body);
        assert.equal(answer.http, 200);
        assert.equal(answer.body.status_code, 2001, JSON.stringify(answer.body));
        assert.match(answer.body.status_message as string, pattern);
      };
      await expect2001(
        'PUT',
        `${base}/LOC-OTHER`,
        locationWith('LOC-IDS'),
        /id 'LOC-IDS' differs from location_id 'LOC-OTHER'/,
      );
      const evseBody = clone(evsesOf(example())[0] as Json);
      await expect2001('PUT', `${base}/LOC-IDS/9999`, evseBody, /uid '3256' differs from evse_uid '9999'/);
      const connectorBody = clone((evseBody.connectors as Json[])[0] as Json);
      await expect2001(
        'PUT',
        `${base}/LOC-IDS/3256/9`,
        connectorBody,
        /id '1' differs from connector_id '9'/,
      );
      await expect2001(
        'PATCH',
        `${base}/LOC-IDS/3256`,
        { uid: '3257', status: 'CHARGING', last_updated: '2030-01-01T00:00:00Z' },
        /uid '3257' differs/,
      );
      if (version !== '2.1.1') {
        // 2.2.1+: the URL's owner "SHALL be the same value" as the object's.
        const url = `${ifacePath(version, 'locations', 'RECEIVER')}/DE/SEC/LOC-IDS`;
        await expect2001(
          'PUT',
          url,
          locationWith('LOC-IDS'),
          /country_code 'BE' differs from the URL's 'DE'/,
        );
      }
      const record = await stored('LOC-IDS');
      assert.equal(record.revision, 1);
      assert.equal(
        await node.store.objects.get('locations', { countryCode: cc, partyId: pid, id: 'LOC-OTHER' }),
        undefined,
      );
    });

    test('PUT of an EVSE or Connector below an unknown Location or EVSE: 2003', async () => {
      const evseBody = clone(evsesOf(example())[0] as Json);
      const noLocation = await call(node.app, peer, 'PUT', `${base}/NOPE/3256`, evseBody);
      assert.equal(noLocation.http, 200);
      assert.equal(noLocation.body.status_code, 2003);
      assert.match(noLocation.body.status_message as string, /unknown Location NOPE/);
      await put('LOC-U');
      const connectorBody = clone((evseBody.connectors as Json[])[0] as Json);
      const noEvse = await call(node.app, peer, 'PUT', `${base}/LOC-U/9999/1`, connectorBody);
      assert.equal(noEvse.body.status_code, 2003);
      assert.match(noEvse.body.status_message as string, /unknown EVSE 9999 of Location LOC-U/);
      assert.equal((await stored('LOC-U')).revision, 1);
      assert.equal(await node.store.objects.get('locations', key('NOPE')), undefined);
    });

    test("PUT of an EVSE or Connector creates or replaces it in the Location and raises the parents' last_updated", async () => {
      await put('LOC-E');
      const template = evsesOf(example())[0] as Json;
      const added = await call(node.app, peer, 'PUT', `${base}/LOC-E/4000`, {
        ...clone(template),
        uid: '4000',
        last_updated: '2024-05-06T07:08:09Z',
      });
      assert.equal(added.http, 201);
      assert.equal(added.body.status_code, 1000);
      let record = await stored('LOC-E');
      assert.equal(record.revision, 2);
      assert.deepEqual(
        evsesOf(record.data).map((e) => e.uid),
        ['3256', '3257', '4000'],
      );
      assert.equal(record.data.last_updated, '2024-05-06T07:08:09Z');
      assert.equal(record.lastUpdated.toISOString(), '2024-05-06T07:08:09.000Z');

      const replaced = await call(node.app, peer, 'PUT', `${base}/LOC-E/3256`, {
        ...clone(template),
        status: 'OUTOFORDER',
        last_updated: '2024-05-06T08:00:00Z',
      });
      assert.equal(replaced.http, 200);
      record = await stored('LOC-E');
      assert.equal(evsesOf(record.data).length, 3);
      assert.equal(evse(record.data, '3256').status, 'OUTOFORDER');
      assert.equal(record.data.last_updated, '2024-05-06T08:00:00Z');

      const connector = clone(((evsesOf(example())[1] as Json).connectors as Json[])[0] as Json);
      const plugged = await call(node.app, peer, 'PUT', `${base}/LOC-E/3257/2`, {
        ...connector,
        id: '2',
        last_updated: '2024-06-01T00:00:00Z',
      });
      assert.equal(plugged.http, 201);
      record = await stored('LOC-E');
      const evse3257 = evse(record.data, '3257');
      assert.deepEqual(
        (evse3257.connectors as Json[]).map((c) => c.id),
        ['1', '2'],
      );
      assert.equal(evse3257.last_updated, '2024-06-01T00:00:00Z');
      assert.equal(record.data.last_updated, '2024-06-01T00:00:00Z');

      // The newer of the two: an EVSE last updated before its Location leaves the Location's.
      await call(node.app, peer, 'PUT', `${base}/LOC-E/4001`, {
        ...clone(template),
        uid: '4001',
        last_updated: '2024-01-01T00:00:00Z',
      });
      record = await stored('LOC-E');
      assert.equal(evsesOf(record.data).length, 4);
      assert.equal(record.data.last_updated, '2024-06-01T00:00:00Z');

      const got = await call(node.app, peer, 'GET', `${base}/LOC-E/4000`);
      assert.equal(got.body.status_code, 1000);
      assertValid(version, 'EVSE', got.body.data);
      assert.equal((got.body.data as Json).uid, '4000');
      const gotConnector = await call(node.app, peer, 'GET', `${base}/LOC-E/3257/2`);
      assertValid(version, 'Connector', gotConnector.body.data);
      assert.equal((gotConnector.body.data as Json).last_updated, '2024-06-01T00:00:00Z');
    });

    test('a PUT older than the state held is acknowledged (1000) and does not replace it', async () => {
      await put('LOC-O');
      const older = await call(node.app, peer, 'PUT', `${base}/LOC-O`, {
        ...locationWith('LOC-O'),
        name: 'Stale',
        last_updated: '2014-01-01T00:00:00Z',
      });
      assert.equal(older.http, 200);
      assert.equal(older.body.status_code, 1000);
      assert.match(older.body.status_message as string, /older than the state held/);
      const olderEvse = await call(node.app, peer, 'PUT', `${base}/LOC-O/3256`, {
        ...clone(evsesOf(example())[0] as Json),
        status: 'BLOCKED',
        last_updated: '2015-01-01T00:00:00Z',
      });
      assert.equal(olderEvse.body.status_code, 1000);
      const record = await stored('LOC-O');
      assert.equal(record.revision, 1);
      assert.equal(record.data.name, 'Gent Zuid');
      assert.equal(evse(record.data, '3256').status, 'AVAILABLE');
    });

    test("PATCH (the spec's examples) merges fields and raises the parents' last_updated", async () => {
      await put('LOC-P');
      const patches: [string, string, string][] =
        version === '2.1.1'
          ? [
              ['LOC-P/3256', '2.1.1/mod_locations_01.json.txt', 'status'],
              ['LOC-P', '2.1.1/mod_locations_02.json.txt', 'name'],
              ['LOC-P/3256/2', '2.1.1/mod_locations_03.json.txt', 'tariff'],
            ]
          : [
              ['LOC-P/3256', `${version}/location_patch_example_status.json`, 'status'],
              ['LOC-P', `${version}/location_patch_example_location.json`, 'name'],
              ['LOC-P/3256/2', `${version}/location_patch_example_tariff.json`, 'tariff'],
            ];
      for (const [path, file] of patches) {
        const answer = await call(node.app, peer, 'PATCH', `${base}/${path}`, readExample(file));
        assert.equal(answer.http, 200);
        assert.equal(answer.body.status_code, 1000, `${file}: ${JSON.stringify(answer.body)}`);
      }
      const record = await stored('LOC-P');
      assert.equal(record.revision, 4);
      assert.equal(record.data.name, 'Interparking Gent Zuid');
      assert.equal(record.data.address, 'F.Rooseveltlaan 3A', 'fields not in the PATCH stay');
      const patched = evse(record.data, '3256');
      assert.equal(patched.status, 'CHARGING');
      assert.equal(patched.evse_id, evse(example(), '3256').evse_id, 'fields not in the PATCH stay');
      const connectors = patched.connectors as Json[];
      assert.equal(connectors.length, 2);
      assert.deepEqual((connectors[1] as Json).tariff_ids, ['15']);
      assert.deepEqual((connectors[0] as Json).tariff_ids, ['11']);
      // 2.2.1+: the PATCHes' own last_updated; 2.1.1 PATCHes carry none: the receive time is stamped.
      const expected = version === '2.1.1' ? '2025-03-04T05:06:07Z' : '2019-06-24T12:39:09Z';
      assert.equal((connectors[1] as Json).last_updated, expected);
      assert.equal(patched.last_updated, expected);
      assert.equal(record.data.last_updated, expected);
      assert.equal(record.lastUpdated.toISOString(), new Date(expected).toISOString());

      const got = await call(node.app, peer, 'GET', `${base}/LOC-P/3256/2`);
      const connector = got.body.data as Json;
      if (version === '2.1.1') assert.equal(connector.tariff_id, '15');
      else assert.deepEqual(connector.tariff_ids, ['15']);
    });

    test(
      version === '2.1.1'
        ? 'a PATCH without last_updated is accepted in 2.1.1 (its own examples carry none) and stamped'
        : 'a PATCH without last_updated is refused (2001) and changes nothing',
      async () => {
        await put('LOC-L');
        const answer = await call(node.app, peer, 'PATCH', `${base}/LOC-L/3256`, { status: 'BLOCKED' });
        const record = await stored('LOC-L');
        if (version === '2.1.1') {
          assert.equal(answer.body.status_code, 1000);
          assert.equal(evse(record.data, '3256').status, 'BLOCKED');
          assert.equal(evse(record.data, '3256').last_updated, '2025-03-04T05:06:07Z');
        } else {
          assert.equal(answer.body.status_code, 2001);
          assert.match(answer.body.status_message as string, /must contain last_updated/);
          assert.equal(record.revision, 1);
          assert.equal(evse(record.data, '3256').status, 'AVAILABLE');
        }
      },
    );

    test('a list in a PATCH replaces the whole list', async () => {
      await put('LOC-LIST');
      const kept = clone(evsesOf(example())[1] as Json);
      const answer = await call(node.app, peer, 'PATCH', `${base}/LOC-LIST`, {
        evses: [kept],
        last_updated: '2024-02-02T00:00:00Z',
      });
      assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
      const record = await stored('LOC-LIST');
      assert.deepEqual(
        evsesOf(record.data).map((e) => e.uid),
        ['3257'],
      );
      assert.equal(record.data.name, 'Gent Zuid');
    });

    test("PATCH of an unknown Location, EVSE or Connector: 2003, and the node is told to pull the peer's data", async () => {
      await put('LOC-M');
      const before = node.missing.length;
      const patch = { status: 'CHARGING', last_updated: '2030-01-01T00:00:00Z' };
      for (const [path, body, message] of [
        ['NOPE', { name: 'x', last_updated: '2030-01-01T00:00:00Z' }, /unknown Location NOPE/],
        ['LOC-M/9999', patch, /unknown EVSE 9999 of Location LOC-M/],
        [
          'LOC-M/3256/9',
          { tariff_ids: ['1'], last_updated: '2030-01-01T00:00:00Z' },
          /unknown Connector 9 of EVSE 3256/,
        ],
      ] as const) {
        const answer = await call(node.app, peer, 'PATCH', `${base}/${path}`, body);
        assert.equal(answer.http, 200);
        assert.equal(answer.body.status_code, 2003, JSON.stringify(answer.body));
        assert.match(answer.body.status_message as string, message);
      }
      assert.deepEqual(node.missing.slice(before), [
        [peer.record.id, 'locations'],
        [peer.record.id, 'locations'],
        [peer.record.id, 'locations'],
      ]);
      assert.equal((await stored('LOC-M')).revision, 1);
    });

    test('a PATCH that would make the Location invalid is refused (2001) and nothing is stored', async () => {
      await put('LOC-BAD');
      // 2.1.1 allows any printable character in evse_id, the canonical CiString only ASCII: the
      // body is valid 2.1.1, the merged Location is not. 2.2.1+ bodies that would break it fail
      // their own version's schema first.
      const body =
        version === '2.1.1'
          ? { evse_id: 'BE*BEC*É041503001', last_updated: '2030-01-01T00:00:00Z' }
          : { status: 'EXPLODED', last_updated: '2030-01-01T00:00:00Z' };
      const answer = await call(node.app, peer, 'PATCH', `${base}/LOC-BAD/3256`, body);
      assert.equal(answer.http, 200);
      assert.equal(answer.body.status_code, 2001);
      if (version === '2.1.1') {
        assert.match(answer.body.status_message as string, /would make the Location invalid/);
        assert.deepEqual(
          (answer.body.data as Json[]).map((i) => i.pointer),
          ['/evses/0/evse_id'],
        );
      }
      const record = await stored('LOC-BAD');
      assert.equal(record.revision, 1);
      assert.equal(evse(record.data, '3256').status, 'AVAILABLE');
      assert.equal(evse(record.data, '3256').evse_id, evse(example(), '3256').evse_id);
    });

    test('a PATCH older than the object it changes is acknowledged and not applied', async () => {
      await put('LOC-OP');
      const answer = await call(node.app, peer, 'PATCH', `${base}/LOC-OP/3256`, {
        status: 'BLOCKED',
        last_updated: '2015-01-01T00:00:00Z',
      });
      assert.equal(answer.body.status_code, 1000);
      assert.match(answer.body.status_message as string, /older/);
      const record = await stored('LOC-OP');
      assert.equal(record.revision, 1);
      assert.equal(evse(record.data, '3256').status, 'AVAILABLE');
    });

    test('GET of an unknown Location, EVSE or Connector: HTTP 404 with 2003', async () => {
      await put('LOC-G');
      for (const [path, message] of [
        ['NOPE', /unknown Location NOPE/],
        ['LOC-G/9999', /unknown EVSE 9999 of Location LOC-G/],
        ['LOC-G/3256/9', /unknown Connector 9 of EVSE 3256 of Location LOC-G/],
      ] as const) {
        const answer = await call(node.app, peer, 'GET', `${base}/${path}`);
        assert.equal(answer.http, 404, path);
        assert.equal(answer.body.status_code, 2003);
        assert.match(answer.body.status_message as string, message);
      }
      // Another peer's object under a party this peer has too is not this peer's.
      const twin = await addPeer(node.store, version, [role('CPO', cc, pid)]);
      const other = await call(node.app, twin, 'GET', `${base}/LOC-G`);
      assert.equal(other.http, 404);
      assert.equal(other.body.status_code, 2003);
    });

    test('a whole-Location PUT from another connection of the same party takes the Location over', async () => {
      await put('LOC-MOVE');
      const successor = await addPeer(node.store, version, [role('CPO', cc, pid)]);
      const evseBody = {
        ...clone(evsesOf(example())[0] as Json),
        status: 'BLOCKED',
        last_updated: '2030-01-01T00:00:00Z',
      };
      // Below the Location, the other connection's object is not there for it.
      const partial = await call(node.app, successor, 'PUT', `${base}/LOC-MOVE/3256`, evseBody);
      assert.equal(partial.body.status_code, 2003);
      const whole = await call(node.app, successor, 'PUT', `${base}/LOC-MOVE`, locationWith('LOC-MOVE'));
      assert.equal(whole.http, 200);
      assert.equal((await stored('LOC-MOVE')).peerId, successor.record.id);
      assert.equal((await call(node.app, peer, 'GET', `${base}/LOC-MOVE`)).http, 404);
      assert.equal((await call(node.app, successor, 'GET', `${base}/LOC-MOVE`)).http, 200);
    });

    if (version === '2.1.1') {
      test('a 2.1.1 Location is stored canonical and served in 2.2.1 (the owner from the URL)', async () => {
        await put('LOC-UP');
        const url = `${ifacePath('2.2.1', 'locations', 'RECEIVER')}/${cc}/${pid}/LOC-UP`;
        const answer = await call(node.app, peer, 'GET', url, undefined, '2.2.1');
        assert.equal(answer.body.status_code, 1000);
        const data = answer.body.data as Json;
        assertValid('2.2.1', 'Location', data);
        assert.equal(data.country_code, 'NL');
        assert.equal(data.party_id, 'TNM');
        assert.equal(data.publish, true);
        assert.equal(data.parking_type, 'ON_STREET');
        assert.equal(data.time_zone, 'Europe/Brussels');
        const connector = ((evsesOf(data)[0] as Json).connectors as Json[])[0] as Json;
        assert.equal(connector.max_voltage, 220);
        assert.deepEqual(connector.tariff_ids, ['11']);
      });
    }
  });
}

describe('Locations Sender', () => {
  const OWN_PARTY = { country_code: 'NL', party_id: 'RMK' };
  const canonical = () => clone(readExample('2.3.0/location_example.json')) as Json;
  let node: ObjectNode;
  let cache: ConversionCache;
  const peers = {} as Record<'emsp211' | 'emsp221' | 'emsp230' | 'nsp221' | 'cpo', TestPeer>;

  /**
   * Our own Locations: five published (A-E), one unpublished (U), one of our second party (Z),
   * put in this order (the list's: creation order).
   */
  const OWN: [string, string, Json][] = [
    ['LOC-A', '2024-01-01T00:00:00Z', {}],
    ['LOC-B', '2024-01-02T00:00:00Z', {}],
    ['LOC-C', '2024-01-03T00:00:00Z', {}],
    ['LOC-U', '2024-01-03T12:00:00Z', { publish: false, publish_allowed_to: [{ uid: '012345678' }] }],
    ['LOC-D', '2024-01-04T00:00:00Z', {}],
    ['LOC-E', '2024-01-05T00:00:00Z', {}],
  ];
  const ALL_221 = ['LOC-A', 'LOC-B', 'LOC-C', 'LOC-U', 'LOC-D', 'LOC-E', 'LOC-Z'];

  before(async () => {
    cache = new ConversionCache(100);
    // The list is in creation order: a store clock a second on per call makes that the order the
    // Locations are put below (at the same millisecond, the key would decide).
    let tick = Date.parse('2024-02-01T00:00:00.000Z');
    const now = () => {
      tick += 1000;
      return new Date(tick);
    };
    const store = openStore('sqlite::memory:', { now });
    await store.migrate();
    node = await objectNode({ config: { pagination: { defaultLimit: 2, maxLimit: 3 } }, cache, store });
    peers.emsp211 = await addPeer(node.store, '2.1.1', [role('EMSP', 'DE', 'EMO')]);
    peers.emsp221 = await addPeer(node.store, '2.2.1', [role('EMSP', 'DE', 'EMT')]);
    peers.emsp230 = await addPeer(node.store, '2.3.0', [role('EMSP', 'DE', 'EMH')]);
    peers.nsp221 = await addPeer(node.store, '2.2.1', [role('NSP', 'DE', 'NAV')]);
    peers.cpo = await addPeer(node.store, '2.2.1', [role('CPO', 'FR', 'OTH')]);
    for (const [id, lastUpdated, changes] of OWN) {
      const data = { ...canonical(), ...OWN_PARTY, id, last_updated: lastUpdated, ...changes };
      await node.store.objects.put({
        module: 'locations',
        key: { countryCode: 'NL', partyId: 'RMK', id },
        peerId: null,
        data,
        lastUpdated: new Date(lastUpdated),
      });
    }
    // Our second party (the eMSP NL/RME) publishes a Location too; and a peer's Location is not ours.
    await node.store.objects.put({
      module: 'locations',
      key: { countryCode: 'NL', partyId: 'RME', id: 'LOC-Z' },
      peerId: null,
      data: {
        ...canonical(),
        country_code: 'NL',
        party_id: 'RME',
        id: 'LOC-Z',
        last_updated: '2024-01-07T00:00:00Z',
      },
      lastUpdated: new Date('2024-01-07T00:00:00Z'),
    });
    await node.store.objects.put({
      module: 'locations',
      key: { countryCode: 'FR', partyId: 'OTH', id: 'LOC-PEER' },
      peerId: peers.cpo.record.id,
      data: {
        ...canonical(),
        country_code: 'FR',
        party_id: 'OTH',
        id: 'LOC-PEER',
        last_updated: '2024-01-06T00:00:00Z',
      },
      lastUpdated: new Date('2024-01-06T00:00:00Z'),
    });
  });
  after(() => node.close());

  const list = (peer: TestPeer, query = '') =>
    call(node.app, peer, 'GET', `${ifacePath(peer.version, 'locations', 'SENDER')}${query}`);

  /** Every page, following Link; the X-Total-Count of the first. */
  async function allPages(
    peer: TestPeer,
    query = '',
  ): Promise<{ ids: string[]; total: number; pages: number }> {
    let answer = await list(peer, query);
    const total = Number(answer.headers['x-total-count']);
    const ids: string[] = [];
    let pages = 0;
    for (;;) {
      assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
      pages++;
      ids.push(...(answer.body.data as Json[]).map((l) => l.id as string));
      assert.equal(Number(answer.headers['x-total-count']), total, 'the same total on every page');
      const link = answer.headers.link as string | undefined;
      if (link === undefined) break;
      const next = /^<http:\/\/127\.0\.0\.1:8080([^>]+)>; rel="next"$/.exec(link)?.[1];
      assert.ok(next, link);
      const res = await node.app.inject({
        method: 'GET',
        url: next,
        headers: { authorization: authOf(peer) },
      });
      answer = { http: res.statusCode, body: JSON.parse(res.body) as Json, headers: res.headers };
    }
    return { ids, total, pages };
  }
  const authOf = (peer: TestPeer) =>
    peer.version === '2.1.1' ? `Token ${peer.token}` : `Token ${Buffer.from(peer.token).toString('base64')}`;

  test('pages carry X-Total-Count, X-Limit (lowered to maxLimit) and a Link to the next page', async () => {
    const first = await list(peers.emsp221, '?limit=10');
    assert.equal(first.http, 200);
    assert.equal(first.headers['x-limit'], '3');
    assert.equal(first.headers['x-total-count'], '7');
    assert.equal(
      first.headers.link,
      '<http://127.0.0.1:8080/ocpi/2.2.1/sender/locations?offset=3&limit=3>; rel="next"',
    );
    assert.deepEqual(
      (first.body.data as Json[]).map((l) => l.id),
      ['LOC-A', 'LOC-B', 'LOC-C'],
    );
    const last = await list(peers.emsp221, '?offset=6&limit=3');
    assert.equal(last.headers.link, undefined);
    assert.deepEqual(
      (last.body.data as Json[]).map((l) => l.id),
      ['LOC-Z'],
    );
    const all = await allPages(peers.emsp221, '?limit=3');
    assert.deepEqual(all.ids, ALL_221);
    assert.equal(all.pages, 3);
  });

  test('without a limit the default page size applies', async () => {
    const answer = await list(peers.emsp221);
    assert.equal(answer.headers['x-limit'], '2');
    assert.equal((answer.body.data as Json[]).length, 2);
    assert.match(answer.headers.link as string, /offset=2&limit=2/);
  });

  test('date_from is inclusive, date_to exclusive, and the Link keeps both', async () => {
    const query = '?date_from=2024-01-02T00:00:00Z&date_to=2024-01-04T00:00:00Z';
    const answer = await list(peers.emsp221, `${query}&limit=2`);
    assert.equal(answer.headers['x-total-count'], '3');
    assert.deepEqual(
      (answer.body.data as Json[]).map((l) => l.id),
      ['LOC-B', 'LOC-C'],
    );
    assert.equal(
      answer.headers.link,
      '<http://127.0.0.1:8080/ocpi/2.2.1/sender/locations?offset=2&limit=2&date_from=2024-01-02T00:00:00Z&date_to=2024-01-04T00:00:00Z>; rel="next"',
    );
    assert.deepEqual((await allPages(peers.emsp221, `${query}&limit=2`)).ids, ['LOC-B', 'LOC-C', 'LOC-U']);
  });

  test('visibility: an unpublished Location is hidden from an NSP and from a 2.1.1 peer, shown to eMSPs in 2.2.1+', async () => {
    const nsp = await allPages(peers.nsp221, '?limit=3');
    assert.equal(nsp.total, 6);
    assert.deepEqual(
      nsp.ids,
      ALL_221.filter((id) => id !== 'LOC-U'),
    );
    const v211 = await allPages(peers.emsp211, '?limit=3');
    assert.equal(v211.total, 5);
    assert.ok(!v211.ids.includes('LOC-U'));
    for (const peer of [peers.emsp221, peers.emsp230]) {
      const all = await allPages(peer, '?limit=3');
      assert.equal(all.total, 7);
      assert.ok(all.ids.includes('LOC-U'));
    }
    const hidden = await call(
      node.app,
      peers.nsp221,
      'GET',
      `${ifacePath('2.2.1', 'locations', 'SENDER')}/LOC-U`,
    );
    assert.equal(hidden.http, 404);
    assert.equal(hidden.body.status_code, 2003);
    const shown = await call(
      node.app,
      peers.emsp221,
      'GET',
      `${ifacePath('2.2.1', 'locations', 'SENDER')}/LOC-U`,
    );
    assert.equal(shown.body.status_code, 1000);
    assert.equal((shown.body.data as Json).publish, false);
  });

  test("2.1.1 serves the Locations of the party its credentials name only (2.1.1 objects carry no owner); never a peer's", async () => {
    const v211 = await allPages(peers.emsp211, '?limit=3');
    assert.deepEqual(v211.ids, ['LOC-A', 'LOC-B', 'LOC-C', 'LOC-D', 'LOC-E']);
    const z = await call(
      node.app,
      peers.emsp211,
      'GET',
      `${ifacePath('2.1.1', 'locations', 'SENDER')}/LOC-Z`,
    );
    assert.equal(z.http, 404);
    const peerOwned = await call(
      node.app,
      peers.emsp221,
      'GET',
      `${ifacePath('2.2.1', 'locations', 'SENDER')}/LOC-PEER`,
    );
    assert.equal(peerOwned.http, 404);
    assert.equal(peerOwned.body.status_code, 2003);
  });

  test('each version gets its own shape (2.1.1 at /cpo/, 2.2.1+ at /sender/)', async () => {
    assert.equal(ifacePath('2.1.1', 'locations', 'SENDER'), '/ocpi/2.1.1/cpo/locations');
    for (const [peer, version] of [
      [peers.emsp211, '2.1.1'],
      [peers.emsp221, '2.2.1'],
      [peers.emsp230, '2.3.0'],
    ] as const) {
      const answer = await list(peer, '?limit=3');
      const first = (answer.body.data as Json[])[0] as Json;
      assertValid(version, 'Location', first);
      if (version === '2.1.1') {
        assert.equal(first.country_code, undefined);
        assert.equal(first.type, canonical().parking_type, '2.1.1 type from the parking_type');
      } else assert.equal(first.country_code, 'NL');
      if (version === '2.3.0') {
        assert.deepEqual(first, {
          ...canonical(),
          ...OWN_PARTY,
          id: 'LOC-A',
          last_updated: '2024-01-01T00:00:00Z',
        });
      }
    }
  });

  test('bad pagination parameters: 2001 naming each', async () => {
    for (const query of ['?limit=0', '?offset=-1', '?date_from=yesterday', '?limit=2&limit=3']) {
      const answer = await list(peers.emsp221, query);
      assert.equal(answer.http, 200);
      assert.equal(answer.body.status_code, 2001, query);
      assert.match(answer.body.status_message as string, /invalid pagination parameters/);
      assert.ok(Array.isArray(answer.body.data) && answer.body.data.length > 0, query);
    }
  });

  test('single Location, EVSE and Connector in each version; unknown ones are HTTP 404 with 2003', async () => {
    for (const peer of [peers.emsp211, peers.emsp221, peers.emsp230]) {
      const base = ifacePath(peer.version, 'locations', 'SENDER');
      const location = await call(node.app, peer, 'GET', `${base}/LOC-A`);
      assert.equal(location.body.status_code, 1000);
      assertValid(peer.version, 'Location', location.body.data);
      const evseAnswer = await call(node.app, peer, 'GET', `${base}/LOC-A/3256`);
      assertValid(peer.version, 'EVSE', evseAnswer.body.data);
      assert.equal((evseAnswer.body.data as Json).uid, '3256');
      const connector = await call(node.app, peer, 'GET', `${base}/LOC-A/3256/1`);
      assertValid(peer.version, 'Connector', connector.body.data);
      const data = connector.body.data as Json;
      if (peer.version === '2.1.1') assert.equal(data.voltage, 220);
      else assert.equal(data.max_voltage, 220);
      for (const path of ['NOPE', 'LOC-A/9999', 'LOC-A/3256/9']) {
        const unknown = await call(node.app, peer, 'GET', `${base}/${path}`);
        assert.equal(unknown.http, 404, `${peer.version} ${path}`);
        assert.equal(unknown.body.status_code, 2003);
      }
    }
  });

  test('repeated pages come from the caches; a new revision is served, not the cached one', async () => {
    cache.clear();
    const first = await list(peers.emsp221, '?limit=3');
    const afterFirst = cache.stats();
    const second = await list(peers.emsp221, '?limit=3');
    const afterSecond = cache.stats();
    assert.equal(afterSecond.misses, afterFirst.misses, 'no conversion the second time');
    assert.deepEqual(second.body.data, first.body.data);
    await node.store.objects.put({
      module: 'locations',
      key: { countryCode: 'NL', partyId: 'RMK', id: 'LOC-A' },
      peerId: null,
      data: {
        ...canonical(),
        ...OWN_PARTY,
        id: 'LOC-A',
        name: 'Renamed',
        last_updated: '2024-01-01T00:00:00Z',
      },
      lastUpdated: new Date('2024-01-01T00:00:00Z'),
    });
    const answer = await list(peers.emsp221, '?limit=3');
    assert.equal(((answer.body.data as Json[])[0] as Json).name, 'Renamed');
  });
});

describe('Locations Receiver under concurrent writes', async () => {
  const { skip } = await pgAvailability();
  const schemas: string[] = [];
  after(() => dropTestSchemas(schemas));
  const backends: [string, (() => Promise<ObjectNode>) | string][] = [
    ['SQLite', () => objectNode()],
    [
      'PostgreSQL',
      skip !== false
        ? skip
        : async () => {
            const schema = newTestSchema('locations');
            schemas.push(schema);
            const store = openStore(pgTestUrl, { schema });
            await store.migrate();
            return objectNode({ store });
          },
    ],
  ];
  for (const [label, open] of backends) {
    test(
      `${label}: a PUT EVSE and a PATCH of the same Location at the same moment both land`,
      typeof open === 'string' ? { skip: open } : {},
      async () => {
        if (typeof open === 'string') return;
        const node = await open();
        try {
          const peer = await addPeer(node.store, '2.2.1', [role('CPO', 'BE', 'BEC')]);
          const base = `${ifacePath('2.2.1', 'locations', 'RECEIVER')}/BE/BEC/LOC1`;
          const location = clone(readExample('2.2.1/location_example.json')) as Json;
          await call(node.app, peer, 'PUT', base, location);
          const template = (location.evses as Json[])[0] as Json;
          const rounds = 15;
          for (let i = 0; i < rounds; i++) {
            const at = `2024-01-01T00:00:${String(i).padStart(2, '0')}Z`;
            const answers = await Promise.all([
              call(node.app, peer, 'PUT', `${base}/C${i}`, {
                ...clone(template),
                uid: `C${i}`,
                last_updated: at,
              }),
              call(node.app, peer, 'PATCH', base, { name: `Name ${i}`, last_updated: at }),
            ]);
            for (const answer of answers)
              assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
          }
          const record = await node.store.objects.get('locations', {
            countryCode: 'BE',
            partyId: 'BEC',
            id: 'LOC1',
          });
          assert.ok(record);
          assert.equal(record.revision, 1 + 2 * rounds);
          assert.equal(record.data.name, `Name ${rounds - 1}`);
          const uids = (record.data.evses as Json[]).map((e) => e.uid);
          for (let i = 0; i < rounds; i++) assert.ok(uids.includes(`C${i}`), `EVSE C${i} kept`);
        } finally {
          await node.close();
        }
      },
    );
  }
});
