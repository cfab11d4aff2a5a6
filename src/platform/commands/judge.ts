/**
 * The CPO's check of a command before it goes to a charge point: what the node knows itself
 * (its Locations and their EVSE statuses and capabilities, its Sessions and whose they are, the
 * reservations it forwarded) decides at once; the rest is the charge point's to say.
 *
 * The verdicts, where the chapters leave room (docs/commands.md has the table):
 * - an unknown Location, EVSE or connector: OCPI status 2003 Unknown Location (no CommandResponse);
 * - an EVSE without the capability the command needs (REMOTE_START_STOP_CAPABLE,
 *   UNLOCK_CAPABLE, RESERVABLE): NOT_SUPPORTED;
 * - an EVSE occupied (CHARGING, BLOCKED) or not operating (INOPERATIVE, OUTOFORDER, PLANNED,
 *   UNKNOWN): REJECTED, with the reason in `message`. RESERVED goes to the charge point, which
 *   knows whose reservation it is;
 * - a token of a party that is not the sender's: REJECTED (an eMSP uses only its own tokens);
 *   the token's validity is not judged (the eMSP authorized it), unless `tokenCheck: 'cache'`
 *   asks for a pushed, valid token;
 * - STOP_SESSION of a session we do not have: UNKNOWN_SESSION; of another eMSP's session, or of
 *   one that has ended: REJECTED;
 * - CANCEL_RESERVATION of a reservation this sender never made (or that has expired): accepted,
 *   and the result UNKNOWN_RESERVATION follows at once (the synchronous answer has no such value).
 */

import type { CommandRepository } from '../../store/commands.js';
import type { PartyKey, PeerRecord, Store } from '../../store/types.js';
import type { CdrToken } from '../charging-sessions/index.js';
import type { NodeConfig } from '../config.js';
import { inAudience } from '../delivery/publisher.js';
import type { ChargePointCommand, ConnectorRef } from '../gateway/types.js';
import type { OcpiOutcome } from '../modules.js';
import { tokenObjectId } from '../object-modules.js';
import { findParty } from '../parties.js';
import type { CommandsSettings } from './settings.js';
import type { CommandResponseType, CommandType } from './types.js';

type Json = Record<string, unknown>;

/** A charge point command before it has its id. */
export type PlannedCommand = ChargePointCommand extends infer C
  ? C extends { commandId: string }
    ? Omit<C, 'commandId'>
    : never
  : never;

export type Verdict =
  /** An OCPI error instead of a CommandResponse (2003). */
  | { kind: 'error'; outcome: OcpiOutcome }
  /** Answered at once, nothing goes to the charge point. */
  | { kind: 'answer'; result: Exclude<CommandResponseType, 'ACCEPTED'>; message: string }
  /** Accepted, and the result is known at once (UNKNOWN_RESERVATION). */
  | { kind: 'result'; result: string; message: string; reference?: string }
  /** Accepted: goes to the charge point. */
  | { kind: 'forward'; command: PlannedCommand; reference?: string };

export interface JudgeContext {
  config: NodeConfig;
  store: Store;
  repository: CommandRepository;
  settings: CommandsSettings;
  peer: PeerRecord;
  now: Date;
}

const OCCUPIED = new Set(['CHARGING', 'BLOCKED']);
const NOT_OPERATING = new Set(['INOPERATIVE', 'OUTOFORDER', 'PLANNED', 'UNKNOWN']);

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const capabilities = (evse: Json): unknown[] => (Array.isArray(evse.capabilities) ? evse.capabilities : []);
/** CiString ids (2.2+) compare without case. */
const sameId = (a: unknown, b: unknown): boolean =>
  typeof a === 'string' && typeof b === 'string' && a.toUpperCase() === b.toUpperCase();

const unknownLocation = (message: string): Verdict => ({
  kind: 'error',
  outcome: { statusCode: 2003, message },
});
const answer = (result: Exclude<CommandResponseType, 'ACCEPTED'>, message: string): Verdict => ({
  kind: 'answer',
  result,
  message,
});

