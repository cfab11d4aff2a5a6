/**
 * `roamkit outbox list|retry`: what our peers are owed of our Locations and Tariffs, what waits
 * (a peer unreachable, or an object a peer refused), and retrying what is parked; on the node's
 * database (`--db`) or through a running node's admin API (`--url` + `--admin-token`), chosen as
 * `roamkit peers` chooses (resolveTarget). Both paths go through OutboxActions.
 */
import type { Command } from 'commander';
import {
  type OutboxActions,
  type OutboxCount,
  type OutboxEntry,
  OutboxError,
  type OutboxListing,
  type OutboxRetryResult,
  outboxActions,
} from '../platform/delivery/outbox.js';
import { type AdminClientOptions, type AdminErrorAnswer, adminApi } from './admin-client.js';
import {
  namingFlag,
  reportFailure,
  resolveTarget,
  type TargetIo,
  type TargetOptions,
  targetOptions,
  withTarget,
} from './node-context.js';

export type OutboxIo = TargetIo;

const ADMIN_TIMEOUT_MS = 30_000;

/** The admin API's answer for bad input or an unknown peer, as the OutboxError it was. */
function toOutboxError(answer: AdminErrorAnswer): OutboxError | undefined {
  return answer.error === 'bad_request' || answer.error === 'not_found'
    ? new OutboxError(answer.error, answer.message, answer.field)
    : undefined;
}

/** OutboxActions over a running node's admin API at `baseUrl` (the node's URL, without /admin). */
export function adminOutboxActions(
  baseUrl: string,
  adminToken: string,
  options: AdminClientOptions = {},
): OutboxActions {
  const call = adminApi(baseUrl, adminToken, options, {
    timeoutMs: ADMIN_TIMEOUT_MS,
    toError: toOutboxError,
  });
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

/** Runs `fn` with the actions on the node the options name (see withTarget). */
async function withOutbox<T>(
  options: TargetOptions,
  io: OutboxIo,
  fn: (actions: OutboxActions) => Promise<T>,
): Promise<T> {
  const target = resolveTarget(options, io.env ?? process.env);
  return withTarget(target, io, { admin: adminOutboxActions, database: outboxActions }, fn);
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
  return reportFailure(error, `roamkit outbox ${command}`, io, (e) =>
    e instanceof OutboxError
      ? {
          message: namingFlag(e.message, e.field, e.field === undefined ? undefined : `--${e.field}`),
          badInput: e.kind === 'bad_request',
        }
      : undefined,
  );
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
