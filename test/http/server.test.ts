/**
 * The server's transport rules, over app.inject: authentication, the envelope on every answer
 * (errors included), the HTTP error statuses the status codes chapter allows, message ids,
 * routes generated from the endpoint table, /health, and logs without tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { failure, type OcpiModule, success } from '../../src/platform/modules.js';
import { type OcpiVersion, rowsFor } from '../../src/protocol/index.js';
import type { SqlStore } from '../../src/store/database.js';
import { hashToken } from '../../src/store/tokens.js';
import { authHeader, capturingLogger, testApp, testConfig } from './helpers.js';

type Json = Record<string, unknown>;
const json = (body: string) => JSON.parse(body) as Json;

/** Asserts an OCPI envelope with the given OCPI status and returns it. */
function assertEnvelope(body: string, statusCode: number): Json {
  const parsed = json(body);
  assert.equal(parsed.status_code, statusCode, `status_code in ${body}`);
  assert.equal(parsed.timestamp, '2025-03-04T05:06:07Z');
  return parsed;
}

/**
 * A stand-in Locations module (replacing the real one): serves every row, lists nothing,
 * and throws on one path, to test what the server does around a module.
 */
const fakeLocations: OcpiModule = {
  id: 'locations',
  acceptsRegistrationToken: false,
  handler: (row) => async (ctx) => {
    if (row.method === 'GET' && row.path === '') return success([]);
    if (row.method === 'GET' && row.path === '{location_id}') {
      if (ctx.params.location_id === 'boom') throw new Error('handler failed');
      return failure(2003, `unknown location ${ctx.params.location_id}`);
    }
    return success();
  },
};

