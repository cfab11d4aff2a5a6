/**
 * The Tariffs module over HTTP (buildApp + inject), in every version: the Receiver interface
 * (PUT, GET, DELETE; PATCH in 2.1.1 only) with every rule of the chapters, and the Sender list.
 * Bodies are the spec's examples.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findSchema, type OcpiVersion, schemasByVersion, validate } from '../../src/protocol/index.js';
import { readExample } from '../helpers/fixtures.js';
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

/** A complete Tariff of each version, id 12 (2.1.1 has no owner in the object). */
const EXAMPLE: Record<OcpiVersion, string> = {
  '2.1.1': '2.1.1/mod_tariffs_03.json.txt',
  '2.2.1': '2.2.1/tariff_1_simple_2hour.json',
  '2.3.0': '2.3.0/tariff_1_simple_2hour.json',
};
const OWNER: Record<OcpiVersion, [string, string]> = {
  '2.1.1': ['NL', 'TNM'],
  '2.2.1': ['DE', 'ALL'],
  '2.3.0': ['DE', 'ALL'],
};

function assertValid(version: OcpiVersion, value: unknown): void {
  const schema = findSchema(schemasByVersion[version], 'Tariff');
  assert.ok(schema);
  const result = validate(schema, value);
  assert.ok(result.valid, `${version} Tariff: ${JSON.stringify(result.issues.slice(0, 3))}`);
}

const priceOf = (tariff: Json): unknown =>
  (((tariff.elements as Json[])[0] as Json).price_components as Json[])[0]?.price;

