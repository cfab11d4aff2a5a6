/**
 * Pull sync: the receiver's way back to a synchronised state. A node that receives a peer's
 * Locations or Tariffs (we are the eMSP/NSP/NAP side, the peer the CPO) normally gets them pushed;
 * pushes missed while either side was down are recovered by GETting the peer's Sender list, every
 * page (the transport chapter's "Offline behaviour": the target of a connection fetches the
 * current state from the source once the connection is back).
 *
 * - Pages are followed by their Link header (the client refuses loops); the `limit` we ask is an
 *   upper bound the peer may lower (X-Limit), its Link then carries the lower one.
 * - Each page is validated in the peer's version, converted to the canonical model and written in
 *   one transaction (`putMany` with `skipOlder`: a page never turns an object's clock back). Only
 *   one page is held at a time, so memory does not grow with the number of objects.
 * - Incremental by default: `date_from` = the time the last successful sync STARTED, so what
 *   changed while it ran is fetched next time (the lower bound is inclusive in 2.2.1+, and read
 *   so in 2.1.1). `full` asks for everything up to the sync's start.
 * - Every sync asks `date_to` = its own start (exclusive): the windows of successive syncs join
 *   without gap or overlap (the transport chapter's sequential intervals), and an object changed
 *   while the pages are read leaves the window instead of moving within it. When it leaves, the
 *   objects after it move up one place and the first of them would fall into a page already read:
 *   X-Total-Count drops, and the page is read again with the offset lowered by the drop (what the
 *   transport chapter advises), so no object is skipped, whatever order the peer lists in. What
 *   changes in the second a sync starts (DateTimes have whole seconds) or while it runs comes
 *   with the next sync, whose window reaches back a minute (clock skew), or by push.
 * - What happened is kept in node_meta under `sync.<module>.<peerId>` (SyncState).
 *
 * The service also runs syncs on its own: on request (a Receiver saw a PATCH for an object it does
 * not hold: a push was missed), at start (pushes may have been missed while we were down) and on the
 * schedule of `config.sync`; failures are retried with backoff.
 */
import { OcpiClientError } from '../client/errors.js';
import { UrlPolicyError } from '../client/url-policy.js';
import { toCanonical } from '../model/index.js';
import {
  findSchema,
  type OcpiVersion,
  parseDateTime,
  parsePaginationHeaders,
  rowsFor,
  schemasByVersion,
  validate,
} from '../protocol/index.js';
import {
  OBJECT_MODULES,
  type ObjectModule,
  type PeerRecord,
  type PutObjectInput,
  type Store,
} from '../store/types.js';
import type { NodeConfig } from './config.js';
import { type ClientFactory, describeClientError } from './credentials.js';
import type { PlatformLogger } from './modules.js';
import { OBJECT_MODULE_FACTS } from './object-modules.js';
import { findParty, peerParties } from './parties.js';

export { peerParties };

// ---------------------------------------------------------------------------------------------
// Records.

export interface SyncProgress {
  /** Objects the peer sent so far (valid or not). */
  received: number;
  /** Objects written to the store (an object older than what we hold is not written). */
  written: number;
  /** X-Total-Count of the latest page; undefined when the peer sends none. */
  total: number | undefined;
  pages: number;
}

export interface SyncResult extends SyncProgress {
  peerId: string;
  module: ObjectModule;
  full: boolean;
  /** The date_from sent (undefined: everything was asked for). */
  dateFrom: Date | undefined;
  startedAt: Date;
  finishedAt: Date;
  /** Objects refused: invalid in the peer's version, or owned by a party that is not the peer's. */
  rejected: number;
}

/** What node_meta records per peer × module. */
export interface SyncState {
  /** When the last successful sync started: the next incremental sync's date_from. */
  lastSuccessAt: Date | undefined;
  /** When the last sync (successful or not) started. */
  lastAttemptAt: Date | undefined;
  /** Why the last sync failed; undefined when it succeeded. */
  lastError: string | undefined;
  /** The last successful sync. */
  lastResult: SyncResult | undefined;
}

/**
 * - unknown_peer: no peer with that id.
 * - not_registered: the peer is not REGISTERED (or lacks a version, a token or a party).
 * - no_endpoint: the peer offers no Sender interface for the module.
 * - transport: a request failed, or the peer's answer was not a list.
 * - store: the database refused a write.
 * - aborted: the service was stopped while the sync ran.
 */
