/**
 * The sending side of the Charging Profiles module (an SCSP, or an eMSP steering its own
 * customers' sessions): set, get and clear the profile of a session at a CPO, and follow each
 * request to its end; take the results at our Sender interface, and the CPO's pushes of a
 * session's new ActiveChargingProfile.
 *
 * `send` stores the request (SENDING) before a byte goes out, with a response_url of ours that
 * ends in the request's id on the callback path of its kind (`{our Sender URL}/chargingprofile/{id}`,
 * `…/activechargingprofile/{id}`, `…/clearprofile/{id}`: a ChargingProfileResult and a
 * ClearProfileResult look alike, the path says which is which), then calls the CPO and stores its
 * ChargingProfileResponse: ACCEPTED waits for the result until the CPO's `timeout` (at most
 * maxResultWaitMs), any other answer ends the request. A result arriving before the answer is
 * kept (the store takes both in any order). No result in time: TIMEOUT, a later one kept beside it.
 */
import { randomUUID } from 'node:crypto';
import { fromCanonical } from '../../model/index.js';
import { findSchema, type OcpiVersion, rowsFor, schemasByVersion, validate } from '../../protocol/index.js';
import type { CommandRecord, CommandRepository } from '../../store/commands.js';
import type { Store } from '../../store/types.js';
import {
  cpoPartyOf,
  createOutgoingRequests,
  partyOf,
  type RequestWaitOptions,
  receiverUrl,
  registeredPeer,
  requireSenderInterface,
  type SendRefusal,
} from '../commands/requests.js';
import type { NodeConfig } from '../config.js';
import type { ClientFactory } from '../credentials.js';
import type { OcpiOutcome, OcpiRequestContext, PlatformLogger } from '../modules.js';
import { convertUp } from '../published-objects/shared.js';
import { ocpiUrls } from '../urls.js';
import type { ChargingProfilesSettings } from './settings.js';
import {
  ACTIVE_PROFILE_PUSH,
  CHARGING_PROFILES_KIND,
  PROFILE_REQUEST_FACTS,
  PROFILE_RESPONSE_TYPES,
  PROFILE_RESULT_TYPES,
  type ProfileRequest,
  ProfileSendError,
  requestOfCallback,
} from './types.js';

type Json = Record<string, unknown>;

export interface ProfileSenderDeps {
  config: NodeConfig;
  store: Store;
  repository: CommandRepository;
  clientFactory: ClientFactory;
  settings: ChargingProfilesSettings;
  now: () => Date;
  log: PlatformLogger;
}

export interface ProfileSendOptions {
  /** Our id for the request (default: a new UUID); also the last segment of its response_url. */
  id?: string;
  signal?: AbortSignal;
}

/** `pollMs`: how often the store is read when nothing changes in this process (default 200 ms). */
export type ProfileWaitOptions = RequestWaitOptions;

export interface ProfileSender {
  /** Sends the request; resolves with the stored request once the CPO's synchronous answer is in. */
  send(peerId: string, request: ProfileRequest, options?: ProfileSendOptions): Promise<CommandRecord>;
  /** Resolves when the request has ended (result, refusal, error or TIMEOUT). */
  wait(id: string, options?: ProfileWaitOptions): Promise<CommandRecord>;
  /** POST {callback}/{request_id} of our Sender interface: a result. */
  receiveResult(ctx: OcpiRequestContext): Promise<OcpiOutcome>;
  /** PUT {session_id} of our Sender interface: a CPO's new ActiveChargingProfile. */
  receiveActiveProfile(ctx: OcpiRequestContext): Promise<OcpiOutcome>;
  /** Requests that the timeout sweep ended (for the waiters of this process). */
  ended(ids: readonly string[]): void;
}

/** The ActiveChargingProfile schema the requests' profiles are checked against (2.3.0, canonical). */
const schema = (name: string) => {
  const found = findSchema(schemasByVersion['2.3.0'], name);
  if (found === undefined) throw new Error(`no 2.3.0 schema ${name}`);
  return found;
};

