/**
 * The eMSP side of the Commands module: sending a command to a CPO and following it to its end.
 *
 * `send` stores the command (SENDING) before a byte goes out, with a response_url of ours that
 * ends in the command's id (`{our commands Sender URL}/{command}/{id}`), then POSTs it to the
 * CPO's Commands Receiver and stores the synchronous CommandResponse: ACCEPTED waits for the
 * result until the CPO's `timeout` (2.1.1 gives none: defaultResultTimeoutMs), any other answer
 * ends the command. The CPO's result arrives at POST {command}/{uid} of our Sender interface
 * (`receive`), possibly before the synchronous answer: the store keeps both in any order. No
 * result in time: the command ends as TIMEOUT (a later one is kept beside it). `wait` follows a
 * command to its end through the store, so another process (`roamkit command`) can wait for a
 * result the node receives.
 */
import { randomUUID } from 'node:crypto';
import { OcpiStatusError } from '../../client/errors.js';
import { ConversionError, fromCanonical, toCanonical } from '../../model/index.js';
import { findSchema, type OcpiVersion, rowsFor, schemasByVersion, validate } from '../../protocol/index.js';
import type { CommandRecord, CommandRepository } from '../../store/commands.js';
import type { PeerRecord, Store } from '../../store/types.js';
import type { NodeConfig } from '../config.js';
import { type ClientFactory, describeClientError } from '../credentials.js';
import type { OcpiOutcome, OcpiRequestContext, PlatformLogger } from '../modules.js';
import { tokenObjectId } from '../object-modules.js';
import { findParty } from '../parties.js';
import { convertUp } from '../published-objects/shared.js';
import { ocpiUrls } from '../urls.js';
import { servedInterfaces } from '../versions.js';
import type { CommandsSettings } from './settings.js';
import {
  COMMAND_OBJECTS,
  type CommandRequest,
  CommandSendError,
  type CommandType,
  RESPONSE_TYPES,
  RESULT_TYPES,
} from './types.js';

type Json = Record<string, unknown>;

export interface CommandSenderDeps {
  config: NodeConfig;
  store: Store;
  repository: CommandRepository;
  clientFactory: ClientFactory;
  settings: CommandsSettings;
  now: () => Date;
  log: PlatformLogger;
}

export interface SendOptions {
  /** Our id for the command (default: a new UUID); also the last segment of its response_url. */
  id?: string;
  signal?: AbortSignal;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** How often the store is read when no result arrives in this process. Default 200 ms. */
  pollMs?: number;
}

export interface CommandSender {
  /** Sends the command; resolves with the stored command once the CPO's synchronous answer is in. */
  send(
    peerId: string,
    command: CommandType,
    request: CommandRequest,
    options?: SendOptions,
  ): Promise<CommandRecord>;
  /** Resolves when the command has ended (result, refusal, error or TIMEOUT). */
  wait(id: string, options?: WaitOptions): Promise<CommandRecord>;
  /** POST {command}/{uid} of our Sender interface: a CPO's result. */
  receive(ctx: OcpiRequestContext): Promise<OcpiOutcome>;
  /** Commands of ours that ended (called by the timeout sweep), for the waiters of this process. */
  ended(ids: readonly string[]): void;
}

/** Our commands Sender URL in `version` (where results come back). */
export function resultBaseUrl(config: NodeConfig, version: OcpiVersion): string {
  return ocpiUrls(config.publicUrl).module(version, 'commands', 'SENDER');
}

/** The peer's party the command is for (OCPI-to-*, 2.2.1+): its first CPO role. */
function cpoPartyOf(peer: PeerRecord): { countryCode: string; partyId: string } | undefined {
  const role = peer.roles.find((r) => r.role === 'CPO') ?? peer.roles[0];
  return role === undefined
    ? undefined
    : { countryCode: String(role.country_code), partyId: String(role.party_id) };
}

const REFERENCES: Partial<Record<CommandType, string>> = {
  RESERVE_NOW: 'reservation_id',
  CANCEL_RESERVATION: 'reservation_id',
  STOP_SESSION: 'session_id',
};

