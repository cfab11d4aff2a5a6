import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { type CredentialsOf, OcpiClient, type OcpiClientOptions } from '../../src/client/client.js';
import {
  OcpiHttpError,
  OcpiStatusError,
  OcpiTransportError,
  OcpiValidationError,
  UrlPolicyError,
} from '../../src/client/errors.js';
import { decodeAuthorization } from '../../src/protocol/common/auth.js';
import type { OcpiVersion } from '../../src/protocol/index.js';
import { readExample } from '../helpers/fixtures.js';
import { fail, ok, type PeerServer, type Reply, startPeer } from './peer-server.js';

const TOKEN = 'ebf3b399-779f-4497-9b9d-ac6ad3cc44d2';
const TOKEN_B64 = Buffer.from(TOKEN).toString('base64');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A dev-mode client (loopback servers) that records its backoff sleeps instead of waiting. */
function client<V extends OcpiVersion>(
  version: V,
  extra: Partial<OcpiClientOptions<V>> = {},
): OcpiClient<V> & { sleeps: number[] } {
  const sleeps: number[] = [];
  const c = new OcpiClient<V>({
    version,
    token: TOKEN,
    urlPolicy: { dev: true },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return Object.assign(c, { sleeps });
}

/** Starts a peer for one test and closes it afterwards. */
async function withPeer(
  handler: (request: PeerServer['requests'][number], index: number) => Reply | Promise<Reply>,
  body: (peer: PeerServer) => Promise<void>,
): Promise<void> {
  const peer = await startPeer(handler);
  try {
    await body(peer);
  } finally {
    await peer.close();
  }
}

/** Every text an error exposes: message, stack, own fields, the inspected form. */
function everythingIn(error: unknown): string {
  return [
    String((error as Error).message),
    String((error as Error).stack),
    JSON.stringify(error),
    JSON.stringify(Object.fromEntries(Object.entries(error as object))),
    inspect(error, { depth: 10 }),
  ].join('\n');
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to throw');
}

describe('success: the envelope unwrapped', () => {
  test('2.2.1 versions list (the spec example envelope) comes back as data with its status', async () => {
    const envelope = readExample('2.2.1/transport_and_format_version_info_example.json') as { data: unknown };
    await withPeer(
      () => ({ body: envelope }),
      async (peer) => {
        const result = await client('2.2.1').getVersions(`${peer.base}/ocpi/versions`);
        assert.deepEqual(result.data, envelope.data);
        assert.equal(result.statusCode, 1000);
        assert.equal(result.statusMessage, 'Success');
        assert.equal(result.timestamp?.toISOString(), '2015-06-30T21:59:59.000Z');
        assert.equal(result.httpStatus, 200);
        assert.equal(result.attempts, 1);
        assert.equal(result.headers.get('content-type'), 'application/json');
        assert.equal(peer.requests[0]?.method, 'GET');
        assert.equal(peer.requests[0]?.url, '/ocpi/versions');
      },
    );
  });

  test('2.1.1 versions and details (no role, unknown version 2.0) are read leniently', async () => {
    const versions = readExample('2.1.1/version_information_endpoint_01.json.txt');
    const details = readExample('2.1.1/version_information_endpoint_02.json.txt');
    await withPeer(
      (req) => ok(req.url.endsWith('/versions') ? versions : details),
      async (peer) => {
        const c = client('2.1.1');
        const list = await c.getVersions(`${peer.base}/ocpi/cpo/versions`);
        assert.deepEqual(
          list.data.map((v) => v.version),
          ['2.1.1', '2.0'],
        );
        const got = await c.getVersionDetails(`${peer.base}/ocpi/cpo/2.0/`);
        assert.equal(got.data.version, '2.0');
        assert.deepEqual(
          got.data.endpoints.map((e) => [e.identifier, e.role]),
          [
            ['credentials', undefined],
            ['locations', undefined],
          ],
        );
      },
    );
  });

  test('2.3.0 version details with a custom module and an extra field keep both', async () => {
    const details = readExample('2.3.0/version_details_example.json') as { endpoints: unknown[] };
    const data = {
      ...details,
      endpoints: [...details.endpoints, { identifier: 'x-custom', role: 'RECEIVER', url: 'https://p/x' }],
      extra: 'kept',
    };
    await withPeer(
      () => ok(data),
      async (peer) => {
        const got = await client('2.3.0').getVersionDetails(`${peer.base}/ocpi/2.3.0`);
        assert.deepEqual(got.data, data);
      },
    );
  });

  test('a versions list that is not one is an OcpiValidationError naming the field', async () => {
    await withPeer(
      () => ok([{ version: '2.2.1' }]),
      async (peer) => {
        const error = await caught(client('2.2.1').getVersions(`${peer.base}/ocpi/versions`));
        assert.ok(error instanceof OcpiValidationError);
        assert.equal(error.direction, 'response');
        assert.equal(error.issues[0]?.pointer, '/0/url');
        assert.match(error.message, /\/0\/url required field 'url' is missing/);
      },
    );
  });

  test('query parameters are appended; a Date becomes an OCPI DateTime', async () => {
    await withPeer(
      () => ok([]),
      async (peer) => {
        await client('2.2.1').request({
          method: 'GET',
          url: `${peer.base}/ocpi/2.2.1/locations?x=1`,
          query: { date_from: new Date('2024-01-02T03:04:05Z'), limit: 10, skip: undefined },
        });
        assert.equal(
          peer.requests[0]?.url,
          '/ocpi/2.2.1/locations?x=1&date_from=2024-01-02T03%3A04%3A05Z&limit=10',
        );
      },
    );
  });

  test('pages() follows Link rel="next" until the last page', async () => {
    await withPeer(
      (req) =>
        req.url.includes('offset=2')
          ? ok([{ id: 3 }])
          : {
              body: { data: [{ id: 1 }, { id: 2 }], status_code: 1000, timestamp: '2024-05-01T10:00:00Z' },
              headers: { Link: '</ocpi/2.2.1/tariffs?offset=2&limit=2>; rel="next"', 'X-Total-Count': '3' },
            },
      async (peer) => {
        const ids: number[] = [];
        for await (const page of client('2.2.1').pages<{ id: number }>({
          url: `${peer.base}/ocpi/2.2.1/tariffs`,
          query: { limit: 2 },
        })) {
          ids.push(...page.data.map((t) => t.id));
        }
        assert.deepEqual(ids, [1, 2, 3]);
        assert.deepEqual(
          peer.requests.map((r) => r.url),
          ['/ocpi/2.2.1/tariffs?limit=2', '/ocpi/2.2.1/tariffs?offset=2&limit=2'],
        );
      },
    );
  });
});

test('pages() refuses a Link that loops back to a fetched page', async () => {
  await withPeer(
    () => ({
      body: { data: [1], status_code: 1000, timestamp: '2024-05-01T10:00:00Z' },
      headers: { Link: '</t?limit=1>; rel="next"' },
    }),
    async (peer) => {
      let pages = 0;
      const error = await caught(
        (async () => {
          for await (const _ of client('2.2.1').pages({ url: `${peer.base}/t`, query: { limit: 1 } }))
            pages++;
        })(),
      );
      assert.ok(error instanceof OcpiTransportError);
      assert.equal(error.code, 'PAGINATION_LOOP');
      assert.equal(pages, 1);
      assert.equal(peer.requests.length, 1);
    },
  );
});

describe('authorization and message ids per version', () => {
  for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
    test(`${version}: the token is sent ${version === '2.1.1' ? 'as is' : 'Base64-encoded'}`, async () => {
      await withPeer(
        () => ok([]),
        async (peer) => {
          await client(version).getVersions(`${peer.base}/ocpi/versions`);
          const header = peer.requests[0]?.headers.authorization;
          assert.equal(header, version === '2.1.1' ? `Token ${TOKEN}` : `Token ${TOKEN_B64}`);
          const decoded = decodeAuthorization(header, version, { allow: [] });
          assert.ok(decoded.ok);
          assert.equal(decoded.candidates[0]?.token, TOKEN);
        },
      );
    });
  }

  test('2.2.1+: a new X-Request-ID per request, X-Correlation-ID new unless given', async () => {
    await withPeer(
      () => ok([]),
      async (peer) => {
        const c = client('2.3.0');
        const first = await c.getVersions(`${peer.base}/v`);
        await c.getVersions(`${peer.base}/v`, { correlationId: 'conv-42' });
        const [a, b] = peer.requests.map((r) => r.headers);
        assert.match(String(a?.['x-request-id']), UUID);
        assert.match(String(b?.['x-request-id']), UUID);
        assert.notEqual(a?.['x-request-id'], b?.['x-request-id']);
        assert.match(String(a?.['x-correlation-id']), UUID);
        assert.notEqual(a?.['x-correlation-id'], a?.['x-request-id']);
        assert.equal(b?.['x-correlation-id'], 'conv-42');
        assert.equal(first.requestId, a?.['x-request-id']);
        assert.equal(first.correlationId, a?.['x-correlation-id']);
      },
    );
  });

  test('2.1.1 sends no message-id headers', async () => {
    await withPeer(
      () => ok([]),
      async (peer) => {
        await client('2.1.1').getVersions(`${peer.base}/v`);
        assert.equal(peer.requests[0]?.headers['x-request-id'], undefined);
        assert.equal(peer.requests[0]?.headers['x-correlation-id'], undefined);
      },
    );
  });

  test('routing headers go on routed modules only, never on credentials', async () => {
    await withPeer(
      () => ok(),
      async (peer) => {
        const c = client('2.2.1', { from: { countryCode: 'NL', partyId: 'RMK' } });
        const location = readExample('2.2.1/location_example.json');
        await c.callEndpoint(c.endpoint('locations', 'PUT', '{country_code}/{party_id}/{location_id}'), {
          url: `${peer.base}/ocpi/emsp/2.2.1/locations/`,
          params: { country_code: 'BE', party_id: 'BEC', location_id: 'LOC1' },
          body: location,
          to: { countryCode: 'DE', partyId: 'ABC' },
        });
        const put = peer.requests[0];
        assert.equal(put?.method, 'PUT');
        assert.equal(put?.url, '/ocpi/emsp/2.2.1/locations/BE/BEC/LOC1');
        assert.equal(put?.headers['content-type'], 'application/json');
        assert.deepEqual(JSON.parse(put?.body ?? ''), location);
        assert.equal(put?.headers['ocpi-from-country-code'], 'NL');
        assert.equal(put?.headers['ocpi-from-party-id'], 'RMK');
        assert.equal(put?.headers['ocpi-to-country-code'], 'DE');
        assert.equal(put?.headers['ocpi-to-party-id'], 'ABC');

        // A node hosting several parties names the sending one per call.
        await c.callEndpoint(c.endpoint('locations', 'PUT', '{country_code}/{party_id}/{location_id}'), {
          url: `${peer.base}/ocpi/emsp/2.2.1/locations/`,
          params: { country_code: 'BE', party_id: 'BEC', location_id: 'LOC1' },
          body: location,
          from: { countryCode: 'BE', partyId: 'BEC' },
        });
        assert.equal(peer.requests[1]?.headers['ocpi-from-party-id'], 'BEC');

        await c.deleteCredentials(`${peer.base}/ocpi/2.2.1/credentials`);
        const del = peer.requests[2];
        assert.equal(del?.method, 'DELETE');
        assert.equal(del?.headers['ocpi-from-country-code'], undefined);
        assert.equal(del?.headers['ocpi-to-party-id'], undefined);
      },
    );
  });
});

describe('credentials', () => {
  const examples = {
    '2.1.1': readExample('2.1.1/credentials_01.json.txt'),
    '2.2.1': readExample('2.2.1/credentials_example.json'),
    '2.3.0': readExample('2.3.0/credentials_example.json'),
  } as const;

  for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
    test(`${version}: POST sends ours, returns theirs; PUT, GET, DELETE`, async () => {
      const theirs = { ...(examples[version] as object), token: 'their-token-B' } as CredentialsOf<
        typeof version
      >;
      await withPeer(
        (req) => (req.method === 'DELETE' ? ok() : ok(theirs)),
        async (peer) => {
          const c = client(version);
          const ours = examples[version] as CredentialsOf<typeof version>;
          const url = `${peer.base}/ocpi/${version}/credentials`;
          const posted = await c.postCredentials(url, ours);
          assert.deepEqual(posted.data, theirs);
          assert.deepEqual(JSON.parse(peer.requests[0]?.body ?? ''), ours);
          assert.equal((await c.putCredentials(url, ours)).data.token, 'their-token-B');
          assert.equal((await c.getCredentials(url)).data.url, theirs.url);
          const deleted = await c.deleteCredentials(url);
          assert.equal(deleted.data, undefined);
          assert.deepEqual(
            peer.requests.map((r) => r.method),
            ['POST', 'PUT', 'GET', 'DELETE'],
          );
        },
      );
    });
  }

  test('an invalid body of ours is refused before anything is sent', async () => {
    await withPeer(
      () => ok(),
      async (peer) => {
        const { roles: _missing, ...bad } = examples['2.2.1'] as Record<string, unknown>;
        const error = await caught(
          client('2.2.1').postCredentials(`${peer.base}/c`, bad as unknown as CredentialsOf<'2.2.1'>),
        );
        assert.ok(error instanceof OcpiValidationError);
        assert.equal(error.direction, 'request');
        assert.equal(error.attempts, 0);
        assert.equal(error.issues[0]?.field, 'roles');
        assert.equal(peer.requests.length, 0);
      },
    );
  });

  test("the peer's credentials are validated (2.1.1 shape answered on a 2.2.1 connection)", async () => {
    await withPeer(
      () => ok(examples['2.1.1']),
      async (peer) => {
        const c = client('2.2.1');
        const error = await caught(c.getCredentials(`${peer.base}/c`));
        assert.ok(error instanceof OcpiValidationError);
        assert.equal(error.direction, 'response');
        assert.ok(error.issues.some((i) => i.field === 'roles'));
        // The caller may take it as is.
        const raw = await c.getCredentials(`${peer.base}/c`, { validateResponse: false });
        assert.equal((raw.data as unknown as { party_id: string }).party_id, 'EXA');
      },
    );
  });
});

