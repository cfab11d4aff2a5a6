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
import { ConversionError, fromCanonical } from '../../model/index.js';
import { findSchema, type OcpiVersion, rowsFor, schemasByVersion, validate } from '../../protocol/index.js';
import type { CommandRecord, CommandRepository } from '../../store/commands.js';
import type { Store } from '../../store/types.js';
import type { NodeConfig } from '../config.js';
import type { ClientFactory } from '../credentials.js';
import type { OcpiOutcome, OcpiRequestContext, PlatformLogger } from '../modules.js';
import { tokenObjectId } from '../object-modules.js';
import { findParty } from '../parties.js';
import { ocpiUrls } from '../urls.js';
import {
  cpoPartyOf,
  createOutgoingRequests,
  type RequestWaitOptions,
  receiverUrl,
  registeredPeer,
  requireSenderInterface,
  type SendRefusal,
} from './requests.js';
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

/** `pollMs`: how often the store is read when no result arrives in this process (default 200 ms). */
export type WaitOptions = RequestWaitOptions;

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

const REFERENCES: Partial<Record<CommandType, string>> = {
  RESERVE_NOW: 'reservation_id',
  CANCEL_RESERVATION: 'reservation_id',
  STOP_SESSION: 'session_id',
};

export function createCommandSender(deps: CommandSenderDeps): CommandSender {
  const { config, store, repository, settings, log } = deps;
  const requests = createOutgoingRequests({ repository, settings, now: deps.now, log, noun: 'command' });
  const refuse: SendRefusal = (kind, message) => new CommandSendError(kind, message);

  async function readyPeer(peerId: string, command: CommandType) {
    const { peer, version } = await registeredPeer(store, peerId, refuse);
    const url = receiverUrl(peer, version, 'commands', 'Commands', refuse);
    if (!rowsFor(version, 'commands', 'RECEIVER').some((r) => r.path === command)) {
      throw new CommandSendError('not_in_version', `${command} does not exist in OCPI ${version}`);
    }
    requireSenderInterface(
      config,
      version,
      'commands',
      'this node hosts no eMSP party: it has no Commands Sender interface to receive the result at',
      refuse,
    );
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
      return requests.exchange(id, {
        call: (signal) =>
          client.callEndpoint(row, { url, body, signal, ...(to === undefined ? {} : { to }) }),
        signal: options.signal,
        version,
        response: { object: 'CommandResponse', results: RESPONSE_TYPES },
        deadlineOf: (response, at) => deadlineOf(version, response, at),
        refused: {
          fields: { commandId: id, peerId: peer.id, command },
          message: 'command not taken by the CPO',
        },
      });
    },

    wait: (id, options) => requests.wait(id, options),

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
      return requests.receiveResult(ctx, id, {
        object: 'CommandResult',
        results: RESULT_TYPES,
        resultType: 'CommandResultType',
        late: { fields: { commandId: id }, message: 'command result after the command had ended' },
      });
    },

    ended: (ids) => requests.ended(ids),
  };
}
