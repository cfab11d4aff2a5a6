/**
 * The CDRs module over HTTP (buildApp + inject), in every version: the eMSP's Receiver interface
 * (POST of a new CDR, answered with the Location of the URL where we keep it, whose GET returns
 * it; kept once however often it is re-sent), the CPO's Sender list (a peer sees only the CDRs of
 * its own tokens), and the publisher's refusal to change a CDR once stored. Bodies are the
 * spec's CDR examples.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cdrsModule } from '../../src/platform/cdrs.js';
import { PublishError } from '../../src/platform/delivery/publisher.js';
import type { OcpiVersion } from '../../src/protocol/index.js';
import type { ObjectKey } from '../../src/store/types.js';
import { assertValid } from '../helpers/convert.js';
import { readExample } from '../helpers/fixtures.js';
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
  post,
  role,
  type TestPeer,
  VERSIONS,
} from './object-modules-helpers.js';

const PUBLIC_URL = 'http://127.0.0.1:8080';

/** testConfig's node (our CPO NL/RMK first, our eMSP NL/RME) with the CDRs module on a fixed clock. */
const cdrsNode = () => moduleNode((deps) => [cdrsModule(deps)]);

/** The path of an absolute URL of this node (for inject). */
function pathOf(url: string): string {
  assert.ok(url.startsWith(PUBLIC_URL), url);
  return url.slice(PUBLIC_URL.length);
}

const key = (cc: string, pid: string, id: string): ObjectKey => ({ countryCode: cc, partyId: pid, id });

/**
 * The CDR a CPO posts in each version, with the examples' errata corrected: 2.1.1 prints a tariff
 * price as the string "2.00" (the type is decimal; the string is used below as an invalid CDR),
 * and 2.3.0's tariff lacks tax_included, which 2.3.0 requires (its prices exclude VAT: NO).
 */
function exampleCdr(version: OcpiVersion, changes: Json = {}): Json {
  if (version === '2.1.1') {
    const cdr = clone(readExample('2.1.1/mod_cdrs_01.json.txt')) as Json;
    const tariff = (cdr.tariffs as Json[])[0] as Json;
    (((tariff.elements as Json[])[0] as Json).price_components as Json[])[0]!.price = 2.0;
    return { ...cdr, ...changes };
  }
  const cdr = clone(readExample(`${version}/cdr_example.json`)) as Json;
  if (version === '2.3.0') ((cdr.tariffs as Json[])[0] as Json).tax_included = 'NO';
  return { ...cdr, ...changes };
}
const OWNER: Record<OcpiVersion, [string, string]> = {
  '2.1.1': ['NL', 'TNM'],
  '2.2.1': ['BE', 'BEC'],
  '2.3.0': ['BE', 'BEC'],
};