export function createCommandSender(deps: CommandSenderDeps): CommandSender {
  const { config, store, repository, settings, log } = deps;
  /** Waiters of this process by command id: woken when the command changes here. */
  const waiters = new Map<string, Set<() => void>>();

  function notify(id: string): void {
    const set = waiters.get(id);
    if (set === undefined) return;
    waiters.delete(id);
    for (const wake of set) wake();
  }

  /** Resolves after `ms`, or earlier when the command changes in this process or `signal` aborts. */
  function changeOrTimeout(id: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const set = waiters.get(id) ?? new Set<() => void>();
      waiters.set(id, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && waiters.get(id) === set) waiters.delete(id);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async function readyPeer(
    peerId: string,
    command: CommandType,
  ): Promise<{ peer: PeerRecord; version: OcpiVersion; url: string }> {
    const peer = await store.peers.findById(peerId);
    if (peer === undefined) throw new CommandSendError('unknown_peer', `no peer ${peerId}`);
    const version = peer.version;
    if (peer.status !== 'REGISTERED' || version === null || peer.outgoingToken === null) {
      throw new CommandSendError('peer_not_ready', `peer ${peerId} is not registered (${peer.status})`);
    }
    const url = peer.endpoints.find((e) => e.identifier === 'commands' && e.role === 'RECEIVER')?.url;
    if (url === undefined) {
      throw new CommandSendError(
        'peer_not_ready',
        `peer ${peerId} offers no Commands Receiver endpoint in ${version}`,
      );
    }
    if (!rowsFor(version, 'commands', 'RECEIVER').some((r) => r.path === command)) {
      throw new CommandSendError('not_in_version', `${command} does not exist in OCPI ${version}`);
    }
    if (!servedInterfaces(config, version, 'commands').includes('SENDER')) {
      throw new CommandSendError(
        'peer_not_ready',
        'this node hosts no eMSP party: it has no Commands Sender interface to receive the result at',
      );
    }
    return { peer, version, url };
  }

  /** The eMSP vouches for the token of a START_SESSION or RESERVE_NOW: ours, and not one we know as invalid. */
  async function vouchFor(token: Json): Promise<void> {
    const owner = findParty(
      config.parties.filter((p) => p.role === 'EMSP'),
      token.country_code,
      token.party_id,
    );
    if (owner === undefined) {
      throw new CommandSendError(
        'token_refused',
        `token ${String(token.uid)} belongs to ${String(token.country_code)}/${String(token.party_id)}, not to an eMSP party of this node`,
      );
    }
    const ours = await store.objects.get('tokens', {
      countryCode: owner.country_code,
      partyId: owner.party_id,
      id: tokenObjectId(String(token.uid), String(token.type)),
    });
    if (ours !== undefined && ours.peerId === null && !ours.deleted && ours.data.valid !== true) {
      throw new CommandSendError('token_refused', `token ${String(token.uid)} is not valid (blocked)`);
    }
  }

  /** The canonical request checked against the 2.3.0 schema and written in the peer's version. */
  function prepare(command: CommandType, canonical: Json, version: OcpiVersion): Json {
    const object = COMMAND_OBJECTS[command];
    const schema = findSchema(schemasByVersion['2.3.0'], object);
    if (schema === undefined) throw new Error(`no 2.3.0 schema ${object}`);
    const checked = validate(schema, canonical);
    if (!checked.valid) {
      throw new CommandSendError(
        'invalid_request',
        `invalid ${object}: ${checked.issues
          .slice(0, 3)
          .map((i) => `${i.pointer || '/'}: ${i.message}`)
          .join('; ')}`,
        checked.issues.map((i) => ({ pointer: i.pointer, message: i.message })),
      );
    }
    try {
      return fromCanonical(object, version, canonical).value as Json;
    } catch (error) {
      if (error instanceof ConversionError) {
        throw new CommandSendError(
          'invalid_request',
          `the ${object} cannot be sent in ${version}: ${error.message}`,
        );
      }
      throw error;
    }
  }

  /** The CPO's synchronous answer, canonical; undefined when it is not a CommandResponse. */
  function readResponse(version: OcpiVersion, data: unknown): Json | undefined {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
    try {
      const value = toCanonical('CommandResponse', version, data).value as Json;
      return (RESPONSE_TYPES as readonly string[]).includes(String(value.result)) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** When an accepted command's result is overdue: the CPO's timeout (our default without one), at most maxResultWaitMs. */
  function deadlineOf(version: OcpiVersion, response: Json, at: Date): Date {
    const given =
      version === '2.1.1' || typeof response.timeout !== 'number' ? undefined : response.timeout * 1000;
    const wait = Math.min(given ?? settings.defaultResultTimeoutMs, settings.maxResultWaitMs);
    return new Date(at.getTime() + Math.max(0, wait));
  }

  return {
    async send(peerId, command, request, options = {}) {
      const { peer, version, url } = await readyPeer(peerId, command);
      const id = options.id ?? randomUUID();
      const canonical: Json = {
        ...request,
        response_url: `${resultBaseUrl(config, version)}/${command}/${id}`,
      };
      // Our reference to the Session and CDR the command leads to (2.2+ echo it back).
      if (
        command === 'START_SESSION' &&
        canonical.authorization_reference === undefined &&
        version !== '2.1.1'
      ) {
        canonical.authorization_reference = id;
      }
      if (command === 'START_SESSION' || command === 'RESERVE_NOW') {
        const token = canonical.token;
        if (token === null || typeof token !== 'object') {
          throw new CommandSendError('invalid_request', `${COMMAND_OBJECTS[command]}: token is required`);
        }
        await vouchFor(token as Json);
      }
      const body = prepare(command, canonical, version);
      const referenceField = REFERENCES[command];
      await repository.insert({
        id,
        side: 'SENT',
        peerId: peer.id,
        version,
        command,
        reference: referenceField === undefined ? null : String(canonical[referenceField]),
        request: canonical,
        state: 'SENDING',
      });

      const row = rowsFor(version, 'commands', 'RECEIVER').find(
        (r) => r.method === 'POST' && r.path === command,
      );
      if (row === undefined) throw new Error(`no ${version} commands row for ${command}`);
      const client = deps.clientFactory({ version, token: peer.outgoingToken as string });
      const to = cpoPartyOf(peer);
      const signal = options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(settings.requestTimeoutMs)])
        : AbortSignal.timeout(settings.requestTimeoutMs);
      let record: CommandRecord | undefined;
      try {
        const answer = await client.callEndpoint(row, {
          url,
          body,
          signal,
          ...(to === undefined ? {} : { to }),
        });
        const response = readResponse(version, answer.data);
        if (response === undefined) {
          record = await repository.recordError(id, {
            message: `the CPO answered without a CommandResponse: ${JSON.stringify(answer.data)?.slice(0, 200)}`,
          });
        } else if (response.result === 'ACCEPTED') {
          record = await repository.recordResponse(id, response, {
            state: 'WAITING',
            deadline: deadlineOf(version, response, deps.now()),
          });
        } else {
          record = await repository.recordResponse(id, response, {
            state: 'DONE',
            outcome: String(response.result),
          });
        }
      } catch (error) {
        const failure =
          error instanceof OcpiStatusError
            ? { statusCode: error.code, message: error.statusMessage ?? error.message }
            : { message: describeClientError(error) };
        log.info(
          { commandId: id, peerId: peer.id, command, err: failure.message },
          'command not taken by the CPO',
        );
        record = await repository.recordError(id, failure);
      }
      notify(id);
      // recordResponse/recordError find the row unless a result completed it first: read it then.
      return record ?? ((await repository.get(id)) as CommandRecord);
    },

    async wait(id, options = {}) {
      const pollMs = options.pollMs ?? 200;
      for (;;) {
        const record = await repository.get(id);
        if (record === undefined) throw new RangeError(`no command ${id}`);
        if (record.state === 'DONE' || options.signal?.aborted) return record;
        const now = deps.now();
        let wait = pollMs;
        if (record.state === 'WAITING' && record.deadline !== null) {
          const left = record.deadline.getTime() - now.getTime();
          if (left <= 0) {
            await repository.expire('SENT', now);
            continue;
          }
          wait = Math.min(wait, left);
        } else if (
          record.state === 'SENDING' &&
          now.getTime() - record.createdAt.getTime() > 2 * settings.requestTimeoutMs
        ) {
          // The process that sent it ended before the answer was stored: nobody will store one.
          await repository.recordError(id, { message: 'the sending process ended before the CPO answered' });
          continue;
        }
        await changeOrTimeout(id, wait, options.signal);
      }
    },

    async receive(ctx) {
      const id = ctx.params.uid as string;
      const command = ctx.params.command as string;
      const record = await repository.get(id);
      // Only the peer the command went to may answer it, at the URL we gave for it.
      if (
        record === undefined ||
        record.side !== 'SENT' ||
        record.peerId !== ctx.peer.id ||
        record.command !== command
      ) {
        return {
          statusCode: 2000,
          httpStatus: 404,
          message: `no command ${command}/${id} of ours sent to you`,
        };
      }
      const role = ctx.peer.roles[0];
      const party = {
        country_code: String(role?.country_code ?? ''),
        party_id: String(role?.party_id ?? ''),
      };
      const converted = convertUp('CommandResult', ctx.version, ctx.body as Json, { party }, ctx.log);
      if (!converted.ok) return converted.outcome;
      const result = converted.value;
      if (!(RESULT_TYPES as readonly string[]).includes(String(result.result))) {
        return { statusCode: 2001, message: `unknown CommandResultType ${String(result.result)}` };
      }
      const taken = await repository.recordResult(id, result);
      notify(id);
      if (taken !== undefined && taken.reception !== 'completed') {
        log.info(
          { commandId: id, result: result.result, reception: taken.reception },
          'command result after the command had ended',
        );
      }
      return { statusCode: 1000 };
    },

    ended(ids) {
      for (const id of ids) notify(id);
    },
  };
}