/** Our CPO parties (a node may host several): where a location_id or session_id is looked for. */
function cpoParties(config: NodeConfig): PartyKey[] {
  const out: PartyKey[] = [];
  for (const p of config.parties) {
    if (p.role !== 'CPO') continue;
    if (!out.some((o) => o.countryCode === p.country_code && o.partyId === p.party_id)) {
      out.push({ countryCode: p.country_code, partyId: p.party_id });
    }
  }
  return out;
}

/** One of our Locations by id (undefined when none of our CPO parties has it live). */
export async function ourLocation(
  config: NodeConfig,
  store: Store,
  locationId: string,
): Promise<{ owner: PartyKey; data: Json } | undefined> {
  for (const owner of cpoParties(config)) {
    const record = await store.objects.get('locations', { ...owner, id: locationId });
    if (record !== undefined && record.peerId === null && !record.deleted)
      return { owner, data: record.data };
  }
  return undefined;
}

/** Why an EVSE cannot take a new session or reservation now, or undefined when it can. */
function busyReason(evse: Json): string | undefined {
  const status = String(evse.status);
  if (OCCUPIED.has(status)) return `EVSE ${String(evse.uid)} is occupied (${status})`;
  if (NOT_OPERATING.has(status)) return `EVSE ${String(evse.uid)} is not operating (${status})`;
  return undefined;
}

/** The token as the Session and CDR carry it. */
export const cdrTokenOf = (token: Json): CdrToken => ({
  country_code: String(token.country_code),
  party_id: String(token.party_id),
  uid: String(token.uid),
  type: String(token.type),
  contract_id: String(token.contract_id),
});

/** START_SESSION and RESERVE_NOW: the sender's own token (and, with tokenCheck 'cache', one it pushed and left valid). */
async function checkToken(token: Json, ctx: JudgeContext): Promise<Verdict | undefined> {
  if (findParty(ctx.peer.roles, token.country_code, token.party_id) === undefined) {
    return answer(
      'REJECTED',
      `token ${String(token.uid)} belongs to ${String(token.country_code)}/${String(token.party_id)}, not to the sender`,
    );
  }
  if (ctx.settings.tokenCheck === 'cache') {
    const key = {
      countryCode: String(token.country_code),
      partyId: String(token.party_id),
      id: tokenObjectId(String(token.uid), String(token.type)),
    };
    const cached = await ctx.store.objects.get('tokens', key);
    if (cached === undefined || cached.deleted || cached.peerId !== ctx.peer.id) {
      return answer('REJECTED', `unknown token ${String(token.uid)} (${String(token.type)})`);
    }
    if (cached.data.valid !== true) return answer('REJECTED', `token ${String(token.uid)} is not valid`);
  }
  return undefined;
}

/** The EVSE named, or the first one that can take the command now (`capability` and not busy). */
function pickEvse(
  location: Json,
  locationId: string,
  evseUid: unknown,
  capability: string,
): { evse: Json } | Verdict {
  const evses = list(location.evses).filter((e) => e.status !== 'REMOVED');
  if (evseUid !== undefined) {
    const evse = evses.find((e) => sameId(e.uid, evseUid));
    if (evse === undefined) return unknownLocation(`location ${locationId} has no EVSE ${String(evseUid)}`);
    if (!capabilities(evse).includes(capability)) {
      return answer('NOT_SUPPORTED', `EVSE ${String(evse.uid)} is not ${capability}`);
    }
    const busy = busyReason(evse);
    return busy === undefined ? { evse } : answer('REJECTED', busy);
  }
  const capable = evses.filter((e) => capabilities(e).includes(capability));
  if (capable.length === 0)
    return answer('NOT_SUPPORTED', `no EVSE of location ${locationId} is ${capability}`);
  const free = capable.find((e) => e.status === 'AVAILABLE');
  return free === undefined
    ? answer('REJECTED', `no EVSE of location ${locationId} is available`)
    : { evse: free };
}

