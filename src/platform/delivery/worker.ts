/**
 * The delivery worker: sends each peer the current state of our objects it is owed (the
 * delivery rows the publisher marks), and records what the peer acknowledged.
 *
 * Nothing is replayed: a message is planned from the object as it is when it is sent
 * (plan.ts), so a retry, a redelivery after a crash, or the catch-up after an outage always
 * carries the current state, and PUT is idempotent. The OCPI transport chapter's offline rule
 * (do not queue and retry the same message) is met that way, while the Receiver still gets
 * every change it would otherwise only learn by polling.
 *
 * A round: claim due rows (a lease, so another worker or a restarted process takes them only
 * after it runs out), send with a concurrency limit, then per row:
 * - success: acknowledge the revision sent;
 * - the peer refused the object (an OCPI 2xxx answer, or a body that does not validate in the
 *   peer's version): that row is REFUSED, with the error, until the object changes or an operator
 *   retries; the peer is reachable and its other rows go on;
 * - anything else (no answer, a timeout, HTTP 5xx, OCPI 3xxx/4xxx): retry with exponential
 *   backoff and jitter; once failures have lasted retryWindowMs, the peer is parked as
 *   unreachable and all its rows wait.
 * Parked peers are probed: every probeIntervalMs one parked row is tried; when it succeeds all
 * the peer's parked rows go again as PUTs of their current state (the peer may have missed any
 * PATCH). A peer no longer REGISTERED has its rows forgotten.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  OcpiClientError,
  OcpiStatusError,
  OcpiTransportError,
  OcpiValidationError,
} from '../../client/errors.js';
import { ConversionError } from '../../model/index.js';
import {
  type EndpointRow,
  findSchema,
  type PartyRef,
  precompile,
  schemasByVersion,
} from '../../protocol/index.js';
import type { DeliveryRecord, OcpiObjectRecord, PeerRecord, Store } from '../../store/types.js';
import type { DeliverySettings, NodeConfig } from '../config.js';
import type { ClientFactory } from '../credentials.js';
import type { PlatformLogger } from '../modules.js';
import { peerMaySee } from '../visibility.js';
import { type DeliveryMessage, planDelivery, receiverRow } from './plan.js';
import { receiverEndpoint } from './publisher.js';

export interface DeliveryWorkerDeps {
  config: Pick<NodeConfig, 'delivery'>;
  store: Store;
  clientFactory: ClientFactory;
  log: PlatformLogger;
  /** Names this worker's leases; default: host, process id and a random suffix. */
  workerId?: string;
  now?: () => Date;
  /** Waits between idle rounds; resolves early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** In [0, 1): the jitter of retry delays. */
  random?: () => number;
}

export interface DeliveryRoundResult {
  /** Messages the peers acknowledged. */
  sent: number;
  /** Attempts that failed (retried later, or parked). */
  failed: number;
  /** Rows settled without a message (the object is not for that peer, or the peer is gone). */
  skipped: number;
}

export interface DeliveryWorker {
  readonly workerId: string;
  /** Runs rounds until `stop`: at once while there is work, every pollIntervalMs when idle. */
  start(): void;
  /** Ends the loop after the round in progress (its requests finish or time out). */
  stop(): Promise<void>;
  /** One round: claim, send, record the outcomes. */
  runOnce(): Promise<DeliveryRoundResult>;
  /** Starts the next round now instead of after the idle wait (after a change was published). */
  wake(): void;
}

/**
 * The wait before the next attempt after `attempts` failures before this one: baseDelayMs·2^attempts,
 * at most maxDelayMs, with "equal jitter" (half fixed, half random) so peers that failed together
 * do not all retry together, yet no retry comes immediately.
 */
export function retryDelay(
  attempts: number,
  settings: Pick<DeliverySettings, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.min(attempts, 30));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** How a failed attempt is handled. */
export type FailureKind = 'refused' | 'transient';