export type SyncErrorKind =
  | 'unknown_peer'
  | 'not_registered'
  | 'no_endpoint'
  | 'transport'
  | 'store'
  | 'aborted';

export class SyncError extends Error {
  override readonly name = 'SyncError';
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Errors a later attempt cannot mend: the peer's record has to change first. */
const PERMANENT: ReadonlySet<SyncErrorKind> = new Set(['unknown_peer', 'not_registered', 'no_endpoint']);

export interface SyncOptions {
  /** Ask for every object, not only those changed since the last successful sync. */
  full?: boolean;
  /** Called after every page. */
  onProgress?: (progress: SyncProgress) => void;
  /** The `limit` asked per page (the peer may lower it). Default 1000. */
  pageLimit?: number;
}

export interface SyncService {
  /** Pulls one module of one peer now. Throws SyncError (peer unknown/not registered/no sender endpoint/transport failure). */
  sync(peerId: string, module: ObjectModule, options?: SyncOptions): Promise<SyncResult>;
  /** Asks for an incremental sync soon (debounced, one at a time per peer×module); never throws. */
  request(peerId: string, module: ObjectModule, reason: string): void;
  /**
   * The periodic schedule (config.sync: intervalMs, per-peer overrides by id or name) and, at start,
   * an incremental sync of every REGISTERED peer with a Sender endpoint for locations/tariffs (pushes
   * may have been missed while we were down). Failures retried with backoff.
   */
  start(): void;
  stop(): Promise<void>;
  /** What node_meta records per peer×module: lastSuccessAt, lastAttemptAt, lastError, lastResult. */
  status(peerId: string, module: ObjectModule): Promise<SyncState | undefined>;
}

export interface SyncServiceDeps {
  config: NodeConfig;
  store: Store;
  clientFactory: ClientFactory;
  log: PlatformLogger;
  now?: () => Date;
  /** How long request() waits for more requests of the same peer × module. Default 1000 ms. */
  debounceMs?: number;
  /** Retry delays of failed background syncs: doubling from base, capped. Defaults 5 s and 5 min. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How often the schedule is checked. Default: a quarter of the shortest interval, 100 ms to 30 s. */
  scheduleTickMs?: number;
}

export const DEFAULT_PAGE_LIMIT = 1000;
/** How far each incremental window reaches back before the last sync's start (clock skew). */
export const CLOCK_SKEW_MARGIN_MS = 60_000;
/** Rejected objects logged one by one per sync; the rest only counted (a broken peer must not flood the log). */
const REJECTIONS_LOGGED = 20;

export const syncMetaKey = (module: ObjectModule, peerId: string): string => `sync.${module}.${peerId}`;

/**
 * The page to read again when X-Total-Count dropped from `previousTotal` to `total` between two
 * pages: objects before the page left the list (changed after date_to, deleted, withdrawn), those
 * after them moved up, and as many objects as left moved into pages already read. The same URL
 * with its offset lowered by the drop; undefined when nothing dropped or the URL has no offset to
 * lower (an opaque Link: nothing to be done).
 */
export function rereadUrl(
  pageUrl: string,
  previousTotal: number | undefined,
  total: number | undefined,
): string | undefined {
  if (previousTotal === undefined || total === undefined || total >= previousTotal) return undefined;
  let url: URL;
  try {
    url = new URL(pageUrl);
  } catch {
    return undefined;
  }
  const raw = url.searchParams.get('offset');
  const offset = raw !== null && /^\d+$/.test(raw) ? Number(raw) : undefined;
  if (offset === undefined || offset === 0 || !Number.isSafeInteger(offset)) return undefined;
  url.searchParams.set('offset', String(Math.max(0, offset - (previousTotal - total))));
  return url.toString();
}

// ---------------------------------------------------------------------------------------------
// Pure parts.

interface Party {
  country_code: string;
  party_id: string;
}

/** Whether the module's Sender list in `version` requires date_from (2.1.1 Sessions). */
export function requiresDateFrom(version: OcpiVersion, module: ObjectModule): boolean {
  const list = rowsFor(version, module, 'SENDER').find((r) => r.method === 'GET' && r.path === '');
  return list?.queryParams.some((p) => p.name === 'date_from' && p.required) ?? false;
}

/** The URL of the peer's Sender interface of a module. */
export function senderEndpoint(
  peer: Pick<PeerRecord, 'endpoints'>,
  module: ObjectModule,
): string | undefined {
  return peer.endpoints.find((e) => e.identifier === module && e.role === 'SENDER')?.url;
}

export interface RejectedObject {
  /** The object's id when it has one. */
  id: string | undefined;
  /** Where and why (a JSON pointer and a message; the first few issues). */
  reason: string;
}

export interface PreparedPage {
  /** One input per object key (a key twice in a page: the newer state). */
  inputs: PutObjectInput[];
  rejected: RejectedObject[];
}

/**
 * One page of a peer's list, ready for `putMany`: each object validated against the peer's
 * version, converted to the canonical model and checked to belong to one of the peer's parties.
 * 2.1.1 objects carry no owner: they get `party2_1_1` (the peer's party).
 */
export function preparePage(
  objects: readonly unknown[],
  context: {
    module: ObjectModule;
    version: OcpiVersion;
    peerId: string;
    parties: readonly Party[];
    /** The parties this node hosts: a peer never writes theirs. */
    hosted?: readonly Party[];
    party2_1_1?: Party;
  },
): PreparedPage {
  const facts = OBJECT_MODULE_FACTS[context.module];
  const type = facts.type;
  const schema = findSchema(schemasByVersion[context.version], type);
  if (schema === undefined) throw new RangeError(`no ${type} in the ${context.version} schemas`);
  const byKey = new Map<string, PutObjectInput>();
  const rejected: RejectedObject[] = [];

  for (const object of objects) {
    const id =
      object !== null && typeof object === 'object' && typeof (object as { id?: unknown }).id === 'string'
        ? (object as { id: string }).id
        : undefined;
    const checked = validate(schema, object);
    if (!checked.valid) {
      const shown = checked.issues
        .slice(0, 3)
        .map((issue) => `${issue.pointer || '/'} ${issue.message}`)
        .join('; ');
      rejected.push({ id, reason: `not a valid ${context.version} ${type}: ${shown}` });
      continue;
    }
    let data: Record<string, unknown>;
    try {
      data = toCanonical(type, context.version, object, {
        ...(context.version === '2.1.1' && context.party2_1_1 !== undefined
          ? { party: context.party2_1_1 }
          : {}),
      }).value;
    } catch (error) {
      rejected.push({ id, reason: `cannot be converted: ${(error as Error).message}` });
      continue;
    }
    const { country_code: cc, party_id: pid, last_updated } = data;
    const objectId = facts.documentId(data);
    if (typeof cc !== 'string' || typeof pid !== 'string' || typeof objectId !== 'string') {
      rejected.push({ id, reason: 'has no owner (country_code, party_id) or id' });
      continue;
    }
    // A party sees and writes only its own data: an object of another owner is not the peer's to
    // send, and none of a party this node hosts is written by a peer (the Receiver's rules).
    const owner = findParty(context.parties, cc, pid);
    if (owner === undefined) {
      rejected.push({ id, reason: `belongs to ${cc}*${pid}, which is not one of the peer's parties` });
      continue;
    }
    if (findParty(context.hosted ?? [], cc, pid) !== undefined) {
      rejected.push({ id, reason: `belongs to ${cc}*${pid}, a party this node hosts` });
      continue;
    }
    const parsed = typeof last_updated === 'string' ? parseDateTime(last_updated) : undefined;
    if (parsed === undefined || !parsed.ok) {
      rejected.push({ id, reason: '/last_updated is not a DateTime' });
      continue;
    }
    // Keyed as the peer's credentials spell the party, as the Receiver keys what is pushed.
    const key = `${owner.country_code}*${owner.party_id}*${objectId}`;
    const earlier = byKey.get(key);
    // One multi-row write cannot touch a row twice (PostgreSQL refuses): keep the newer state.
    if (earlier !== undefined && earlier.lastUpdated.getTime() > parsed.date.getTime()) continue;
    byKey.set(key, {
      module: context.module,
      key: { countryCode: owner.country_code, partyId: owner.party_id, id: objectId },
      peerId: context.peerId,
      data,
      lastUpdated: parsed.date,
    });
  }
  return { inputs: [...byKey.values()], rejected };
}

// ---------------------------------------------------------------------------------------------
// node_meta.

interface StoredState {
  lastSuccessAt?: string | null;
  lastAttemptAt?: string | null;
  lastError?: string | null;
  lastResult?:
    | (Omit<SyncResult, 'dateFrom' | 'startedAt' | 'finishedAt'> & {
        dateFrom: string | null;
        startedAt: string;
        finishedAt: string;
      })
    | null;
}

function readDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The recorded state; a value we cannot read counts as nothing recorded (a full first sync then). */
function readState(value: unknown): SyncState | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const stored = value as StoredState;
  let lastResult: SyncResult | undefined;
  const r = stored.lastResult;
  if (r !== null && typeof r === 'object') {
    const startedAt = readDate(r.startedAt);
    const finishedAt = readDate(r.finishedAt);
    if (startedAt !== undefined && finishedAt !== undefined) {
      lastResult = { ...r, dateFrom: readDate(r.dateFrom), startedAt, finishedAt };
    }
  }
  return {
    lastSuccessAt: readDate(stored.lastSuccessAt),
    lastAttemptAt: readDate(stored.lastAttemptAt),
    lastError: typeof stored.lastError === 'string' ? stored.lastError : undefined,
    lastResult,
  };
}

