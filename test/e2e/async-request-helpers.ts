/**
 * What the end-to-end tests of the Commands and Charging Profiles modules share: both run a CPO
 * node and a sender node on loopback ports, register one with the other, publish a seeded
 * Location whose EVSEs the test controls, turn the sender's response_urls off at will, and wait
 * for what the other node's workers do on their own.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { NodeConfig } from '../../src/platform/config.js';
import { generateSeed } from '../../src/platform/seed/index.js';
import type { SqlStore } from '../../src/store/database.js';
import type { PeerRecord } from '../../src/store/types.js';

type Json = Record<string, unknown>;

/** The EVSE uid (and evse_id) of EVSE `n` of the seeded Location. */
export const E = (n: number) => `NL*CPO*E000001*${n}`;

/** Polls `read` until `done` holds (the other node's worker is running on its own). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  ms = 5000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) assert.fail(`not within ${ms} ms: ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/**
 * While `down.on`, POSTs to the node's response_urls (those matching `resultPath`) get HTTP 503:
 * a sender whose result endpoint is down, so the CPO's outbox has to retry.
 */
export function resultsDownHook(app: FastifyInstance, down: { on: boolean }, resultPath: RegExp): void {
  app.addHook('onRequest', async (request, reply) => {
    if (down.on && request.method === 'POST' && resultPath.test(request.url)) {
      return reply.code(503).send('down for maintenance');
    }
    return undefined;
  });
}

/** Listens on a free loopback port; the node's public URL is then that port's. */
export async function listenOnLoopback(app: FastifyInstance, config: NodeConfig): Promise<void> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  config.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

interface TestNode {
  app: FastifyInstance;
  store: SqlStore;
}

/** The sender registers with the CPO (`name`: the CPO's name for it); both sides' peer records. */
export async function connect(
  cpo: TestNode,
  sender: TestNode,
  name: string,
): Promise<{ atCpo: PeerRecord; atSender: PeerRecord }> {
  const invite = await cpo.app.platform.credentials.invitePeer({ name });
  const atSender = await sender.app.platform.credentials.registerWithPeer({
    versionsUrl: invite.versionsUrl,
    token: invite.token,
    name: 'CPO',
  });
  const atCpo = await cpo.store.peers.findById(invite.peer.id);
  assert.equal(atCpo?.status, 'REGISTERED');
  return { atCpo: atCpo as PeerRecord, atSender };
}

/**
 * A seeded Location of the CPO (NL:CPO:CPO) whose EVSEs are E(1), E(2), … with the capabilities
 * and status given (AVAILABLE by default), one connector each, and its tariffs.
 */
export function seededLocation(spec: {
  seed: string;
  now: Date;
  tariffs: number;
  evses: { capabilities: string[]; status?: string }[];
}): { location: Json; tariffs: Json[] } {
  const seed = generateSeed({
    locations: 1,
    seed: spec.seed,
    party: { country_code: 'NL', party_id: 'CPO' },
    now: spec.now,
    tariffs: spec.tariffs,
  });
  const base = seed.locations[0] as unknown as Json;
  const template = (base.evses as Json[])[0] as Json;
  const connector = { ...((template.connectors as Json[])[0] as Json), id: '1' };
  return {
    location: {
      ...base,
      evses: spec.evses.map(({ capabilities, status = 'AVAILABLE' }, i) => ({
        ...template,
        uid: E(i + 1),
        evse_id: E(i + 1),
        status,
        capabilities,
        connectors: [connector],
        physical_reference: String(i + 1),
      })),
    },
    tariffs: seed.tariffs as unknown as Json[],
  };
}

/** Publishes a seeded Location and its tariffs at the CPO (pushed to its peers by its delivery). */
export async function publishLocation(
  cpo: TestNode,
  seeded: { location: Json; tariffs: Json[] },
): Promise<string> {
  await cpo.app.platform.publisher.putAll([
    { module: 'tariffs', documents: seeded.tariffs },
    { module: 'locations', documents: [seeded.location] },
  ]);
  return String(seeded.location.id);
}
