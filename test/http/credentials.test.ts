/**
 * The credentials module as a receiver (a peer calls us), over app.inject, against scripted peers:
 * every rule of the chapter in each version, and every bad input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildApp } from '../../src/http/app.js';
import { validateNodeConfig } from '../../src/platform/config.js';
import type { OcpiVersion } from '../../src/protocol/index.js';
import { hashToken } from '../../src/store/tokens.js';
import { authHeader, memoryStore, scriptedPeer, testApp } from './helpers.js';

type Json = Record<string, unknown>;
const json = (body: string) => JSON.parse(body) as Json;

/** The Credentials a peer at `base` sends in `version`'s shape. */
function peerCredentials(version: OcpiVersion, token: string, versionsUrl: string): Json {
  return version === '2.1.1'
    ? { token, url: versionsUrl, party_id: 'PEE', country_code: 'DE', business_details: { name: 'Peer' } }
    : {
        token,
        url: versionsUrl,
        roles: [{ role: 'EMSP', party_id: 'PEE', country_code: 'DE', business_details: { name: 'Peer' } }],
      };
}

async function setup(peerOptions: Parameters<typeof scriptedPeer>[0] = {}) {
  const peer = scriptedPeer(peerOptions);
  const node = await testApp({ fetch: peer.fetch });
  const invite = await node.app.platform.credentials.invitePeer({ name: 'peer' });
  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    version: OcpiVersion,
    token: string,
    body?: unknown,
  ) =>
    node.app.inject({
      method,
      url: `/ocpi/${version}/credentials`,
      headers: {
        ...authHeader(token, version),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return { ...node, peer, invite, call };
}

describe('credentials POST (registration)', () => {
  for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
    test(`${version}: registers, answers with a new token, and token A is dead afterwards`, async () => {
      const { app, store, close, peer, invite, call } = await setup({ versions: [version] });
      try {
        const res = await call(
          'POST',
          version,
          invite.token,
          peerCredentials(version, 'token-b', peer.versionsUrl),
        );
        assert.equal(res.statusCode, 200);
        const body = json(res.body);
        assert.equal(body.status_code, 1000);
        const ours = body.data as Json;
        assert.equal(typeof ours.token, 'string');
        assert.notEqual(ours.token, invite.token);
        assert.equal(ours.url, 'http://127.0.0.1:8080/ocpi/versions');
        if (version === '2.1.1') {
          // 2.1.1 carries one party: the first hosted party, inline.
          assert.deepEqual(
            {
              party_id: ours.party_id,
              country_code: ours.country_code,
              name: (ours.business_details as Json).name,
            },
            { party_id: 'RMK', country_code: 'NL', name: 'Roamkit CPO' },
          );
          assert.equal(ours.roles, undefined);
        } else {
          assert.deepEqual(
            (ours.roles as Json[]).map((r) => `${r.country_code}:${r.party_id}:${r.role}`),
            ['NL:RMK:CPO', 'NL:RME:EMSP'],
          );
        }

        // The server fetched the client's versions and details with token B, encoded for the version.
        const expectedAuth =
          version === '2.1.1' ? 'Token token-b' : `Token ${Buffer.from('token-b').toString('base64')}`;
        assert.deepEqual(
          peer.requests.map((r) => [r.method, r.url, r.authorization]),
          [
            ['GET', peer.versionsUrl, expectedAuth],
            ['GET', `${peer.base}/${version}`, expectedAuth],
          ],
        );

        const stored = await store.peers.findById(invite.peer.id);
        assert.ok(stored);
        assert.equal(stored.status, 'REGISTERED');
        assert.equal(stored.version, version);
        assert.equal(stored.outgoingToken, 'token-b');
        assert.equal(stored.versionsUrl, peer.versionsUrl);
        assert.equal(stored.incomingTokenHash, hashToken(ours.token as string));
        assert.deepEqual(
          stored.endpoints.map((e) => e.identifier),
          ['credentials', 'locations'],
        );
        assert.ok(stored.endpoints.every((e) => e.role === 'SENDER' || e.role === 'RECEIVER'));
        assert.deepEqual(
          stored.roles.map((r) => [r.country_code, r.party_id]),
          [['DE', 'PEE']],
        );

        const withA = await app.inject({
          method: 'GET',
          url: '/ocpi/versions',
          headers: authHeader(invite.token),
        });
        assert.equal(withA.statusCode, 401, 'token A is invalid after the exchange');
        const withC = await call('GET', version, ours.token as string);
        assert.equal(withC.statusCode, 200);
        assert.equal((json(withC.body).data as Json).token, ours.token, 'GET answers with the token in use');
      } finally {
        await close();
      }
    });
  }

  test('POST by a registered client: HTTP 405 with the envelope, nothing changed', async () => {
    const { store, close, peer, invite, call } = await setup();
    try {
      const first = json(
        (await call('POST', '2.2.1', invite.token, peerCredentials('2.2.1', 'b1', peer.versionsUrl))).body,
      );
      const tokenC = (first.data as Json).token as string;
      const before = await store.peers.findById(invite.peer.id);
      const again = await call('POST', '2.2.1', tokenC, peerCredentials('2.2.1', 'b2', peer.versionsUrl));
      assert.equal(again.statusCode, 405);
      assert.equal(json(again.body).status_code, 2000);
      assert.deepEqual(await store.peers.findById(invite.peer.id), before);
    } finally {
      await close();
    }
  });

  test('the client does not offer the version POSTed to: 3002, nothing stored, token A still valid', async () => {
    const { store, close, peer, invite, call } = await setup({ versions: ['2.1.1'] });
    try {
      const res = await call('POST', '2.2.1', invite.token, peerCredentials('2.2.1', 'b', peer.versionsUrl));
      assert.equal(res.statusCode, 200);
      const body = json(res.body);
      assert.equal(body.status_code, 3002);
      assert.match(body.status_message as string, /offers 2\.1\.1/);
      assert.deepEqual(await store.peers.findById(invite.peer.id), invite.peer, 'the row is untouched');
      const retry = await call('GET', '2.2.1', invite.token);
      assert.equal(retry.statusCode, 200, 'token A still opens credentials');
    } finally {
      await close();
    }
  });

  test('the client lists no credentials endpoint: 3003, nothing stored', async () => {
    const { store, close, peer, invite, call } = await setup({ withoutCredentials: true });
    try {
      const res = await call('POST', '2.2.1', invite.token, peerCredentials('2.2.1', 'b', peer.versionsUrl));
      assert.equal(json(res.body).status_code, 3003);
      assert.deepEqual(await store.peers.findById(invite.peer.id), invite.peer);
    } finally {
      await close();
    }
  });

  test("the client's versions endpoint cannot be used: 3001, nothing stored", async () => {
    const { store, close, invite, call } = await setup();
    try {
      for (const url of ['http://127.0.0.1:9999/elsewhere/versions', 'ftp://127.0.0.1/versions']) {
        const res = await call('POST', '2.2.1', invite.token, peerCredentials('2.2.1', 'b', url));
        const body = json(res.body);
        assert.equal(body.status_code, 3001, url);
        assert.ok(!res.body.includes('Token '), 'no Authorization value in the message');
      }
      assert.deepEqual(await store.peers.findById(invite.peer.id), invite.peer);
    } finally {
      await close();
    }
  });

  test('a production-mode node refuses a client whose versions URL is plain http on loopback (3001)', async () => {
    const store = await memoryStore();
    const config = validateNodeConfig({ publicUrl: 'https://node.example', parties: ['NL:RMK:CPO'] });
    assert.equal(config.dev, false);
    const app = buildApp({ config, store, logger: false });
    try {
      const { token, peer } = await app.platform.credentials.invitePeer();
      const res = await app.inject({
        method: 'POST',
        url: '/ocpi/2.2.1/credentials',
        headers: { ...authHeader(token), 'content-type': 'application/json' },
        payload: JSON.stringify(peerCredentials('2.2.1', 'b', 'http://127.0.0.1:9/versions')),
      });
      const body = json(res.body);
      assert.equal(body.status_code, 3001);
      assert.match(body.status_message as string, /refused/);
      assert.equal((await store.peers.findById(peer.id))?.status, 'INVITED');
    } finally {
      await app.close();
      await store.close();
    }
  });

  test('the token we hand over during our own registration with a peer cannot be used to POST back: 405', async () => {
    const { store, close, peer, call } = await setup();
    try {
      // What registerWithPeer stores before its POST: INVITED, with the peer's versions URL.
      const pending = await store.peers.create({
        name: 'outgoing',
        status: 'INVITED',
        incomingTokenHash: hashToken('handed-over'),
        versionsUrl: peer.versionsUrl,
        version: '2.2.1',
      });
      assert.equal(
        (await call('GET', '2.2.1', 'handed-over')).statusCode,
        200,
        'it opens our versions and credentials',
      );
      const res = await call('POST', '2.2.1', 'handed-over', peerCredentials('2.2.1', 'b', peer.versionsUrl));
      assert.equal(res.statusCode, 405);
      assert.deepEqual(await store.peers.findById(pending.id), pending);
      assert.equal(peer.requests.length, 0);
    } finally {
      await close();
    }
  });

  test('two POSTs racing with one token A: exactly one registers, the other gets 405', async () => {
    const { store, close, peer, invite, call } = await setup();
    try {
      const [a, b] = await Promise.all([
        call('POST', '2.2.1', invite.token, peerCredentials('2.2.1', 'b1', peer.versionsUrl)),
        call('POST', '2.2.1', invite.token, peerCredentials('2.2.1', 'b2', peer.versionsUrl)),
      ]);
      assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 405]);
      const winner = a.statusCode === 200 ? json(a.body) : json(b.body);
      const stored = await store.peers.findById(invite.peer.id);
      assert.equal(stored?.incomingTokenHash, hashToken((winner.data as Json).token as string));
    } finally {
      await close();
    }
  });
});

