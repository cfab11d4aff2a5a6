/**
 * `roamkit outbox list|retry`: what our peers are owed of our Locations and Tariffs, what waits
 * (a peer unreachable, or an object a peer refused), and retrying what is parked; on the node's
 * database (`--db`) or through a running node's admin API (`--url` + `--admin-token`), chosen as
 * `roamkit peers` chooses (resolveTarget). Both paths go through OutboxActions.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ADMIN_BASE_PATH } from '../http/admin.js';
import { isLoopbackHost } from '../platform/config.js';
import {
  type OutboxActions,
  type OutboxCount,
  type OutboxEntry,
  OutboxError,
  type OutboxListing,
  type OutboxRetryResult,
  outboxActions,
} from '../platform/delivery/outbox.js';
import { StoreError } from '../store/errors.js';
import { parseStoreUrl, redactStoreUrl, StoreUrlError } from '../store/url.js';
import { openNodeStore } from './node-context.js';
import { NodeAccessError, resolveTarget } from './peers.js';
import { InputError } from './read-documents.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface OutboxIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env?: Env;
  /** The admin API client's fetch (tests). */
  fetch?: typeof fetch;
}

interface TargetOptions {
  db?: string;
  url?: string;
  adminToken?: string;
}

const ADMIN_TIMEOUT_MS = 30_000;

