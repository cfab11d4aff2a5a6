/**
 * `roamkit serve`: opens the store, migrates it, records what `roamkit peers --db` needs to know
 * about this node (public URL, parties, versions, development mode) in the store's node_meta,
 * builds the app, listens, logs the URLs, and closes cleanly on SIGINT/SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from '../http/app.js';
import { createLogger } from '../http/logger.js';
import type { NodeConfig } from '../platform/config.js';
import { ocpiUrls } from '../platform/urls.js';
import { OCPI_VERSIONS } from '../protocol/index.js';
import { openStore, type SqlStore } from '../store/database.js';
import { StoreError } from '../store/errors.js';
import { redactStoreUrl } from '../store/url.js';
import {
  CONFIG_ENV,
  derivedPublicUrl,
  loadServeSettings,
  SERVE_DEFAULTS,
  type ServeFlags,
  type ServeSettings,
} from './config-file.js';
import { InputError } from './read-documents.js';

/** node_meta keys written by `serve` and read by `roamkit peers --db`. */
export const META_KEYS = {
  publicUrl: 'public_url',
  parties: 'parties',
  versions: 'versions',
  dev: 'dev',
  pagination: 'pagination',
  delivery: 'delivery',
  sync: 'sync',
  authorization: 'authorization',
} as const;

/** What the node tells `roamkit peers --db` about itself (never the admin token). */
export async function recordNodeMeta(store: SqlStore, config: NodeConfig): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.meta.set(META_KEYS.publicUrl, config.publicUrl);
    await tx.meta.set(META_KEYS.parties, config.parties);
    await tx.meta.set(META_KEYS.versions, config.versions);
    await tx.meta.set(META_KEYS.dev, config.dev);
    await tx.meta.set(META_KEYS.pagination, config.pagination);
    await tx.meta.set(META_KEYS.delivery, config.delivery);
    await tx.meta.set(META_KEYS.sync, config.sync);
    await tx.meta.set(META_KEYS.authorization, config.authorization);
  });
}

export interface RunningServer {
  app: FastifyInstance;
  store: SqlStore;
  config: NodeConfig;
  /** The public URL (its port filled in when it was derived and the port was 0). */
  publicUrl: string;
  versionsUrl: string;
  /** Stops listening, then closes the store. */
  close(): Promise<void>;
}

/** A failure to start that is not the configuration's fault: the database, the port. */
export class StartError extends Error {
  override readonly name = 'StartError';
}

/** Starts a node from checked settings. The caller owns shutdown (`close`). */
export async function startServer(
  settings: ServeSettings,
  options: { logger?: Logger | false } = {},
): Promise<RunningServer> {
  const { config } = settings;
  const logger = options.logger ?? createLogger({ level: settings.logLevel as 'info' });
  const unusable = (error: unknown) => {
    const reason = error instanceof StoreError ? error.message : (error as Error).message;
    return new StartError(`cannot use the database ${redactStoreUrl(settings.db)}: ${reason}`);
  };
  let store: SqlStore;
  try {
    store = openStore(settings.db);
  } catch (error) {
    throw unusable(error);
  }
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw unusable(error);
  }
  const app = buildApp({ config, store, logger });
  try {
    await app.listen({ host: settings.host, port: settings.port });
  } catch (error) {
    await app.close().catch(() => {});
    await store.close().catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    throw new StartError(
      `cannot listen on ${settings.host}:${settings.port}: ${code === 'EADDRINUSE' ? 'the address is in use' : (error as Error).message}`,
    );
  }
  if (settings.publicUrlDerived) {
    // Read on every request (NodeConfig.publicUrl), so setting it before any URL was handed out is enough.
    const { port } = app.server.address() as AddressInfo;
    config.publicUrl = derivedPublicUrl(settings.host, port);
  }
  try {
    await recordNodeMeta(store, config);
  } catch (error) {
    await app.close().catch(() => {});
    await store.close().catch(() => {});
    throw new StartError(
      `cannot record the node in ${redactStoreUrl(settings.db)}: ${(error as Error).message}`,
    );
  }
  // The background work of a node: pushing our changes to peers, pulling theirs on schedule.
  const { delivery, sync, commands, chargingProfiles } = app.platform;
  delivery.start();
  sync.start();
  commands.start();
  chargingProfiles.start();
  const urls = ocpiUrls(config.publicUrl);
  return {
    app,
    store,
    config,
    publicUrl: config.publicUrl,
    versionsUrl: urls.versions,
    close: async () => {
      try {
        await Promise.all([delivery.stop(), sync.stop(), commands.stop(), chargingProfiles.stop()]);
        await app.close();
      } finally {
        await store.close();
      }
    },
  };
}

