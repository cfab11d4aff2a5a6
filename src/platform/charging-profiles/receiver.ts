/**
 * The CPO side of the Charging Profiles module: GET, PUT and DELETE {session_id} of our Receiver
 * interface, the charge point's answers, and the pushes of a session's new ActiveChargingProfile.
 *
 * A request is read into the canonical model and judged at once against what we know: the
 * session must be one of ours (else UNKNOWN_SESSION, the spec's answer), running (else REJECTED),
 * its token's eMSP must be the caller (or the caller an SCSP, the settings allowing), its EVSE
 * must be CHARGING_PROFILE_CAPABLE (else NOT_SUPPORTED), and the same caller must not ask about
 * the same session too often (TOO_OFTEN, when a minimum interval is set). Every request is stored
 * (a row of kind `chargingprofiles` in the commands table) and answered with a
 * ChargingProfileResponse; an accepted one goes to the charge point through the gateway. The
 * charge point's result is stored on the row and posted to the response_url by the outbox
 * (outbox.ts of the Commands module, this module's kind), retried until it gets through.
 *
 * A charge point that does not answer within chargePointTimeoutMs: the row ends as TIMEOUT and
 * nothing is posted. ChargingProfileResultType has no TIMEOUT and REJECTED would claim the EVSE
 * refused; the spec has the sender give up after the `timeout` we answered instead.
 *
 * When a session's active profile changes (the gateway reports it), every peer that has set a
 * profile on the session with success gets the new ActiveChargingProfile (PUT {session_id} of its
 * Sender interface, through the same outbox), except the peer whose own request caused it.
 */
import { randomUUID } from 'node:crypto';
import { findSchema, type OcpiVersion, schemasByVersion, validate } from '../../protocol/index.js';
import type { CommandRecord, CommandRepository } from '../../store/commands.js';
import type { ObjectKey, PeerRecord, Store } from '../../store/types.js';
import { advertisedTimeoutSeconds } from '../commands/settings.js';
import type { NodeConfig } from '../config.js';
import type {
  ChargePointAnswer,
  ChargePointCommand,
  ChargePointGateway,
  ConnectorRef,
} from '../gateway/types.js';
import type { OcpiOutcome, OcpiRequestContext, PlatformLogger } from '../modules.js';
import { sameCode } from '../parties.js';
import { convertDown, convertUp } from '../published-objects/shared.js';
import type { ChargingProfilesSettings } from './settings.js';
import {
  ACTIVE_PROFILE_PUSH,
  CHARGING_PROFILES_KIND,
  type ChargingProfileResponseType,
  PROFILE_RESULT_TYPES,
  type ProfileRequestType,
} from './types.js';

type Json = Record<string, unknown>;

/** The ids of the requests we take start with this: the gateway's answers are told apart from the Commands module's by it. */
export const RECEIVED_ID_PREFIX = 'cp-';

export interface ProfileReceiverDeps {
  config: NodeConfig;
  store: Store;
  repository: CommandRepository;
  gateway: ChargePointGateway;
  settings: ChargingProfilesSettings;
  now: () => Date;
  log: PlatformLogger;
  /** A post is due: wake the outbox. */
  wake: () => void;
}

export interface ProfileReceiver {
  /** GET, PUT or DELETE {session_id} of our Receiver interface. */
  handle(ctx: OcpiRequestContext): Promise<OcpiOutcome>;
  /** Whether a gateway answer is about one of our requests. */
  owns(commandId: string): boolean;
  /** The charge point's answer to a request we forwarded. False when the request no longer waits (timed out). */
  chargePointResult(commandId: string, answer: ChargePointAnswer): Promise<boolean>;
  /** A session's active profile changed at the charge point: pushed to the peers that set one. Returns how many. */
  activeChargingProfile(sessionId: string, active: Json, commandId?: string): Promise<number>;
}

const METHOD_REQUESTS: Record<string, ProfileRequestType> = {
  PUT: 'SET_CHARGING_PROFILE',
  GET: 'GET_ACTIVE_CHARGING_PROFILE',
  DELETE: 'CLEAR_PROFILE',
};

/** A response_url we will post to: an absolute http(s) URL. */
function responseUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

const activeProfileSchema = findSchema(schemasByVersion['2.3.0'], 'ActiveChargingProfile');

/** A charge point's answer as the canonical result of `request` (an unknown value reads REJECTED). */
export function profileResultOf(request: string, answer: ChargePointAnswer, log?: PlatformLogger): Json {
  const known = (PROFILE_RESULT_TYPES as readonly string[]).includes(answer.result);
  if (!known)
    log?.warn({ result: answer.result }, 'a charge point answered a profile request with an unknown result');
  const result = known ? answer.result : 'REJECTED';
  if (request !== 'GET_ACTIVE_CHARGING_PROFILE' || result !== 'ACCEPTED') return { result };
  // ACCEPTED carries the profile; without a valid one the sender could do nothing with it.
  const profile = answer.data;
  if (
    profile === undefined ||
    activeProfileSchema === undefined ||
    !validate(activeProfileSchema, profile).valid
  ) {
    log?.warn(
      {},
      'a charge point accepted a GET of the active profile without a valid ActiveChargingProfile',
    );
    return { result: 'REJECTED' };
  }
  return { result, profile };
}

