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
import {
  OBJECT_MODULES,
  type ObjectModule,
  type OcpiObjectRecord,
  type PeerRecord,
  type Store,
} from '../store/types.js';
import { cdrsModule } from './cdrs.js';
import {
  type ChargingProfilesService,
  type ChargingProfilesSettings,
  chargingProfilesModule,
  createChargingProfilesService,
} from './charging-profiles/index.js';
import { type ChargingSessions, createChargingSessions } from './charging-sessions/index.js';
import {
  type CommandsService,
  type CommandsSettings,
  commandsModule,
  createCommandsService,
} from './commands/index.js';
import type { NodeConfig } from './config.js';
import {
  type ClientFactory,
  type CredentialsService,
  createCredentialsService,
  credentialsModule,
  defaultClientFactory,
} from './credentials.js';
import { createPublisher, type Publisher } from './delivery/publisher.js';
import { createDeliveryWorker, type DeliveryWorker } from './delivery/worker.js';
import type { ChargePointGateway } from './gateway/index.js';
import { locationsModule } from './locations.js';
import { type OcpiModule, type PlatformLogger, silentLogger } from './modules.js';
import { checkReceivedCdr } from './reconciliation/index.js';
import { sessionsModule } from './sessions.js';
import { createSyncService, type SyncService } from './sync.js';
import { tariffsModule } from './tariffs.js';
import { tokensModule } from './tokens.js';
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
  /**
   * A peer PATCHed a Location or Tariff we do not hold (a push from it was missed). Default: an
   * incremental pull sync of that peer's objects of the module (`platform.sync.request`).
   */
  onMissingObject?: (peerId: string, module: ObjectModule) => void;
  /** The CPO's charge points (default: the built-in simulator, docs/gateway.md). */
  gateway?: ChargePointGateway;
  /** Commands module settings (docs/commands.md); defaults for what is left out. */
  commands?: Partial<CommandsSettings>;
  /** Charging Profiles module settings (docs/charging-profiles.md); defaults for what is left out. */
  chargingProfiles?: Partial<ChargingProfilesSettings>;
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
  /** Changes to our own objects (every module), marked for delivery in the same transaction. */
  readonly publisher: Publisher;
  /** A CPO's charging sessions: authorization at the EVSE, the Session as it runs, the CDR. */
  readonly chargingSessions: ChargingSessions;
  /** Remote commands: sent to CPOs (eMSP), taken from eMSPs and forwarded to the gateway (CPO); its worker posts results. */
  readonly commands: CommandsService;
  /** The charge points behind the node (CPO). */
  readonly gateway: ChargePointGateway;
  /**
   * Smart charging: profiles set, read and cleared on sessions at CPOs (Sender), and taken for
   * our sessions and forwarded to the gateway (Receiver). Its worker posts results and pushes.
   */
  readonly chargingProfiles: ChargingProfilesService;
  /**
   * Sends peers the current state of what they are owed. Not running until `start()`: the
   * server starts it (`roamkit serve`), a library user may run it elsewhere.
   */
  readonly delivery: DeliveryWorker;
  /** Pull sync of what peers send us; its schedule runs after `start()` (the server starts it). */
  readonly sync: SyncService;
  /**
   * The peer an Authorization header belongs to. Each reading of the header the version allows
   * (encoded, raw) is hashed and looked up by hash: the database compares digests, so nothing
   * about the stored tokens leaks through timing, and no token is kept in clear to compare with.
   */
  authenticate(header: string | undefined, version: OcpiVersion): Promise<AuthResult>;
}

/** Peers kept by token hash at most (authentication); past it, the map starts over. */
const MAX_CACHED_PEERS = 1000;

