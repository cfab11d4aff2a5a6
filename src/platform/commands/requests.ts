/**
 * An outgoing asynchronous request: a command (Commands module) or a profile request (Charging
 * Profiles module) we send to a CPO. It is stored (SENDING) before a byte goes out, the CPO's
 * synchronous response is stored when it comes, its result arrives later at our Sender interface
 * (possibly before the response: the store takes both in any order), and it ends as TIMEOUT when
 * the CPO's deadline passes without one. Both modules keep these requests in the commands table,
 * so one implementation follows them: the peer checks, the call, the waiters of this process
 * (woken when a request changes here) and the wait loop over the store (another process, such as
 * `roamkit command`, can wait for a result the node receives).
 */
import { OcpiStatusError } from '../../client/errors.js';
import { toCanonical } from '../../model/index.js';
import type { ModuleId, OcpiVersion } from '../../protocol/index.js';
import type { CommandRecord, CommandRepository, ExpireOptions } from '../../store/commands.js';
import type { PeerRecord, Store } from '../../store/types.js';
import type { NodeConfig } from '../config.js';
import { type ClientFactory, defaultClientFactory, describeClientError } from '../credentials.js';
import { type OcpiOutcome, type OcpiRequestContext, type PlatformLogger, silentLogger } from '../modules.js';
import { convertUp } from '../published-objects/shared.js';
import { servedInterfaces } from '../versions.js';

type Json = Record<string, unknown>;

/** How a module refuses to send, before anything is stored (CommandSendError, ProfileSendError). */
export type SendRefusal = (kind: 'unknown_peer' | 'peer_not_ready', message: string) => Error;

/** The peer, registered with us, and the version we speak with it. */
export async function registeredPeer(
  store: Store,
  peerId: string,
  refuse: SendRefusal,
): Promise<{ peer: PeerRecord; version: OcpiVersion }> {
  const peer = await store.peers.findById(peerId);
  if (peer === undefined) throw refuse('unknown_peer', `no peer ${peerId}`);
  const version = peer.version;
  if (peer.status !== 'REGISTERED' || version === null || peer.outgoingToken === null) {
    throw refuse('peer_not_ready', `peer ${peerId} is not registered (${peer.status})`);
  }
  return { peer, version };
}

/** The URL of the peer's Receiver interface of `module` (`title` names the module in the refusal). */
export function receiverUrl(
  peer: PeerRecord,
  version: OcpiVersion,
  module: ModuleId,
  title: string,
  refuse: SendRefusal,
): string {
  const url = peer.endpoints.find((e) => e.identifier === module && e.role === 'RECEIVER')?.url;
  if (url === undefined) {
    throw refuse('peer_not_ready', `peer ${peer.id} offers no ${title} Receiver endpoint in ${version}`);
  }
  return url;
}

/** The result comes back at our Sender interface of `module`: without one, nothing can be sent. */
export function requireSenderInterface(
  config: NodeConfig,
  version: OcpiVersion,
  module: ModuleId,
  message: string,
  refuse: SendRefusal,
): void {
  if (!servedInterfaces(config, version, module).includes('SENDER')) throw refuse('peer_not_ready', message);
}

/** The peer's party the request is for (OCPI-to-*, 2.2.1+): its first CPO role. */
export function cpoPartyOf(peer: PeerRecord): { countryCode: string; partyId: string } | undefined {
  const role = peer.roles.find((r) => r.role === 'CPO') ?? peer.roles[0];
  return role === undefined
    ? undefined
    : { countryCode: String(role.country_code), partyId: String(role.party_id) };
}

/** The party a peer's request speaks for (its first role), for the conversion of what it sends. */
export const partyOf = (ctx: OcpiRequestContext) => ({
  country_code: String(ctx.peer.roles[0]?.country_code ?? ''),
  party_id: String(ctx.peer.roles[0]?.party_id ?? ''),
});

