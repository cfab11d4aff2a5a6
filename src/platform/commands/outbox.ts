/**
 * The commands worker: posts the results of received commands to their senders' response_url
 * (the outbox, in the commands table), and ends the commands whose result is overdue.
 *
 * A round:
 * - commands we forwarded to a charge point that has not answered by their deadline get the
 *   result TIMEOUT (to be posted like any result);
 * - commands we sent whose result has not come by their deadline end as TIMEOUT (waiters of this
 *   process are told);
 * - due result posts are claimed (a lease: a crashed worker's posts come free after leaseMs) and
 *   sent, at most `concurrency` at a time, in the version the command came in (2.1.1: a
 *   CommandResponse body, 2.2+: a CommandResult). Acknowledged: DELIVERED. Refused by the peer
 *   (an OCPI 2xxx, a body it cannot take): FAILED at once, retrying the same body cannot help.
 *   Anything else (no answer, HTTP 5xx, 3xxx): retried with exponential backoff and jitter until
 *   retryWindowMs has passed since the first failure, then FAILED (an operator may retry).
 *
 * The OCPI transport chapter does not ask for retries of a result; we retry anyway, because a
 * result is the only way the eMSP learns what became of its command, and a result is the same
 * message however often it is sent (the eMSP keeps the first).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { fromCanonical } from '../../model/index.js';
import { type EndpointRow, rowsFor } from '../../protocol/index.js';
import type { CommandKind, CommandRecord, CommandRepository } from '../../store/commands.js';
import type { PeerRecord, Store } from '../../store/types.js';
import type { ClientFactory } from '../credentials.js';
import { describeClientError } from '../credentials.js';
import { classifyFailure, retryDelay } from '../delivery/worker.js';
import type { PlatformLogger } from '../modules.js';
import type { CommandsSettings } from './settings.js';

export interface CommandsWorkerDeps {
  store: Store;
  repository: CommandRepository;
  clientFactory: ClientFactory;
  settings: CommandsSettings;
  log: PlatformLogger;
  now: () => Date;
  /** Commands we sent that the sweep ended as TIMEOUT (for the waiters of this process). */
  onSentExpired?: (ids: string[]) => void;
  workerId?: string;
  random?: () => number;
  /**
   * The rows this worker serves (default `commands`). Another module keeping its requests in the
   * commands table (the Charging Profiles module) runs its own worker over its kind, with:
   */
  kind?: CommandKind;
  /** What to send for a row (default: its CommandResult to its response_url); a string: why nothing can be sent. */
  outgoing?: (record: CommandRecord, peer: PeerRecord) => OutgoingPost | string;
  /** The result a RECEIVED row gets when the charge point does not answer in time (see ExpireOptions). */
  timeoutResult?: Record<string, unknown> | null;
}

/** One post of the outbox: a row of the endpoint table, where, and the body in the row's version. */
export interface OutgoingPost {
  row: EndpointRow;
  url: string;
  body: unknown;
  params?: Record<string, string>;
}

/** The Commands module's post: the CommandResult to the sender's response_url. */
export function commandResultPost(record: CommandRecord): OutgoingPost | string {
  const row = rowsFor(record.version, 'commands', 'SENDER').find((r) => r.method === 'POST');
  const url = record.request.response_url;
  if (row === undefined || typeof url !== 'string' || record.result === null) {
    return 'the command has no response_url or no result';
  }
  return {
    row,
    url,
    body: fromCanonical('CommandResult', record.version, record.result).value,
    params: { command: record.command, uid: record.id },
  };
}

export interface CommandsRoundResult {
  /** Results the senders acknowledged. */
  delivered: number;
  /** Attempts that failed (retried later, or given up). */
  failed: number;
  /** Commands ended as TIMEOUT (either side). */
  expired: number;
}

export interface CommandsWorker {
  readonly workerId: string;
  start(): void;
  stop(): Promise<void>;
  runOnce(): Promise<CommandsRoundResult>;
  wake(): void;
}

const MAX_ERROR_LENGTH = 500;
const clip = (text: string) =>
  text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;