async function judgeStart(request: Json, ctx: JudgeContext): Promise<Verdict> {
  const token = request.token as Json;
  const refused = await checkToken(token, ctx);
  if (refused !== undefined) return refused;
  const locationId = String(request.location_id);
  const location = await ourLocation(ctx.config, ctx.store, locationId);
  if (location === undefined) return unknownLocation(`unknown location ${locationId}`);
  const picked = pickEvse(location.data, locationId, request.evse_uid, 'REMOTE_START_STOP_CAPABLE');
  if (!('evse' in picked)) return picked;
  const { evse } = picked;
  const connectors = list(evse.connectors);
  let connector: Json | undefined;
  if (request.connector_id !== undefined) {
    connector = connectors.find((c) => sameId(c.id, request.connector_id));
    if (connector === undefined) {
      return unknownLocation(`EVSE ${String(evse.uid)} has no connector ${String(request.connector_id)}`);
    }
  } else {
    if (capabilities(evse).includes('START_SESSION_CONNECTOR_REQUIRED')) {
      return answer('REJECTED', `EVSE ${String(evse.uid)} needs a connector_id to start a session`);
    }
    connector = connectors[0];
    if (connector === undefined) return unknownLocation(`EVSE ${String(evse.uid)} has no connector`);
  }
  const at: ConnectorRef = {
    location: { ...location.owner, id: String(location.data.id) },
    evseUid: String(evse.uid),
    connectorId: String(connector.id),
  };
  return {
    kind: 'forward',
    command: {
      kind: 'START_SESSION',
      at,
      token: cdrTokenOf(token),
      ...(typeof request.authorization_reference === 'string'
        ? { authorizationReference: request.authorization_reference }
        : {}),
    },
  };
}

async function judgeStop(request: Json, ctx: JudgeContext): Promise<Verdict> {
  const sessionId = String(request.session_id);
  for (const owner of cpoParties(ctx.config)) {
    const record = await ctx.store.objects.get('sessions', { ...owner, id: sessionId });
    if (record === undefined || record.peerId !== null) continue;
    if (!inAudience(ctx.peer, record.audience)) {
      return answer('REJECTED', `session ${sessionId} is not a session of the sender's customers`);
    }
    const status = String(record.data.status);
    if (!['ACTIVE', 'PENDING', 'RESERVATION'].includes(status)) {
      return answer('REJECTED', `session ${sessionId} has ended (${status})`);
    }
    return {
      kind: 'forward',
      reference: sessionId,
      command: {
        kind: 'STOP_SESSION',
        sessionId,
        at: {
          location: { ...owner, id: String(record.data.location_id) },
          evseUid: String(record.data.evse_uid),
          connectorId: String(record.data.connector_id),
        },
      },
    };
  }
  return answer('UNKNOWN_SESSION', `unknown session ${sessionId}`);
}

async function judgeUnlock(request: Json, ctx: JudgeContext): Promise<Verdict> {
  const locationId = String(request.location_id);
  const location = await ourLocation(ctx.config, ctx.store, locationId);
  if (location === undefined) return unknownLocation(`unknown location ${locationId}`);
  const evse = list(location.data.evses).find(
    (e) => sameId(e.uid, request.evse_uid) && e.status !== 'REMOVED',
  );
  if (evse === undefined)
    return unknownLocation(`location ${locationId} has no EVSE ${String(request.evse_uid)}`);
  const connector = list(evse.connectors).find((c) => sameId(c.id, request.connector_id));
  if (connector === undefined) {
    return unknownLocation(`EVSE ${String(evse.uid)} has no connector ${String(request.connector_id)}`);
  }
  if (!capabilities(evse).includes('UNLOCK_CAPABLE')) {
    return answer('NOT_SUPPORTED', `EVSE ${String(evse.uid)} is not UNLOCK_CAPABLE`);
  }
  return {
    kind: 'forward',
    command: {
      kind: 'UNLOCK_CONNECTOR',
      at: {
        location: { ...location.owner, id: String(location.data.id) },
        evseUid: String(evse.uid),
        connectorId: String(connector.id),
      },
    },
  };
}

