/**
 * The admin API over app.inject: bearer auth (and off without a token), plain JSON with its own
 * not-found and error answers, each action against scripted peers, and every bad input answered
 * 400 naming the field.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bearerToken, PeerActionError, parseRegisterInput } from '../../src/http/admin.js';
import { hashToken } from '../../src/store/tokens.js';
import { authHeader, capturingLogger, scriptedPeer, testApp, testConfig } from './helpers.js';

type Json = Record<string, unknown>;
const ADMIN_TOKEN = 'admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function setup(
  options: { peer?: Parameters<typeof scriptedPeer>[0]; adminToken?: string | null } = {},
) {
  const peer = scriptedPeer(options.peer);
  const log = capturingLogger('info');
  const adminToken = options.adminToken === null ? undefined : (options.adminToken ?? ADMIN_TOKEN);
  const node = await testApp({
    fetch: peer.fetch,
    config: testConfig(adminToken === undefined ? {} : { adminToken }),
    logger: log.logger,
  });
  const call = async (
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    headers: Record<string, string> = admin,
  ) => {
    const res = await node.app.inject({
      method,
      url,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.statusCode, body: JSON.parse(res.body) as Json, headers: res.headers };
  };
  const register = () =>
    call('POST', '/admin/peers/register', { versions_url: peer.versionsUrl, token: 'token-a', name: 'P' });
  return { ...node, peer, log, call, register };
}

/** A plain-JSON admin error: no OCPI envelope fields. */
function assertAdminError(body: Json, error: string, field?: string) {
  assert.equal(body.error, error);
  assert.equal(typeof body.message, 'string');
  assert.equal(body.status_code, undefined, 'no OCPI envelope on the admin API');
  if (field !== undefined) assert.equal(body.field, field);
}

