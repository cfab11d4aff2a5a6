/**
 * The Tokens module over HTTP (buildApp + inject), in every version: the CPO's Receiver interface
 * (what an eMSP pushes to us: GET, PUT, PATCH, keyed by uid AND type) and the eMSP's Sender
 * interface (our own Tokens: the paginated list, and real-time authorization by POST
 * {token_uid}/authorize). Bodies are the spec's Token examples.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tokensModule } from '../../src/platform/tokens.js';
import type { OcpiVersion } from '../../src/protocol/index.js';
import type { ObjectKey } from '../../src/store/types.js';
import { assertValid } from '../helpers/convert.js';
import { readExample } from '../helpers/fixtures.js';
import {
  addPeer,
  call,
  clone,
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

/**
 * Our hosted parties, the eMSP first: a 2.1.1 peer attributes everything to the first party (our
 * 2.1.1 credentials name only that one), so our Tokens are served in 2.1.1 too.
 */
const OUR_EMSP = { country_code: 'NL', party_id: 'RME' };
const PARTIES = [
  { ...OUR_EMSP, role: 'EMSP', business_details: { name: 'Roamkit eMSP' } },
  { country_code: 'NL', party_id: 'RMK', role: 'CPO', business_details: { name: 'Roamkit CPO' } },
];

/** A node hosting our eMSP and CPO with the Tokens module (fixed clock, pages of 2 at most). */
const tokensNode = () =>
  moduleNode((deps) => [tokensModule(deps)], {
    config: { parties: PARTIES, pagination: { defaultLimit: 2, maxLimit: 2 } },
  });

const tokenKey = (cc: string, pid: string, type: string, uid: string): ObjectKey => ({
  countryCode: cc,
  partyId: pid,
  id: `${type}:${uid}`,
});

// ---------------------------------------------------------------------------------------------
// The CPO's Receiver interface.

/** The Token an eMSP pushes in each version (uid 012345678, RFID) and the owner of the URL. */
const PUT_EXAMPLE: Record<OcpiVersion, string> = {
  '2.1.1': '2.1.1/mod_tokens_01.json.txt',
  '2.2.1': '2.2.1/token_put_example.json',
  '2.3.0': '2.3.0/token_put_example.json',
};
const PATCH_EXAMPLE: Record<OcpiVersion, string> = {
  '2.1.1': '2.1.1/mod_tokens_02.json.txt',
  '2.2.1': '2.2.1/token_patch_example.json',
  '2.3.0': '2.3.0/token_patch_example.json',
};
const OWNER: [string, string] = ['NL', 'TNM'];