for (const version of VERSIONS) {
  describe(`CDRs Receiver (eMSP), ${version}`, () => {
    const [cc, pid] = OWNER[version];
    const receiver = ifacePath(version, 'cdrs', 'RECEIVER');
    let node: ObjectNode;
    let cpo: TestPeer;
    let stranger: TestPeer;
    let twin: TestPeer;
    const held = (id: string) => node.store.objects.get('cdrs', key(cc, pid, id));
    const rowsOf = async (peer: TestPeer) =>
      node.store.objects.list({ module: 'cdrs', peerId: peer.record.id }, { offset: 0, limit: 100 });

    before(async () => {
      node = await cdrsNode();
      cpo = await addPeer(node.store, version, [role('CPO', cc, pid)]);
      stranger = await addPeer(node.store, version, [role('CPO', 'FR', 'OTH')]);
      // Another connection claiming the same party: it still does not see what `cpo` sent.
      twin = await addPeer(node.store, version, [role('CPO', cc, pid)]);
    });
    after(() => node.close());

    test("POST of the spec's example: HTTP 201 and a Location whose GET returns the CDR", async () => {
      const answer = await post(node.app, cpo, receiver, exampleCdr(version));
      assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
      assert.equal(answer.http, 201);
      assert.equal(answer.body.data, undefined);
      const location = answer.headers.location as string;
      assert.equal(location, `${PUBLIC_URL}${receiver}/${cc}/${pid}/12345`);
      const record = await held('12345');
      assert.equal(record?.peerId, cpo.record.id);
      assert.equal(record?.revision, 1);
      assert.equal(record?.data.country_code, cc);
      assert.equal(record?.data.total_energy, 15.342);
      const got = await call(node.app, cpo, 'GET', pathOf(location));
      assert.equal(got.http, 200);
      assert.equal(got.body.status_code, 1000);
      assertValid(version, 'CDR', got.body.data);
      if (version === '2.1.1') {
        // The embedded 2.1.1 Location is kept as the CdrLocation it comes down to; the rest as sent.
        const data = got.body.data as Json;
        const sent = exampleCdr(version);
        for (const field of [
          'id',
          'start_date_time',
          'stop_date_time',
          'auth_id',
          'auth_method',
          'currency',
        ]) {
          assert.deepEqual(data[field], sent[field], field);
        }
        for (const field of [
          'charging_periods',
          'total_cost',
          'total_energy',
          'total_time',
          'last_updated',
        ]) {
          assert.deepEqual(data[field], sent[field], field);
        }
        assert.equal((data.location as Json).id, 'LOC1');
        assert.equal(((data.location as Json).evses as Json[])[0]?.uid, '3256');
      } else {
        assert.deepEqual(got.body.data, exampleCdr(version));
      }
    });

    test('the same CDR id posted again: 1000 with the Location, one row, the first kept', async () => {
      const again = await post(node.app, cpo, receiver, exampleCdr(version));
      assert.equal(again.body.status_code, 1000);
      assert.equal(again.http, 200);
      assert.equal(again.headers.location, `${PUBLIC_URL}${receiver}/${cc}/${pid}/12345`);
      const changed = await post(node.app, cpo, receiver, exampleCdr(version, { total_energy: 99 }));
      assert.equal(changed.body.status_code, 1000);
      assert.equal(changed.http, 200);
      const rows = await rowsOf(cpo);
      assert.deepEqual(
        rows.map((r) => r.key.id),
        ['12345'],
      );
      assert.equal(rows[0]?.revision, 1);
      assert.equal(rows[0]?.data.total_energy, 15.342);
    });

    test("another peer's GET of the Location: HTTP 404", async () => {
      const url = `${receiver}/${cc}/${pid}/12345`;
      for (const peer of [stranger, twin]) {
        const answer = await call(node.app, peer, 'GET', url);
        assert.equal(answer.http, 404);
        assert.notEqual(answer.body.status_code, 1000);
        assert.equal(answer.body.data, undefined);
      }
      // Nor can the twin post over it.
      const over = await post(node.app, twin, receiver, exampleCdr(version, { total_energy: 1 }));
      assert.equal(over.http, 404);
      assert.equal((await held('12345'))?.data.total_energy, 15.342);
      assert.equal((await held('12345'))?.peerId, cpo.record.id);
    });

    test('GET of a CDR id never posted: HTTP 404', async () => {
      const answer = await call(node.app, cpo, 'GET', `${receiver}/${cc}/${pid}/NOPE`);
      assert.equal(answer.http, 404);
    });

    if (version !== '2.1.1') {
      test("a CDR whose owner is not one of the peer's parties: HTTP 404, nothing stored", async () => {
        const answer = await post(
          node.app,
          cpo,
          receiver,
          exampleCdr(version, { id: 'FOREIGN1', country_code: 'FR', party_id: 'OTH' }),
        );
        assert.equal(answer.http, 404);
        assert.equal(answer.body.status_code, 2000);
        assert.equal(answer.headers.location, undefined);
        assert.equal(await node.store.objects.get('cdrs', key('FR', 'OTH', 'FOREIGN1')), undefined);
        // Nor a party this node hosts.
        const hosted = await post(
          node.app,
          cpo,
          receiver,
          exampleCdr(version, { id: 'HOSTED1', country_code: 'NL', party_id: 'RMK' }),
        );
        assert.equal(hosted.http, 404);
        assert.equal(await node.store.objects.get('cdrs', key('NL', 'RMK', 'HOSTED1')), undefined);
      });

      test('an invalid CDR (no cdr_location) is refused with 2001, nothing stored', async () => {
        const { cdr_location: _, ...invalid } = exampleCdr(version, { id: 'BAD1' });
        const answer = await post(node.app, cpo, receiver, invalid);
        assert.equal(answer.body.status_code, 2001);
        assert.equal(answer.headers.location, undefined);
        assert.equal(await held('BAD1'), undefined);
      });
    } else {
      test("2.1.1: the spec's example as printed (price as a string) is refused with 2001, nothing stored", async () => {
        const printed = { ...(clone(readExample('2.1.1/mod_cdrs_01.json.txt')) as Json), id: 'BAD1' };
        const answer = await post(node.app, cpo, receiver, printed);
        assert.equal(answer.body.status_code, 2001);
        assert.match(answer.body.status_message as string, /price/);
        assert.equal(await held('BAD1'), undefined);
      });

      test('2.1.1: the CDR belongs to the CPO party of the connection', async () => {
        const theirs = await post(node.app, stranger, receiver, exampleCdr(version, { id: 'FR1' }));
        assert.equal(theirs.http, 201);
        assert.equal(theirs.headers.location, `${PUBLIC_URL}${receiver}/FR/OTH/FR1`);
        assert.equal(
          (await node.store.objects.get('cdrs', key('FR', 'OTH', 'FR1')))?.peerId,
          stranger.record.id,
        );
      });
    }

    test('a CDR id needing escapes is served at its Location', async () => {
      const id = 'CDR 7/2';
      const answer = await post(
        node.app,
        cpo,
        receiver,
        exampleCdr(version, { id, ...(version === '2.1.1' ? {} : { country_code: cc, party_id: pid }) }),
      );
      assert.equal(answer.http, 201, JSON.stringify(answer.body));
      const location = answer.headers.location as string;
      assert.equal(location, `${PUBLIC_URL}${receiver}/${cc}/${pid}/CDR%207%2F2`);
      const got = await call(node.app, cpo, 'GET', pathOf(location));
      assert.equal(got.http, 200, JSON.stringify(got.body));
      assert.equal((got.body.data as Json).id, id);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The CPO's Sender interface and the publisher.

const OUR_CPO = { country_code: 'NL', party_id: 'RMK' };

/** The spec's 2.3.0 CDR as one of ours, for the eMSP `emsp`. */
function ourCdr(id: string, emsp: [string, string], changes: Json = {}): Json {
  const doc = exampleCdr('2.3.0');
  return {
    ...doc,
    ...OUR_CPO,
    id,
    cdr_token: { ...(doc.cdr_token as Json), country_code: emsp[0], party_id: emsp[1] },
    ...changes,
  };
}

describe('CDRs Sender (CPO): a peer lists only the CDRs of its own tokens', () => {
  let node: ObjectNode;
  let msp: Record<OcpiVersion, TestPeer>;
  let oth: Record<OcpiVersion, TestPeer>;

  before(async () => {
    node = await cdrsNode();
    ({ msp, oth } = await emspPeersByVersion(node.store));
    const publisher = node.app.platform.publisher;
    const plan: [string, [string, string]][] = [
      ['C1', ['DE', 'MSP']],
      ['C2', ['DE', 'OTH']],
      ['C3', ['DE', 'MSP']],
      ['C4', ['FR', 'NOB']],
      ['C5', ['DE', 'MSP']],
    ];
    for (const [i, [id, emsp]] of plan.entries()) {
      await publisher.put('cdrs', ourCdr(id, emsp, { last_updated: `2024-12-0${i + 5}T20:02:13Z` }));
    }
    // A CDR a CPO posted to us is not ours to list.
    const cpo = await addPeer(node.store, '2.2.1', [role('CPO', 'BE', 'BEC')]);
    const posted = await post(
      node.app,
      cpo,
      ifacePath('2.2.1', 'cdrs', 'RECEIVER'),
      readExample('2.2.1/cdr_example.json'),
    );
    assert.equal(posted.http, 201);
  });
  after(() => node.close());

  for (const version of VERSIONS) {
    test(`${version}: each eMSP sees its own CDRs only, counted and paged as such`, async () => {
      const sender = ifacePath(version, 'cdrs', 'SENDER');
      const all = await call(node.app, msp[version], 'GET', sender);
      assert.equal(all.body.status_code, 1000, JSON.stringify(all.body));
      assert.deepEqual(idsOf(all), ['C1', 'C3', 'C5']);
      assert.equal(all.headers['x-total-count'], '3');
      for (const cdr of all.body.data as Json[]) assertValid(version, 'CDR', cdr);
      const other = await call(node.app, oth[version], 'GET', sender);
      assert.deepEqual(idsOf(other), ['C2']);
      assert.equal(other.headers['x-total-count'], '1');

      const first = await call(node.app, msp[version], 'GET', `${sender}?limit=2`);
      assert.deepEqual(idsOf(first), ['C1', 'C3']);
      assert.equal(first.headers['x-total-count'], '3');
      assert.equal(first.headers['x-limit'], '2');
      const second = await call(node.app, msp[version], 'GET', nextPath(first));
      assert.deepEqual(idsOf(second), ['C5']);
      assert.equal(second.headers.link, undefined);

      const window = await call(
        node.app,
        msp[version],
        'GET',
        `${sender}?date_from=2024-12-06T00:00:00Z&date_to=2024-12-09T20:02:13Z`,
      );
      assert.deepEqual(idsOf(window), ['C3']);
    });
  }

  test('the publisher refuses to change a stored CDR (immutable); the same document changes nothing', async () => {
    const publisher = node.app.platform.publisher;
    const stored = await node.store.objects.get('cdrs', key('NL', 'RMK', 'C1'));
    assert.ok(stored);
    const same = await publisher.put('cdrs', stored.data);
    assert.equal(same.revision, 1);
    await assert.rejects(
      publisher.put('cdrs', { ...stored.data, total_energy: 20, last_updated: '2025-01-01T00:00:00Z' }),
      (error: unknown) => error instanceof PublishError && error.kind === 'immutable',
    );
    const after = await node.store.objects.get('cdrs', key('NL', 'RMK', 'C1'));
    assert.equal(after?.revision, 1);
    assert.equal(after?.data.total_energy, 15.342);
    await assert.rejects(
      publisher.patch('cdrs', key('NL', 'RMK', 'C1'), [], { total_energy: 20 }),
      (error: unknown) => error instanceof PublishError && error.kind === 'immutable',
    );
  });
});