/** The CPO's synchronous answer as canonical `object`; undefined when it is not one (or its result is unknown). */
function readResponse(
  object: string,
  results: readonly string[],
  version: OcpiVersion,
  data: unknown,
): Json | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  try {
    const value = toCanonical(object, version, data).value as Json;
    return results.includes(String(value.result)) ? value : undefined;
  } catch {
    return undefined;
  }
}

export interface OutgoingRequestsDeps {
  repository: CommandRepository;
  settings: { requestTimeoutMs: number };
  now: () => Date;
  log: PlatformLogger;
  /** The requests of this module in messages: `command`, `profile request`. */
  noun: string;
  /** Whether a stored row is one of this module's (the table holds both kinds). Default: any. */
  owns?: (record: CommandRecord) => boolean;
  /** How the wait loop ends an overdue request (the module's kind and TIMEOUT result). */
  expire?: ExpireOptions;
}

/** The synchronous exchange with the CPO: how the call is made and its answer read. */
export interface Exchange {
  /** Makes the call, bounded by `signal`; resolves with the answer's data. */
  call(signal: AbortSignal): Promise<{ data: unknown }>;
  /** The caller's signal; the call is bounded by requestTimeoutMs as well. */
  signal?: AbortSignal | undefined;
  /** The version spoken with the CPO, the answer's object (CommandResponse…) and its result values. */
  version: OcpiVersion;
  response: { object: string; results: readonly string[] };
  /** When an ACCEPTED request's result is overdue. */
  deadlineOf(response: Json, at: Date): Date;
  /** Logged (with `err`) when the CPO does not take the request. */
  refused: { fields: Json; message: string };
}

/** The result a peer posts at our Sender interface for request `id`: how it is read and logged. */
export interface ResultReceipt {
  object: string;
  results: readonly string[];
  /** The result type's name, in the refusal of an unknown value. */
  resultType: string;
  /** Logged (with `result` and `reception`) when the result came after the request had ended. */
  late: { fields: Json; message: string };
}

export interface RequestWaitOptions {
  signal?: AbortSignal;
  /** How often the store is read when nothing changes in this process. Default 200 ms. */
  pollMs?: number;
}

export interface OutgoingRequests {
  /** Calls the CPO for the stored request `id` and stores its synchronous answer (or the failure). */
  exchange(id: string, exchange: Exchange): Promise<CommandRecord>;
  /** Resolves when the request has ended (result, refusal, error or TIMEOUT). */
  wait(id: string, options?: RequestWaitOptions): Promise<CommandRecord>;
  /** Stores a result the peer posted (already checked to be for a request of ours it may answer). */
  receiveResult(ctx: OcpiRequestContext, id: string, receipt: ResultReceipt): Promise<OcpiOutcome>;
  /** Requests that ended elsewhere in this process (the timeout sweep): their waiters are woken. */
  ended(ids: readonly string[]): void;
}