for (const version of VERSIONS) {
  describe(`Tokens Receiver (CPO), ${version}`, () => {
    const [cc, pid] = OWNER;
    const receiver = ifacePath(version, 'tokens', 'RECEIVER');
    const base = `${receiver}/${cc}/${pid}`;
    const tokenWith = (uid: string, changes: Json = {}): Json => ({
      ...(clone(readExample(PUT_EXAMPLE[version])) as Json),
      uid,
      ...changes,
    });
    let node: ObjectNode;
    let peer: TestPeer;
    const stored = async (type: string, uid: string) =>
      node.store.objects.get('tokens', tokenKey(cc, pid, type, uid));

    before(async () => {
      node = await tokensNode();
      peer = await addPeer(node.store, version, [role('EMSP', cc, pid), role('EMSP', 'DE', 'TNM')]);
    });
    after(() => node.close());

    test("PUT of the spec's example stores it (HTTP 201, then 200); GET answers it in the version", async () => {
      const created = await call(node.app, peer, 'PUT', `${base}/012345678`, tokenWith('012345678'));
      assert.equal(created.body.status_code, 1000, JSON.stringify(created.body));
      assert.equal(created.http, 201);
      const record = await stored('RFID', '012345678');
      assert.ok(record, 'stored under RFID:012345678');
      assert.equal(record.peerId, peer.record.id);
      assert.equal(record.data.country_code, cc);
      assert.equal(record.data.party_id, pid);
      assert.equal(record.data.whitelist, 'ALWAYS');
      assert.equal(record.lastUpdated.toISOString(), '2015-06-29T22:39:09.000Z');
      // 2.1.1 names the contract auth_id; canonical contract_id.
      assert.equal(record.data.contract_id, version === '2.1.1' ? 'DE8ACC12E46L89' : 'NL8ACC12E46L89');

      const got = await call(node.app, peer, 'GET', `${base}/012345678`);
      assert.equal(got.http, 200);
      assert.equal(got.body.status_code, 1000);
      assertValid(version, 'Token', got.body.data);
      if (version === '2.1.1') {
        assert.deepEqual(got.body.data, tokenWith('012345678'));
      } else {
        assert.deepEqual(got.body.data, tokenWith('012345678'));
        // ?type=RFID is the default spelled out.
        const typed = await call(node.app, peer, 'GET', `${base}/012345678?type=RFID`);
        assert.deepEqual(typed.body.data, got.body.data);
      }

      const replaced = await call(
        node.app,
        peer,
        'PUT',
        `${base}/012345678`,
        tokenWith('012345678', { whitelist: 'ALLOWED', last_updated: '2016-01-01T00:00:00Z' }),
      );
      assert.equal(replaced.http, 200);
      const after = await stored('RFID', '012345678');
      assert.equal(after?.revision, 2);
      assert.equal(after?.data.whitelist, 'ALLOWED');
    });

    test("the URL's owner must be one of the peer's parties: HTTP 404 (2000), nothing stored", async () => {
      const foreign = `${receiver}/FR/OTH/012345678`;
      const body = tokenWith('012345678', version === '2.1.1' ? {} : { country_code: 'FR', party_id: 'OTH' });
      const put = await call(node.app, peer, 'PUT', foreign, body);
      assert.equal(put.http, 404);
      assert.equal(put.body.status_code, 2000);
      assert.equal((await call(node.app, peer, 'GET', foreign)).http, 404);
      const patch = await call(node.app, peer, 'PATCH', foreign, {
        valid: false,
        last_updated: '2030-01-01T00:00:00Z',
      });
      assert.equal(patch.http, 404);
      assert.equal(
        await node.store.objects.get('tokens', tokenKey('FR', 'OTH', 'RFID', '012345678')),
        undefined,
      );
      // A party we host is never written by a peer, whatever its credentials say.
      const impostor = await addPeer(node.store, version, [role('EMSP', 'NL', 'RME')]);
      const hosted = await call(
        node.app,
        impostor,
        'PUT',
        `${receiver}/NL/RME/012345678`,
        tokenWith('012345678', version === '2.1.1' ? {} : OUR_EMSP),
      );
      assert.equal(hosted.http, 404);
      assert.equal(
        await node.store.objects.get('tokens', tokenKey('NL', 'RME', 'RFID', '012345678')),
        undefined,
      );
    });

    test("a uid in the body other than the URL's is refused (2001)", async () => {
      const answer = await call(node.app, peer, 'PUT', `${base}/OTHERUID`, tokenWith('012345678'));
      assert.equal(answer.body.status_code, 2001);
      assert.match(answer.body.status_message as string, /uid '012345678' differs from token_uid 'OTHERUID'/);
      assert.equal(await stored('RFID', 'OTHERUID'), undefined);
    });

    test('a PUT older than the Token held is acknowledged (1000) and not applied', async () => {
      const url = `${base}/STALE1`;
      const first = await call(
        node.app,
        peer,
        'PUT',
        url,
        tokenWith('STALE1', { last_updated: '2020-01-01T00:00:00Z' }),
      );
      assert.equal(first.http, 201);
      const older = await call(
        node.app,
        peer,
        'PUT',
        url,
        tokenWith('STALE1', { valid: false, last_updated: '2019-01-01T00:00:00Z' }),
      );
      assert.equal(older.body.status_code, 1000);
      assert.match(older.body.status_message as string, /older/);
      const record = await stored('RFID', 'STALE1');
      assert.equal(record?.revision, 1);
      assert.equal(record?.data.valid, true);
    });

    test("PATCH of the spec's example invalidates the Token; GET shows it", async () => {
      await call(node.app, peer, 'PUT', `${base}/PATCHME`, tokenWith('PATCHME'));
      const patch = clone(readExample(PATCH_EXAMPLE[version])) as Json;
      const answer = await call(node.app, peer, 'PATCH', `${base}/PATCHME`, patch);
      assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
      const record = await stored('RFID', 'PATCHME');
      assert.equal(record?.revision, 2);
      assert.equal(record?.data.valid, false);
      assert.equal(record?.data.issuer, 'TheNewMotion', 'fields not in the PATCH are unchanged');
      // 2.1.1's example has no last_updated: the receive time is stamped.
      const expected = version === '2.1.1' ? '2025-03-04T05:06:07Z' : '2019-06-19T02:11:11Z';
      assert.equal(record?.data.last_updated, expected);
      const got = await call(node.app, peer, 'GET', `${base}/PATCHME`);
      assert.equal((got.body.data as Json).valid, false);
    });

    if (version !== '2.1.1') {
      test('2.2.1+: a PATCH without last_updated is refused (2001) and changes nothing', async () => {
        await call(node.app, peer, 'PUT', `${base}/NOLU`, tokenWith('NOLU'));
        const answer = await call(node.app, peer, 'PATCH', `${base}/NOLU`, { valid: false });
        assert.equal(answer.body.status_code, 2001);
        assert.match(answer.body.status_message as string, /last_updated/);
        const record = await stored('RFID', 'NOLU');
        assert.equal(record?.revision, 1);
        assert.equal(record?.data.valid, true);
      });

      test('2.2.1+: PATCH of an unknown Token: 2004 Unknown Token, and the node is told to pull', async () => {
        const answer = await call(node.app, peer, 'PATCH', `${base}/NEVERPUT`, {
          valid: false,
          last_updated: '2030-01-01T00:00:00Z',
        });
        assert.equal(answer.body.status_code, 2004);
        assert.match(answer.body.status_message as string, /unknown Token NEVERPUT/);
        assert.deepEqual(node.missing.at(-1), [peer.record.id, 'tokens']);
        assert.equal(await stored('RFID', 'NEVERPUT'), undefined);
      });

      test('2.2.1+: ?type=APP_USER names another Token than the RFID one with the same uid', async () => {
        const uid = '12345678905880';
        const url = `${receiver}/DE/TNM/${uid}`;
        const rfid = clone(readExample(`${version}/token_example_2_full_rfid.json`)) as Json;
        const app = { ...(clone(readExample(`${version}/token_example_1_app_user.json`)) as Json), uid };
        assert.equal((await call(node.app, peer, 'PUT', url, rfid)).http, 201);
        assert.equal(
          (await call(node.app, peer, 'PUT', `${url}?type=APP_USER`, app)).http,
          201,
          'a new object',
        );
        const rfidRecord = await node.store.objects.get('tokens', tokenKey('DE', 'TNM', 'RFID', uid));
        const appRecord = await node.store.objects.get('tokens', tokenKey('DE', 'TNM', 'APP_USER', uid));
        assert.equal(rfidRecord?.data.type, 'RFID');
        assert.equal(rfidRecord?.data.visual_number, 'DF000-2001-8999-1');
        assert.equal(appRecord?.data.type, 'APP_USER');
        assert.equal(appRecord?.data.visual_number, undefined);

        // GET without ?type is the RFID one (the parameter's default); with it, the APP_USER one.
        assert.equal(((await call(node.app, peer, 'GET', url)).body.data as Json).type, 'RFID');
        const gotApp = await call(node.app, peer, 'GET', `${url}?type=APP_USER`);
        assert.deepEqual(gotApp.body.data, app);

        // A PATCH with ?type=APP_USER changes that one only.
        const patched = await call(node.app, peer, 'PATCH', `${url}?type=APP_USER`, {
          valid: false,
          last_updated: '2019-06-19T02:11:11Z',
        });
        assert.equal(patched.body.status_code, 1000);
        assert.equal(
          (await node.store.objects.get('tokens', tokenKey('DE', 'TNM', 'APP_USER', uid)))?.data.valid,
          false,
        );
        assert.equal(
          (await node.store.objects.get('tokens', tokenKey('DE', 'TNM', 'RFID', uid)))?.data.valid,
          true,
        );
        assert.equal(
          (await node.store.objects.get('tokens', tokenKey('DE', 'TNM', 'RFID', uid)))?.revision,
          1,
        );
      });

      test('2.2.1+: a body whose type is not the ?type= of the URL is refused (2001), nothing stored', async () => {
        const uid = 'MISMATCH1';
        const rfid = { ...(clone(readExample(`${version}/token_example_2_full_rfid.json`)) as Json), uid };
        const answer = await call(node.app, peer, 'PUT', `${receiver}/DE/TNM/${uid}?type=APP_USER`, rfid);
        assert.equal(answer.body.status_code, 2001);
        assert.match(answer.body.status_message as string, /does not match its URL/);
        for (const type of ['RFID', 'APP_USER']) {
          assert.equal(
            await node.store.objects.get('tokens', tokenKey('DE', 'TNM', type, uid)),
            undefined,
            type,
          );
        }
      });

      test('2.2.1+: a PATCH cannot change the type the URL names (uid and type identify the Token)', async () => {
        const uid = 'RETYPE1';
        await call(node.app, peer, 'PUT', `${base}/${uid}`, tokenWith(uid));
        const answer = await call(node.app, peer, 'PATCH', `${base}/${uid}?type=RFID`, {
          type: 'APP_USER',
          last_updated: '2030-01-01T00:00:00Z',
        });
        const record = await stored('RFID', uid);
        assert.equal(record?.data.type, 'RFID', 'the stored RFID Token still says RFID');
        assert.equal(answer.body.status_code, 2001);
      });
    } else {
      test('2.1.1: PATCH of an unknown Token answers a 2.1.1 status code (2000; 2004 does not exist in 2.1.1)', async () => {
        const answer = await call(node.app, peer, 'PATCH', `${base}/NEVERPUT`, { valid: false });
        assert.deepEqual(node.missing.at(-1), [peer.record.id, 'tokens']);
        assert.equal(answer.body.status_code, 2000);
      });

      test('2.1.1: a Token of type OTHER is found by GET and PATCH (2.1.1 URLs carry no type)', async () => {
        const put = await call(
          node.app,
          peer,
          'PUT',
          `${base}/OTHER1`,
          tokenWith('OTHER1', { type: 'OTHER' }),
        );
        assert.equal(put.http, 201);
        assert.ok(await stored('OTHER', 'OTHER1'));
        const got = await call(node.app, peer, 'GET', `${base}/OTHER1`);
        assert.equal(got.http, 200, JSON.stringify(got.body));
        assert.equal((got.body.data as Json).type, 'OTHER');
        const patch = await call(node.app, peer, 'PATCH', `${base}/OTHER1`, { valid: false });
        assert.equal(patch.body.status_code, 1000, JSON.stringify(patch.body));
        assert.equal((await stored('OTHER', 'OTHER1'))?.data.valid, false);
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The eMSP's Sender interface: our own Tokens.

/** One of our Tokens: the spec's full RFID example under our eMSP. */
function ourToken(uid: string, changes: Json = {}): Json {
  return {
    ...(clone(readExample('2.3.0/token_example_2_full_rfid.json')) as Json),
    ...OUR_EMSP,
    uid,
    ...changes,
  };
}

/** The spec's APP_USER example under our eMSP. */
function ourAppUser(uid: string, changes: Json = {}): Json {
  return {
    ...(clone(readExample('2.3.0/token_example_1_app_user.json')) as Json),
    ...OUR_EMSP,
    uid,
    ...changes,
  };
}

describe('Tokens Sender (eMSP): list and real-time authorization', () => {
  let node: ObjectNode;
  const cpos = {} as Record<OcpiVersion, TestPeer>;
  /** Our tokens, by uid, in the order published (= list order). */
  const OURS = ['T1', 'T2', 'T3', 'T4', 'T5'];

  before(async () => {
    node = await tokensNode();
    for (const version of VERSIONS)
      cpos[version] = await addPeer(node.store, version, [role('CPO', 'DE', 'CPX')]);
    const publisher = node.app.platform.publisher;
    for (const [i, uid] of OURS.entries()) {
      await publisher.put('tokens', ourToken(uid, { last_updated: `2024-01-0${i + 1}T00:00:00Z` }));
    }
    // A token a peer pushed to us (its owner is not ours): never in our list.
    const emsp = await addPeer(node.store, '2.2.1', [role('EMSP', 'DE', 'TNM')]);
    const theirs = await call(
      node.app,
      emsp,
      'PUT',
      `${ifacePath('2.2.1', 'tokens', 'RECEIVER')}/DE/TNM/12345678905880`,
      readExample('2.2.1/token_example_2_full_rfid.json'),
    );
    assert.equal(theirs.http, 201);
  });
  after(() => node.close());

  /** Every page of the list, following Link; the X-Total-Count of the first. */
  async function crawl(peer: TestPeer, query = ''): Promise<{ total: number; items: Json[]; pages: number }> {
    const sender = ifacePath(peer.version, 'tokens', 'SENDER');
    let url: string | undefined = `${sender}${query}`;
    const items: Json[] = [];
    let total = -1;
    let pages = 0;
    while (url !== undefined) {
      const answer = await call(node.app, peer, 'GET', url);
      assert.equal(answer.http, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.status_code, 1000);
      pages++;
      if (total < 0) total = Number(answer.headers['x-total-count']);
      assert.equal(Number(answer.headers['x-total-count']), total, 'the same total on every page');
      assert.equal(answer.headers['x-limit'], '2');
      items.push(...(answer.body.data as Json[]));
      if (answer.headers.link === undefined) break;
      url = nextPath(answer);
      assert.ok(pages < 10, 'the pages end');
    }
    return { total, items, pages };
  }

  for (const version of VERSIONS) {
    test(`${version}: the list pages through our Tokens only, with X-Total-Count, X-Limit and Link`, async () => {
      const { total, items, pages } = await crawl(cpos[version]);
      assert.equal(total, OURS.length);
      assert.equal(pages, 3);
      assert.deepEqual(
        items.map((t) => t.uid),
        OURS,
      );
      for (const item of items) {
        assertValid(version, 'Token', item);
        if (version === '2.1.1') {
          assert.equal(item.country_code, undefined);
          assert.equal(item.auth_id, 'DE8ACC12E46L89');
        } else {
          assert.equal(item.country_code, 'NL');
          assert.equal(item.party_id, 'RME');
        }
      }
    });

    test(`${version}: date_from (inclusive) and date_to (exclusive) select by last_updated`, async () => {
      const { total, items } = await crawl(
        cpos[version],
        '?date_from=2024-01-02T00:00:00Z&date_to=2024-01-04T00:00:00Z',
      );
      assert.equal(total, 2);
      assert.deepEqual(
        items.map((t) => t.uid),
        ['T2', 'T3'],
      );
    });
  }
});

describe('Tokens Sender (eMSP): POST {token_uid}/authorize', () => {
  let node: ObjectNode;
  const cpos = {} as Record<OcpiVersion, TestPeer>;
  const authorizeUrl = (version: OcpiVersion, uid: string, query = '') =>
    `${ifacePath(version, 'tokens', 'SENDER')}/${uid}/authorize${query}`;

  before(async () => {
    node = await tokensNode();
    for (const version of VERSIONS)
      cpos[version] = await addPeer(node.store, version, [role('CPO', 'DE', 'CPX')]);
    const publisher = node.app.platform.publisher;
    await publisher.put('tokens', ourToken('GOOD1'));
    await publisher.put('tokens', ourToken('BLOCKED1', { valid: false }));
    // The same uid as an RFID card (blocked) and as an app account (valid).
    await publisher.put('tokens', ourToken('SHARED1', { valid: false }));
    await publisher.put('tokens', ourAppUser('SHARED1'));
    await publisher.put('tokens', ourAppUser('APPONLY1'));
    // 2.3.0's EMAID type, which 2.2.1 lacks (shown there as OTHER).
    await publisher.put('tokens', ourToken('EMAID1', { type: 'EMAID' }));
    // A token a peer pushed to us is not one we can authorize.
    await node.store.objects.put({
      module: 'tokens',
      key: tokenKey('DE', 'TNM', 'RFID', 'THEIRS1'),
      peerId: cpos['2.2.1'].record.id,
      data: ourToken('THEIRS1', { country_code: 'DE', party_id: 'TNM' }),
      lastUpdated: new Date('2024-01-01T00:00:00Z'),
    });
  });
  after(() => node.close());

  for (const version of VERSIONS) {
    test(`${version}: a valid Token is ALLOWED${version === '2.1.1' ? '' : ' with an authorization_reference'}`, async () => {
      const answer = await post(node.app, cpos[version], authorizeUrl(version, 'GOOD1'));
      assert.equal(answer.http, 200);
      assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
      const info = answer.body.data as Json;
      assertValid(version, 'AuthorizationInfo', info);
      assert.equal(info.allowed, 'ALLOWED');
      if (version === '2.1.1') {
        // 2.1.1 AuthorizationInfo has neither field.
        assert.equal(info.authorization_reference, undefined);
        assert.equal(info.token, undefined);
      } else {
        assert.equal(typeof info.authorization_reference, 'string');
        assert.ok((info.authorization_reference as string).length <= 36);
        assert.equal((info.token as Json).uid, 'GOOD1');
        assert.equal((info.token as Json).country_code, 'NL');
        // A new reference for every authorization.
        const again = await post(node.app, cpos[version], authorizeUrl(version, 'GOOD1'));
        assert.notEqual((again.body.data as Json).authorization_reference, info.authorization_reference);
      }
    });

    test(`${version}: an invalidated Token (valid: false) is BLOCKED`, async () => {
      const answer = await post(node.app, cpos[version], authorizeUrl(version, 'BLOCKED1'));
      assert.equal(answer.body.status_code, 1000);
      const info = answer.body.data as Json;
      assert.equal(info.allowed, 'BLOCKED');
      assert.equal(info.authorization_reference, undefined);
      assertValid(version, 'AuthorizationInfo', info);
    });

    test(`${version}: an unknown Token: HTTP 404, ${version === '2.1.1' ? '2000' : '2004'}, no data`, async () => {
      for (const uid of ['NOSUCH1', 'THEIRS1']) {
        const answer = await post(node.app, cpos[version], authorizeUrl(version, uid));
        assert.equal(answer.http, 404, uid);
        assert.equal(answer.body.status_code, version === '2.1.1' ? 2000 : 2004, uid);
        assert.equal('data' in answer.body, false, uid);
      }
    });

    test(`${version}: with LocationReferences the allowed location comes back`, async () => {
      const references = { location_id: 'LOC1', evse_uids: ['3256', '3257'] };
      const answer = await post(node.app, cpos[version], authorizeUrl(version, 'GOOD1'), references);
      assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
      const info = answer.body.data as Json;
      assert.equal(info.allowed, 'ALLOWED');
      assert.deepEqual(info.location, references);
      assertValid(version, 'AuthorizationInfo', info);
    });

    test(`${version}: a LocationReferences that is not one is refused (2001)`, async () => {
      const answer = await post(node.app, cpos[version], authorizeUrl(version, 'GOOD1'), {
        evse_uids: ['3256'],
      });
      assert.equal(answer.body.status_code, 2001);
      assert.equal(answer.body.data === undefined || Array.isArray(answer.body.data), true);
    });
  }

  for (const version of ['2.2.1', '2.3.0'] as const) {
    test(`${version}: ?type=APP_USER picks the APP_USER Token; no ?type the RFID one`, async () => {
      const rfid = await post(node.app, cpos[version], authorizeUrl(version, 'SHARED1'));
      assert.equal((rfid.body.data as Json).allowed, 'BLOCKED');
      assert.equal(((rfid.body.data as Json).token as Json).type, 'RFID');
      const app = await post(node.app, cpos[version], authorizeUrl(version, 'SHARED1', '?type=APP_USER'));
      assert.equal((app.body.data as Json).allowed, 'ALLOWED');
      assert.equal(((app.body.data as Json).token as Json).type, 'APP_USER');
      // An APP_USER token is not found as an RFID one (the default type).
      const untyped = await post(node.app, cpos[version], authorizeUrl(version, 'APPONLY1'));
      assert.equal(untyped.http, 404);
      assert.equal(untyped.body.status_code, 2004);
    });

    test(`${version}: uid is a CiString: authorize finds the Token whatever the case of the uid`, async () => {
      const answer = await post(node.app, cpos[version], authorizeUrl(version, 'good1'));
      assert.equal(answer.http, 200, JSON.stringify(answer.body));
      assert.equal((answer.body.data as Json).allowed, 'ALLOWED');
    });
  }

  test('2.2.1: an EMAID Token, listed to 2.2.1 as type OTHER, can be authorized with ?type=OTHER', async () => {
    const peer = cpos['2.2.1'];
    const answer = await post(node.app, peer, authorizeUrl('2.2.1', 'EMAID1', '?type=OTHER'));
    assert.equal(answer.http, 200, JSON.stringify(answer.body));
    assert.equal((answer.body.data as Json).allowed, 'ALLOWED');
    assert.equal(((answer.body.data as Json).token as Json).type, 'OTHER');
  });

  test('2.1.1: an APP_USER Token, listed to 2.1.1 as type OTHER, can be authorized (with or without ?type=OTHER)', async () => {
    const peer = cpos['2.1.1'];
    // Listed to 2.1.1 with the type 2.1.1 has for it.
    const listed: Json[] = [];
    for (const offset of [0, 2, 4, 6]) {
      const page = await call(
        node.app,
        peer,
        'GET',
        `${ifacePath('2.1.1', 'tokens', 'SENDER')}?offset=${offset}`,
      );
      listed.push(...(page.body.data as Json[]));
    }
    const shown = listed.find((t) => t.uid === 'APPONLY1');
    assert.equal(shown?.type, 'OTHER');
    for (const query of ['', '?type=OTHER']) {
      const answer = await post(node.app, peer, authorizeUrl('2.1.1', 'APPONLY1', query));
      assert.equal(answer.http, 200, `${query}: ${JSON.stringify(answer.body)}`);
      assert.equal((answer.body.data as Json).allowed, 'ALLOWED');
    }
  });
});