describe('credentials: bad input', () => {
  test('a body that is not JSON: HTTP 400 and 2001, for POST and PUT', async () => {
    const { close, invite, call } = await setup();
    try {
      for (const method of ['POST', 'PUT'] as const) {
        for (const payload of ['{"token": ', 'token=abc', '{"__proto__": {"x": 1}}']) {
          const res = await call(method, '2.2.1', invite.token, payload);
          assert.equal(res.statusCode, 400, `${method} ${payload}`);
          assert.equal(json(res.body).status_code, 2001);
        }
      }
    } finally {
      await close();
    }
  });

  test('no body at all: HTTP 400 and 2001 saying the Credentials object is required', async () => {
    const { close, invite, app } = await setup();
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/ocpi/2.2.1/credentials',
        headers: authHeader(invite.token),
      });
      assert.equal(res.statusCode, 400);
      assert.match(json(res.body).status_message as string, /Credentials object/);
    } finally {
      await close();
    }
  });

  test('valid JSON with wrong or missing fields: 2001 naming the field, in each version', async () => {
    const { store, close, peer, invite, call } = await setup();
    try {
      const cases: [OcpiVersion, Json, RegExp][] = [
        ['2.2.1', { url: peer.versionsUrl, roles: [] }, /token/],
        ['2.2.1', { token: 'b', url: peer.versionsUrl, roles: [] }, /\/roles/],
        ['2.2.1', { token: 'b', url: peer.versionsUrl, roles: 'EMSP' }, /\/roles/],
        [
          '2.3.0',
          {
            token: 'b',
            url: 42,
            roles: [{ role: 'EMSP', party_id: 'PEE', country_code: 'DE', business_details: { name: 'P' } }],
          },
          /\/url/,
        ],
        [
          '2.3.0',
          {
            token: 'b',
            url: peer.versionsUrl,
            roles: [{ role: 'HUB', party_id: 'PEE', country_code: 'DE', business_details: { name: 'P' } }],
          },
          /\/roles\/0\/role/,
        ],
        [
          '2.1.1',
          { token: 'b', url: peer.versionsUrl, country_code: 'DE', business_details: { name: 'P' } },
          /party_id/,
        ],
        [
          '2.1.1',
          {
            token: 'x'.repeat(65),
            url: peer.versionsUrl,
            party_id: 'PEE',
            country_code: 'DE',
            business_details: { name: 'P' },
          },
          /\/token/,
        ],
      ];
      for (const [version, body, field] of cases) {
        const res = await call('POST', version, invite.token, body);
        assert.equal(res.statusCode, 200, JSON.stringify(body));
        const parsed = json(res.body);
        assert.equal(parsed.status_code, 2001, JSON.stringify(body));
        assert.match(parsed.status_message as string, field);
      }
      assert.equal(peer.requests.length, 0, 'nothing was fetched for an invalid body');
      assert.deepEqual(await store.peers.findById(invite.peer.id), invite.peer);
    } finally {
      await close();
    }
  });

  test('an array or a string instead of the object: 2001', async () => {
    const { close, invite, call } = await setup();
    try {
      for (const body of ['[]', '"credentials"', '42', 'null']) {
        const res = await call('POST', '2.2.1', invite.token, body);
        assert.equal(json(res.body).status_code, 2001, body);
      }
    } finally {
      await close();
    }
  });
});