describe('errors', () => {
  test('an OCPI error status is an OcpiStatusError with its code, message and data', async () => {
    await withPeer(
      () => fail(2001, 'Missing field roles', 200, { fields: ['roles'] }),
      async (peer) => {
        const c = client('2.2.1');
        const error = await caught(c.postCredentials(`${peer.base}/c`, examples221()));
        assert.ok(error instanceof OcpiStatusError);
        assert.equal(error.code, 2001);
        assert.equal(error.statusMessage, 'Missing field roles');
        assert.equal(error.httpStatus, 200);
        assert.deepEqual(error.data, { fields: ['roles'] });
        assert.equal(error.requestId, peer.requests[0]?.headers['x-request-id']);
        assert.match(
          error.message,
          /^POST http:\/\/127\.0\.0\.1:\d+\/c: OCPI status 2001: Missing field roles/,
        );
      },
    );
  });

  test('HTTP 401 with an envelope is an OcpiStatusError carrying both statuses, not retried', async () => {
    await withPeer(
      () => fail(2000, 'Unknown token', 401),
      async (peer) => {
        const c = client('2.1.1');
        const error = await caught(c.getVersions(`${peer.base}/ocpi/versions`));
        assert.ok(error instanceof OcpiStatusError);
        assert.equal(error.code, 2000);
        assert.equal(error.httpStatus, 401);
        assert.equal(peer.requests.length, 1);
        assert.deepEqual(c.sleeps, []);
      },
    );
  });

  test('a 2xx body that is not JSON is OcpiTransportError NOT_JSON', async () => {
    await withPeer(
      () => ({ raw: '<html>hello</html>' }),
      async (peer) => {
        const error = await caught(client('2.2.1').getVersions(`${peer.base}/v`));
        assert.ok(error instanceof OcpiTransportError);
        assert.equal(error.code, 'NOT_JSON');
        assert.equal(error.httpStatus, 200);
      },
    );
  });

  test('2xx JSON that is not an envelope is INVALID_ENVELOPE', async () => {
    await withPeer(
      () => ({ body: [{ version: '2.2.1', url: 'x' }] }),
      async (peer) => {
        const error = await caught(client('2.2.1').getVersions(`${peer.base}/v`));
        assert.ok(error instanceof OcpiTransportError);
        assert.equal(error.code, 'INVALID_ENVELOPE');
        assert.match(error.message, /not an OCPI envelope object/);
      },
    );
  });

  test('a non-2xx without an envelope is an OcpiHttpError with a snippet of the body', async () => {
    await withPeer(
      () => ({ status: 404, raw: '<h1>Not Found</h1>' }),
      async (peer) => {
        const error = await caught(client('2.2.1').getVersions(`${peer.base}/v`));
        assert.ok(error instanceof OcpiHttpError);
        assert.equal(error.httpStatus, 404);
        assert.equal(error.bodySnippet, '<h1>Not Found</h1>');
        assert.equal(error.contentType, 'text/html');
        assert.equal(peer.requests.length, 1, '4xx is not retried');
      },
    );
  });

  test('a redirect is not followed: the token would go where it points', async () => {
    const target = await startPeer(() => ok([]));
    try {
      await withPeer(
        () => ({ status: 302, headers: { Location: `${target.base}/elsewhere` } }),
        async (peer) => {
          const error = await caught(client('2.2.1').getVersions(`${peer.base}/v`));
          assert.ok(error instanceof OcpiHttpError);
          assert.equal(error.httpStatus, 302);
          assert.equal(error.location, `${target.base}/elsewhere`);
          assert.equal(target.requests.length, 0);
        },
      );
    } finally {
      await target.close();
    }
  });

  test('a server that never answers times out (OcpiTransportError TIMEOUT)', async () => {
    await withPeer(
      () => 'hang',
      async (peer) => {
        const c = client('2.2.1', { timeoutMs: 150, retry: { retries: 0 } });
        const started = Date.now();
        const error = await caught(c.getVersions(`${peer.base}/v`));
        assert.ok(error instanceof OcpiTransportError);
        assert.equal(error.code, 'TIMEOUT');
        assert.match(error.message, /no response within 150 ms/);
        assert.ok(Date.now() - started < 2_000);
      },
    );
  });

  test('a timed-out GET is retried; a timed-out POST is not', async () => {
    await withPeer(
      () => 'hang',
      async (peer) => {
        const c = client('2.2.1', { timeoutMs: 100, retry: { retries: 1 } });
        const get = await caught(c.getVersions(`${peer.base}/v`));
        assert.ok(get instanceof OcpiTransportError && get.code === 'TIMEOUT');
        assert.equal(get.attempts, 2);
        assert.equal(peer.requests.length, 2);
        const post = await caught(c.postCredentials(`${peer.base}/c`, examples221()));
        assert.ok(post instanceof OcpiTransportError && post.code === 'TIMEOUT');
        assert.equal(peer.requests.length, 3);
        assert.deepEqual(c.sleeps, [200]);
      },
    );
  });

  test('the caller can abort; an aborted call is not retried', async () => {
    await withPeer(
      () => 'hang',
      async (peer) => {
        const c = client('2.2.1');
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 50);
        const error = await caught(c.getVersions(`${peer.base}/v`, { signal: controller.signal }));
        assert.ok(error instanceof OcpiTransportError);
        assert.equal(error.code, 'ABORTED');
        assert.equal(peer.requests.length, 1);
      },
    );
  });

  test('a body over maxResponseBytes is RESPONSE_TOO_LARGE', async () => {
    await withPeer(
      () => ok([{ version: '2.2.1', url: 'x'.repeat(500) }]),
      async (peer) => {
        const error = await caught(client('2.2.1', { maxResponseBytes: 200 }).getVersions(`${peer.base}/v`));
        assert.ok(error instanceof OcpiTransportError);
        assert.equal(error.code, 'RESPONSE_TOO_LARGE');
      },
    );
  });
});