/** OutboxActions over a running node's admin API at `baseUrl` (the node's URL, without /admin). */
export function adminOutboxActions(
  baseUrl: string,
  adminToken: string,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): OutboxActions {
  const fetchImpl = options.fetch ?? fetch;
  const base = baseUrl.replace(/\/+$/, '');

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${ADMIN_BASE_PATH}${path}`, {
        method,
        redirect: 'error', // the admin token must not follow a redirect anywhere
        signal: AbortSignal.timeout(options.timeoutMs ?? ADMIN_TIMEOUT_MS),
        headers: {
          authorization: `Bearer ${adminToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason =
        (error as Error).name === 'TimeoutError'
          ? 'timed out'
          : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new NodeAccessError(`cannot reach the admin API at ${base}: ${reason}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.ok && json !== undefined) return json as T;
    if (response.ok) throw new NodeAccessError(`the admin API at ${base} answered without JSON`);
    if (response.status === 401)
      throw new NodeAccessError(`the node at ${base} refused the admin token (HTTP 401)`);
    const answer = (json ?? {}) as { error?: unknown; message?: unknown; field?: unknown };
    const message = typeof answer.message === 'string' ? answer.message : `HTTP ${response.status}`;
    if (answer.error === 'not_found' && /admin API is off/.test(message)) throw new NodeAccessError(message);
    if (answer.error === 'bad_request' || answer.error === 'not_found') {
      throw new OutboxError(
        answer.error,
        message,
        typeof answer.field === 'string' ? answer.field : undefined,
      );
    }
    throw new NodeAccessError(`the admin API at ${base} answered HTTP ${response.status}: ${message}`);
  }

  return {
    list: (filter = {}) => {
      const query = new URLSearchParams();
      for (const name of ['state', 'peer', 'limit'] as const) {
        const value = filter[name];
        if (value !== undefined) query.set(name, String(value));
      }
      const qs = query.toString();
      return call<OutboxListing>('GET', `/outbox${qs === '' ? '' : `?${qs}`}`);
    },
    retry: (input = {}) =>
      call<OutboxRetryResult>('POST', '/outbox/retry', input.peer === undefined ? {} : { peer: input.peer }),
  };
}

/** Runs `fn` with the target's actions; opens (never creates) and closes the store for `--db`. */
async function withOutbox<T>(
  options: TargetOptions,
  io: OutboxIo,
  fn: (actions: OutboxActions) => Promise<T>,
): Promise<T> {
  const target = resolveTarget(options, io.env ?? process.env);
  if (target.kind === 'admin') {
    const url = new URL(target.url);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      io.err(`warning: sending the admin token over plain http to ${url.host}; use https beyond loopback`);
    }
    return fn(adminOutboxActions(target.url, target.adminToken, io.fetch ? { fetch: io.fetch } : {}));
  }
  let location: ReturnType<typeof parseStoreUrl>;
  try {
    location = parseStoreUrl(target.db);
  } catch (error) {
    if (error instanceof StoreUrlError) throw new InputError(`--db: ${error.message}`);
    throw error;
  }
  if (location.dialect === 'sqlite' && (location.memory || !existsSync(location.path))) {
    throw new InputError(
      location.memory
        ? "--db: an in-memory database belongs to one process; use the running node's --url instead"
        : `--db: no database at ${location.path} (start \`roamkit serve --db ${target.db}\` first)`,
    );
  }
  let store: Awaited<ReturnType<typeof openNodeStore>>;
  try {
    store = await openNodeStore(target.db);
  } catch (error) {
    const reason = error instanceof StoreError ? error.message : (error as Error).message;
    throw new NodeAccessError(`cannot use the database ${redactStoreUrl(target.db)}: ${reason}`);
  }
  try {
    return await fn(outboxActions(store));
  } finally {
    await store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Output.

/** The outbox rows as a table, one row per line. */
export function formatOutboxTable(entries: readonly OutboxEntry[]): string[] {
  if (entries.length === 0) return ['no deliveries'];
  const rows = entries.map((e) => [
    e.peerId,
    e.state,
    `${e.module} ${e.countryCode}/${e.partyId}/${e.id}`,
    `${e.ackedRevision ?? '-'}/${e.pendingRevision}${e.forcePut ? ' put' : ''}`,
    String(e.attempts),
    e.state === 'DONE' ? '-' : e.nextAttemptAt,
    e.lastError ?? '',
  ]);
  const header = ['peer', 'state', 'object', 'acked/owed', 'attempts', 'next attempt', 'last error'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `peer P: 3 PENDING, 1 PARKED, 10 DONE`, one line per peer. */
export function formatOutboxCounts(counts: readonly OutboxCount[]): string[] {
  const byPeer = new Map<string, string[]>();
  for (const c of counts) {
    const parts = byPeer.get(c.peerId) ?? [];
    parts.push(`${c.count} ${c.state}`);
    byPeer.set(c.peerId, parts);
  }
  return [...byPeer].map(([peer, parts]) => `peer ${peer}: ${parts.join(', ')}`);
}

/** An action's failure: message on stderr, exit 2 for bad input, else 1. */
function report(error: unknown, command: string, io: OutboxIo): number {
  if (error instanceof OutboxError) {
    const flag = error.field === undefined ? undefined : `--${error.field}`;
    const message =
      flag !== undefined && error.message.startsWith(`${error.field}:`)
        ? `${flag}:${error.message.slice((error.field as string).length + 1)}`
        : error.message;
    io.err(`roamkit outbox ${command}: ${message}`);
    return error.kind === 'bad_request' ? 2 : 1;
  }
  if (error instanceof NodeAccessError) {
    io.err(`roamkit outbox ${command}: ${error.message}`);
    return 1;
  }
  throw error;
}

function targetOptions(command: Command): Command {
  return command
    .option('--db <url>', "act on the node's database: sqlite:PATH or postgres://… (env ROAMKIT_DB)")
    .option(
      '--url <url>',
      "act through a running node's admin API, e.g. http://127.0.0.1:8080 (env ROAMKIT_ADMIN_URL)",
    )
    .option('--admin-token <token>', 'the admin token, with --url (env ROAMKIT_ADMIN_TOKEN)');
}

export function addOutboxCommand(program: Command, io: OutboxIo): Command {
  const outbox = program
    .command('outbox')
    .description(
      "what peers are owed of the node's locations and tariffs (push deliveries), on its --db or through its admin API (--url)",
    );

  targetOptions(
    outbox
      .command('list')
      .description('list delivery rows (soonest due first) and the counts per peer and state')
      .option('--state <state>', 'only PENDING, PARKED, REFUSED or DONE rows (comma-separated for several)')
      .option('--peer <id>', 'only the rows of this peer')
      .option('--limit <n>', 'at most this many rows (default 1000)')
      .option('--json', 'print {deliveries, counts} as JSON'),
  ).action(
    async (options: TargetOptions & { state?: string; peer?: string; limit?: string; json?: boolean }) => {
      try {
        const listing = await withOutbox(options, io, (actions) =>
          actions.list({ state: options.state, peer: options.peer, limit: options.limit }),
        );
        if (options.json) io.out(JSON.stringify(listing, null, 2));
        else {
          for (const line of formatOutboxTable(listing.deliveries)) io.out(line);
          const counts = formatOutboxCounts(listing.counts);
          if (counts.length > 0) io.out('');
          for (const line of counts) io.out(line);
        }
        process.exitCode = 0;
      } catch (error) {
        process.exitCode = report(error, 'list', io);
      }
    },
  );

  targetOptions(
    outbox
      .command('retry')
      .description(
        "send parked and refused deliveries again (as PUTs of the objects' current state), of one peer or all",
      )
      .option('--peer <id>', 'only the parked rows of this peer')
      .option('--json', 'print {retried} as JSON'),
  ).action(async (options: TargetOptions & { peer?: string; json?: boolean }) => {
    try {
      const result = await withOutbox(options, io, (actions) => actions.retry({ peer: options.peer }));
      io.out(
        options.json
          ? JSON.stringify(result)
          : `${result.retried} parked or refused deliver${result.retried === 1 ? 'y' : 'ies'} due again; the node sends them now`,
      );
      process.exitCode = 0;
    } catch (error) {
      process.exitCode = report(error, 'retry', io);
    }
  });

  return outbox;
}