export function createCommandsWorker(deps: CommandsWorkerDeps): CommandsWorker {
  const { store, repository, settings, log } = deps;
  const workerId =
    deps.workerId ?? `${hostname()}:${process.pid}:${deps.kind ?? 'commands'}:${randomUUID().slice(0, 8)}`;
  const random = deps.random ?? Math.random;
  const kind = deps.kind ?? 'commands';
  const outgoing = deps.outgoing ?? commandResultPost;
  const expireOptions = {
    kind,
    ...(deps.timeoutResult === undefined ? {} : { timeoutResult: deps.timeoutResult }),
  };

  /** Posts one result; the row's outcome is recorded here. */
  async function post(record: CommandRecord): Promise<'delivered' | 'failed'> {
    const now = deps.now();
    const giveUp = async (error: string) => {
      log.warn({ commandId: record.id, peerId: record.peerId, err: error }, 'command result given up');
      await repository.resultFailed(record.id, workerId, clip(error));
      return 'failed' as const;
    };
    const peer = await store.peers.findById(record.peerId);
    if (peer === undefined || peer.status !== 'REGISTERED' || peer.outgoingToken === null) {
      return giveUp(`the sender is no longer registered (${peer?.status ?? 'unknown peer'})`);
    }
    let post: OutgoingPost | string;
    try {
      post = outgoing(record, peer);
    } catch (error) {
      post = `the result cannot be written in ${record.version}: ${describeClientError(error)}`;
    }
    if (typeof post === 'string') return giveUp(post);
    try {
      const client = deps.clientFactory({ version: record.version, token: peer.outgoingToken });
      await client.callEndpoint(post.row, {
        url: post.url,
        body: post.body,
        ...(post.params === undefined ? {} : { params: post.params }),
        signal: AbortSignal.timeout(settings.requestTimeoutMs),
      });
      await repository.resultDelivered(record.id, workerId);
      return 'delivered';
    } catch (error) {
      const message = describeClientError(error);
      if (classifyFailure(error) === 'refused') return giveUp(`the sender refused the result: ${message}`);
      const firstFailureAt = record.delivery?.firstFailureAt ?? now;
      if (now.getTime() - firstFailureAt.getTime() >= settings.retryWindowMs) {
        return giveUp(`failing since ${firstFailureAt.toISOString()}: ${message}`);
      }
      const attempts = record.delivery?.attempts ?? 0;
      const nextAttemptAt = new Date(now.getTime() + retryDelay(attempts, settings, random));
      log.info(
        { commandId: record.id, attempts: attempts + 1, err: message },
        'command result not delivered; retrying',
      );
      await repository.rescheduleResult(record.id, workerId, {
        nextAttemptAt,
        error: clip(message),
        firstFailureAt,
      });
      return 'failed';
    }
  }

  /** When the timeout sweep last ran. */
  let swept = Number.NEGATIVE_INFINITY;

  /** Overdue commands of both sides end as TIMEOUT; returns how many. */
  async function sweep(now: Date): Promise<number> {
    swept = now.getTime();
    const received = await repository.expire('RECEIVED', now, expireOptions);
    for (const r of received) {
      log.info({ commandId: r.id, command: r.command }, 'the charge point did not answer in time: TIMEOUT');
    }
    const sent = await repository.expire('SENT', now, expireOptions);
    if (sent.length > 0) deps.onSentExpired?.(sent.map((r) => r.id));
    return received.length + sent.length;
  }

  /**
   * One round. `sweepDue`: sweep only when a poll interval has passed since the last sweep (the
   * loop's rounds woken for a result need not sweep; a deadline is not that precise).
   */
  async function round(sweepDue: boolean): Promise<CommandsRoundResult> {
    const now = deps.now();
    const expired = !sweepDue || now.getTime() - swept >= settings.pollIntervalMs ? await sweep(now) : 0;
    const claimed = await repository.claimResults({
      workerId,
      now,
      limit: settings.concurrency,
      leaseMs: settings.leaseMs,
      kind,
    });
    const outcomes = await Promise.all(claimed.map(post));
    return {
      delivered: outcomes.filter((o) => o === 'delivered').length,
      failed: outcomes.filter((o) => o === 'failed').length,
      expired,
    };
  }

  const runOnce = () => round(false);

  let running: Promise<void> | undefined;
  let abort: AbortController | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  async function loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let busy = false;
      try {
        const result = await round(true);
        busy = result.delivered + result.failed > 0;
      } catch (error) {
        log.error(
          { err: error instanceof Error ? error.message : String(error) },
          'commands worker round failed',
        );
      }
      if (signal.aborted) break;
      if (busy || woken) {
        woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, settings.pollIntervalMs);
        function done() {
          clearTimeout(timer);
          wakeUp = undefined;
          signal.removeEventListener('abort', done);
          resolve();
        }
        wakeUp = done;
        signal.addEventListener('abort', done, { once: true });
      });
      woken = false;
    }
  }

  return {
    workerId,
    start() {
      if (running !== undefined) return;
      abort = new AbortController();
      running = loop(abort.signal);
    },
    async stop() {
      abort?.abort();
      await running;
      running = undefined;
      abort = undefined;
    },
    runOnce,
    wake() {
      woken = true;
      wakeUp?.();
    },
  };
}