export function createOutgoingRequests(deps: OutgoingRequestsDeps): OutgoingRequests {
  const { repository, settings, log, noun } = deps;
  /** Waiters of this process by request id: woken when the request changes here. */
  const waiters = new Map<string, Set<() => void>>();

  function notify(id: string): void {
    const set = waiters.get(id);
    if (set === undefined) return;
    waiters.delete(id);
    for (const wake of set) wake();
  }

  /** Resolves after `ms`, or earlier when the request changes in this process or `signal` aborts. */
  function changeOrTimeout(id: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const set = waiters.get(id) ?? new Set<() => void>();
      waiters.set(id, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && waiters.get(id) === set) waiters.delete(id);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  return {
    async exchange(id, exchange) {
      const signal = exchange.signal
        ? AbortSignal.any([exchange.signal, AbortSignal.timeout(settings.requestTimeoutMs)])
        : AbortSignal.timeout(settings.requestTimeoutMs);
      let record: CommandRecord | undefined;
      try {
        const answer = await exchange.call(signal);
        const { object, results } = exchange.response;
        const response = readResponse(object, results, exchange.version, answer.data);
        if (response === undefined) {
          record = await repository.recordError(id, {
            message: `the CPO answered without a ${object}: ${JSON.stringify(answer.data)?.slice(0, 200)}`,
          });
        } else if (response.result === 'ACCEPTED') {
          record = await repository.recordResponse(id, response, {
            state: 'WAITING',
            deadline: exchange.deadlineOf(response, deps.now()),
          });
        } else {
          record = await repository.recordResponse(id, response, {
            state: 'DONE',
            outcome: String(response.result),
          });
        }
      } catch (error) {
        const failure =
          error instanceof OcpiStatusError
            ? { statusCode: error.code, message: error.statusMessage ?? error.message }
            : { message: describeClientError(error) };
        log.info({ ...exchange.refused.fields, err: failure.message }, exchange.refused.message);
        record = await repository.recordError(id, failure);
      }
      notify(id);
      // recordResponse/recordError find the row unless a result completed it first: read it then.
      return record ?? ((await repository.get(id)) as CommandRecord);
    },

    async wait(id, options = {}) {
      const pollMs = options.pollMs ?? 200;
      for (;;) {
        const record = await repository.get(id);
        if (record === undefined || (deps.owns !== undefined && !deps.owns(record))) {
          throw new RangeError(`no ${noun} ${id}`);
        }
        if (record.state === 'DONE' || options.signal?.aborted) return record;
        const now = deps.now();
        let wait = pollMs;
        if (record.state === 'WAITING' && record.deadline !== null) {
          const left = record.deadline.getTime() - now.getTime();
          if (left <= 0) {
            await repository.expire('SENT', now, deps.expire);
            continue;
          }
          wait = Math.min(wait, left);
        } else if (
          record.state === 'SENDING' &&
          now.getTime() - record.createdAt.getTime() > 2 * settings.requestTimeoutMs
        ) {
          // The process that sent it ended before the answer was stored: nobody will store one.
          await repository.recordError(id, { message: 'the sending process ended before the CPO answered' });
          continue;
        }
        await changeOrTimeout(id, wait, options.signal);
      }
    },

    async receiveResult(ctx, id, receipt) {
      const converted = convertUp(
        receipt.object,
        ctx.version,
        ctx.body as Json,
        { party: partyOf(ctx) },
        ctx.log,
      );
      if (!converted.ok) return converted.outcome;
      const result = converted.value;
      if (!receipt.results.includes(String(result.result))) {
        return { statusCode: 2001, message: `unknown ${receipt.resultType} ${String(result.result)}` };
      }
      const taken = await repository.recordResult(id, result);
      notify(id);
      if (taken !== undefined && taken.reception !== 'completed') {
        log.info(
          { ...receipt.late.fields, result: result.result, reception: taken.reception },
          receipt.late.message,
        );
      }
      return { statusCode: 1000 };
    },

    ended(ids) {
      for (const id of ids) notify(id);
    },
  };
}

/** What a module's service takes to follow its requests, with the node's defaults filled in. */
export function requestsContext(deps: {
  config: NodeConfig;
  store: Store;
  clientFactory?: ClientFactory | undefined;
  log?: PlatformLogger | undefined;
  now?: (() => Date) | undefined;
}): { repository: CommandRepository; clientFactory: ClientFactory; log: PlatformLogger; now: () => Date } {
  return {
    repository: deps.store.commands,
    clientFactory: deps.clientFactory ?? defaultClientFactory(deps.config),
    log: deps.log ?? silentLogger,
    now: deps.now ?? (() => new Date()),
  };
}

/** Sends, then waits for the end unless the CPO's synchronous answer already ended the request. */
export async function sendAndWait(
  send: () => Promise<CommandRecord>,
  wait: (id: string) => Promise<CommandRecord>,
): Promise<CommandRecord> {
  const sent = await send();
  return sent.state === 'DONE' ? sent : wait(sent.id);
}
