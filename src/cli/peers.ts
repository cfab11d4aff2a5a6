/**
 * `roamkit peers invite|register|list|update|unregister`: the same actions either on the node's
 * database directly (`--db`, this process runs the handshake) or through a running node's admin
 * API (`--url` + `--admin-token`). Both go through `PeerActions`, so the input checks, the
 * results and the error kinds are the same.
 *
 * Where a target comes from: `--url` or `--db`; else ROAMKIT_ADMIN_URL or ROAMKIT_DB; else the
 * default SQLite file of `roamkit serve` when it exists (it is never created here).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  ADMIN_BASE_PATH,
  type AdminErrorBody,
  type InviteResult,
  PeerActionError,
  type PeerActionErrorKind,
  type PeerActions,
  parseStatusFilter,
  peerActions,
  type UnregisterResult,
} from '../http/admin.js';
import { ConfigError, isLoopbackHost, type NodeConfig, validateNodeConfig } from '../platform/config.js';
import { type PeerView, peerView } from '../platform/peers.js';
import { createPlatform } from '../platform/platform.js';
import { openStore, type SqlStore } from '../store/database.js';
import { StoreError } from '../store/errors.js';
import { DEFAULT_SQLITE_PATH, parseStoreUrl, redactStoreUrl, StoreUrlError } from '../store/url.js';
import { InputError } from './read-documents.js';
import { META_KEYS } from './serve.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface PeersIo {
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

/** The node could not be reached or used (admin API, database); not an action's own error. */
export class NodeAccessError extends Error {
  override readonly name = 'NodeAccessError';
}

// ---------------------------------------------------------------------------------------------
// Through the admin API.

const ERROR_KINDS: readonly PeerActionErrorKind[] = [
  'bad_request',
  'not_found',
  'conflict',
  'handshake_failed',
];

/** Admin calls wait this long: a registration includes the peer's calls back to the node. */
export const ADMIN_TIMEOUT_MS = 60_000;