function storedState(state: SyncState): StoredState {
  const r = state.lastResult;
  return {
    lastSuccessAt: state.lastSuccessAt?.toISOString() ?? null,
    lastAttemptAt: state.lastAttemptAt?.toISOString() ?? null,
    lastError: state.lastError ?? null,
    lastResult:
      r === undefined
        ? null
        : {
            ...r,
            dateFrom: r.dateFrom?.toISOString() ?? null,
            startedAt: r.startedAt.toISOString(),
            finishedAt: r.finishedAt.toISOString(),
          },
  };
}

// ---------------------------------------------------------------------------------------------
// The service.

interface Slot {
  timer: NodeJS.Timeout | undefined;
  timerKind: 'debounce' | 'retry' | undefined;
  /** A background sync of this peer × module is running. */
  running: boolean;
  /** A request arrived while it ran: one more after it. */
  again: boolean;
  /** Failed background attempts in a row. */
  failures: number;
  /** When a sync of this peer × module last started (any trigger), ms. */
  lastRunAt: number | undefined;
}

/** A short reason from any error a sync can end in (peer-controlled text comes redacted from the client). */
function describe(error: unknown): string {
  if (error instanceof OcpiClientError || error instanceof UrlPolicyError) return describeClientError(error);
  return error instanceof Error ? error.message : String(error);
}

