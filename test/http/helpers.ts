/**
 * Helpers for the server and platform tests: a migrated in-memory store, a configuration, a log
 * that can be read back, and scripted peers (a `fetch` that answers like another OCPI platform,
 * so the credentials handshake can be driven without a network).
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { OcpiClient } from '../../src/client/client.js';
import { type BuildAppOptions, buildApp } from '../../src/http/app.js';
import { createLogger } from '../../src/http/logger.js';
import { type NodeConfig, type NodeConfigInput, validateNodeConfig } from '../../src/platform/config.js';
import type { ClientFactory } from '../../src/platform/credentials.js';
import { encodeAuthorization, type OcpiVersion } from '../../src/protocol/index.js';
import { openStore, type SqlStore } from '../../src/store/database.js';

export const FIXED_NOW = new Date('2025-03-04T05:06:07Z');

export async function memoryStore(): Promise<SqlStore> {
  const store = openStore('sqlite::memory:');
  await store.migrate();
  return store;
}

export function testConfig(input: NodeConfigInput = {}): NodeConfig {
  return validateNodeConfig({
    publicUrl: 'http://127.0.0.1:8080',
    parties: [
      {
        country_code: 'NL',
        party_id: 'RMK',
        role: 'CPO',
        business_details: { name: 'Roamkit CPO', website: 'https://cpo.example' },
      },
      { country_code: 'NL', party_id: 'RME', role: 'EMSP', business_details: { name: 'Roamkit eMSP' } },
    ],
    ...input,
  });
}

/** A pino logger writing into memory, and the lines written. */
export function capturingLogger(level = 'debug') {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level, destination });
  return {
    logger,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** One scripted answer of a fake peer. */
export interface FakeResponse {
  status?: number;
  body?: unknown;
  /** Raw text instead of JSON. */
  text?: string;
}

export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | null;
  body: unknown;
}

/**
 * A fetch that answers like a peer: `routes` maps "METHOD URL" (URL without query) to a function
 * giving the answer; anything else is an HTTP 404 without envelope. Every request is recorded.
 */
export function fakeFetch(routes: Record<string, (request: RecordedRequest) => FakeResponse>) {
  const requests: RecordedRequest[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers);
    const recorded: RecordedRequest = {
      method,
      url: `${url.origin}${url.pathname}`,
      authorization: headers.get('authorization'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(recorded);
    const route = routes[`${method} ${recorded.url}`];
    if (route === undefined) return new Response('not found', { status: 404 });
    const answer = route(recorded);
    const text = answer.text ?? JSON.stringify(answer.body);
    return new Response(text, {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { fetch: fetchImpl, requests };
}

/** An envelope as a peer sends it. */
export const envelope = (data: unknown, statusCode = 1000, message?: string) => ({
  ...(data === undefined ? {} : { data }),
  status_code: statusCode,
  ...(message === undefined ? {} : { status_message: message }),
  timestamp: '2025-03-04T05:06:07Z',
});

/** A client factory whose clients use the given fetch (development URL policy, no retry delays). */
export function clientFactoryWith(fetchImpl: typeof fetch): ClientFactory {
  return ({ version, token }) =>
    new OcpiClient({
      version,
      token,
      fetch: fetchImpl,
      urlPolicy: { dev: true },
      retry: { retries: 0 },
      timeoutMs: 2000,
    });
}

/**
 * A scripted peer platform at https-less loopback URL `base` offering `versions`, with a
 * credentials endpoint in each (unless `withoutCredentials`). Answers credentials POST/PUT with
 * `peerToken` and records everything.
 */
export function scriptedPeer(
  options: {
    base?: string;
    versions?: OcpiVersion[];
    withoutCredentials?: boolean;
    peerToken?: string;
    postAnswer?: (request: RecordedRequest) => FakeResponse;
  } = {},
) {
  const base = options.base ?? 'http://127.0.0.1:9999/peer';
  const versions = options.versions ?? ['2.2.1'];
  const peerToken = options.peerToken ?? 'peer-token-for-us';
  const routes: Record<string, (request: RecordedRequest) => FakeResponse> = {
    [`GET ${base}/versions`]: () => ({
      body: envelope(versions.map((v) => ({ version: v, url: `${base}/${v}` }))),
    }),
  };
  const credentialsAnswer = (version: OcpiVersion) => () => ({
    body: envelope(
      version === '2.1.1'
        ? {
            token: peerToken,
            url: `${base}/versions`,
            party_id: 'PEE',
            country_code: 'DE',
            business_details: { name: 'Peer' },
          }
        : {
            token: peerToken,
            url: `${base}/versions`,
            roles: [
              { role: 'EMSP', party_id: 'PEE', country_code: 'DE', business_details: { name: 'Peer' } },
            ],
          },
    ),
  });
  for (const v of versions) {
    const credentials = {
      identifier: 'credentials',
      ...(v === '2.1.1' ? {} : { role: 'SENDER' }),
      url: `${base}/${v}/credentials`,
    };
    const locations = {
      identifier: 'locations',
      ...(v === '2.1.1' ? {} : { role: 'RECEIVER' }),
      url: `${base}/${v}/locations`,
    };
    routes[`GET ${base}/${v}`] = () => ({
      body: envelope({
        version: v,
        endpoints: options.withoutCredentials ? [locations] : [credentials, locations],
      }),
    });
    routes[`POST ${base}/${v}/credentials`] = options.postAnswer ?? credentialsAnswer(v);
    routes[`PUT ${base}/${v}/credentials`] = options.postAnswer ?? credentialsAnswer(v);
    routes[`DELETE ${base}/${v}/credentials`] = () => ({ body: envelope(undefined) });
  }
  const fake = fakeFetch(routes);
  return { ...fake, base, versionsUrl: `${base}/versions`, peerToken, routes };
}

export function authHeader(token: string, version: OcpiVersion = '2.2.1'): Record<string, string> {
  return { authorization: encodeAuthorization(token, version) };
}

/** An app over an in-memory store with a fixed clock and no log output (unless a logger is given). */
export async function testApp(
  options: Partial<BuildAppOptions> & { fetch?: typeof fetch } = {},
): Promise<{ app: FastifyInstance; store: SqlStore; close: () => Promise<void> }> {
  const store = (options.store as SqlStore | undefined) ?? (await memoryStore());
  const { fetch: fetchImpl, ...rest } = options;
  const app = buildApp({
    config: testConfig(),
    logger: false,
    now: () => FIXED_NOW,
    ...(fetchImpl === undefined ? {} : { clientFactory: clientFactoryWith(fetchImpl) }),
    ...rest,
    store,
  });
  await app.ready();
  return {
    app,
    store,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