export function createProfileSender(deps: ProfileSenderDeps): ProfileSender {
  const { config, store, repository, settings, log } = deps;
  const requests = createOutgoingRequests({
    repository,
    settings,
    now: deps.now,
    log,
    noun: 'profile request',
    owns: (record) => record.kind === CHARGING_PROFILES_KIND,
    expire: { kind: CHARGING_PROFILES_KIND, timeoutResult: null },
  });
  const refuse: SendRefusal = (kind, message) => new ProfileSendError(kind, message);

  async function readyPeer(peerId: string) {
    const { peer, version } = await registeredPeer(store, peerId, refuse);
    if (version === '2.1.1') {
      throw new ProfileSendError('peer_not_ready', 'OCPI 2.1.1 has no Charging Profiles module');
    }
    const url = receiverUrl(peer, version, 'chargingprofiles', 'Charging Profiles', refuse);
    requireSenderInterface(
      config,
      version,
      'chargingprofiles',
      'this node serves no Charging Profiles Sender interface (it hosts no party of a Sender role) to receive the result at',
      refuse,
    );
    return { peer, version, url };
  }

  /** The canonical request stored, and the call's body and query in the peer's version. */
  function prepare(
    request: ProfileRequest,
    responseUrl: string,
    version: OcpiVersion,
  ): { canonical: Json; body?: Json; query?: Record<string, string | number> } {
    switch (request.type) {
      case 'SET_CHARGING_PROFILE': {
        const canonical = {
          session_id: request.sessionId,
          charging_profile: request.chargingProfile,
          response_url: responseUrl,
        };
        const body = { charging_profile: request.chargingProfile, response_url: responseUrl };
        const checked = validate(schema('SetChargingProfile'), body);
        if (!checked.valid) {
          throw new ProfileSendError(
            'invalid_request',
            `invalid ChargingProfile: ${checked.issues
              .slice(0, 3)
              .map((i) => `${i.pointer || '/'}: ${i.message}`)
              .join('; ')}`,
          );
        }
        return { canonical, body: fromCanonical('SetChargingProfile', version, body).value as Json };
      }
      case 'GET_ACTIVE_CHARGING_PROFILE':
        if (!Number.isInteger(request.durationS) || request.durationS <= 0) {
          throw new ProfileSendError(
            'invalid_request',
            'duration must be a positive whole number of seconds',
          );
        }
        return {
          canonical: {
            session_id: request.sessionId,
            duration: request.durationS,
            response_url: responseUrl,
          },
          query: { duration: request.durationS, response_url: responseUrl },
        };
      case 'CLEAR_PROFILE':
        return {
          canonical: { session_id: request.sessionId, response_url: responseUrl },
          query: { response_url: responseUrl },
        };
    }
  }

  function deadlineOf(response: Json, at: Date): Date {
    const given =
      typeof response.timeout === 'number' ? response.timeout * 1000 : settings.defaultResultTimeoutMs;
    return new Date(at.getTime() + Math.max(0, Math.min(given, settings.maxResultWaitMs)));
  }

  return {
    async send(peerId, request, options = {}) {
      const { peer, version, url } = await readyPeer(peerId);
      if (
        typeof request.sessionId !== 'string' ||
        request.sessionId === '' ||
        request.sessionId.length > 36
      ) {
        throw new ProfileSendError('invalid_request', 'session_id must be 1 to 36 characters');
      }
      const id = options.id ?? randomUUID();
      const facts = PROFILE_REQUEST_FACTS[request.type];
      const responseUrl = `${ocpiUrls(config.publicUrl).module(version, 'chargingprofiles', 'SENDER')}/${facts.callback}/${id}`;
      const prepared = prepare(request, responseUrl, version);
      await repository.insert({
        id,
        kind: CHARGING_PROFILES_KIND,
        side: 'SENT',
        peerId: peer.id,
        version,
        command: request.type,
        reference: request.sessionId,
        request: prepared.canonical,
        state: 'SENDING',
      });

      const row = rowsFor(version, 'chargingprofiles', 'RECEIVER').find((r) => r.method === facts.method);
      if (row === undefined) throw new Error(`no ${version} chargingprofiles ${facts.method} row`);
      const client = deps.clientFactory({ version, token: peer.outgoingToken as string });
      const to = cpoPartyOf(peer);
      return requests.exchange(id, {
        call: (signal) =>
          client.callEndpoint(row, {
            url,
            params: { session_id: request.sessionId },
            signal,
            ...(prepared.body === undefined ? {} : { body: prepared.body }),
            ...(prepared.query === undefined ? {} : { query: prepared.query }),
            ...(to === undefined ? {} : { to }),
          }),
        signal: options.signal,
        version,
        response: { object: 'ChargingProfileResponse', results: PROFILE_RESPONSE_TYPES },
        deadlineOf,
        refused: {
          fields: { requestId: id, peerId: peer.id, request: request.type },
          message: 'profile request not taken by the CPO',
        },
      });
    },

    wait: (id, options) => requests.wait(id, options),

    async receiveResult(ctx) {
      const id = ctx.params.request_id as string;
      const callback = ctx.row.path.split('/')[0] ?? '';
      const type = requestOfCallback(callback);
      const record = await repository.get(id);
      // Only the peer the request went to may answer it, on the path we gave for its kind.
      if (
        type === undefined ||
        record === undefined ||
        record.kind !== CHARGING_PROFILES_KIND ||
        record.side !== 'SENT' ||
        record.peerId !== ctx.peer.id ||
        record.command !== type
      ) {
        return {
          statusCode: 2000,
          httpStatus: 404,
          message: `no ${callback} request ${id} of ours sent to you`,
        };
      }
      return requests.receiveResult(ctx, id, {
        object: PROFILE_REQUEST_FACTS[type].resultObject,
        results: PROFILE_RESULT_TYPES,
        resultType: 'ChargingProfileResultType',
        late: { fields: { requestId: id }, message: 'profile result after the request had ended' },
      });
    },

    async receiveActiveProfile(ctx) {
      const sessionId = ctx.params.session_id as string;
      const converted = convertUp(
        'ActiveChargingProfile',
        ctx.version,
        ctx.body as Json,
        { party: partyOf(ctx) },
        ctx.log,
      );
      if (!converted.ok) return converted.outcome;
      await repository.insert({
        id: randomUUID(),
        kind: CHARGING_PROFILES_KIND,
        side: 'RECEIVED',
        peerId: ctx.peer.id,
        version: ctx.version,
        command: ACTIVE_PROFILE_PUSH,
        reference: sessionId,
        request: converted.value,
        state: 'DONE',
        outcome: 'RECEIVED',
      });
      return { statusCode: 1000 };
    },

    ended: (ids) => requests.ended(ids),
  };
}
