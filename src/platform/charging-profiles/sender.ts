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
import { OcpiStatusError } from '../../client/errors.js';
import { fromCanonical, toCanonical } from '../../model/index.js';
import { findSchema, type OcpiVersion, rowsFor, schemasByVersion, validate } from '../../protocol/index.js';
import type { CommandRecord, CommandRepository } from '../../store/commands.js';
import type { PeerRecord, Store } from '../../store/types.js';
import type { NodeConfig } from '../config.js';
import { type ClientFactory, describeClientError } from '../credentials.js';
import type { OcpiOutcome, OcpiRequestContext, PlatformLogger } from '../modules.js';
import { convertUp } from '../published-objects/shared.js';
import { ocpiUrls } from '../urls.js';
import { servedInterfaces } from '../versions.js';
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

export interface ProfileWaitOptions {
  signal?: AbortSignal;
  /** How often the store is read when nothing changes in this process. Default 200 ms. */
  pollMs?: number;
}

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

/** The peer's party the request is for (OCPI-to-*): its first CPO role. */
function cpoPartyOf(peer: PeerRecord): { countryCode: string; partyId: string } | undefined {
  const role = peer.roles.find((r) => r.role === 'CPO') ?? peer.roles[0];
  return role === undefined
    ? undefined
    : { countryCode: String(role.country_code), partyId: String(role.party_id) };
}

const partyOf = (ctx: OcpiRequestContext) => ({
  country_code: String(ctx.peer.roles[0]?.country_code ?? ''),
  party_id: String(ctx.peer.roles[0]?.party_id ?? ''),
});

export function createProfileSender(deps: ProfileSenderDeps): ProfileSender {
  const { config, store, repository, settings, log } = deps;
  const waiters = new Map<string, Set<() => void>>();

  function notify(id: string): void {
    const set = waiters.get(id);
    if (set === undefined) return;
    waiters.delete(id);
    for (const wake of set) wake();
  }

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

  async function readyPeer(peerId: string): Promise<{ peer: PeerRecord; version: OcpiVersion; url: string }> {
    const peer = await store.peers.findById(peerId);
    if (peer === undefined) throw new ProfileSendError('unknown_peer', `no peer ${peerId}`);
    const version = peer.version;
    if (peer.status !== 'REGISTERED' || version === null || peer.outgoingToken === null) {
      throw new ProfileSendError('peer_not_ready', `peer ${peerId} is not registered (${peer.status})`);
    }
    if (version === '2.1.1') {
      throw new ProfileSendError('peer_not_ready', 'OCPI 2.1.1 has no Charging Profiles module');
    }
    const url = peer.endpoints.find((e) => e.identifier === 'chargingprofiles' && e.role === 'RECEIVER')?.url;
    if (url === undefined) {
      throw new ProfileSendError(
        'peer_not_ready',
        `peer ${peerId} offers no Charging Profiles Receiver endpoint in ${version}`,
      );
    }
    if (!servedInterfaces(config, version, 'chargingprofiles').includes('SENDER')) {
      throw new ProfileSendError(
        'peer_not_ready',
        'this node serves no Charging Profiles Sender interface (it hosts no party of a Sender role) to receive the result at',
      );
    }
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

  function readResponse(version: OcpiVersion, data: unknown): Json | undefined {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
    try {
      const value = toCanonical('ChargingProfileResponse', version, data).value as Json;
      return (PROFILE_RESPONSE_TYPES as readonly string[]).includes(String(value.result)) ? value : undefined;
    } catch {
      return undefined;
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
      const signal = options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(settings.requestTimeoutMs)])
        : AbortSignal.timeout(settings.requestTimeoutMs);
      let record: CommandRecord | undefined;
      try {
        const answer = await client.callEndpoint(row, {
          url,
          params: { session_id: request.sessionId },
          signal,
          ...(prepared.body === undefined ? {} : { body: prepared.body }),
          ...(prepared.query === undefined ? {} : { query: prepared.query }),
          ...(to === undefined ? {} : { to }),
        });
        const response = readResponse(version, answer.data);
        if (response === undefined) {
          record = await repository.recordError(id, {
            message: `the CPO answered without a ChargingProfileResponse: ${JSON.stringify(answer.data)?.slice(0, 200)}`,
          });
        } else if (response.result === 'ACCEPTED') {
          record = await repository.recordResponse(id, response, {
            state: 'WAITING',
            deadline: deadlineOf(response, deps.now()),
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
          { requestId: id, peerId: peer.id, request: request.type, err: failure.message },
          'profile request not taken by the CPO',
        );
        record = await repository.recordError(id, failure);
      }
      notify(id);
      return record ?? ((await repository.get(id)) as CommandRecord);
    },

    async wait(id, options = {}) {
      const pollMs = options.pollMs ?? 200;
      for (;;) {
        const record = await repository.get(id);
        if (record === undefined || record.kind !== CHARGING_PROFILES_KIND)
          throw new RangeError(`no profile request ${id}`);
        if (record.state === 'DONE' || options.signal?.aborted) return record;
        const now = deps.now();
        let wait = pollMs;
        if (record.state === 'WAITING' && record.deadline !== null) {
          const left = record.deadline.getTime() - now.getTime();
          if (left <= 0) {
            await repository.expire('SENT', now, { kind: CHARGING_PROFILES_KIND, timeoutResult: null });
            continue;
          }
          wait = Math.min(wait, left);
        } else if (
          record.state === 'SENDING' &&
          now.getTime() - record.createdAt.getTime() > 2 * settings.requestTimeoutMs
        ) {
          await repository.recordError(id, { message: 'the sending process ended before the CPO answered' });
          continue;
        }
        await changeOrTimeout(id, wait, options.signal);
      }
    },

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
      const object = PROFILE_REQUEST_FACTS[type].resultObject;
      const converted = convertUp(object, ctx.version, ctx.body as Json, { party: partyOf(ctx) }, ctx.log);
      if (!converted.ok) return converted.outcome;
      const result = converted.value;
      if (!(PROFILE_RESULT_TYPES as readonly string[]).includes(String(result.result))) {
        return { statusCode: 2001, message: `unknown ChargingProfileResultType ${String(result.result)}` };
      }
      const taken = await repository.recordResult(id, result);
      notify(id);
      if (taken !== undefined && taken.reception !== 'completed') {
        log.info(
          { requestId: id, result: result.result, reception: taken.reception },
          'profile result after the request had ended',
        );
      }
      return { statusCode: 1000 };
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

    ended(ids) {
      for (const id of ids) notify(id);
    },
  };
}
