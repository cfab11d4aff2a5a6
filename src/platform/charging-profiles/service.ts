/**
 * The Charging Profiles module of a node, both sides in one object (`platform.chargingProfiles`):
 * - Sender (SCSP, eMSP): `send` a request about a session to a CPO peer (set, get the active
 *   profile, clear), `wait` for its end, `sendAndWait`, `get`, `list`; the results it receives;
 *   `activeProfile(sessionId)`: the last ActiveChargingProfile a CPO pushed for a session;
 * - Receiver (CPO): the requests peers send, checked, answered, forwarded to the charge point
 *   gateway, their results posted back, and the pushes of changed active profiles.
 *
 * Requests live in the commands table (kind `chargingprofiles`) and results go out through the
 * Commands module's outbox worker, run here over this kind. The gateway is the node's (shared
 * with the Commands module): `attach(events)` extends the node's ChargePointEvents so that the
 * charge points' answers to profile requests come here, and their active profile changes too.
 */
import type { CommandListFilter, CommandRecord } from '../../store/commands.js';
import type { Store } from '../../store/types.js';
import { type CommandsWorker, createCommandsWorker } from '../commands/outbox.js';
import { requestsContext, sendAndWait } from '../commands/requests.js';
import type { NodeConfig } from '../config.js';
import type { ClientFactory } from '../credentials.js';
import type { ChargePointEvents, ChargePointGateway } from '../gateway/types.js';
import type { OcpiHandler, PlatformLogger } from '../modules.js';
import { chargingProfilePost } from './posts.js';
import { createProfileReceiver, type ProfileReceiver } from './receiver.js';
import { createProfileSender, type ProfileSendOptions, type ProfileWaitOptions } from './sender.js';
import { type ChargingProfilesSettings, chargingProfilesSettings } from './settings.js';
import { ACTIVE_PROFILE_PUSH, CHARGING_PROFILES_KIND, type ProfileRequest } from './types.js';

type Json = Record<string, unknown>;

export interface ChargingProfilesServiceDeps {
  config: NodeConfig;
  store: Store;
  /** The node's charge points (the Commands module's gateway). */
  gateway: ChargePointGateway;
  /** The node's ChargePointEvents (platform.commands.chargePointEvents): extended at once (see attach). */
  events?: ChargePointEvents;
  clientFactory?: ClientFactory;
  settings?: Partial<ChargingProfilesSettings>;
  log?: PlatformLogger;
  now?: () => Date;
  workerId?: string;
}

export interface ChargingProfilesService {
  readonly settings: ChargingProfilesSettings;
  readonly worker: CommandsWorker;
  /** Sender: sends a request; resolves with the stored request after the CPO's synchronous answer. */
  send(peerId: string, request: ProfileRequest, options?: ProfileSendOptions): Promise<CommandRecord>;
  /** Sender: resolves when the request has ended (outcome set). */
  wait(id: string, options?: ProfileWaitOptions): Promise<CommandRecord>;
  sendAndWait(
    peerId: string,
    request: ProfileRequest,
    options?: ProfileSendOptions & ProfileWaitOptions,
  ): Promise<CommandRecord>;
  get(id: string): Promise<CommandRecord | undefined>;
  /** Newest first; this module's rows only. */
  list(filter?: Omit<CommandListFilter, 'kind'>): Promise<CommandRecord[]>;
  /** Sender: the newest ActiveChargingProfile a CPO pushed for the session (canonical), and who pushed it. */
  activeProfile(sessionId: string): Promise<{ peerId: string; profile: Json; receivedAt: Date } | undefined>;
  /**
   * Receiver: makes `events` (the node's ChargePointEvents) hand the answers to profile requests
   * here (the others go on to the Commands module) and report active profile changes here.
   */
  attach(events: ChargePointEvents): void;
  readonly receiver: ProfileReceiver;
  readonly handlers: { request: OcpiHandler; result: OcpiHandler; activeProfile: OcpiHandler };
  start(): void;
  /** Stops the worker (the gateway is the Commands module's to close). */
  stop(): Promise<void>;
}

export function createChargingProfilesService(deps: ChargingProfilesServiceDeps): ChargingProfilesService {
  const { config, store } = deps;
  const settings = chargingProfilesSettings(deps.settings);
  const { repository, clientFactory, log, now } = requestsContext(deps);

  const sender = createProfileSender({ config, store, repository, clientFactory, settings, now, log });
  const worker = createCommandsWorker({
    store,
    repository,
    clientFactory,
    settings,
    log,
    now,
    kind: CHARGING_PROFILES_KIND,
    outgoing: chargingProfilePost,
    timeoutResult: null,
    onSentExpired: (ids) => sender.ended(ids),
    ...(deps.workerId === undefined ? {} : { workerId: deps.workerId }),
  });
  const receiver = createProfileReceiver({
    config,
    store,
    repository,
    gateway: deps.gateway,
    settings,
    now,
    log,
    wake: () => worker.wake(),
  });

  const attached = new WeakSet<ChargePointEvents>();
  function attach(events: ChargePointEvents): void {
    if (attached.has(events)) return;
    attached.add(events);
    const onwards = events.commandResult;
    events.commandResult = async (commandId, answer) => {
      if (!receiver.owns(commandId)) return onwards(commandId, answer);
      await receiver.chargePointResult(commandId, answer);
    };
    events.activeChargingProfile = async (sessionId, active, commandId) => {
      await receiver.activeChargingProfile(sessionId, active, commandId);
    };
  }
  if (deps.events !== undefined) attach(deps.events);

  return {
    settings,
    worker,
    receiver,
    send: (peerId, request, options) => sender.send(peerId, request, options),
    wait: (id, options) => sender.wait(id, options),
    sendAndWait: (peerId, request, options = {}) =>
      sendAndWait(
        () => sender.send(peerId, request, options),
        (id) => sender.wait(id, options),
      ),
    async get(id) {
      const record = await repository.get(id);
      return record?.kind === CHARGING_PROFILES_KIND ? record : undefined;
    },
    list: (filter = {}) => repository.list({ ...filter, kind: CHARGING_PROFILES_KIND }),
    async activeProfile(sessionId) {
      const [last] = await repository.list({
        kind: CHARGING_PROFILES_KIND,
        side: 'RECEIVED',
        command: ACTIVE_PROFILE_PUSH,
        reference: sessionId,
        limit: 1,
      });
      return last === undefined
        ? undefined
        : { peerId: last.peerId, profile: last.request, receivedAt: last.createdAt };
    },
    attach,
    handlers: {
      request: (ctx) => receiver.handle(ctx),
      result: (ctx) => sender.receiveResult(ctx),
      activeProfile: (ctx) => sender.receiveActiveProfile(ctx),
    },
    start: () => worker.start(),
    stop: () => worker.stop(),
  };
}