/**
 * The charge point's id for a sender's reservation: the sender's id and its reservation_id, so
 * no sender can reach another's reservation (the chapter requires it).
 */
export const chargePointReservationId = (peerId: string, reservationId: string): string =>
  `${peerId}/${reservationId}`;

/** The sender and its reservation_id back from a charge point's reservation id. */
export function parseChargePointReservationId(
  id: string,
): { peerId: string; reservationId: string } | undefined {
  const slash = id.indexOf('/');
  return slash <= 0 ? undefined : { peerId: id.slice(0, slash), reservationId: id.slice(slash + 1) };
}

async function judgeReserve(request: Json, ctx: JudgeContext): Promise<Verdict> {
  const token = request.token as Json;
  const refused = await checkToken(token, ctx);
  if (refused !== undefined) return refused;
  const locationId = String(request.location_id);
  const location = await ourLocation(ctx.config, ctx.store, locationId);
  if (location === undefined) return unknownLocation(`unknown location ${locationId}`);
  const expiresAt = new Date(String(request.expiry_date));
  if (!(expiresAt.getTime() > ctx.now.getTime())) {
    return answer('REJECTED', `expiry_date ${String(request.expiry_date)} is not in the future`);
  }
  const picked = pickEvse(location.data, locationId, request.evse_uid, 'RESERVABLE');
  if (!('evse' in picked)) return picked;
  const reservationId = String(request.reservation_id);
  return {
    kind: 'forward',
    reference: reservationId,
    command: {
      kind: 'RESERVE_NOW',
      at: { location: { ...location.owner, id: String(location.data.id) }, evseUid: String(picked.evse.uid) },
      reservationId: chargePointReservationId(ctx.peer.id, reservationId),
      token: cdrTokenOf(token),
      expiresAt,
    },
  };
}

async function judgeCancel(request: Json, ctx: JudgeContext): Promise<Verdict> {
  const reservationId = String(request.reservation_id);
  const reservations = await ctx.repository.findByReference(ctx.peer.id, 'RESERVE_NOW', reservationId);
  // The newest reservation under that id the charge point took and that has not expired.
  const live = reservations.find(
    (r) => r.outcome === 'ACCEPTED' && Date.parse(String(r.request.expiry_date)) > ctx.now.getTime(),
  );
  if (live === undefined) {
    return {
      kind: 'result',
      reference: reservationId,
      result: 'UNKNOWN_RESERVATION',
      message: `no reservation ${reservationId} of the sender is in place`,
    };
  }
  const location = await ourLocation(ctx.config, ctx.store, String(live.request.location_id));
  if (location === undefined) return unknownLocation(`unknown location ${String(live.request.location_id)}`);
  return {
    kind: 'forward',
    reference: reservationId,
    command: {
      kind: 'CANCEL_RESERVATION',
      reservationId: chargePointReservationId(ctx.peer.id, reservationId),
      location: { ...location.owner, id: String(location.data.id) },
    },
  };
}

/** The verdict on a command (canonical request) from `ctx.peer`. */
export function judgeCommand(command: CommandType, request: Json, ctx: JudgeContext): Promise<Verdict> {
  switch (command) {
    case 'START_SESSION':
      return judgeStart(request, ctx);
    case 'STOP_SESSION':
      return judgeStop(request, ctx);
    case 'UNLOCK_CONNECTOR':
      return judgeUnlock(request, ctx);
    case 'RESERVE_NOW':
      return judgeReserve(request, ctx);
    case 'CANCEL_RESERVATION':
      return judgeCancel(request, ctx);
  }
}