interface Judged {
  answer: ChargingProfileResponseType;
  /** ACCEPTED: where the session charges. */
  at?: ConnectorRef;
}

export function createProfileReceiver(deps: ProfileReceiverDeps): ProfileReceiver {
  const { config, store, repository, gateway, settings, log } = deps;

  function respond(ctx: OcpiRequestContext, result: ChargingProfileResponseType): OcpiOutcome {
    const response = { result, timeout: advertisedTimeoutSeconds(settings) };
    return { statusCode: 1000, data: convertDown('ChargingProfileResponse', ctx.version, response, ctx.log) };
  }

  /** Our session of that id (among our CPO parties). */
  async function ourSession(sessionId: string): Promise<{ key: ObjectKey; data: Json } | undefined> {
    for (const party of config.parties.filter((p) => p.role === 'CPO')) {
      const key = { countryCode: party.country_code, partyId: party.party_id, id: sessionId };
      const record = await store.objects.get('sessions', key);
      if (record !== undefined && record.peerId === null && !record.deleted)
        return { key, data: record.data };
    }
    return undefined;
  }

  /** Whether `peer` may steer the session: its token's eMSP, or an SCSP we work with. */
  function allowed(peer: PeerRecord, session: Json): boolean {
    const token = (session.cdr_token ?? {}) as Json;
    const owner = peer.roles.some(
      (r) => sameCode(r.country_code, token.country_code) && sameCode(r.party_id, token.party_id),
    );
    return owner || (settings.allow === 'scsp' && peer.roles.some((r) => r.role === 'SCSP'));
  }

  async function judge(ctx: OcpiRequestContext, sessionId: string, now: Date): Promise<Judged> {
    const session = await ourSession(sessionId);
    if (session === undefined) return { answer: 'UNKNOWN_SESSION' };
    if (!allowed(ctx.peer, session.data)) return { answer: 'REJECTED' };
    if (session.data.status !== 'ACTIVE') return { answer: 'REJECTED' };
    const location = await store.objects.get('locations', {
      countryCode: session.key.countryCode,
      partyId: session.key.partyId,
      id: String(session.data.location_id),
    });
    const evse = ((location?.data.evses ?? []) as Json[]).find((e) => e.uid === session.data.evse_uid);
    const capabilities = Array.isArray(evse?.capabilities) ? (evse.capabilities as unknown[]) : [];
    if (!capabilities.includes('CHARGING_PROFILE_CAPABLE')) return { answer: 'NOT_SUPPORTED' };
    if (settings.minRequestIntervalMs > 0) {
      const [last] = await repository.list({
        kind: CHARGING_PROFILES_KIND,
        side: 'RECEIVED',
        peerId: ctx.peer.id,
        reference: sessionId,
        limit: 1,
      });
      if (last !== undefined && now.getTime() - last.createdAt.getTime() < settings.minRequestIntervalMs) {
        return { answer: 'TOO_OFTEN' };
      }
    }
    return {
      answer: 'ACCEPTED',
      at: {
        location: {
          countryCode: session.key.countryCode,
          partyId: session.key.partyId,
          id: String(session.data.location_id),
        },
        evseUid: String(session.data.evse_uid),
        connectorId: String(session.data.connector_id),
      },
    };
  }

  /** The request in the canonical model, or the outcome refusing it. */
  function readRequest(
    ctx: OcpiRequestContext,
    type: ProfileRequestType,
    sessionId: string,
  ): Json | OcpiOutcome {
    if (type === 'SET_CHARGING_PROFILE') {
      const party = {
        country_code: String(ctx.peer.roles[0]?.country_code ?? ''),
        party_id: String(ctx.peer.roles[0]?.party_id ?? ''),
      };
      const converted = convertUp('SetChargingProfile', ctx.version, ctx.body as Json, { party }, ctx.log);
      if (!converted.ok) return converted.outcome;
      if (responseUrl(converted.value.response_url) === undefined) {
        return { statusCode: 2001, message: 'response_url must be an http(s) URL' };
      }
      return { session_id: sessionId, ...converted.value };
    }
    const url = responseUrl(ctx.query.response_url);
    if (url === undefined) return { statusCode: 2001, message: 'response_url must be an http(s) URL' };
    if (type === 'CLEAR_PROFILE') return { session_id: sessionId, response_url: url };
    const duration = Number(ctx.query.duration);
    if (!Number.isInteger(duration) || duration <= 0) {
      return { statusCode: 2001, message: 'duration must be a positive whole number of seconds' };
    }
    return { session_id: sessionId, duration, response_url: url };
  }

  function chargePointCommand(
    type: ProfileRequestType,
    id: string,
    request: Json,
    at: ConnectorRef,
  ): ChargePointCommand {
    const sessionId = String(request.session_id);
    switch (type) {
      case 'SET_CHARGING_PROFILE':
        return {
          kind: 'SET_CHARGING_PROFILE',
          commandId: id,
          sessionId,
          at,
          profile: request.charging_profile as Json,
        };
      case 'GET_ACTIVE_CHARGING_PROFILE':
        return {
          kind: 'GET_ACTIVE_CHARGING_PROFILE',
          commandId: id,
          sessionId,
          at,
          durationS: Number(request.duration),
        };
      case 'CLEAR_PROFILE':
        return { kind: 'CLEAR_CHARGING_PROFILE', commandId: id, sessionId, at };
    }
  }

  async function chargePointResult(commandId: string, answer: ChargePointAnswer): Promise<boolean> {
    const record = await repository.get(commandId);
    if (record === undefined || record.kind !== CHARGING_PROFILES_KIND || record.side !== 'RECEIVED') {
      log.warn({ commandId }, 'a charge point answered a profile request we do not hold');
      return false;
    }
    const completed = await repository.complete(commandId, profileResultOf(record.command, answer, log));
    if (completed) deps.wake();
    else
      log.warn(
        { commandId, result: answer.result },
        'a charge point answered a profile request that no longer waits (timed out?)',
      );
    return completed;
  }

  /** Hands an accepted request to the gateway; a gateway that cannot be reached makes the result REJECTED. */
  function dispatch(record: CommandRecord, command: ChargePointCommand): void {
    setImmediate(() => {
      gateway.dispatch(command).catch(async (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        log.warn(
          { commandId: record.id, err: message },
          'the charge point gateway could not take the profile request',
        );
        await chargePointResult(record.id, { result: 'REJECTED', message }).catch((e: unknown) =>
          log.error({ commandId: record.id, err: String(e) }, 'storing a profile result failed'),
        );
      });
    });
  }

  return {
    owns: (commandId) => commandId.startsWith(RECEIVED_ID_PREFIX),

    chargePointResult,

    async handle(ctx) {
      const type = METHOD_REQUESTS[ctx.row.method];
      const sessionId = ctx.params.session_id;
      if (type === undefined || sessionId === undefined)
        return { statusCode: 2001, message: 'not a charging profile request' };
      const request = readRequest(ctx, type, sessionId);
      if ('statusCode' in request) return request as OcpiOutcome;
      const now = deps.now();
      const judged = await judge(ctx, sessionId, now);
      const id = `${RECEIVED_ID_PREFIX}${randomUUID()}`;
      const response = { result: judged.answer, timeout: advertisedTimeoutSeconds(settings) };
      const base = {
        id,
        kind: CHARGING_PROFILES_KIND,
        side: 'RECEIVED' as const,
        peerId: ctx.peer.id,
        version: ctx.version,
        command: type,
        reference: sessionId,
        request,
        response,
      };
      if (judged.answer !== 'ACCEPTED' || judged.at === undefined) {
        await repository.insert({ ...base, state: 'DONE', outcome: judged.answer });
        return respond(ctx, judged.answer);
      }
      const record = await repository.insert({
        ...base,
        state: 'WAITING',
        deadline: new Date(now.getTime() + settings.chargePointTimeoutMs),
      });
      dispatch(record, chargePointCommand(type, id, request, judged.at));
      return respond(ctx, 'ACCEPTED');
    },

    async activeChargingProfile(sessionId, active, commandId) {
      const cause = commandId === undefined ? undefined : await repository.get(commandId);
      const setters = await repository.list({
        kind: CHARGING_PROFILES_KIND,
        side: 'RECEIVED',
        command: 'SET_CHARGING_PROFILE',
        reference: sessionId,
        outcome: 'ACCEPTED',
        limit: 1000,
      });
      const peerIds = [...new Set(setters.map((r) => r.peerId))].filter((p) => p !== cause?.peerId);
      let queued = 0;
      for (const peerId of peerIds) {
        const peer = await store.peers.findById(peerId);
        const version = peer?.version as OcpiVersion | null | undefined;
        const sends = peer?.endpoints.some((e) => e.identifier === 'chargingprofiles' && e.role === 'SENDER');
        if (peer === undefined || peer.status !== 'REGISTERED' || !version || version === '2.1.1' || !sends) {
          log.info({ peerId, sessionId }, 'active profile changed; the peer that set one cannot be told');
          continue;
        }
        await repository.insert({
          id: `${RECEIVED_ID_PREFIX}push-${randomUUID()}`,
          kind: CHARGING_PROFILES_KIND,
          side: 'SENT',
          peerId,
          version,
          command: ACTIVE_PROFILE_PUSH,
          reference: sessionId,
          request: { session_id: sessionId, active_charging_profile: active },
          state: 'DONE',
          outcome: 'PUSHED',
          post: true,
        });
        queued++;
      }
      if (queued > 0) deps.wake();
      return queued;
    },
  };
}