describe('credentials PUT, DELETE and GET', () => {
  async function registered(versions: OcpiVersion[] = ['2.2.1', '2.3.0'], at: OcpiVersion = '2.2.1') {
    const ctx = await setup({ versions });
    const res = await ctx.call('POST', at, ctx.invite.token, peerCredentials(at, 'b1', ctx.peer.versionsUrl));
    const tokenC = (json(res.body).data as Json).token as string;
    return { ...ctx, tokenC };
  }

  test('PUT or DELETE before registering (token A): HTTP 405', async () => {
    const { close, peer, invite, call } = await setup();
    try {
      const put = await call('PUT', '2.2.1', invite.token, peerCredentials('2.2.1', 'b', peer.versionsUrl));
      assert.equal(put.statusCode, 405);
      assert.equal(json(put.body).status_code, 2000);
      const del = await call('DELETE', '2.2.1', invite.token);
      assert.equal(del.statusCode, 405);
      assert.equal(peer.requests.length, 0);
    } finally {
      await close();
    }
  });

  test('PUT switches version, fetches the endpoints again and rotates our token', async () => {
    const { store, close, peer, invite, call, tokenC } = await registered();
    try {
      peer.requests.length = 0;
      const res = await call('PUT', '2.3.0', tokenC, peerCredentials('2.3.0', 'b2', peer.versionsUrl));
      assert.equal(res.statusCode, 200);
      const body = json(res.body);
      assert.equal(body.status_code, 1000);
      const newC = (body.data as Json).token as string;
      assert.notEqual(newC, tokenC);
      assert.deepEqual(
        peer.requests.map((r) => `${r.method} ${r.url}`),
        [`GET ${peer.versionsUrl}`, `GET ${peer.base}/2.3.0`],
        'the endpoints are fetched again',
      );
      const stored = await store.peers.findById(invite.peer.id);
      assert.equal(stored?.version, '2.3.0');
      assert.equal(stored?.outgoingToken, 'b2');
      assert.equal((await call('GET', '2.3.0', tokenC)).statusCode, 401, 'the previous token is refused');
      assert.equal((await call('GET', '2.3.0', newC)).statusCode, 200);
    } finally {
      await close();
    }
  });

  test('PUT for a version the client does not offer: 3002 and nothing changes', async () => {
    const { store, close, peer, invite, call, tokenC } = await registered(['2.2.1']);
    try {
      const before = await store.peers.findById(invite.peer.id);
      const res = await call('PUT', '2.3.0', tokenC, peerCredentials('2.3.0', 'b2', peer.versionsUrl));
      assert.equal(json(res.body).status_code, 3002);
      assert.deepEqual(await store.peers.findById(invite.peer.id), before);
      assert.equal((await call('GET', '2.2.1', tokenC)).statusCode, 200, 'the token in use still works');
    } finally {
      await close();
    }
  });

  test('DELETE unregisters: 1000 without data, the token is void afterwards', async () => {
    const { store, close, invite, call, tokenC } = await registered();
    try {
      const res = await call('DELETE', '2.2.1', tokenC);
      assert.equal(res.statusCode, 200);
      const body = json(res.body);
      assert.equal(body.status_code, 1000);
      assert.equal('data' in body, false);
      const stored = await store.peers.findById(invite.peer.id);
      assert.equal(stored?.status, 'UNREGISTERED');
      assert.equal(stored?.incomingTokenHash, null);
      assert.equal(stored?.outgoingToken, null);
      assert.equal((await call('DELETE', '2.2.1', tokenC)).statusCode, 401);
    } finally {
      await close();
    }
  });

  test('GET with token A answers our credentials with token A, in the version asked', async () => {
    const { close, invite, call } = await setup();
    try {
      const data211 = json((await call('GET', '2.1.1', invite.token)).body).data as Json;
      assert.deepEqual(Object.keys(data211).sort(), [
        'business_details',
        'country_code',
        'party_id',
        'token',
        'url',
      ]);
      assert.equal(data211.token, invite.token);
      const data230 = json((await call('GET', '2.3.0', invite.token)).body).data as Json;
      assert.equal(data230.token, invite.token);
      assert.equal((data230.roles as Json[]).length, 2);
    } finally {
      await close();
    }
  });
});
