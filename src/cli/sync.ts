import { type Command, InvalidArgumentError } from 'commander';
import { defaultClientFactory } from '../platform/credentials.js';
import { createSyncService, SyncError, type SyncProgress, type SyncResult } from '../platform/sync.js';
import { StoreError } from '../store/errors.js';
import { OBJECT_MODULES, type ObjectModule } from '../store/types.js';
import { redactStoreUrl } from '../store/url.js';
import { cliLogger, type LineFormat } from './cli-logger.js';
import { checkNodeDatabase, databaseUrl, withNodeStore } from './node-context.js';
import { onTerminal, type ProgressIo, perSecond, progressBar } from './progress.js';
import { InputError } from './read-documents.js';

export type SyncIo = ProgressIo;

interface SyncCommandOptions {
  peer: string;
  full?: boolean;
  db?: string;
  pageLimit?: number;
}

function parsePageLimit(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('use a positive integer, e.g. 500');
  return n;
}

function parseModule(value: string): ObjectModule {
  const module = value.trim().toLowerCase();
  if (!(OBJECT_MODULES as readonly string[]).includes(module)) {
    throw new InputError(
      `roamkit sync: '${value}' is not a module to sync (use ${OBJECT_MODULES.join(' or ')})`,
    );
  }
  return module as ObjectModule;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One plain progress line: `page 3: 300/1000 objects, 1520/s`. */
export function formatPageLine(progress: SyncProgress, elapsedMs: number): string {
  const of = progress.total === undefined ? '' : `/${progress.total}`;
  return `page ${progress.pages}: ${progress.received}${of} objects, ${perSecond(progress.received, elapsedMs)}/s`;
}

/** The summary line of a finished sync. */
export function formatSummary(result: SyncResult, peerLabel: string): string {
  const ms = result.finishedAt.getTime() - result.startedAt.getTime();
  const since = result.dateFrom === undefined ? 'full' : `changes since ${result.dateFrom.toISOString()}`;
  return (
    `synced ${result.module} from ${peerLabel} (${since}): ${result.received} received, ${result.written} written, ` +
    `${result.rejected} rejected, ${result.pages} page${result.pages === 1 ? '' : 's'} in ${seconds(ms)}`
  );
}

/** Shows the progress: a bar on a terminal, else a line per page. */
function progressReporter(io: SyncIo, module: ObjectModule) {
  const tty = onTerminal(io);
  const started = Date.now();
  if (!tty) {
    return {
      tty,
      update: (p: SyncProgress) => io.err(formatPageLine(p, Date.now() - started)),
      stop: () => {},
    };
  }
  const bar = progressBar(
    io,
    `${module} [{bar}] {value}/{total} objects | {rate}/s | ETA {eta_formatted}`,
    20,
  );
  let running = false;
  return {
    tty,
    update: (p: SyncProgress) => {
      // Without X-Total-Count the bar can only say what arrived.
      const total = Math.max(p.total ?? p.received, p.received);
      const payload = { rate: perSecond(p.received, Date.now() - started) };
      if (!running) {
        bar.start(total, p.received, payload);
        running = true;
      } else {
        bar.setTotal(total);
        bar.update(p.received, payload);
      }
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}

/** A log record as a line: the fields beyond peer and module; the final "sync failed" is our own summary. */
const syncLine: LineFormat = (level, obj, msg) => {
  if (msg === 'sync failed') return undefined;
  const { peerId: _peer, module: _module, ...fields } = obj as Record<string, unknown>;
  const detail = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${level}: ${msg ?? ''}${detail === '' ? '' : ` (${detail})`}`;
};

export function addSyncCommand(program: Command, io: SyncIo): Command {
  return program
    .command('sync')
    .description(
      "pull a peer's locations or tariffs (its Sender interface, every page) into the node's database",
    )
    .argument('<module>', `${OBJECT_MODULES.join(' or ')}`)
    .requiredOption('--peer <id>', 'the peer id (see peers list)')
    .option('--full', 'fetch every object, not only those changed since the last successful sync')
    .option('--db <url>', "the node's database: sqlite:PATH or postgres://… (env ROAMKIT_DB)")
    .option(
      '--page-limit <n>',
      'objects asked per page (the peer may send fewer); default 1000',
      parsePageLimit,
    )
    .action(async (moduleArg: string, options: SyncCommandOptions) => {
      process.exitCode = await runSyncCommand(moduleArg, options, io);
    });
}

/** The command's work; returns the exit code. */
async function runSyncCommand(moduleArg: string, options: SyncCommandOptions, io: SyncIo): Promise<number> {
  let reporter: ReturnType<typeof progressReporter> | undefined;
  const log = cliLogger(io.err, () => reporter?.tty === true, syncLine);
  const url = databaseUrl(options.db, io.env ?? process.env);
  try {
    const module = parseModule(moduleArg);
    checkNodeDatabase(url, 'sync');
    const { result, label } = await withNodeStore(url, async (store, config) => {
      const peer = await store.peers.findById(options.peer);
      if (peer === undefined) {
        throw new InputError(`roamkit sync: no peer with id ${options.peer} (see roamkit peers list)`);
      }
      const service = createSyncService({
        config,
        store,
        clientFactory: defaultClientFactory(config),
        log: log.logger,
      });
      reporter = progressReporter(io, module);
      try {
        const result = await service.sync(peer.id, module, {
          ...(options.full ? { full: true } : {}),
          ...(options.pageLimit === undefined ? {} : { pageLimit: options.pageLimit }),
          onProgress: (p) => reporter?.update(p),
        });
        return { result, label: peer.name === null ? `peer ${peer.id}` : `peer ${peer.id} (${peer.name})` };
      } finally {
        reporter.stop();
        log.flush();
      }
    });
    io.out(formatSummary(result, label));
    return 0;
  } catch (error) {
    log.flush();
    if (error instanceof InputError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof SyncError) {
      io.err(`roamkit sync: ${error.message}`);
      return error.kind === 'unknown_peer' ? 2 : 1;
    }
    if (error instanceof StoreError) {
      io.err(`roamkit sync: cannot use the database ${redactStoreUrl(url)}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