function examples221(): CredentialsOf<'2.2.1'> {
  return readExample('2.2.1/credentials_example.json') as CredentialsOf<'2.2.1'>;
}

describe('retries', () => {
  test('a GET answered 503 is retried and then succeeds', async () => {
    await withPeer(
      (_req, index) =>
        index === 0 ? fail(3000, 'busy', 503) : ok([{ version: '2.2.1', url: 'https://p/2.2.1' }]),
      async (peer) => {
        const c = client('2.2.1', { correlationId: 'conv-1' });
        const result = await c.getVersions(`${peer.base}/v`);
        assert.equal(result.data[0]?.version, '2.2.1');
        assert.equal(result.attempts, 2);
        assert.equal(peer.requests.length, 2);
        assert.deepEqual(c.sleeps, [200]);
        // Each attempt is a new message in the same conversation.
        const [a, b] = peer.requests.map((r) => r.headers);
        assert.notEqual(a?.['x-request-id'], b?.['x-request-id']);
        assert.equal(a?.['x-correlation-id'], 'conv-1');
        assert.equal(b?.['x-correlation-id'], 'conv-1');
        assert.equal(result.requestId, b?.['x-request-id']);
      },
    );
  });

  test('retries are bounded, with a doubling and capped backoff; the last answer is thrown', async () => {
    await withPeer(
      () => ({ status: 502, raw: 'Bad Gateway' }),
      async (peer) => {
        const c = client('2.2.1', { retry: { retries: 4, baseDelayMs: 100, maxDelayMs: 300 } });
        const error = await caught(c.getVersions(`${peer.base}/v`));
        assert.ok(error instanceof OcpiHttpError);
        assert.equal(error.httpStatus, 502);
        assert.equal(error.attempts, 5);
        assert.equal(peer.requests.length, 5);
        assert.deepEqual(c.sleeps, [100, 200, 300, 300]);
      },
    );
  });

  test('a POST answered 503 is not retried', async () => {
    await withPeer(
      () => fail(3000, 'busy', 503),
      async (peer) => {
        const c = client('2.2.1');
        const error = await caught(c.postCredentials(`${peer.base}/c`, examples221()));
        assert.ok(error instanceof OcpiStatusError);
        assert.equal(error.httpStatus, 503);
        assert.equal(peer.requests.length, 1);
        assert.deepEqual(c.sleeps, []);
      },
    );
  });

  test('a GET whose connection is dropped is retried (NETWORK); a PUT is not', async () => {
    await withPeer(
      () => 'destroy',
      async (peer) => {
        const c = client('2.2.1');
        const get = await caught(c.getVersions(`${peer.base}/v`));
        assert.ok(get instanceof OcpiTransportError);
        assert.equal(get.code, 'NETWORK');
        assert.equal(peer.requests.length, 3);
        const put = await caught(c.putCredentials(`${peer.base}/c`, examples221()));
        assert.ok(put instanceof OcpiTransportError && put.code === 'NETWORK');
        assert.equal(peer.requests.length, 4);
        assert.deepEqual(c.sleeps, [200, 400]);
      },
    );
  });

  test('an OCPI error under HTTP 200 is an answer, not a failure: not retried', async () => {
    await withPeer(
      () => fail(3001, 'cannot use your API'),
      async (peer) => {
        const error = await caught(client('2.2.1').getVersions(`${peer.base}/v`));
        assert.ok(error instanceof OcpiStatusError && error.code === 3001);
        assert.equal(peer.requests.length, 1);
      },
    );
  });
});