/** PeerActions over HTTP: a running node's admin API at `baseUrl` (the node's URL, without /admin). */
export function adminPeerActions(
  baseUrl: string,
  adminToken: string,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): PeerActions {
  const fetchImpl = options.fetch ?? fetch;
  const base = baseUrl.replace(/\/+$/, '');

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = `${base}${ADMIN_BASE_PATH}${path}`;
    let response: Response;
    try {
      response = await fetchImpl(url, {
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
      // fetch says only "fetch failed"; the reason (ECONNREFUSED, bad port, …) is in its cause.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const detail =
        cause?.message === undefined
          ? cause?.code
          : cause.code === undefined || cause.message.includes(cause.code)
            ? cause.message
            : `${cause.code} ${cause.message}`;
      const reason =
        (error as Error).name === 'TimeoutError' ? 'timed out' : (detail ?? (error as Error).message);
      throw new NodeAccessError(`cannot reach the admin API at ${base}: ${reason}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.ok) {
      if (json === undefined) throw new NodeAccessError(`the admin API at ${base} answered without JSON`);
      return json as T;
    }
    const answer = (json ?? {}) as Partial<AdminErrorBody>;
    const message = typeof answer.message === 'string' ? answer.message : `HTTP ${response.status}`;
    if (response.status === 401) {
      throw new NodeAccessError(`the node at ${base} refused the admin token (HTTP 401)`);
    }
    if (typeof answer.error === 'string' && (ERROR_KINDS as readonly string[]).includes(answer.error)) {
      // The admin API's 404 when it is off is not about a peer: say so.
      if (answer.error === 'not_found' && /admin API is off/.test(message))
        throw new NodeAccessError(message);
      throw new PeerActionError(answer.error as PeerActionErrorKind, message, {
        ...(typeof answer.field === 'string' ? { field: answer.field } : {}),
        ...(typeof answer.ocpi_status === 'number' ? { ocpiStatus: answer.ocpi_status } : {}),
      });
    }
    throw new NodeAccessError(`the admin API at ${base} answered HTTP ${response.status}: ${message}`);
  }

  const peerPath = (id: string, action: string) => `/peers/${encodeURIComponent(id)}/${action}`;
  return {
    invite: (input) => call<InviteResult>('POST', '/peers/invite', input ?? {}),
    register: async (input) => (await call<{ peer: PeerView }>('POST', '/peers/register', input)).peer,
    list: async (filter = {}) => {
      const query = typeof filter.status === 'string' ? `?status=${encodeURIComponent(filter.status)}` : '';
      return (await call<{ peers: PeerView[] }>('GET', `/peers${query}`)).peers;
    },
    update: async (id) => (await call<{ peer: PeerView }>('POST', peerPath(id, 'update'))).peer,
    unregister: (id) => call<UnregisterResult>('POST', peerPath(id, 'unregister')),
  };
}

// ---------------------------------------------------------------------------------------------
// On the database.

/**
 * PeerActions on a node's database, with the node's configuration as `roamkit serve` recorded it.
 * `list` works on any migrated database; the others need a node to have served it (our versions
 * URL and parties come from there).
 */
export async function databasePeerActions(store: SqlStore): Promise<PeerActions> {
  const [publicUrl, parties, versions, dev] = await Promise.all([
    store.meta.get(META_KEYS.publicUrl),
    store.meta.get(META_KEYS.parties),
    store.meta.get(META_KEYS.versions),
    store.meta.get(META_KEYS.dev),
  ]);
  if (publicUrl === undefined) {
    const refuse = async (): Promise<never> => {
      throw new NodeAccessError(
        'no node has served this database yet (no public URL recorded): run `roamkit serve` with this --db first',
      );
    };
    const list: PeerActions['list'] = async (filter = {}) => {
      const status = parseStatusFilter(filter.status);
      return (await store.peers.list(status === undefined ? {} : { status })).map(peerView);
    };
    return { invite: refuse, register: refuse, update: refuse, unregister: refuse, list };
  }
  let config: NodeConfig;
  try {
    config = validateNodeConfig({ publicUrl, parties, versions, dev });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new NodeAccessError(`the node settings recorded in this database are unusable (${error.message})`);
  }
  return peerActions(createPlatform({ config, store }));
}

// ---------------------------------------------------------------------------------------------
// Choosing the target.

type Target = { kind: 'admin'; url: string; adminToken: string } | { kind: 'db'; db: string };

/** Where the command acts, from its flags and the environment; a usage error when unclear. */
export function resolveTarget(options: TargetOptions, env: Env): Target {
  const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  if (options.url !== undefined && options.db !== undefined) {
    throw new InputError("give either --db (the node's database) or --url (its admin API), not both");
  }
  const url =
    nonEmpty(options.url) ?? (options.db === undefined ? nonEmpty(env.ROAMKIT_ADMIN_URL) : undefined);
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(
        `--url: '${url}' is not a URL (use the node's base URL, e.g. http://127.0.0.1:8080)`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new InputError('--url: use an http:// or https:// URL');
    }
    const adminToken = nonEmpty(options.adminToken) ?? nonEmpty(env.ROAMKIT_ADMIN_TOKEN);
    if (adminToken === undefined) {
      throw new InputError('--url needs the admin token: --admin-token T or ROAMKIT_ADMIN_TOKEN');
    }
    return { kind: 'admin', url: parsed.href, adminToken };
  }
  const explicit = nonEmpty(options.db) ?? nonEmpty(env.ROAMKIT_DB);
  if (explicit !== undefined) return { kind: 'db', db: explicit };
  if (existsSync(DEFAULT_SQLITE_PATH)) return { kind: 'db', db: `sqlite:${DEFAULT_SQLITE_PATH}` };
  throw new InputError(
    `say which node: --db sqlite:PATH|postgres://… (its database) or --url URL --admin-token T (its admin API); no ${DEFAULT_SQLITE_PATH} here`,
  );
}

/** Runs `fn` with the target's actions; opens and closes the store for `--db`. */
async function withActions<T>(
  target: Target,
  io: PeersIo,
  fn: (actions: PeerActions) => Promise<T>,
): Promise<T> {
  if (target.kind === 'admin') {
    const url = new URL(target.url);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      io.err(`warning: sending the admin token over plain http to ${url.host}; use https beyond loopback`);
    }
    return fn(adminPeerActions(target.url, target.adminToken, io.fetch ? { fetch: io.fetch } : {}));
  }
  let location: ReturnType<typeof parseStoreUrl>;
  try {
    location = parseStoreUrl(target.db);
  } catch (error) {
    if (error instanceof StoreUrlError) throw new InputError(`--db: ${error.message}`);
    throw error;
  }
  // Never create a database here: a typo in the path would otherwise give an empty node.
  if (location.dialect === 'sqlite' && (location.memory || !existsSync(location.path))) {
    throw new InputError(
      location.memory
        ? "--db: an in-memory database belongs to one process; use the running node's --url instead"
        : `--db: no database at ${location.path} (start \`roamkit serve --db ${target.db}\` first)`,
    );
  }
  const store = openStore(target.db);
  try {
    try {
      await store.migrate();
    } catch (error) {
      const reason = error instanceof StoreError ? error.message : (error as Error).message;
      throw new NodeAccessError(`cannot use the database ${redactStoreUrl(target.db)}: ${reason}`);
    }
    return await fn(await databasePeerActions(store));
  } finally {
    await store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Output.

const json = (value: unknown) => JSON.stringify(value, null, 2);

function describePeer(peer: PeerView): string {
  const parts = [
    `${peer.status}`,
    peer.version === null ? undefined : `OCPI ${peer.version}`,
    peer.parties.length === 0 ? undefined : `parties ${peer.parties.join(', ')}`,
    peer.versionsUrl === null ? undefined : `versions ${peer.versionsUrl}`,
  ].filter((p) => p !== undefined);
  return `${peer.id}${peer.name === null ? '' : ` (${peer.name})`}: ${parts.join('; ')}`;
}

/** `peers list` as a table, one peer per line. */
export function formatPeerTable(peers: readonly PeerView[]): string[] {
  if (peers.length === 0) return ['no peers'];
  const rows = peers.map((p) => [
    p.id,
    p.name ?? '-',
    p.status,
    p.version ?? '-',
    p.parties.join(',') || '-',
    p.versionsUrl ?? '-',
  ]);
  const header = ['id', 'name', 'status', 'version', 'parties', 'versions url'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** CLI flag for an input field named in an action error. */
const FIELD_FLAGS: Record<string, string> = {
  versions_url: '--versions-url',
  token: '--token',
  name: '--name',
  status: '--status',
};

/** An action's failure as the CLI reports it: message on stderr, exit 2 for bad input, else 1. */
function report(error: unknown, command: string, io: PeersIo): number {
  if (error instanceof PeerActionError) {
    let message = error.message;
    const flag = error.details.field === undefined ? undefined : FIELD_FLAGS[error.details.field];
    if (flag !== undefined && message.startsWith(`${error.details.field}:`)) {
      message = `${flag}:${message.slice((error.details.field as string).length + 1)}`;
    }
    const status = error.details.ocpiStatus === undefined ? '' : ` (OCPI status ${error.details.ocpiStatus})`;
    io.err(`roamkit peers ${command}: ${message}${status}`);
    return error.kind === 'bad_request' ? 2 : 1;
  }
  if (error instanceof NodeAccessError) {
    io.err(`roamkit peers ${command}: ${error.message}`);
    return 1;
  }
  throw error;
}

// ---------------------------------------------------------------------------------------------
// The commands.

function targetOptions(command: Command): Command {
  return command
    .option('--db <url>', "act on the node's database: sqlite:PATH or postgres://… (env ROAMKIT_DB)")
    .option(
      '--url <url>',
      "act through a running node's admin API, e.g. http://127.0.0.1:8080 (env ROAMKIT_ADMIN_URL)",
    )
    .option('--admin-token <token>', 'the admin token, with --url (env ROAMKIT_ADMIN_TOKEN)');
}

export function addPeersCommand(program: Command, io: PeersIo): Command {
  const env = () => io.env ?? process.env;
  const peers = program
    .command('peers')
    .description(
      "manage the node's peers (OCPI platforms it is connected with), on its --db or through its admin API (--url)",
    );

  /** Runs one action and sets the exit code. */
  const act =
    <O extends TargetOptions>(
      command: string,
      fn: (actions: PeerActions, options: O, args: string[]) => Promise<void>,
    ) =>
    async (...args: unknown[]) => {
      // commander passes the arguments, then the options, then the command.
      const options = args[args.length - 2] as O;
      const positional = args.slice(0, -2) as string[];
      const target = resolveTarget(options, env());
      try {
        await withActions(target, io, (actions) => fn(actions, options, positional));
        process.exitCode = 0;
      } catch (error) {
        process.exitCode = report(error, command, io);
      }
    };

  targetOptions(
    peers
      .command('invite')
      .description('make a token A and print it with our versions URL, for a peer to register with us')
      .option('--name <name>', 'a name for the peer')
      .option('--json', 'print {"token", "versions_url"} as JSON'),
  ).action(
    act<TargetOptions & { name?: string; json?: boolean }>('invite', async (actions, options) => {
      const result = await actions.invite(options.name === undefined ? {} : { name: options.name });
      if (options.json) {
        io.out(json({ token: result.token, versions_url: result.versions_url }));
        return;
      }
      io.out(`Invited peer ${result.peer.id}${result.peer.name === null ? '' : ` (${result.peer.name})`}.`);
      io.out('Give the peer these two values; the token is shown only this once:');
      io.out(`  versions URL: ${result.versions_url}`);
      io.out(`  token A:      ${result.token}`);
    }),
  );

  targetOptions(
    peers
      .command('register')
      .description(
        'register with a peer: its versions URL and the token A it gave us (the credentials handshake)',
      )
      .requiredOption('--versions-url <url>', "the peer's versions URL")
      .requiredOption('--token <token>', 'the token A the peer gave us')
      .option('--name <name>', 'a name for the peer')
      .option('--json', 'print the peer as JSON')
      .addHelpText(
        'after',
        '\nWith --db the handshake runs in this process, but the peer calls our versions URL back while it\n' +
          'answers: the node serving that database must be running, or the peer refuses.',
      ),
  ).action(
    act<TargetOptions & { versionsUrl: string; token: string; name?: string; json?: boolean }>(
      'register',
      async (actions, options) => {
        const peer = await actions.register({
          versions_url: options.versionsUrl,
          token: options.token,
          ...(options.name === undefined ? {} : { name: options.name }),
        });
        io.out(options.json ? json(peer) : `Registered in OCPI ${peer.version}: ${describePeer(peer)}`);
      },
    ),
  );

  targetOptions(
    peers
      .command('list')
      .description('list the peers (never their tokens)')
      .option('--status <status>', 'only INVITED, REGISTERED or UNREGISTERED peers')
      .option('--json', 'print the peers as JSON'),
  ).action(
    act<TargetOptions & { status?: string; json?: boolean }>('list', async (actions, options) => {
      const list = await actions.list(options.status === undefined ? {} : { status: options.status });
      if (options.json) io.out(json(list));
      else for (const line of formatPeerTable(list)) io.out(line);
    }),
  );

  targetOptions(
    peers
      .command('update')
      .description('update a registered peer: the highest mutual version again, new tokens on both sides')
      .argument('<id>', 'the peer id (see peers list)')
      .option('--json', 'print the peer as JSON')
      .addHelpText('after', '\nWith --db, as for register: the node serving that database must be running.'),
  ).action(
    act<TargetOptions & { json?: boolean }>('update', async (actions, options, [id]) => {
      const peer = await actions.update(id as string);
      io.out(
        options.json ? json(peer) : `Updated, OCPI ${peer.version}, tokens rotated: ${describePeer(peer)}`,
      );
    }),
  );

  targetOptions(
    peers
      .command('unregister')
      .description('end the connection with a peer (DELETE at its credentials endpoint; both tokens void)')
      .argument('<id>', 'the peer id (see peers list)')
      .option('--json', 'print the result as JSON'),
  ).action(
    act<TargetOptions & { json?: boolean }>('unregister', async (actions, options, [id]) => {
      const result = await actions.unregister(id as string);
      if (options.json) {
        io.out(json(result));
      } else {
        io.out(`Unregistered: ${describePeer(result.peer)}`);
        if (!result.remote.ok) io.err(`note: the peer did not confirm the DELETE: ${result.remote.reason}`);
      }
    }),
  );

  return peers;
}