/**
 * `refused`: the peer answered and turned this object down (an OCPI 2xxx under a non-auth HTTP
 * status), or we cannot express the object for the peer (conversion or request validation):
 * retrying will not help. `transient`: the peer (or the way to it) failed; retrying may.
 * An OCPI 2xxx with HTTP 401/403 is about our token, not the object: transient, so the peer is
 * parked after the retry window like any peer we cannot talk to.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof OcpiStatusError) {
    const clientError = error.code >= 2000 && error.code < 3000;
    return clientError && error.httpStatus !== 401 && error.httpStatus !== 403 ? 'refused' : 'transient';
  }
  if (error instanceof OcpiValidationError && error.direction === 'request') return 'refused';
  if (error instanceof ConversionError) return 'refused';
  return 'transient';
}

const MAX_ERROR_LENGTH = 500;

/** One line for the delivery row and the log; the client's errors are already free of our token. */
function describeError(error: unknown, timedOut: boolean, timeoutMs: number): string {
  let text: string;
  if (
    timedOut &&
    error instanceof OcpiTransportError &&
    (error.code === 'ABORTED' || error.code === 'TIMEOUT')
  ) {
    text = `${error.method} ${error.url}: no answer within ${timeoutMs} ms`;
  } else if (error instanceof Error) {
    text = error instanceof OcpiClientError ? error.message : `${error.name}: ${error.message}`;
  } else {
    text = String(error);
  }
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** The peer's party the request is for (OCPI-to-*): its first role the Receiver row is meant for. */
function peerParty(peer: PeerRecord, row: EndpointRow): PartyRef | undefined {
  const roles = peer.roles.filter(
    (r) => typeof r.country_code === 'string' && typeof r.party_id === 'string',
  );
  const role = roles.find((r) => (row.roles as readonly unknown[]).includes(r.role)) ?? roles[0];
  return role === undefined
    ? undefined
    : { countryCode: String(role.country_code), partyId: String(role.party_id) };
}

const objectName = (d: Pick<DeliveryRecord, 'key'>) => `${d.key.countryCode}/${d.key.partyId}/${d.key.id}`;

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Runs `fn` over `items`, at most `limit` at a time. `fn` must not throw. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner));
}

type Outcome = 'sent' | 'failed' | 'skipped';

