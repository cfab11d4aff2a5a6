/**
 * The node's behaviour in one object: its configuration, store, enabled modules, the credentials
 * service and authentication of incoming tokens. The HTTP app, the admin API and the CLI all
 * work through this.
 */
import {
  type AuthTolerance,
  decodeAuthorization,
  type ModuleId,
  type OcpiVersion,
} from '../protocol/index.js';
import { hashToken } from '../store/tokens.js';
import type { PeerRecord, Store } from '../store/types.js';
import type { NodeConfig } from './config.js';
import {
  type ClientFactory,
  type CredentialsService,
  createCredentialsService,
  credentialsModule,
  defaultClientFactory,
} from './credentials.js';
import { type OcpiModule, type PlatformLogger, silentLogger } from './modules.js';
import { versionsModule } from './versions.js';

export interface PlatformOptions {
  config: NodeConfig;
  store: Store;
  /** Default: OcpiClient with the node's URL policy. */
  clientFactory?: ClientFactory;
  log?: PlatformLogger;
  /**
   * Implementations of further modules (each still needs its id in `config.modules` to be
   * served). Built-in modules of the same id are replaced.
   */
  modules?: readonly OcpiModule[];
}

export type AuthResult =
  | { ok: true; peer: PeerRecord; token: string; tolerances: AuthTolerance[] }
  | {
      ok: false;
      reason: 'MISSING' | 'WRONG_SCHEME' | 'EMPTY_TOKEN' | 'INVALID_TOKEN' | 'UNKNOWN_TOKEN';
      message: string;
    };

export interface Platform {
  readonly config: NodeConfig;
  readonly store: Store;
  /** The enabled modules by id. */
  readonly modules: ReadonlyMap<ModuleId, OcpiModule>;
  readonly credentials: CredentialsService;
  /**
   * The peer an Authorization header belongs to. Each reading of the header the version allows
   * (encoded, raw) is hashed and looked up by hash: the database compares digests, so nothing
   * about the stored tokens leaks through timing, and no token is kept in clear to compare with.
   */
  authenticate(header: string | undefined, version: OcpiVersion): Promise<AuthResult>;
}

export function createPlatform(options: PlatformOptions): Platform {
  const { config, store } = options;
  const log = options.log ?? silentLogger;
  const clientFactory = options.clientFactory ?? defaultClientFactory(config);
  const credentials = createCredentialsService({ config, store, clientFactory, log });

  // Later modules register here (each behind its id in config.modules).
  const available: Partial<Record<ModuleId, OcpiModule>> = {
    versions: versionsModule(config),
    credentials: credentialsModule(credentials),
  };
  for (const module of options.modules ?? []) available[module.id] = module;
  const modules = new Map<ModuleId, OcpiModule>();
  for (const id of config.modules) {
    const module = available[id];
    if (module === undefined) throw new Error(`module '${id}' is enabled but not implemented`);
    modules.set(id, module);
  }

  async function authenticate(header: string | undefined, version: OcpiVersion): Promise<AuthResult> {
    const parsed = decodeAuthorization(header, version);
    if (!parsed.ok) return parsed;
    for (const candidate of parsed.candidates) {
      const peer = await store.peers.findByIncomingTokenHash(hashToken(candidate.token));
      if (peer !== undefined)
        return { ok: true, peer, token: candidate.token, tolerances: candidate.tolerances };
    }
    return { ok: false, reason: 'UNKNOWN_TOKEN', message: 'the credentials token is not known' };
  }

  return { config, store, modules, credentials, authenticate };
}