describe('admin API: authentication', () => {
  test('no or a wrong bearer token: 401 with WWW-Authenticate, on known and unknown paths', async () => {
    const { call, close } = await setup();
    try {
      for (const headers of <Record<string, string>[]>[
        {},
        { authorization: 'Bearer wrong-token-0123456789' },
        { authorization: `Token ${ADMIN_TOKEN}` },
        { authorization: `Bearer ${ADMIN_TOKEN}x` },
        { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` },
      ]) {
        for (const url of ['/admin/peers', '/admin/no-such-thing']) {
          const res = await call('GET', url, undefined, headers);
          assert.equal(res.status, 401, `${url} ${JSON.stringify(headers)}`);
          assert.match(String(res.headers['www-authenticate']), /^Bearer/);
          assertAdminError(res.body, 'unauthorized');
        }
      }
      // The scheme is case-insensitive; the token is not.
      assert.equal(
        (await call('GET', '/admin/peers', undefined, { authorization: `bearer ${ADMIN_TOKEN}` })).status,
        200,
      );
      assert.equal(
        (
          await call('GET', '/admin/peers', undefined, {
            authorization: `Bearer ${ADMIN_TOKEN.toUpperCase()}`,
          })
        ).status,
        401,
      );
    } finally {
      await close();
    }
  });

  test('without an admin token configured, every /admin path is 404 (the API is off), even with a token', async () => {
    const { call, close } = await setup({ adminToken: null });
    try {
      for (const [method, url] of [
        ['GET', '/admin/peers'],
        ['POST', '/admin/peers/invite'],
        ['GET', '/admin'],
      ] as const) {
        const res = await call(method, url);
        assert.equal(res.status, 404, url);
        assertAdminError(res.body, 'not_found');
        assert.match(String(res.body.message), /admin API is off/);
      }
    } finally {
      await close();
    }
  });

  test('unknown admin paths get the admin not-found answer; OCPI paths keep the OCPI envelope', async () => {
    const { call, close, app } = await setup();
    try {
      const res = await call('GET', '/admin/peers/x/y/z');
      assert.equal(res.status, 404);
      assertAdminError(res.body, 'not_found');
      const wrongMethod = await call('GET', '/admin/peers/invite');
      assert.equal(wrongMethod.status, 404);
      assertAdminError(wrongMethod.body, 'not_found');
      const ocpi = await app.inject({ method: 'GET', url: '/ocpi/9.9.9' });
      assert.equal(ocpi.statusCode, 404);
      assert.equal(JSON.parse(ocpi.body).status_code, 2000);
      const beside = await app.inject({ method: 'GET', url: '/administrator' });
      assert.equal(
        JSON.parse(beside.body).status_code,
        2000,
        'a path merely starting with /admin is not the admin API',
      );
    } finally {
      await close();
    }
  });

  test('bearerToken reads only the Bearer scheme', () => {
    assert.equal(bearerToken(`Bearer ${ADMIN_TOKEN}`), ADMIN_TOKEN);
    assert.equal(bearerToken(`  bearer\t${ADMIN_TOKEN} `), ADMIN_TOKEN);
    assert.equal(bearerToken(`Token ${ADMIN_TOKEN}`), undefined);
    assert.equal(bearerToken('Bearer a b'), undefined);
    assert.equal(bearerToken(undefined), undefined);
  });
});

describe('admin API: actions', () => {
  test('invite: 201 with a token A that works on /ocpi/versions, our versions URL, and the INVITED peer', async () => {
    const { call, app, store, close } = await setup();
    try {
      const res = await call('POST', '/admin/peers/invite', { name: 'Peer One' });
      assert.equal(res.status, 201);
      assert.equal(res.headers['cache-control'], 'no-store');
      const { token, versions_url, peer } = res.body as { token: string; versions_url: string; peer: Json };
      assert.equal(versions_url, 'http://127.0.0.1:8080/ocpi/versions');
      assert.equal(peer.status, 'INVITED');
      assert.equal(peer.name, 'Peer One');
      const stored = await store.peers.findById(String(peer.id));
      assert.equal(stored?.incomingTokenHash, hashToken(token));
      const versions = await app.inject({ method: 'GET', url: '/ocpi/versions', headers: authHeader(token) });
      assert.equal(JSON.parse(versions.body).status_code, 1000);
      // A body is optional.
      const bare = await call('POST', '/admin/peers/invite');
      assert.equal(bare.status, 201);
      assert.equal((bare.body.peer as Json).name, null);
    } finally {
      await close();
    }
  });

  test('register: 201 with the REGISTERED peer; list shows it without any token or hash', async () => {
    const { call, register, peer, store, close } = await setup({ peer: { versions: ['2.2.1'] } });
    try {
      const res = await register();
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const registered = res.body.peer as Json;
      assert.equal(registered.status, 'REGISTERED');
      assert.equal(registered.version, '2.2.1');
      assert.deepEqual(registered.parties, ['DE:PEE:EMSP']);
      assert.ok(peer.requests.some((r) => r.method === 'POST' && r.url.endsWith('/2.2.1/credentials')));

      const list = await call('GET', '/admin/peers');
      assert.equal(list.status, 200);
      const peers = list.body.peers as Json[];
      assert.equal(peers.length, 1);
      const stored = await store.peers.findById(String(registered.id));
      const text = JSON.stringify(list.body);
      assert.ok(stored?.outgoingToken && stored.incomingTokenHash);
      assert.ok(!text.includes(stored.outgoingToken), 'the token we present never leaves the node');
      assert.ok(!text.includes(stored.incomingTokenHash), 'nor the hash of the one we accept');
      assert.ok(!/token/i.test(Object.keys(peers[0] as Json).join(',')));

      const filtered = await call('GET', '/admin/peers?status=invited');
      assert.deepEqual(filtered.body.peers, []);
    } finally {
      await close();
    }
  });

  test('update: rotates the tokens and answers the peer; unregister: UNREGISTERED, a second time 409', async () => {
    const { call, register, peer, store, close } = await setup({ peer: { versions: ['2.3.0'] } });
    try {
      const id = String(((await register()).body.peer as Json).id);
      const before = await store.peers.findById(id);
      const updated = await call('POST', `/admin/peers/${id}/update`);
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.equal((updated.body.peer as Json).version, '2.3.0');
      const after = await store.peers.findById(id);
      assert.notEqual(
        after?.incomingTokenHash,
        before?.incomingTokenHash,
        'our token for the peer was rotated',
      );
      assert.ok(peer.requests.some((r) => r.method === 'PUT'));

      const gone = await call('POST', `/admin/peers/${id}/unregister`);
      assert.equal(gone.status, 200);
      assert.equal((gone.body.peer as Json).status, 'UNREGISTERED');
      assert.deepEqual(gone.body.remote, { ok: true });
      assert.ok(peer.requests.some((r) => r.method === 'DELETE'));

      const again = await call('POST', `/admin/peers/${id}/unregister`);
      assert.equal(again.status, 409);
      assertAdminError(again.body, 'conflict');
      const update = await call('POST', `/admin/peers/${id}/update`);
      assert.equal(update.status, 409);
    } finally {
      await close();
    }
  });

  test('update or unregister of an unknown peer: 404 naming the id', async () => {
    const { call, close } = await setup();
    try {
      for (const action of ['update', 'unregister']) {
        const res = await call('POST', `/admin/peers/no-such-peer/${action}`);
        assert.equal(res.status, 404);
        assertAdminError(res.body, 'not_found');
        assert.match(String(res.body.message), /no-such-peer/);
      }
    } finally {
      await close();
    }
  });

  test('an invited peer cannot be updated (409) but can be unregistered (its invitation revoked)', async () => {
    const { call, close } = await setup();
    try {
      const { token, peer } = (await call('POST', '/admin/peers/invite')).body as {
        token: string;
        peer: Json;
      };
      assert.equal((await call('POST', `/admin/peers/${String(peer.id)}/update`)).status, 409);
      const res = await call('POST', `/admin/peers/${String(peer.id)}/unregister`);
      assert.equal(res.status, 200);
      assert.equal((res.body.peer as Json).status, 'UNREGISTERED');
      assert.ok(token);
    } finally {
      await close();
    }
  });

  test('a peer that cannot be used: 502 with OCPI status 3001, nothing stored; a good peer then registers', async () => {
    const { call, register, store, close } = await setup({ peer: { versions: ['2.1.1'] } });
    try {
      const unreachable = await call('POST', '/admin/peers/register', {
        versions_url: 'http://127.0.0.1:9999/nowhere/versions',
        token: 'token-a',
      });
      assert.equal(unreachable.status, 502);
      assertAdminError(unreachable.body, 'handshake_failed');
      assert.equal(unreachable.body.ocpi_status, 3001);
      assert.deepEqual(await store.peers.list(), []);
      assert.equal((await register()).status, 201, 'the 2.1.1 peer registers in 2.1.1');
    } finally {
      await close();
    }
  });

  test('no mutual version: 502 with OCPI status 3002', async () => {
    const { register, store, close } = await setup({ peer: { versions: ['2.0' as '2.2.1'] } });
    try {
      const res = await register();
      assert.equal(res.status, 502);
      assert.equal(res.body.ocpi_status, 3002);
      assert.deepEqual(await store.peers.list(), []);
    } finally {
      await close();
    }
  });
});

describe('admin API: bad input is 400 naming the field', () => {
  const cases: [string, string, unknown, string][] = [
    ['register without a body', '/admin/peers/register', undefined, '(body)'],
    ['register with an array', '/admin/peers/register', [], '(body)'],
    ['register without versions_url', '/admin/peers/register', { token: 'a' }, 'versions_url'],
    [
      'register with versions_url not a URL',
      '/admin/peers/register',
      { versions_url: 'nope', token: 'a' },
      'versions_url',
    ],
    [
      'register with an ftp URL',
      '/admin/peers/register',
      { versions_url: 'ftp://x.example/v', token: 'a' },
      'versions_url',
    ],
    ['register with a number URL', '/admin/peers/register', { versions_url: 5, token: 'a' }, 'versions_url'],
    ['register without token', '/admin/peers/register', { versions_url: 'https://x.example/v' }, 'token'],
    [
      'register with a token with spaces',
      '/admin/peers/register',
      { versions_url: 'https://x.example/v', token: 'a b' },
      'token',
    ],
    [
      'register with a camelCase key',
      '/admin/peers/register',
      { versionsUrl: 'https://x.example/v', token: 'a' },
      'versionsUrl',
    ],
    [
      'register with a numeric name',
      '/admin/peers/register',
      { versions_url: 'https://x.example/v', token: 'a', name: 1 },
      'name',
    ],
    ['invite with a numeric name', '/admin/peers/invite', { name: 42 }, 'name'],
    ['invite with an empty name', '/admin/peers/invite', { name: ' ' }, 'name'],
    ['invite with an unknown field', '/admin/peers/invite', { nam: 'x' }, 'nam'],
    ['invite with a string body', '/admin/peers/invite', '"x"', '(body)'],
    ['a body that is not JSON', '/admin/peers/invite', '{"name":', '(body)'],
  ];
  for (const [title, url, body, field] of cases) {
    test(title, async () => {
      const { call, store, close } = await setup();
      try {
        const res = await call('POST', url, body);
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assertAdminError(res.body, 'bad_request', field);
        assert.deepEqual(await store.peers.list(), [], 'nothing stored');
      } finally {
        await close();
      }
    });
  }

  test('an unknown status filter', async () => {
    const { call, close } = await setup();
    try {
      const res = await call('GET', '/admin/peers?status=HAPPY');
      assert.equal(res.status, 400);
      assertAdminError(res.body, 'bad_request', 'status');
    } finally {
      await close();
    }
  });

  test('parseRegisterInput keeps what it checked', () => {
    assert.deepEqual(parseRegisterInput({ versions_url: ' https://x.example/v ', token: 't' }), {
      versionsUrl: 'https://x.example/v',
      token: 't',
      name: null,
    });
    assert.throws(() => parseRegisterInput({}), PeerActionError);
  });
});

describe('admin API: logs', () => {
  test('neither the admin token nor the tokens handed out reach the log', async () => {
    const { call, register, log, close } = await setup();
    try {
      const invite = await call('POST', '/admin/peers/invite', { name: 'x' });
      await register();
      await call('GET', '/admin/peers', undefined, { authorization: 'Bearer wrong-token-0123456789' });
      const text = log.text();
      assert.ok(text.includes('admin: invited peer'), 'actions are logged');
      assert.ok(!text.includes(ADMIN_TOKEN));
      assert.ok(!text.includes(String(invite.body.token)));
      assert.ok(!text.includes('token-a'));
      assert.ok(!text.includes('wrong-token-0123456789'));
    } finally {
      await close();
    }
  });
});