describe('URL policy in the client', () => {
  /** A fetch that must not be called. */
  const noFetch = (async () => {
    throw new Error('fetch must not be called');
  }) as unknown as typeof fetch;

  test('production mode refuses a loopback http peer before any request', async () => {
    await withPeer(
      () => ok([]),
      async (peer) => {
        const c = new OcpiClient({ version: '2.2.1', token: TOKEN, urlPolicy: { dev: false } });
        const error = await caught(c.getVersions(`${peer.base}/ocpi/versions`));
        assert.ok(error instanceof UrlPolicyError);
        assert.equal(error.code, 'INSECURE_SCHEME');
        assert.equal(peer.requests.length, 0);
        // https on loopback is refused for the address.
        const https = await caught(c.getVersions(peer.base.replace('http:', 'https:')));
        assert.ok(https instanceof UrlPolicyError);
        assert.equal(https.range, 'loopback');
      },
    );
  });

  test('a relative or malformed URL is refused as INVALID_URL', async () => {
    const c = new OcpiClient({ version: '2.2.1', token: TOKEN, fetch: noFetch, urlPolicy: { dev: true } });
    for (const url of ['/ocpi/versions', 'peer.example/ocpi']) {
      const error = await caught(c.getVersions(url));
      assert.ok(error instanceof UrlPolicyError && error.code === 'INVALID_URL', url);
    }
  });

  test('the default policy is production', async () => {
    const c = new OcpiClient({ version: '2.3.0', token: TOKEN, fetch: noFetch });
    const error = await caught(c.getVersions('http://127.0.0.1:9/ocpi/versions'));
    assert.ok(error instanceof UrlPolicyError && error.code === 'INSECURE_SCHEME');
  });

  test('names resolving to private, link-local or IPv4-mapped loopback are refused via the resolver', async () => {
    const table: Record<string, string[]> = {
      'private.peer.example': ['10.0.0.8'],
      'meta.peer.example': ['169.254.169.254'],
      'mapped.peer.example': ['::ffff:127.0.0.1'],
      'ula.peer.example': ['fd00::5'],
    };
    const c = new OcpiClient({
      version: '2.2.1',
      token: TOKEN,
      fetch: noFetch,
      urlPolicy: { dev: false, resolve: async (host) => table[host] ?? [] },
      sleep: async () => {},
    });
    for (const [host, range] of [
      ['private.peer.example', 'private'],
      ['meta.peer.example', 'link-local'],
      ['mapped.peer.example', 'loopback'],
      ['ula.peer.example', 'private'],
    ] as const) {
      const error = await caught(c.postCredentials(`https://${host}/ocpi/2.2.1/credentials`, examples221()));
      assert.ok(error instanceof UrlPolicyError, host);
      assert.equal(error.code, 'FORBIDDEN_ADDRESS', host);
      assert.equal(error.range, range, host);
    }
  });

  test('an unresolvable name is retried for a GET like a network error, then refused', async () => {
    let lookups = 0;
    const c = new OcpiClient({
      version: '2.2.1',
      token: TOKEN,
      fetch: noFetch,
      urlPolicy: {
        dev: false,
        resolve: async () => {
          lookups++;
          throw Object.assign(new Error('nope'), { code: 'EAI_AGAIN' });
        },
      },
      sleep: async () => {},
    });
    const error = await caught(c.getVersions('https://flaky.peer.example/ocpi/versions'));
    assert.ok(error instanceof UrlPolicyError && error.code === 'UNRESOLVABLE_HOST');
    assert.equal(lookups, 3);
  });

  test('a pagination Link to a private address is refused like any URL', async () => {
    await withPeer(
      () => ({
        body: { data: [1], status_code: 1000, timestamp: '2024-05-01T10:00:00Z' },
        headers: { Link: '<http://10.0.0.1/ocpi/2.2.1/tariffs?offset=1>; rel="next"' },
      }),
      async (peer) => {
        const pages: unknown[] = [];
        const error = await caught(
          (async () => {
            for await (const page of client('2.2.1').pages({ url: `${peer.base}/t` })) pages.push(page.data);
          })(),
        );
        assert.deepEqual(pages, [[1]]);
        assert.ok(error instanceof UrlPolicyError);
        assert.equal(error.range, 'private');
      },
    );
  });
});