describe('the server', () => {
  let app: FastifyInstance;
  let store: SqlStore;
  let close: () => Promise<void>;
  let tokenA: string;
  let registeredToken: string;

  before(async () => {
    const config = testConfig({ modules: ['locations'] });
    ({ app, store, close } = await testApp({ config, modules: [fakeLocations] }));
    tokenA = (await app.platform.credentials.invitePeer({ name: 'invited' })).token;
    registeredToken = 'registered-peer-token';
    await store.peers.create({
      name: 'registered',
      status: 'REGISTERED',
      incomingTokenHash: hashToken(registeredToken),
      outgoingToken: 'ours',
      versionsUrl: 'http://127.0.0.1:1/versions',
      version: '2.2.1',
    });
  });
  after(() => close());

  describe('authentication', () => {
    test('no Authorization header: HTTP 401 with the envelope and a WWW-Authenticate challenge', async () => {
      const res = await app.inject({ method: 'GET', url: '/ocpi/versions' });
      assert.equal(res.statusCode, 401);
      assert.equal(res.headers['www-authenticate'], 'Token');
      assertEnvelope(res.body, 2000);
    });

    test('an unknown token, a wrong scheme and an empty token: HTTP 401', async () => {
      for (const authorization of ['Token bm90LWtub3du', 'Bearer abc', 'Token ', 'Token a b']) {
        const res = await app.inject({ method: 'GET', url: '/ocpi/2.2.1', headers: { authorization } });
        assert.equal(res.statusCode, 401, authorization);
        assertEnvelope(res.body, 2000);
      }
    });

    test('token A opens versions and credentials', async () => {
      for (const url of ['/ocpi/versions', '/ocpi/2.2.1', '/ocpi/2.2.1/credentials']) {
        const res = await app.inject({ method: 'GET', url, headers: authHeader(tokenA) });
        assert.equal(res.statusCode, 200, url);
        assertEnvelope(res.body, 1000);
      }
    });

    test('token A on any other module: HTTP 401 (transport chapter); a registered token gets through', async () => {
      const url = '/ocpi/2.2.1/sender/locations';
      const withA = await app.inject({ method: 'GET', url, headers: authHeader(tokenA) });
      assert.equal(withA.statusCode, 401);
      assert.match(assertEnvelope(withA.body, 2000).status_message as string, /registration token/);
      const registered = await app.inject({ method: 'GET', url, headers: authHeader(registeredToken) });
      assert.equal(registered.statusCode, 200);
      assert.deepEqual(assertEnvelope(registered.body, 1000).data, []);
    });

    test('the token is read Base64-encoded (2.2+) and raw (2.1.1, and unencoding 2.2 peers)', async () => {
      for (const [authorization, url] of [
        [`Token ${registeredToken}`, '/ocpi/2.1.1'],
        [`Token ${registeredToken}`, '/ocpi/2.2.1'],
        [`Token ${Buffer.from(registeredToken).toString('base64')}`, '/ocpi/2.1.1'],
        [`token  ${Buffer.from(registeredToken).toString('base64')}`, '/ocpi/2.3.0'],
      ] as const) {
        const res = await app.inject({ method: 'GET', url, headers: { authorization } });
        assert.equal(res.statusCode, 200, `${authorization} on ${url}`);
      }
    });

    test('a peer that unregistered is refused: its token hash is gone', async () => {
      const token = 'soon-gone-token';
      const peer = await store.peers.create({
        name: 'gone',
        status: 'REGISTERED',
        incomingTokenHash: hashToken(token),
      });
      await store.peers.update(peer.id, { status: 'UNREGISTERED', incomingTokenHash: null });
      const res = await app.inject({ method: 'GET', url: '/ocpi/versions', headers: authHeader(token) });
      assert.equal(res.statusCode, 401);
    });
  });

  describe('the envelope on every answer', () => {
    test('an unknown version: HTTP 404 with the envelope naming the offered versions', async () => {
      for (const url of ['/ocpi/9.9.9', '/ocpi/2.0/credentials', '/ocpi/2.2/credentials']) {
        const res = await app.inject({ method: 'GET', url, headers: authHeader(registeredToken) });
        assert.equal(res.statusCode, 404, url);
        assert.match(res.headers['content-type'] as string, /application\/json/);
        assert.match(
          assertEnvelope(res.body, 2000).status_message as string,
          /offered: 2\.1\.1, 2\.2\.1, 2\.3\.0/,
        );
      }
    });

    test('an unknown path, in or out of a version: HTTP 404 with the envelope, never a bare page', async () => {
      for (const url of [
        '/',
        '/ocpi',
        '/ocpi/2.2.1/nothing',
        '/ocpi/2.2.1/credentials/extra',
        '/favicon.ico',
      ]) {
        const res = await app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 404, url);
        assertEnvelope(res.body, 2000);
      }
    });

    test('a URL that is not valid percent-encoding: HTTP 400 with the envelope and 2001, never a bare error', async () => {
      for (const url of ['/ocpi/2.2.1/sender/locations/L1/%ff', '/ocpi/2.2.1/credentials/%zz', '/ocpi/%ff']) {
        const res = await app.inject({ method: 'GET', url, headers: authHeader(registeredToken) });
        assert.equal(res.statusCode, 400, url);
        const body = assertEnvelope(res.body, 2001);
        assert.match(String(body.status_message), /the request URL is not valid/);
      }
    });

    test('a method the path does not have: HTTP 405 with the envelope and Allow', async () => {
      const res = await app.inject({
        method: 'PATCH',
        url: '/ocpi/2.2.1/credentials',
        headers: authHeader(registeredToken),
      });
      assert.equal(res.statusCode, 405);
      assert.equal(res.headers.allow, 'GET, POST, PUT, DELETE');
      assertEnvelope(res.body, 2000);
    });

    test('a handler that throws: OCPI 3000 with HTTP 200, the request id in the message', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/ocpi/2.2.1/sender/locations/boom',
        headers: { ...authHeader(registeredToken), 'x-request-id': 'req-boom-1' },
      });
      assert.equal(res.statusCode, 200);
      const body = assertEnvelope(res.body, 3000);
      assert.match(body.status_message as string, /req-boom-1/);
      assert.doesNotMatch(res.body, /handler failed/, 'internal error text is not shown to the peer');
    });

    test('a module outcome other than success keeps HTTP 200 and its OCPI status', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/ocpi/2.2.1/sender/locations/LOC1',
        headers: authHeader(registeredToken),
      });
      assert.equal(res.statusCode, 200);
      assert.equal(assertEnvelope(res.body, 2003).status_message, 'unknown location LOC1');
    });

    test('a path parameter longer than its type allows: 2001 naming the parameter', async () => {
      const res = await app.inject({
        method: 'GET',
        url: `/ocpi/2.2.1/sender/locations/${'x'.repeat(37)}`,
        headers: authHeader(registeredToken),
      });
      assert.equal(res.statusCode, 200);
      assert.match(assertEnvelope(res.body, 2001).status_message as string, /location_id.*36/);
    });

    test('a body larger than the limit: HTTP 413 with the envelope', async () => {
      const { app: small, close: closeSmall } = await testApp({ bodyLimit: 100 });
      try {
        const { token } = await small.platform.credentials.invitePeer();
        const res = await small.inject({
          method: 'POST',
          url: '/ocpi/2.2.1/credentials',
          headers: { ...authHeader(token), 'content-type': 'application/json' },
          payload: JSON.stringify({ token: 'x'.repeat(200) }),
        });
        assert.equal(res.statusCode, 413);
        assertEnvelope(res.body, 2000);
      } finally {
        await closeSmall();
      }
    });

    test('trailing and doubled slashes are tolerated', async () => {
      for (const url of ['/ocpi/versions/', '/ocpi/2.2.1/', '/ocpi//2.2.1/credentials/']) {
        const res = await app.inject({ method: 'GET', url, headers: authHeader(registeredToken) });
        assert.equal(res.statusCode, 200, url);
      }
    });
  });

  describe('message ids (2.2.1+)', () => {
    test('X-Request-ID and X-Correlation-ID are echoed in 2.2.1 and 2.3.0', async () => {
      for (const version of ['2.2.1', '2.3.0']) {
        const res = await app.inject({
          method: 'GET',
          url: `/ocpi/${version}`,
          headers: { ...authHeader(registeredToken), 'X-Request-ID': 'r-1', 'X-Correlation-ID': 'c-1' },
        });
        assert.equal(res.headers['x-request-id'], 'r-1');
        assert.equal(res.headers['x-correlation-id'], 'c-1');
      }
    });

    test('errors echo them too, and new ones are made when the request had none', async () => {
      const unauthorized = await app.inject({
        method: 'GET',
        url: '/ocpi/2.3.0/credentials',
        headers: { 'X-Request-ID': 'r-2', 'X-Correlation-ID': 'c-2' },
      });
      assert.equal(unauthorized.statusCode, 401);
      assert.equal(unauthorized.headers['x-request-id'], 'r-2');
      assert.equal(unauthorized.headers['x-correlation-id'], 'c-2');
      const fresh = await app.inject({
        method: 'GET',
        url: '/ocpi/2.3.0',
        headers: authHeader(registeredToken),
      });
      assert.match(fresh.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
      assert.match(fresh.headers['x-correlation-id'] as string, /^[0-9a-f-]{36}$/);
    });

    test('2.1.1 has no message ids', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/ocpi/2.1.1',
        headers: { ...authHeader(registeredToken, '2.1.1'), 'X-Request-ID': 'r-3' },
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-request-id'], undefined);
      assert.equal(res.headers['x-correlation-id'], undefined);
    });
  });

  describe('versions and version details', () => {
    test('GET /ocpi/versions lists every offered version with its details URL', async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/ocpi/versions',
        headers: authHeader(registeredToken),
      });
      assert.deepEqual(assertEnvelope(res.body, 1000).data, [
        { version: '2.1.1', url: 'http://127.0.0.1:8080/ocpi/2.1.1' },
        { version: '2.2.1', url: 'http://127.0.0.1:8080/ocpi/2.2.1' },
        { version: '2.3.0', url: 'http://127.0.0.1:8080/ocpi/2.3.0' },
      ]);
    });

    test('details list exactly the enabled modules: no role in 2.1.1, a role in 2.2.1 and 2.3.0', async () => {
      const d211 = assertEnvelope(
        (await app.inject({ method: 'GET', url: '/ocpi/2.1.1', headers: authHeader(registeredToken) })).body,
        1000,
      ).data;
      assert.deepEqual(d211, {
        version: '2.1.1',
        endpoints: [
          { identifier: 'credentials', url: 'http://127.0.0.1:8080/ocpi/2.1.1/credentials' },
          // 2.1.1 endpoints carry no role: the URL names the side (cpo: Sender, emsp: Receiver).
          { identifier: 'locations', url: 'http://127.0.0.1:8080/ocpi/2.1.1/cpo/locations' },
          { identifier: 'locations', url: 'http://127.0.0.1:8080/ocpi/2.1.1/emsp/locations' },
        ],
      });
      for (const version of ['2.2.1', '2.3.0']) {
        const data = assertEnvelope(
          (await app.inject({ method: 'GET', url: `/ocpi/${version}`, headers: authHeader(registeredToken) }))
            .body,
          1000,
        ).data;
        assert.deepEqual(data, {
          version,
          endpoints: [
            {
              identifier: 'credentials',
              role: 'SENDER',
              url: `http://127.0.0.1:8080/ocpi/${version}/credentials`,
            },
            {
              identifier: 'locations',
              role: 'SENDER',
              url: `http://127.0.0.1:8080/ocpi/${version}/sender/locations`,
            },
            {
              identifier: 'locations',
              role: 'RECEIVER',
              url: `http://127.0.0.1:8080/ocpi/${version}/receiver/locations`,
            },
          ],
        });
      }
    });

    test('a node with versions and credentials only lists credentials alone', async () => {
      const {
        app: plain,
        store: plainStore,
        close: closePlain,
      } = await testApp({
        config: testConfig({ modules: [] }),
      });
      try {
        const token = 'plain-token';
        await plainStore.peers.create({
          name: 'p',
          status: 'REGISTERED',
          incomingTokenHash: hashToken(token),
        });
        const res = await plain.inject({ method: 'GET', url: '/ocpi/2.3.0', headers: authHeader(token) });
        assert.deepEqual((assertEnvelope(res.body, 1000).data as Json).endpoints, [
          { identifier: 'credentials', role: 'SENDER', url: 'http://127.0.0.1:8080/ocpi/2.3.0/credentials' },
        ]);
        const locations = await plain.inject({
          method: 'GET',
          url: '/ocpi/2.3.0/sender/locations',
          headers: authHeader(token),
        });
        assert.equal(locations.statusCode, 404);
      } finally {
        await closePlain();
      }
    });

    test('a version not offered has no routes at all', async () => {
      const {
        app: only,
        store: onlyStore,
        close: closeOnly,
      } = await testApp({
        config: testConfig({ versions: ['2.2.1'] }),
      });
      try {
        const token = 'only-token';
        await onlyStore.peers.create({
          name: 'p',
          status: 'REGISTERED',
          incomingTokenHash: hashToken(token),
        });
        for (const version of ['2.1.1', '2.3.0'] as OcpiVersion[]) {
          const res = await only.inject({
            method: 'GET',
            url: `/ocpi/${version}/credentials`,
            headers: authHeader(token),
          });
          assert.equal(res.statusCode, 404);
        }
        const versions = await only.inject({
          method: 'GET',
          url: '/ocpi/versions',
          headers: authHeader(token),
        });
        assert.deepEqual(assertEnvelope(versions.body, 1000).data, [
          { version: '2.2.1', url: 'http://127.0.0.1:8080/ocpi/2.2.1' },
        ]);
      } finally {
        await closeOnly();
      }
    });

    test('routes are generated from the endpoint table: one per row of each enabled module', () => {
      const routes = app.ocpiRoutes.routes;
      for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
        for (const row of rowsFor(version, 'credentials')) {
          assert.ok(routes.some((r) => r.method === row.method && r.path === `/ocpi/${version}/credentials`));
        }
        const locationRows = rowsFor(version, 'locations').length;
        const locationRoutes = routes.filter(
          (r) => r.path.startsWith(`/ocpi/${version}/`) && r.path.includes('/locations'),
        ).length;
        assert.equal(locationRoutes, locationRows, `${version} locations`);
      }
      assert.equal(routes.filter((r) => r.path === '/ocpi/versions').length, 1);
    });
  });

  describe('/health', () => {
    test('200 while the database answers, 503 when it does not; OCPI calls then get 3000', async () => {
      const { app: h, store: hs } = await testApp();
      const up = await h.inject({ method: 'GET', url: '/health' });
      assert.equal(up.statusCode, 200);
      assert.deepEqual(json(up.body), { status: 'ok', database: true });
      await hs.close();
      const down = await h.inject({ method: 'GET', url: '/health' });
      assert.equal(down.statusCode, 503);
      assert.deepEqual(json(down.body), { status: 'unavailable', database: false });
      // An OCPI request that cannot be authenticated for want of a database: 3000 in the envelope.
      const ocpi = await h.inject({ method: 'GET', url: '/ocpi/versions', headers: authHeader('any-token') });
      assert.equal(ocpi.statusCode, 200);
      assertEnvelope(ocpi.body, 3000);
      await h.close();
    });
  });
});

