/**
 * The Commands module of a node, both sides in one object (`platform.commands`):
 * - eMSP: `send` a command to a CPO peer, `wait` for its end, `sendAndWait`, `get`, `list`;
 * - CPO: the commands peers send us, checked, answered, forwarded to the charge point gateway,
 *   and their results posted back (the worker, outbox.ts);
 * - `chargePointEvents`: what the gateway reports, applied to the node (results, sessions,
 *   meter values, EVSE statuses); the HTTP gateway API takes them from a backend.
 *
 * `start()` runs the worker (result posts, timeouts); the server starts it, a test may run
 * `worker.runOnce()` instead.
 */
import type { CommandListFilter, CommandRecord } from '../../store/commands.js';
import type { Store } from '../../store/types.js';
import type { ChargingSessions } from '../charging-sessions/index.js';
import type { NodeConfig } from '../config.js';
import type { ClientFactory } from '../credentials.js';
import type { Publisher } from '../delivery/publisher.js';
import { createChargePointEvents } from '../gateway/events.js';
import { createSimulatedGateway } from '../gateway/simulator.js';
import type { ChargePointEvents, ChargePointGateway } from '../gateway/types.js';
import type { OcpiHandler, PlatformLogger } from '../modules.js';
import { type CommandsWorker, createCommandsWorker } from './outbox.js';
import { type CommandReceiver, createCommandReceiver } from './receiver.js';
import { requestsContext, sendAndWait } from './requests.js';
import { type CommandSender, createCommandSender, type SendOptions, type WaitOptions } from './sender.js';
import { type CommandsSettings, commandsSettings } from './settings.js';
import type { CommandRequest, CommandType } from './types.js';

export interface CommandsServiceDeps {
  config: NodeConfig;
  store: Store;
  /** Default: the node's production client factory. */
  clientFactory?: ClientFactory;
  /** CPO side: the node's charging sessions and publisher (sessions started and stopped by commands, EVSE statuses). */
  chargingSessions?: ChargingSessions;
  publisher?: Publisher;
  /** CPO side: the charge points. Default: the simulator. */
  gateway?: ChargePointGateway;
  settings?: Partial<CommandsSettings>;
  log?: PlatformLogger;
  now?: () => Date;
  workerId?: string;
}

export interface CommandsService {
  readonly settings: CommandsSettings;
  /** The charge points behind this node (CPO side). */
  readonly gateway: ChargePointGateway;
  /** What the gateway reports, applied to the node. */
  readonly chargePointEvents: ChargePointEvents;
  readonly worker: CommandsWorker;

  /** eMSP: sends a command to a CPO peer; resolves with the stored command after the CPO's synchronous answer. */
  send(
    peerId: string,
    command: CommandType,
    request: CommandRequest,
    options?: SendOptions,
  ): Promise<CommandRecord>;
  /** eMSP: resolves when the command has ended (outcome set). */
  wait(id: string, options?: WaitOptions): Promise<CommandRecord>;
  /** eMSP: send, then wait for the end. */
  sendAndWait(
    peerId: string,
    command: CommandType,
    request: CommandRequest,
    options?: SendOptions & WaitOptions,
  ): Promise<CommandRecord>;
  get(id: string): Promise<CommandRecord | undefined>;
  /** Newest first. */
  list(filter?: CommandListFilter): Promise<CommandRecord[]>;
  /** CPO: a reservation canceled by us (the charge point's reservation id): its sender is told CANCELED_RESERVATION. */
  reservationCanceled(chargePointReservationId: string): Promise<boolean>;

  /** The handlers of the module's rows. */
  readonly handlers: { command: OcpiHandler; result: OcpiHandler };

  /** Runs the worker until `stop`. */
  start(): void;
  /** Stops the worker and closes the gateway. */
  stop(): Promise<void>;
}

export function createCommandsService(deps: CommandsServiceDeps): CommandsService {
  const { config, store } = deps;
  const settings = commandsSettings(deps.settings);
  const { repository, clientFactory, log, now } = requestsContext(deps);
  const gateway = deps.gateway ?? createSimulatedGateway({ log, now });

  const sender: CommandSender = createCommandSender({
    config,
    store,
    repository,
    clientFactory,
    settings,
    now,
    log,
  });
  const worker: CommandsWorker = createCommandsWorker({
    store,
    repository,
    clientFactory,
    settings,
    log,
    now,
    onSentExpired: (ids) => sender.ended(ids),
    ...(deps.workerId === undefined ? {} : { workerId: deps.workerId }),
  });
  const wake = () => worker.wake();
  const receiver: CommandReceiver = createCommandReceiver({
    config,
    store,
    repository,
    gateway,
    settings,
    now,
    log,
    wake,
  });

  const needs = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the commands service was built without ${what} (CPO side)`);
    return value;
  };
  const chargePointEvents = createChargePointEvents({
    store,
    get publisher() {
      return needs(deps.publisher, 'a publisher');
    },
    get chargingSessions() {
      return needs(deps.chargingSessions, 'charging sessions');
    },
    command: (id) => repository.get(id),
    commandResult: (id, answer) => receiver.chargePointResult(id, answer),
    sessionOfCommand: (id, sessionId) => repository.setReference(id, sessionId),
    reservationCanceled: (id) => receiver.reservationCanceled(id),
    now,
  });
  gateway.connect(chargePointEvents);

  return {
    settings,
    gateway,
    chargePointEvents,
    worker,
    send: (peerId, command, request, options) => sender.send(peerId, command, request, options),
    wait: (id, options) => sender.wait(id, options),
    sendAndWait: (peerId, command, request, options = {}) =>
      sendAndWait(
        () => sender.send(peerId, command, request, options),
        (id) => sender.wait(id, options),
      ),
    get: (id) => repository.get(id),
    list: (filter) => repository.list(filter),
    reservationCanceled: (id) => receiver.reservationCanceled(id),
    handlers: { command: (ctx) => receiver.handle(ctx), result: (ctx) => sender.receive(ctx) },
    start: () => worker.start(),
    async stop() {
      await worker.stop();
      await gateway.close();
    },
  };
}