describe('the token never shows', () => {
  /** A peer that echoes our Authorization header back in everything it controls. */
  const echo = (req: { headers: Record<string, unknown> }, status: number, envelope: boolean): Reply => {
    const auth = String(req.headers.authorization);
    const text = `you sent ${auth} (${TOKEN}, ${TOKEN_B64})`;
    return envelope
      ? fail(2000, text, status, { [TOKEN]: text, nested: [text] })
      : { status, raw: text, headers: { Location: `https://x/${TOKEN}` } };
  };

  for (const version of ['2.1.1', '2.2.1'] as const) {
    test(`${version}: not in any error, whatever the peer echoes`, async () => {
      await withPeer(
        (req, index) => echo(req, [200, 401, 500, 302][index % 4] ?? 200, index % 4 < 2),
        async (peer) => {
          const c = client(version, { retry: { retries: 0 } });
          const errors = [
            await caught(c.getVersions(`${peer.base}/a`)),
            await caught(c.getVersions(`${peer.base}/b`)),
            await caught(c.getVersions(`${peer.base}/c`)),
            await caught(c.getVersions(`${peer.base}/d`)),
          ];
          assert.ok(errors[0] instanceof OcpiStatusError);
          assert.ok(errors[1] instanceof OcpiStatusError);
          assert.ok(errors[2] instanceof OcpiHttpError);
          assert.ok(errors[3] instanceof OcpiHttpError);
          for (const error of errors) {
            const all = everythingIn(error);
            assert.ok(all.includes('[redacted]'), 'the echo is there, redacted');
            assert.ok(!all.includes(TOKEN), all);
            assert.ok(!all.includes(TOKEN_B64), all);
          }
        },
      );
    });
  }

  test('not in timeouts, network errors, validation errors or the client itself', async () => {
    const c = client('2.2.1', { timeoutMs: 50, retry: { retries: 0 } });
    const errors: unknown[] = [];
    await withPeer(
      () => 'hang',
      async (peer) => {
        errors.push(await caught(c.getVersions(`${peer.base}/v`)));
      },
    );
    // A port nobody listens on any more.
    const closed = await startPeer(() => ok());
    await closed.close();
    errors.push(await caught(c.getVersions(`${closed.base}/v`)));
    errors.push(
      await caught(
        c.postCredentials('http://127.0.0.1:9/c', { token: TOKEN } as unknown as CredentialsOf<'2.2.1'>),
      ),
    );
    errors.push(
      await caught(new OcpiClient({ version: '2.2.1', token: TOKEN }).getVersions('http://127.0.0.1/')),
    );
    assert.deepEqual(
      errors.map((e) => (e as Error).name),
      ['OcpiTransportError', 'OcpiTransportError', 'OcpiValidationError', 'UrlPolicyError'],
    );
    for (const error of errors) {
      const all = everythingIn(error);
      assert.ok(!all.includes(TOKEN) && !all.includes(TOKEN_B64), all);
    }
    const shown = `${inspect(c, { depth: 10, showHidden: true })} ${JSON.stringify(c)}`;
    assert.ok(!shown.includes(TOKEN) && !shown.includes(TOKEN_B64), shown);
  });

  test('a bad token is refused at construction without repeating it', () => {
    for (const [version, token] of [
      ['2.2.1', 'has space'],
      ['2.2.1', 'line\nbreak'],
      ['2.1.1', 'tök€n'],
      ['2.2.1', ''],
    ] as const) {
      assert.throws(
        () => new OcpiClient({ version, token }),
        (error: unknown) =>
          error instanceof RangeError && (token === '' || !error.message.includes(token.slice(0, 3))),
      );
    }
    // 2.2.1+ encode the token, so any printable UTF-8 is fine there.
    assert.doesNotThrow(() => new OcpiClient({ version: '2.2.1', token: 'tök€n' }));
  });

  test('with() makes a client for another version or token, same options', async () => {
    await withPeer(
      () => ok([]),
      async (peer) => {
        const c = client('2.1.1');
        await c.with({ version: '2.2.1', token: 'rotated-token' }).getVersions(`${peer.base}/v`);
        assert.equal(
          peer.requests[0]?.headers.authorization,
          `Token ${Buffer.from('rotated-token').toString('base64')}`,
        );
        assert.ok(peer.requests[0]?.headers['x-request-id']);
      },
    );
  });
});