export function createSyncService(deps: SyncServiceDeps): SyncService {
  const { config, store, clientFactory, log } = deps;
  const now = deps.now ?? (() => new Date());
  const debounceMs = deps.debounceMs ?? 1000;
  const retryBaseMs = deps.retryBaseMs ?? 5000;
  const retryMaxMs = deps.retryMaxMs ?? 300_000;

  /** Syncs of one peer × module run one after the other (a chain of promises per key). */
  const chains = new Map<string, Promise<unknown>>();
  const slots = new Map<string, Slot>();
  /** Aborts every running sync when the service stops. */
  const controllers = new Set<AbortController>();
  const background = new Set<Promise<void>>();
  let ticker: NodeJS.Timeout | undefined;
  let ticking = false;
  let started = false;
  let startedAtMs = 0;

  const keyOf = (peerId: string, module: ObjectModule) => `${module}|${peerId}`;
  const slotOf = (key: string): Slot => {
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = {
        timer: undefined,
        timerKind: undefined,
        running: false,
        again: false,
        failures: 0,
        lastRunAt: undefined,
      };
      slots.set(key, slot);
    }
    return slot;
  };

  async function status(peerId: string, module: ObjectModule): Promise<SyncState | undefined> {
    return readState(await store.meta.get(syncMetaKey(module, peerId)));
  }

  async function record(peerId: string, module: ObjectModule, change: (state: SyncState) => SyncState) {
    const before = (await status(peerId, module)) ?? {
      lastSuccessAt: undefined,
      lastAttemptAt: undefined,
      lastError: undefined,
      lastResult: undefined,
    };
    await store.meta.set(syncMetaKey(module, peerId), storedState(change(before)));
  }

  async function loadPeer(peerId: string, module: ObjectModule) {
    const peer = await store.peers.findById(peerId);
    if (peer === undefined) throw new SyncError('unknown_peer', `no peer with id ${peerId}`);
    if (peer.status !== 'REGISTERED' || peer.version === null || peer.outgoingToken === null) {
      throw new SyncError('not_registered', `peer ${peerId} is ${peer.status}, not REGISTERED`);
    }
    const url = senderEndpoint(peer, module);
    if (url === undefined) {
      throw new SyncError('no_endpoint', `peer ${peerId} offers no ${module} Sender endpoint`);
    }
    const parties = peerParties(peer);
    if (parties.length === 0) {
      throw new SyncError('not_registered', `peer ${peerId} has no party in its credentials`);
    }
    return { peer, version: peer.version, token: peer.outgoingToken, url, parties };
  }

  async function runSync(peerId: string, module: ObjectModule, options: SyncOptions): Promise<SyncResult> {
    const pageLimit = options.pageLimit ?? DEFAULT_PAGE_LIMIT;
    if (!Number.isSafeInteger(pageLimit) || pageLimit < 1) {
      throw new RangeError('sync: pageLimit must be a positive integer');
    }
    const full = options.full === true;
    const startedAt = now();
    // Also when the peer turns out unusable: the schedule must not retry it on every tick.
    slotOf(keyOf(peerId, module)).lastRunAt = startedAt.getTime();
    let loaded: Awaited<ReturnType<typeof loadPeer>>;
    let previous: SyncState | undefined;
    try {
      loaded = await loadPeer(peerId, module);
      previous = await status(peerId, module);
    } catch (error) {
      // Nothing recorded for a peer we cannot use (an unknown id must not leave a record behind).
      if (error instanceof SyncError) throw error;
      throw new SyncError('store', `reading the peer failed: ${describe(error)}`, { cause: error });
    }
    const { version, token, url, parties } = loaded;
    // The windows overlap by CLOCK_SKEW_MARGIN_MS: the peer stamps last_updated with its clock,
    // the window is ours. A peer running behind us would otherwise stamp a change made just after
    // our last sync started before that start, outside both windows. Re-reading a minute is
    // harmless: what we already hold at that last_updated is skipped or rewritten unchanged.
    const dateFrom =
      full || previous?.lastSuccessAt === undefined
        ? undefined
        : new Date(previous.lastSuccessAt.getTime() - CLOCK_SKEW_MARGIN_MS);
    const progress: SyncProgress = { received: 0, written: 0, total: undefined, pages: 0 };
    let rejected = 0;
    const context = {
      module,
      version,
      peerId,
      parties,
      hosted: config.parties,
      // 2.1.1 credentials carry one party: the owner of everything the peer sends.
      ...(parties[0] === undefined ? {} : { party2_1_1: parties[0] }),
    };
    const controller = new AbortController();
    controllers.add(controller);
    log.info({ peerId, module, full, dateFrom: dateFrom?.toISOString() }, 'sync started');

    try {
      const client = clientFactory({ version, token });
      let pages = client.pages({
        url,
        query: {
          limit: pageLimit,
          // A Sender whose list needs date_from (2.1.1 Sessions) is asked from the epoch for everything.
          ...(dateFrom === undefined
            ? requiresDateFrom(version, module)
              ? { date_from: new Date(0) }
              : {}
            : { date_from: dateFrom }),
          date_to: startedAt,
        },
        signal: controller.signal,
      });
      /** The URL of the page `pages` yields next (relative Links resolve against it). */
      let pageUrl = url;
      let lastTotal: number | undefined;
      /** Pages read again; each needs an object gone from the list, so never more than it first had. */
      let rereads = 0;
      let firstTotal: number | undefined;
      for (;;) {
        let page: Awaited<ReturnType<typeof pages.next>>;
        try {
          page = await pages.next();
        } catch (error) {
          if (controller.signal.aborted) throw new SyncError('aborted', 'stopped', { cause: error });
          throw new SyncError('transport', describe(error), { cause: error });
        }
        if (page.done) break;
        const headers = parsePaginationHeaders(page.value.headers, pageUrl);
        const again = rereadUrl(pageUrl, lastTotal, headers.totalCount);
        if (again !== undefined && rereads < (firstTotal ?? 0)) {
          // This page is not stored: the one read instead starts `drop` objects earlier (its Link goes on from there).
          rereads++;
          log.debug(
            { peerId, module, from: lastTotal, to: headers.totalCount },
            'sync: objects left the list while it was read; the page is read again from a lower offset',
          );
          await pages.return(undefined);
          pages = client.pages({ url: again, signal: controller.signal });
          pageUrl = again;
          lastTotal = headers.totalCount;
          continue;
        }
        const data = page.value.data;
        if (!Array.isArray(data)) {
          throw new SyncError(
            'transport',
            `page ${progress.pages + 1} of the peer's ${module} is not a list`,
          );
        }
        const prepared = preparePage(data, context);
        for (const object of prepared.rejected) {
          rejected++;
          if (rejected <= REJECTIONS_LOGGED) {
            log.warn({ peerId, module, objectId: object.id, reason: object.reason }, 'sync: object rejected');
          }
        }
        let written: number;
        try {
          written =
            prepared.inputs.length === 0
              ? 0
              : await store.transaction((tx) =>
                  // A CDR we hold is never rewritten by a pull: it cannot change (corrections are new CDRs).
                  tx.objects.putMany(prepared.inputs, {
                    skipOlder: true,
                    insertOnly: OBJECT_MODULE_FACTS[module].immutable,
                  }),
                );
        } catch (error) {
          throw new SyncError('store', `storing page ${progress.pages + 1} failed: ${describe(error)}`, {
            cause: error,
          });
        }
        progress.pages++;
        progress.received += data.length;
        progress.written += written;
        if (headers.totalCount !== undefined) progress.total = headers.totalCount;
        firstTotal ??= headers.totalCount;
        lastTotal = headers.totalCount ?? lastTotal;
        if (headers.next !== undefined) pageUrl = headers.next;
        options.onProgress?.({ ...progress });
      }
      if (rejected > REJECTIONS_LOGGED) {
        log.warn({ peerId, module, rejected }, `sync: ${rejected - REJECTIONS_LOGGED} more objects rejected`);
      }
      const result: SyncResult = {
        peerId,
        module,
        full,
        dateFrom,
        startedAt,
        finishedAt: now(),
        rejected,
        ...progress,
      };
      // The start time, not the end: what changed while the pages were read is asked for next time.
      await record(peerId, module, () => ({
        lastSuccessAt: startedAt,
        lastAttemptAt: startedAt,
        lastError: undefined,
        lastResult: result,
      }));
      log.info(
        {
          peerId,
          module,
          full,
          pages: result.pages,
          received: result.received,
          written: result.written,
          rejected,
          ms: result.finishedAt.getTime() - startedAt.getTime(),
        },
        'sync finished',
      );
      return result;
    } catch (error) {
      const failure =
        error instanceof SyncError ? error : new SyncError('store', describe(error), { cause: error });
      log.warn(
        { peerId, module, kind: failure.kind, error: failure.message, pages: progress.pages },
        'sync failed',
      );
      await record(peerId, module, (state) => ({
        ...state,
        lastAttemptAt: startedAt,
        lastError: failure.message,
      })).catch((recordError: unknown) =>
        log.error({ peerId, module, error: describe(recordError) }, 'sync: recording the failure failed'),
      );
      throw failure;
    } finally {
      controllers.delete(controller);
    }
  }

  function sync(peerId: string, module: ObjectModule, options: SyncOptions = {}): Promise<SyncResult> {
    if (!OBJECT_MODULES.includes(module)) {
      return Promise.reject(
        new RangeError(`sync: '${String(module)}' is not one of ${OBJECT_MODULES.join(', ')}`),
      );
    }
    const key = keyOf(peerId, module);
    const before = chains.get(key) ?? Promise.resolve();
    const run = before.then(
      () => runSync(peerId, module, options),
      () => runSync(peerId, module, options),
    );
    chains.set(key, run);
    const forget = () => {
      if (chains.get(key) === run) chains.delete(key);
    };
    run.then(forget, forget);
    return run;
  }

  // -------------------------------------------------------------------------------------------
  // Background syncs: requested, at start, on the schedule.

  function arm(
    key: string,
    peerId: string,
    module: ObjectModule,
    kind: 'debounce' | 'retry',
    delayMs: number,
  ) {
    const slot = slotOf(key);
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timerKind = kind;
    slot.timer = setTimeout(() => fire(key, peerId, module), delayMs);
    slot.timer.unref?.();
  }

  function fire(key: string, peerId: string, module: ObjectModule) {
    const slot = slotOf(key);
    slot.timer = undefined;
    slot.timerKind = undefined;
    if (!started) return;
    slot.running = true;
    const task = (async () => {
      try {
        await sync(peerId, module);
        slot.failures = 0;
      } catch (error) {
        const kind = error instanceof SyncError ? error.kind : undefined;
        if (kind === 'aborted' || !started) return;
        if (kind !== undefined && PERMANENT.has(kind)) {
          // Logged by the sync; a new request (or the schedule) tries again once the peer changed.
          slot.failures = 0;
          return;
        }
        slot.failures++;
        const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** (slot.failures - 1));
        log.info({ peerId, module, attempt: slot.failures, retryInMs: delay }, 'sync: will retry');
        if (!slot.again) arm(key, peerId, module, 'retry', delay);
      } finally {
        slot.running = false;
        if (slot.again && started) {
          slot.again = false;
          arm(key, peerId, module, 'debounce', debounceMs);
        }
      }
    })();
    background.add(task);
    void task.then(() => background.delete(task));
  }

  function request(peerId: string, module: ObjectModule, reason: string): void {
    try {
      if (!started || !OBJECT_MODULES.includes(module)) return;
      const key = keyOf(peerId, module);
      const slot = slotOf(key);
      log.debug({ peerId, module, reason }, 'sync requested');
      if (slot.running) {
        slot.again = true;
        return;
      }
      // Already due soon: this request joins it (debounce).
      if (slot.timerKind === 'debounce') return;
      // No timer, or waiting out a retry's backoff: a request means the peer is likely back, go now.
      arm(key, peerId, module, 'debounce', debounceMs);
    } catch (error) {
      log.error({ peerId, module, error: describe(error) }, 'sync: request failed');
    }
  }

  /** The scheduled interval of a peer: its own (by id, then name), else the node's; null: none. */
  function intervalOf(peer: PeerRecord): number | null {
    const own = config.sync.peers;
    if (Object.hasOwn(own, peer.id)) return own[peer.id] ?? null;
    if (peer.name !== null && Object.hasOwn(own, peer.name)) return own[peer.name] ?? null;
    return config.sync.intervalMs;
  }

  /** Peer × module pairs worth pulling: REGISTERED, a Sender endpoint, a module this node enables. */
  async function syncable(): Promise<{ peer: PeerRecord; module: ObjectModule }[]> {
    const peers = await store.peers.list({ status: 'REGISTERED' });
    const out: { peer: PeerRecord; module: ObjectModule }[] = [];
    for (const peer of peers) {
      for (const module of OBJECT_MODULES) {
        if (config.modules.includes(module) && senderEndpoint(peer, module) !== undefined)
          out.push({ peer, module });
      }
    }
    return out;
  }

  async function tick(): Promise<void> {
    if (ticking || !started) return;
    ticking = true;
    try {
      const at = now().getTime();
      for (const { peer, module } of await syncable()) {
        const interval = intervalOf(peer);
        if (interval === null) continue;
        const last = slotOf(keyOf(peer.id, module)).lastRunAt ?? startedAtMs;
        if (at - last >= interval) request(peer.id, module, 'schedule');
      }
    } catch (error) {
      log.error({ error: describe(error) }, 'sync: schedule check failed');
    } finally {
      ticking = false;
    }
  }

  function start(): void {
    if (started) return;
    started = true;
    startedAtMs = now().getTime();
    const startup = (async () => {
      try {
        for (const { peer, module } of await syncable()) request(peer.id, module, 'start');
      } catch (error) {
        log.error({ error: describe(error) }, 'sync: listing peers at start failed');
      }
    })();
    background.add(startup);
    void startup.then(() => background.delete(startup));

    const intervals = [config.sync.intervalMs, ...Object.values(config.sync.peers)].filter(
      (v): v is number => v !== null,
    );
    if (intervals.length > 0) {
      const tickMs =
        deps.scheduleTickMs ?? Math.min(30_000, Math.max(100, Math.floor(Math.min(...intervals) / 4)));
      ticker = setInterval(() => void tick(), tickMs);
      ticker.unref?.();
    }
  }

  async function stop(): Promise<void> {
    started = false;
    if (ticker !== undefined) clearInterval(ticker);
    ticker = undefined;
    for (const slot of slots.values()) {
      if (slot.timer !== undefined) clearTimeout(slot.timer);
      slot.timer = undefined;
      slot.timerKind = undefined;
      slot.again = false;
    }
    for (const controller of controllers) controller.abort(new Error('sync service stopped'));
    await Promise.allSettled([...background]);
  }

  return { sync, request, start, stop, status };
}