describe('logs', () => {
  test('carry the request id and never a token, through success, 401, 2001 and 3000', async () => {
    const log = capturingLogger('debug');
    const config = testConfig({ modules: ['locations'] });
    const { app, store, close } = await testApp({ config, modules: [fakeLocations], logger: log.logger });
    try {
      const token = 'log-test-secret-token-1234';
      await store.peers.create({ name: 'p', status: 'REGISTERED', incomingTokenHash: hashToken(token) });
      const encoded = Buffer.from(token).toString('base64');
      await app.inject({
        method: 'GET',
        url: '/ocpi/2.2.1',
        headers: { ...authHeader(token), 'x-request-id': 'log-req-1' },
      });
      await app.inject({
        method: 'GET',
        url: '/ocpi/2.2.1',
        headers: { authorization: `Token ${encoded}x` },
      });
      await app.inject({
        method: 'PUT',
        url: '/ocpi/2.2.1/credentials',
        headers: { ...authHeader(token), 'content-type': 'application/json' },
        payload: JSON.stringify({ token, url: 'nope' }),
      });
      await app.inject({
        method: 'GET',
        url: '/ocpi/2.2.1/sender/locations/boom',
        headers: authHeader(token),
      });
      const text = log.text();
      assert.ok(text.length > 0, 'something was logged');
      assert.ok(!text.includes(token), 'the token in clear is not logged');
      assert.ok(!text.includes(encoded), 'the Base64 form is not logged');
      const lines = log.lines();
      assert.ok(
        lines.some((l) => l.reqId === 'log-req-1'),
        'the peer request id is the log request id',
      );
      assert.ok(lines.every((l) => l.msg === undefined || typeof l.msg === 'string'));
      const failed = lines.find((l) => l.msg === 'request failed');
      assert.ok(
        failed !== undefined && typeof failed.reqId === 'string',
        'the 3000 is logged with its request id',
      );
    } finally {
      await close();
    }
  });

  test('the redaction covers Authorization headers and token fields should a log call include them', () => {
    const log = capturingLogger('info');
    log.logger.info(
      {
        req: { headers: { authorization: 'Token s3cret' } },
        token: 's3cret',
        peer: { outgoingToken: 's3cret' },
      },
      'x',
    );
    assert.ok(!log.text().includes('s3cret'));
    assert.match(log.text(), /\[redacted\]/);
  });
});