/** Logs where the node is, once it listens (URLs only: never a token). */
export function logStarted(server: RunningServer, settings: ServeSettings): void {
  const { app, config } = server;
  app.log.info(
    {
      publicUrl: config.publicUrl,
      versionsUrl: server.versionsUrl,
      health: `${config.publicUrl}/health`,
      admin: config.adminToken === undefined ? 'off' : `${config.publicUrl}/admin`,
      db: redactStoreUrl(settings.db),
      parties: config.parties.map((p) => `${p.country_code}:${p.party_id}:${p.role}`),
      versions: config.versions,
      dev: config.dev,
    },
    `roamkit node up: OCPI versions at ${server.versionsUrl}`,
  );
  if (config.dev) {
    app.log.warn('development mode: peer URLs may be plain http and point at loopback or private addresses');
  }
}

/** Resolves on the first SIGINT or SIGTERM; a second one gets the default (immediate exit). */
export function waitForShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface ServeIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env?: Readonly<Record<string, string | undefined>>;
}

export function addServeCommand(program: Command, io: ServeIo): Command {
  return program
    .command('serve')
    .description(
      `run an OCPI node (every flag also from the config file and ROAMKIT_* variables; precedence: flag > environment > file > default)`,
    )
    .option('--config <file>', `a JSON or YAML file of settings (env ${CONFIG_ENV})`)
    .option('--db <url>', `sqlite:PATH or postgres://… (default ${SERVE_DEFAULTS.db})`)
    .option('--host <host>', `address to listen on (default ${SERVE_DEFAULTS.host})`)
    .option('--port <port>', `port to listen on, 0 for any free one (default ${SERVE_DEFAULTS.port})`)
    .option('--public-url <url>', 'the URL peers reach this node at (default http://HOST:PORT)')
    .option('--party <CC:PARTY:ROLE>', 'a party this node hosts, e.g. NL:RMK:CPO (repeatable)', collect)
    .option('--versions <list>', `OCPI versions offered (default ${OCPI_VERSIONS.join(',')})`)
    .option(
      '--modules <list>',
      'OCPI modules served, e.g. locations,tariffs (default: every implemented one)',
    )
    .option(
      '--admin-token <token>',
      'enables the admin API under /admin (prefer ROAMKIT_ADMIN_TOKEN: flags show in ps)',
    )
    .option(
      '--dev',
      'development mode: allow http and loopback/private peer URLs (default: on for http loopback URLs)',
    )
    .option(
      '--log-level <level>',
      `fatal, error, warn, info, debug, trace or silent (default ${SERVE_DEFAULTS.logLevel})`,
    )
    .action(async (options: Omit<ServeFlags, 'parties'> & { party?: string[] }) => {
      const { party, ...rest } = options;
      const flags: ServeFlags = { ...rest, ...(party === undefined ? {} : { parties: party }) };
      let settings: ServeSettings;
      try {
        settings = loadServeSettings(flags, io.env ?? process.env);
      } catch (error) {
        // Exit 2 with the message (run() maps InputError to a usage error).
        throw new InputError(`roamkit serve: ${(error as Error).message}`);
      }
      let server: RunningServer;
      try {
        server = await startServer(settings);
      } catch (error) {
        if (!(error instanceof StartError)) throw error;
        io.err(`roamkit serve: ${error.message}`);
        process.exitCode = 1;
        return;
      }
      logStarted(server, settings);
      const signal = await waitForShutdownSignal();
      server.app.log.info({ signal }, 'shutting down');
      await server.close();
      process.exitCode = 0;
    });
}
