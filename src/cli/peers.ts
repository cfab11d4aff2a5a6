/**
 * `roamkit peers invite|register|list|update|unregister`: the same actions either on the node's
 * database directly (`--db`, this process runs the handshake) or through a running node's admin
 * API (`--url` + `--admin-token`). Both go through `PeerActions`, so the input checks, the
 * results and the error kinds are the same.
 *
 * Where a target comes from: `--url` or `--db`; else ROAMKIT_ADMIN_URL or ROAMKIT_DB; else the
 * default SQLite file of `roamkit serve` when it exists (it is never created here).
 */
import type { Command } from 'commander';
import {
  type InviteResult,
  PeerActionError,
  type PeerActionErrorKind,
  type PeerActions,
  parseStatusFilter,
  peerActions,
  type UnregisterResult,
} from '../http/admin.js';
import { ConfigError, type NodeConfig, validateNodeConfig } from '../platform/config.js';
import { type PeerView, peerView } from '../platform/peers.js';
import { createPlatform } from '../platform/platform.js';
import type { SqlStore } from '../store/database.js';
import { type AdminClientOptions, type AdminErrorAnswer, adminApi, NodeAccessError } from './admin-client.js';
import {
  namingFlag,
  reportFailure,
  resolveTarget,
  type TargetIo,
  type TargetOptions,
  targetOptions,
  withTarget,
} from './node-context.js';
import { META_KEYS } from './serve.js';

export { NodeAccessError } from './admin-client.js';
export { resolveTarget } from './node-context.js';

export type PeersIo = TargetIo;

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

/** The admin API's answer for a known action error kind, as the PeerActionError it was. */
function toPeerActionError(answer: AdminErrorAnswer): PeerActionError | undefined {
  if (answer.error === undefined || !(ERROR_KINDS as readonly string[]).includes(answer.error))
    return undefined;
  return new PeerActionError(answer.error as PeerActionErrorKind, answer.message, {
    ...(answer.field === undefined ? {} : { field: answer.field }),
    ...(answer.ocpi_status === undefined ? {} : { ocpiStatus: answer.ocpi_status }),
  });
}

/** PeerActions over HTTP: a running node's admin API at `baseUrl` (the node's URL, without /admin). */
export function adminPeerActions(
  baseUrl: string,
  adminToken: string,
  options: AdminClientOptions = {},
): PeerActions {
  const call = adminApi(baseUrl, adminToken, options, {
    timeoutMs: ADMIN_TIMEOUT_MS,
    toError: toPeerActionError,
  });
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
  return reportFailure(error, `roamkit peers ${command}`, io, (e) => {
    if (!(e instanceof PeerActionError)) return undefined;
    const { field, ocpiStatus } = e.details;
    const message = namingFlag(e.message, field, field === undefined ? undefined : FIELD_FLAGS[field]);
    const status = ocpiStatus === undefined ? '' : ` (OCPI status ${ocpiStatus})`;
    return { message: `${message}${status}`, badInput: e.kind === 'bad_request' };
  });
}

// ---------------------------------------------------------------------------------------------
// The commands.

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
        await withTarget(target, io, { admin: adminPeerActions, database: databasePeerActions }, (actions) =>
          fn(actions, options, positional),
        );
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
