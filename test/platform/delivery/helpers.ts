/**
 * Shared by the delivery tests: documents of ours (the spec's 2.3.0 examples under our party
 * NL/RMK), peers made directly in the store, and a scripted OCPI Receiver on a loopback port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { NodeConfig, NodeConfigInput } from '../../../src/platform/config.js';
import type { OcpiVersion } from '../../../src/protocol/index.js';
import { hashToken, newToken } from '../../../src/store/tokens.js';
import type { PeerRecord, Store } from '../../../src/store/types.js';
import { readExample } from '../../helpers/fixtures.js';
import { testConfig } from '../../http/helpers.js';

export type Json = Record<string, unknown>;

/** Our CPO party in testConfig(). */
export const OURS = { country_code: 'NL', party_id: 'RMK' };

/** The spec's 2.3.0 Location example as one of ours, with id `id`. */
export function ourLocation(id = 'LOC1', lastUpdated = '2025-01-01T00:00:00Z'): Json {
  const doc = structuredClone(readExample('2.3.0/location_example.json')) as Json;
  return { ...doc, ...OURS, id, last_updated: lastUpdated };
}

/** The spec's 2.3.0 simple tariff as one of ours. */
export function ourTariff(id = '12', lastUpdated = '2025-01-01T00:00:00Z'): Json {
  const doc = structuredClone(readExample('2.3.0/tariff_1_simple_2hour.json')) as Json;
  return { ...doc, ...OURS, id, last_updated: lastUpdated };
}

export const evseOf = (doc: Json, i = 0) => (doc.evses as Json[])[i] as Json;

/** Small delivery timings (tests run in milliseconds). */
export const TEST_DELIVERY_TIMINGS: NodeConfig['delivery'] = {
  retryWindowMs: 300,
  baseDelayMs: 20,
  maxDelayMs: 100,
  probeIntervalMs: 100,
  pollIntervalMs: 10,
  concurrency: 4,
  leaseMs: 2000,
  timeoutMs: 3000,
};

/** A delivery configuration with small timings. */
export function deliveryConfig(delivery: Partial<NodeConfig['delivery']> = {}, input: NodeConfigInput = {}) {
  return testConfig({
    dev: true,
    delivery: { ...TEST_DELIVERY_TIMINGS, ...delivery },
    ...input,
  });
}

export interface PeerOptions {
  name?: string;
  version?: OcpiVersion;
  status?: PeerRecord['status'];
  /** Base URL of the peer's module endpoints: `${base}/locations`, `${base}/tariffs`. */
  base?: string;
  modules?: ('locations' | 'tariffs')[];
  role?: string;
  party?: { country_code: string; party_id: string };
}

/** A peer made directly in the store, with Receiver endpoints under `base`. */
export async function addPeer(store: Store, options: PeerOptions = {}): Promise<PeerRecord> {
  const base = options.base ?? 'http://127.0.0.1:9/ocpi';
  const party = options.party ?? { country_code: 'DE', party_id: 'PEE' };
  return store.peers.create({
    name: options.name ?? 'peer',
    status: options.status ?? 'REGISTERED',
    incomingTokenHash: hashToken(newToken()),
    outgoingToken: `token-for-${options.name ?? 'peer'}`,
    versionsUrl: `${base}/versions`,
    version: options.version ?? '2.2.1',
    endpoints: (options.modules ?? ['locations', 'tariffs']).map((module) => ({
      identifier: module,
      role: 'RECEIVER' as const,
      url: `${base}/${module}`,
    })),
    roles: [{ role: options.role ?? 'EMSP', ...party, business_details: { name: 'Peer' } }],
  });
}

/** One request the scripted receiver got. */
export interface ReceivedRequest {
  method: string;
  /** Path below the server root, decoded segments kept as sent. */
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export type Answer =
  | { kind: 'ok'; delayMs?: number }
  | { kind: 'status'; code: number; http?: number }
  | { kind: 'http'; http: number }
  | { kind: 'hang' };

/**
 * A scripted OCPI Receiver on 127.0.0.1:0. `answer` decides each reply (default: 1000); every
 * request is recorded. `close()` refuses further connections (a peer that went away); `reopen()`
 * listens again on the same port.
 */
export async function scriptedReceiver() {
  const requests: ReceivedRequest[] = [];
  let answer: (request: ReceivedRequest) => Answer = () => ({ kind: 'ok' });
  const sockets = new Set<Socket>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
      requests.push(request);
      const a = answer(request);
      if (a.kind === 'hang') return;
      if (a.kind === 'http') {
        res.writeHead(a.http, { 'content-type': 'text/plain' }).end('unavailable');
        return;
      }
      const code = a.kind === 'ok' ? 1000 : a.code;
      const reply = () =>
        res
          .writeHead(a.kind === 'status' ? (a.http ?? 200) : 200, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({
              status_code: code,
              status_message: code === 1000 ? 'Success' : 'Refused',
              timestamp: new Date().toISOString(),
            }),
          );
      if (a.kind === 'ok' && a.delayMs !== undefined && a.delayMs > 0) setTimeout(reply, a.delayMs);
      else reply();
    });
  };
  let server: Server = createServer(handler);
  const track = (s: Server) =>
    s.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}/ocpi`;

  async function close(): Promise<void> {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return {
    base,
    port,
    requests,
    setAnswer(fn: (request: ReceivedRequest) => Answer) {
      answer = fn;
    },
    close,
    async reopen() {
      server = createServer(handler);
      track(server);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
  };
}

export type ScriptedReceiver = Awaited<ReturnType<typeof scriptedReceiver>>;

/** Polls `check` until it holds or `timeoutMs` passes. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 5000,
  what = 'condition',
) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A killed worker child's delivery settings: short leases and delays, so a restarted child takes over fast. */
export const CHILD_DELIVERY = {
  retryWindowMs: 60_000,
  baseDelayMs: 20,
  maxDelayMs: 100,
  probeIntervalMs: 100,
  pollIntervalMs: 10,
  concurrency: 4,
  leaseMs: 400,
  timeoutMs: 2000,
};