for (const version of VERSIONS) {
  describe(`Tariffs Receiver, ${version}`, () => {
    const [cc, pid] = OWNER[version];
    const receiver = ifacePath(version, 'tariffs', 'RECEIVER');
    const tariffWith = (id: string, changes: Json = {}) => ({
      ...(clone(readExample(EXAMPLE[version])) as Json),
      id,
      ...changes,
    });
    let node: ObjectNode;
    let peer: TestPeer;
    const state = () => ({ node, peer });
    const { base, key, stored, put } = ownerReceiver('tariffs', version, OWNER[version], tariffWith, state);

    before(async () => {
      node = await objectNode();
      peer = await addPeer(node.store, version, [role('CPO', cc, pid), role('CPO', 'DE', 'SEC')]);
    });
    after(() => node.close());

    test('PUT stores the Tariff canonical (HTTP 201, then 200); GET answers it in the version', async () => {
      assert.equal((await put('12')).http, 201);
      const record = await stored('12');
      assert.equal(record.peerId, peer.record.id);
      assert.equal(record.data.country_code, cc);
      assert.equal(record.data.party_id, pid);
      assert.equal(record.published, true);
      assert.equal(record.lastUpdated.toISOString(), '2015-06-29T20:39:09.000Z');
      const got = await call(node.app, peer, 'GET', `${base}/12`);
      assert.equal(got.http, 200);
      assert.equal(got.body.status_code, 1000);
      assertValid(version, got.body.data);
      if (version === '2.3.0') assert.deepEqual(got.body.data, tariffWith('12'));
      else assert.equal(priceOf(got.body.data as Json), 2);
      if (version === '2.1.1') assert.equal((got.body.data as Json).country_code, undefined);
      assert.equal((await put('12', { currency: 'USD' })).http, 200);
      assert.equal((await stored('12')).revision, 2);
    });

    test("the URL's owner must be one of the peer's parties (HTTP 404, 2000); a hosted party is never written", async () => {
      const foreign = await call(node.app, peer, 'PUT', `${receiver}/FR/OTH/12`, tariffWith('12'));
      assert.equal(foreign.http, 404);
      assert.equal(foreign.body.status_code, 2000);
      assert.match(foreign.body.status_message as string, /FR\/OTH is not one of the parties/);
      assert.equal((await call(node.app, peer, 'DELETE', `${receiver}/FR/OTH/12`)).http, 404);
      assert.equal((await call(node.app, peer, 'GET', `${receiver}/FR/OTH/12`)).http, 404);
      const impostor = await addPeer(node.store, version, [role('CPO', 'NL', 'RMK')]);
      const hosted = await call(node.app, impostor, 'PUT', `${receiver}/NL/RMK/12`, {
        ...tariffWith('12'),
        ...(version === '2.1.1' ? {} : { country_code: 'NL', party_id: 'RMK' }),
      });
      assert.equal(hosted.http, 404);
      assert.equal(
        await node.store.objects.get('tariffs', { countryCode: 'FR', partyId: 'OTH', id: '12' }),
        undefined,
      );
      assert.equal(
        await node.store.objects.get('tariffs', { countryCode: 'NL', partyId: 'RMK', id: '12' }),
        undefined,
      );
    });

    test('ids in the body must match the URL (2001)', async () => {
      const wrongId = await call(node.app, peer, 'PUT', `${base}/13`, tariffWith('12'));
      assert.equal(wrongId.body.status_code, 2001);
      assert.match(wrongId.body.status_message as string, /id '12' differs from tariff_id '13'/);
      if (version !== '2.1.1') {
        const wrongOwner = await call(node.app, peer, 'PUT', `${receiver}/DE/SEC/12`, tariffWith('12'));
        assert.equal(wrongOwner.body.status_code, 2001);
        assert.match(wrongOwner.body.status_message as string, /party_id 'ALL' differs from the URL's 'SEC'/);
      }
      assert.equal(await node.store.objects.get('tariffs', key('13')), undefined);
    });

    test('a PUT older than the Tariff held is acknowledged and not applied', async () => {
      await put('OLD', { last_updated: '2020-01-01T00:00:00Z' });
      const older = await call(node.app, peer, 'PUT', `${base}/OLD`, {
        ...tariffWith('OLD'),
        currency: 'USD',
        last_updated: '2019-01-01T00:00:00Z',
      });
      assert.equal(older.body.status_code, 1000);
      assert.match(older.body.status_message as string, /older/);
      const record = await stored('OLD');
      assert.equal(record.revision, 1);
      assert.equal(record.data.currency, 'EUR');
    });

    test('GET of an unknown Tariff: HTTP 404 with 2000', async () => {
      const answer = await call(node.app, peer, 'GET', `${base}/NOPE`);
      assert.equal(answer.http, 404);
      assert.equal(answer.body.status_code, 2000);
      assert.match(answer.body.status_message as string, /unknown Tariff NOPE/);
    });

    test('DELETE leaves a tombstone; DELETE of an unknown Tariff is acknowledged; a PUT revives it', async () => {
      await put('DEL');
      const deleted = await call(node.app, peer, 'DELETE', `${base}/DEL`);
      assert.equal(deleted.http, 200);
      assert.equal(deleted.body.status_code, 1000);
      const record = await stored('DEL');
      assert.equal(record.deleted, true);
      assert.equal(record.revision, 2);
      assert.equal(record.lastUpdated.toISOString(), '2025-03-04T05:06:07.000Z');
      assert.equal((await call(node.app, peer, 'GET', `${base}/DEL`)).http, 404);
      for (const id of ['DEL', 'NEVER']) {
        const again = await call(node.app, peer, 'DELETE', `${base}/${id}`);
        assert.equal(again.body.status_code, 1000);
        assert.match(again.body.status_message as string, /not known here: nothing to delete/);
      }
      assert.equal((await stored('DEL')).revision, 2);
      assert.equal(await node.store.objects.get('tariffs', key('NEVER')), undefined);
      const revived = await call(node.app, peer, 'PUT', `${base}/DEL`, tariffWith('DEL'));
      assert.equal(revived.http, 201);
      assert.equal((await stored('DEL')).deleted, false);
    });

    if (version === '2.1.1') {
      test("2.1.1 PATCH (the spec's example, without last_updated): lists replaced, receive time stamped", async () => {
        await put('12P');
        const answer = await call(
          node.app,
          peer,
          'PATCH',
          `${base}/12P`,
          readExample('2.1.1/mod_tariffs_02.json.txt'),
        );
        assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
        const record = await stored('12P');
        assert.equal(record.revision, 2);
        assert.equal(priceOf(record.data), 2.5);
        assert.equal((record.data.elements as Json[]).length, 1);
        assert.equal(record.data.currency, 'EUR');
        assert.equal(record.data.last_updated, '2025-03-04T05:06:07Z');
        const got = await call(node.app, peer, 'GET', `${base}/12P`);
        assertValid('2.1.1', got.body.data);
      });

      test('2.1.1 PATCH of an unknown Tariff: 2000, and the node is told to pull', async () => {
        const answer = await call(node.app, peer, 'PATCH', `${base}/NOPE`, {
          currency: 'USD',
          last_updated: '2030-01-01T00:00:00Z',
        });
        assert.equal(answer.http, 200);
        assert.equal(answer.body.status_code, 2000);
        assert.match(answer.body.status_message as string, /unknown Tariff NOPE/);
        assert.deepEqual(node.missing.at(-1), [peer.record.id, 'tariffs']);
      });

      test('2.1.1 PATCH that would make the Tariff invalid (2001), older or with another id: nothing stored', async () => {
        await put('12X');
        // 2.1.1 types start_date as string(10); the canonical model wants a date.
        const invalid = await call(node.app, peer, 'PATCH', `${base}/12X`, {
          elements: [
            {
              price_components: [{ type: 'TIME', price: 2, step_size: 300 }],
              restrictions: { start_date: '01-02-2025' },
            },
          ],
          last_updated: '2030-01-01T00:00:00Z',
        });
        assert.equal(invalid.body.status_code, 2001, JSON.stringify(invalid.body));
        assert.match(invalid.body.status_message as string, /would make the Tariff invalid/);
        const older = await call(node.app, peer, 'PATCH', `${base}/12X`, {
          currency: 'USD',
          last_updated: '2001-01-01T00:00:00Z',
        });
        assert.equal(older.body.status_code, 1000);
        const otherId = await call(node.app, peer, 'PATCH', `${base}/12X`, {
          id: '99',
          currency: 'USD',
          last_updated: '2030-01-01T00:00:00Z',
        });
        assert.equal(otherId.body.status_code, 2001);
        const record = await stored('12X');
        assert.equal(record.revision, 1);
        assert.equal(record.data.currency, 'EUR');
      });
    } else {
      test(`${version} has no Tariffs PATCH: HTTP 405`, async () => {
        await put('NOPATCH');
        const answer = await call(node.app, peer, 'PATCH', `${base}/NOPATCH`, {
          currency: 'USD',
          last_updated: '2030-01-01T00:00:00Z',
        });
        assert.equal(answer.http, 405);
        assert.equal((await stored('NOPATCH')).revision, 1);
      });
    }
  });
}

describe('Tariffs Sender', () => {
  let node: ObjectNode;
  const peers = {} as Record<OcpiVersion | 'nsp', TestPeer>;
  const canonical = (id: string, lastUpdated: string) => ({
    ...(clone(readExample('2.3.0/tariff_4_complex.json')) as Json),
    country_code: 'NL',
    party_id: 'RMK',
    id,
    last_updated: lastUpdated,
  });

  before(async () => {
    node = await objectNode({ config: { pagination: { defaultLimit: 2, maxLimit: 2 } } });
    peers['2.1.1'] = await addPeer(node.store, '2.1.1', [role('EMSP', 'DE', 'EMO')]);
    peers['2.2.1'] = await addPeer(node.store, '2.2.1', [role('EMSP', 'DE', 'EMT')]);
    peers['2.3.0'] = await addPeer(node.store, '2.3.0', [role('EMSP', 'DE', 'EMH')]);
    peers.nsp = await addPeer(node.store, '2.2.1', [role('NSP', 'DE', 'NAV')]);
    for (const [id, at] of [
      ['T1', '2024-01-01T00:00:00Z'],
      ['T2', '2024-01-02T00:00:00Z'],
      ['T3', '2024-01-03T00:00:00Z'],
    ] as const) {
      await node.store.objects.put({
        module: 'tariffs',
        key: { countryCode: 'NL', partyId: 'RMK', id },
        peerId: null,
        data: canonical(id, at),
        lastUpdated: new Date(at),
      });
    }
    // A deleted tariff is no longer listed.
    await node.store.objects.put({
      module: 'tariffs',
      key: { countryCode: 'NL', partyId: 'RMK', id: 'GONE' },
      peerId: null,
      data: canonical('GONE', '2024-01-02T12:00:00Z'),
      lastUpdated: new Date('2024-01-02T12:00:00Z'),
    });
    await node.store.objects.markDeleted(
      'tariffs',
      { countryCode: 'NL', partyId: 'RMK', id: 'GONE' },
      new Date('2024-01-02T12:00:00Z'),
    );
  });
  after(() => node.close());

  test('each version pages through our Tariffs in its own shape, with the pagination headers', async () => {
    for (const version of VERSIONS) {
      const url = ifacePath(version, 'tariffs', 'SENDER');
      const first = await call(node.app, peers[version], 'GET', `${url}?limit=5`);
      assert.equal(first.body.status_code, 1000);
      assert.equal(first.headers['x-total-count'], '3');
      assert.equal(first.headers['x-limit'], '2');
      assert.equal(first.headers.link, `<http://127.0.0.1:8080${url}?offset=2&limit=2>; rel="next"`);
      const data = first.body.data as Json[];
      assert.deepEqual(
        data.map((t) => t.id),
        ['T1', 'T2'],
      );
      for (const tariff of data) assertValid(version, tariff);
      if (version === '2.1.1') assert.equal((data[0] as Json).country_code, undefined);
      if (version === '2.3.0') assert.deepEqual(data[0], canonical('T1', '2024-01-01T00:00:00Z'));
      const second = await call(node.app, peers[version], 'GET', `${url}?offset=2&limit=2`);
      assert.deepEqual(
        (second.body.data as Json[]).map((t) => t.id),
        ['T3'],
      );
      assert.equal(second.headers.link, undefined);
    }
    assert.equal(ifacePath('2.1.1', 'tariffs', 'SENDER'), '/ocpi/2.1.1/cpo/tariffs');
  });

  test('date_from (inclusive) and date_to (exclusive); tariffs have no visibility restriction', async () => {
    const url = `${ifacePath('2.2.1', 'tariffs', 'SENDER')}?date_from=2024-01-02T00:00:00Z&date_to=2024-01-03T00:00:00Z`;
    for (const peer of [peers['2.2.1'], peers.nsp]) {
      const answer = await call(node.app, peer, 'GET', url);
      assert.equal(answer.headers['x-total-count'], '1');
      assert.deepEqual(
        (answer.body.data as Json[]).map((t) => t.id),
        ['T2'],
      );
    }
  });

  test('bad pagination parameters: 2001', async () => {
    const answer = await call(
      node.app,
      peers['2.2.1'],
      'GET',
      `${ifacePath('2.2.1', 'tariffs', 'SENDER')}?offset=x`,
    );
    assert.equal(answer.body.status_code, 2001);
    assert.deepEqual(answer.body.data, [
      { param: 'offset', message: "must be an integer of at least 0 (got 'x')" },
    ]);
  });
});