/**
 * A peer record shared by the requests that authenticate with its token: frozen, so no request
 * can change what the next one sees (plain objects and arrays; Dates are replaced by nobody).
 */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export function createPlatform(options: PlatformOptions): Platform {
  const { config, store } = options;
  const log = options.log ?? silentLogger;
  const clientFactory = options.clientFactory ?? defaultClientFactory(config);
  const sync = createSyncService({ config, store, clientFactory, log });
  const delivery = createDeliveryWorker({ config, store, clientFactory, log });
  const publisher = createPublisher({ config, store, onPublished: () => delivery.wake() });
  const pullsFrom = (peer: PeerRecord) => {
    for (const module of OBJECT_MODULES) {
      const sends = peer.endpoints.some((e) => e.identifier === module && e.role === 'SENDER');
      if (sends && config.modules.includes(module)) sync.request(peer.id, module, 'peer connected');
    }
  };
  const credentials = createCredentialsService({ config, store, clientFactory, log, onConnected: pullsFrom });

  // Later modules register here (each behind its id in config.modules).
  const objectDeps = {
    config,
    store,
    onMissingObject:
      options.onMissingObject ??
      ((peerId: string, module: ObjectModule) => sync.request(peerId, module, 'a push was missed')),
    // Invoice reconciliation: each CDR received is priced again from its tariff; what differs
    // beyond a cent (or needs review) is logged and recorded (`roamkit reconcile` reports periods).
    onCdrReceived: (peerId: string, record: OcpiObjectRecord) => checkReceivedCdr(store, log, peerId, record),
  };
  const chargingSessions = createChargingSessions({
    config,
    store,
    publisher,
    clientFactory,
    authorizationTimeoutMs: config.authorization.timeoutMs,
  });
  const commands = createCommandsService({
    config,
    store,
    clientFactory,
    chargingSessions,
    publisher,
    log,
    ...(options.gateway === undefined ? {} : { gateway: options.gateway }),
    ...(options.commands === undefined ? {} : { settings: options.commands }),
  });
  const chargingProfiles = createChargingProfilesService({
    config,
    store,
    clientFactory,
    gateway: commands.gateway,
    events: commands.chargePointEvents,
    log,
    ...(options.chargingProfiles === undefined ? {} : { settings: options.chargingProfiles }),
  });
  const available: Partial<Record<ModuleId, OcpiModule>> = {
    versions: versionsModule(config),
    credentials: credentialsModule(credentials),
    locations: locationsModule(objectDeps),
    tariffs: tariffsModule(objectDeps),
    tokens: tokensModule(objectDeps),
    sessions: sessionsModule(objectDeps),
    cdrs: cdrsModule(objectDeps),
    commands: commandsModule({ commands }),
    chargingprofiles: chargingProfilesModule({ chargingProfiles }),
  };
  for (const module of options.modules ?? []) available[module.id] = module;
  const modules = new Map<ModuleId, OcpiModule>();
  for (const id of config.modules) {
    const module = available[id];
    if (module === undefined) throw new Error(`module '${id}' is enabled but not implemented`);
    modules.set(id, module);
  }

  // Peers by token hash, each with the store's change stamp it was read under: reused only while
  // the stamp is unchanged, so any write (a token changed or revoked, by this process or
  // another) makes the next request read the store again. No stamp (PostgreSQL): always read.
  // Unknown tokens are not kept (a caller trying tokens must not fill memory).
  const peersByTokenHash = new Map<string, { stamp: string; peer: PeerRecord }>();
  async function peerOfTokenHash(hash: string): Promise<PeerRecord | undefined> {
    const stamp = store.changeStamp();
    if (stamp !== undefined) {
      const known = peersByTokenHash.get(hash);
      if (known !== undefined && known.stamp === stamp) return known.peer;
    }
    const peer = await store.peers.findByIncomingTokenHash(hash);
    if (peer !== undefined && stamp !== undefined) {
      if (peersByTokenHash.size >= MAX_CACHED_PEERS) peersByTokenHash.clear();
      peersByTokenHash.set(hash, { stamp, peer: deepFreeze(peer) });
    }
    return peer;
  }

  async function authenticate(header: string | undefined, version: OcpiVersion): Promise<AuthResult> {
    const parsed = decodeAuthorization(header, version);
    if (!parsed.ok) return parsed;
    for (const candidate of parsed.candidates) {
      const peer = await peerOfTokenHash(hashToken(candidate.token));
      if (peer !== undefined)
        return { ok: true, peer, token: candidate.token, tolerances: candidate.tolerances };
    }
    return { ok: false, reason: 'UNKNOWN_TOKEN', message: 'the credentials token is not known' };
  }

  return {
    config,
    store,
    modules,
    credentials,
    publisher,
    delivery,
    sync,
    chargingSessions,
    commands,
    gateway: commands.gateway,
    chargingProfiles,
    authenticate,
  };
}