export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const { store, clientFactory, log } = deps;
  const settings = deps.config.delivery;
  const workerId = deps.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;
  const deliveries = store.deliveries;

  const later = (ms: number) => new Date(now().getTime() + ms);

  /** State shared by the rows of one round. */
  interface Round {
    peer(id: string): Promise<PeerRecord | undefined>;
    /** Peers whose rows were forgotten this round. */
    forgotten: Set<string>;
    /** Peers parked this round, with their probe time. */
    parked: Map<string, Date>;
  }

  function newRound(): Round {
    const peers = new Map<string, Promise<PeerRecord | undefined>>();
    return {
      peer(id) {
        let found = peers.get(id);
        if (found === undefined) {
          found = store.peers.findById(id);
          peers.set(id, found);
        }
        return found;
      },
      forgotten: new Set(),
      parked: new Map(),
    };
  }

  /** Sends one message to the peer's Receiver row; throws the client's errors. */
  async function send(
    peer: PeerRecord & { version: NonNullable<PeerRecord['version']> },
    token: string,
    baseUrl: string,
    row: EndpointRow,
    message: DeliveryMessage,
    record: OcpiObjectRecord,
  ): Promise<void> {
    const client = clientFactory({ version: peer.version, token });
    const to = peerParty(peer, row);
    if (row.requestBody !== undefined) {
      // Compiled (once, cached) before the clock starts: a first compile is no peer's slowness.
      const schema = findSchema(schemasByVersion[peer.version], row.requestBody.object);
      if (schema !== undefined) precompile(schema, row.requestBody.partial ? { partial: true } : {});
    }
    const signal = AbortSignal.timeout(settings.timeoutMs);
    try {
      // The routing headers' `from` is our party owning this object (a node may host several).
      await client.callEndpoint(row, {
        url: baseUrl,
        params: message.params,
        ...(message.query === undefined ? {} : { query: message.query }),
        ...(message.body === undefined ? {} : { body: message.body }),
        from: { countryCode: record.key.countryCode, partyId: record.key.partyId },
        ...(to === undefined ? {} : { to }),
        signal,
      });
    } catch (error) {
      throw Object.assign(new Error('delivery failed'), { cause: error, timedOut: signal.aborted });
    }
  }

  async function forget(peerId: string, round: Round, why: string): Promise<void> {
    if (round.forgotten.has(peerId)) return;
    round.forgotten.add(peerId);
    const removed = await deliveries.deleteForPeer(peerId);
    log.info({ peerId, removed }, `delivery: ${why}; its deliveries are forgotten`);
  }

  /**
   * The peer refused the object, or it cannot be sent to this peer: REFUSED, until the object
   * changes or an operator retries. A probe answered that way still shows the peer is back.
   */
  async function refuse(d: DeliveryRecord, probe: boolean, error: string, context: object): Promise<Outcome> {
    await deliveries.refuse(d, workerId, error);
    log.warn({ ...context, error }, 'delivery refused: waits for a change of the object or a retry');
    if (probe) {
      const resumed = await deliveries.unpark({ peerId: d.peerId }, now());
      log.info({ ...context, resumed }, 'delivery: the peer answers again, its parked deliveries resume');
    }
    return 'failed';
  }

  async function transientFailure(
    d: DeliveryRecord,
    probe: boolean,
    error: string,
    round: Round,
    context: object,
  ): Promise<Outcome> {
    const at = now();
    if (probe) {
      const nextProbeAt = later(settings.probeIntervalMs);
      await deliveries.deferProbe(d.peerId, { nextProbeAt, error });
      log.warn({ ...context, error, nextProbeAt }, 'delivery: probe failed, the peer stays parked');
      return 'failed';
    }
    const firstFailureAt = d.firstFailureAt ?? at;
    let nextAttemptAt: Date;
    const alreadyParked = round.parked.get(d.peerId);
    if (alreadyParked !== undefined) {
      nextAttemptAt = alreadyParked;
    } else if (at.getTime() - firstFailureAt.getTime() >= settings.retryWindowMs) {
      nextAttemptAt = later(settings.probeIntervalMs);
      round.parked.set(d.peerId, nextAttemptAt);
      const parked = await deliveries.parkPeer(d.peerId, { nextProbeAt: nextAttemptAt, error });
      log.warn(
        { ...context, error, parked, nextProbeAt: nextAttemptAt },
        'delivery: peer unreachable for the whole retry window, its deliveries are parked',
      );
    } else {
      nextAttemptAt = new Date(at.getTime() + retryDelay(d.attempts, settings, random));
      log.warn({ ...context, error, attempts: d.attempts + 1, nextAttemptAt }, 'delivery failed, will retry');
    }
    // Releases the lease (a parked row keeps state PARKED and waits for the probe time).
    await deliveries.reschedule(d, workerId, { nextAttemptAt, error, firstFailureAt });
    return 'failed';
  }

  /** One delivery row, start to end; never throws. */
  async function deliver(d: DeliveryRecord, probe: boolean, round: Round): Promise<Outcome> {
    const context = { peerId: d.peerId, module: d.module, object: objectName(d), probe };
    try {
      const peer = await round.peer(d.peerId);
      if (peer === undefined || peer.status !== 'REGISTERED') {
        await forget(d.peerId, round, peer === undefined ? 'peer gone' : `peer ${peer.status}`);
        return 'skipped';
      }
      const version = peer.version;
      const token = peer.outgoingToken;
      if (version === null || token === null) {
        return refuse(d, false, 'the peer has no negotiated version or token', context);
      }
      const record = await store.objects.get(d.module, d.key);
      if (record === undefined || record.peerId !== null) {
        // Nothing of ours to send (never expected: our objects are never removed, only tombstoned).
        await deliveries.acknowledge(d, workerId, d.pendingRevision);
        return 'skipped';
      }
      // Withheld: not visible to this peer, and not a withdrawal the peer must hear of (publisher.ts owedTo).
      if (!peerMaySee(peer, record.published) && (version === '2.1.1' || d.ackedRevision === null)) {
        await deliveries.acknowledge(d, workerId, record.revision);
        log.debug({ ...context, revision: record.revision }, 'delivery: not visible to the peer, withheld');
        return 'skipped';
      }
      const baseUrl = receiverEndpoint(peer, d.module);
      if (baseUrl === undefined) {
        return refuse(
          d,
          false,
          `the peer has no ${d.module} Receiver endpoint (update the connection)`,
          context,
        );
      }

      let message: DeliveryMessage;
      try {
        message = planDelivery({
          record,
          // A probe goes whole: after an outage the peer may not hold what it acknowledged.
          delivery: probe ? { ...d, forcePut: true } : d,
          version,
          maySee: (published) => peerMaySee(peer, published),
        });
      } catch (error) {
        return refuse(d, false, describeError(error, false, 0), context);
      }
      const row = receiverRow(version, d.module, message);
      if (row === undefined) {
        return refuse(
          d,
          false,
          `OCPI ${version} has no ${message.method} ${d.module}/${message.path}`,
          context,
        );
      }
      const sent = { ...context, method: message.method, target: message.object, revision: message.revision };

      try {
        await send({ ...peer, version }, token, baseUrl, row, message, record);
      } catch (wrapped) {
        const { cause, timedOut } = wrapped as { cause: unknown; timedOut: boolean };
        const error = describeError(cause, timedOut, settings.timeoutMs);
        if (classifyFailure(cause) === 'refused') return refuse(d, probe, error, sent);
        return transientFailure(d, probe, error, round, sent);
      }

      if (probe) {
        const resumed = await deliveries.unpark({ peerId: d.peerId }, now());
        log.info({ ...sent, resumed }, 'delivery: the peer answers again, its parked deliveries resume');
      }
      const acknowledged = await deliveries.acknowledge(d, workerId, message.revision);
      if (!acknowledged) {
        // The lease ran out and another worker may have sent it too: harmless, PUT and PATCH carry current state.
        log.warn(sent, 'delivery sent, but the lease had run out: not recorded here');
      }
      if (message.lossy.length > 0)
        log.debug({ ...sent, lossy: message.lossy }, 'delivery: lossy conversion');
      log.info({ ...sent, ...(message.putReason ? { why: message.putReason } : {}) }, 'delivery sent');
      return 'sent';
    } catch (error) {
      // The store failed: the lease runs out and the row is taken again.
      log.error({ ...context, error: (error as Error).message }, 'delivery: store error');
      return 'failed';
    }
  }

  async function runOnce(): Promise<DeliveryRoundResult> {
    const at = now();
    const limit = Math.max(1, settings.concurrency * 2);
    const claimed = await deliveries.claim({ workerId, now: at, limit, leaseMs: settings.leaseMs });
    const probes = await deliveries.claimProbes({ workerId, now: at, limit, leaseMs: settings.leaseMs });
    const result: DeliveryRoundResult = { sent: 0, failed: 0, skipped: 0 };
    const round = newRound();
    const work = [...claimed.map((d) => ({ d, probe: false })), ...probes.map((d) => ({ d, probe: true }))];
    await eachLimited(work, settings.concurrency, async ({ d, probe }) => {
      result[await deliver(d, probe, round)]++;
    });
    return result;
  }

  let running: Promise<void> | undefined;
  let stopping: AbortController | undefined;
  let idle: AbortController | undefined;

  async function loop(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      let busy = false;
      try {
        const result = await runOnce();
        busy = result.sent + result.failed + result.skipped > 0;
      } catch (error) {
        log.error({ error: (error as Error).message }, 'delivery: round failed');
      }
      if (busy || stop.aborted) continue;
      idle = new AbortController();
      const wakeUp = idle;
      const onStop = () => wakeUp.abort();
      stop.addEventListener('abort', onStop, { once: true });
      await sleep(settings.pollIntervalMs, wakeUp.signal);
      stop.removeEventListener('abort', onStop);
    }
  }

  return {
    workerId,
    runOnce,
    start() {
      if (running !== undefined) return;
      stopping = new AbortController();
      running = loop(stopping.signal);
    },
    async stop() {
      if (running === undefined) return;
      stopping?.abort();
      await running;
      running = undefined;
    },
    wake() {
      idle?.abort();
    },
  };
}
