/**
 * The HTTP gateway: connects a real charging-station backend (an OCPP CSMS, a vendor platform) to
 * the CPO node. Commands go to the backend as JSON (POST {url}/commands); the backend answers
 * them at once or later, and reports sessions, meter values and EVSE statuses, through the
 * node's gateway API (registerGatewayApi, under /gateway, with its own bearer token). The wire
 * format is documented in docs/gateway.md; it is plain JSON in OCPI's words, no OCPI envelope.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { tokensEqual } from '../../protocol/index.js';
import type { Store } from '../../store/types.js';
import { ourLocation } from '../commands/judge.js';
import type { NodeConfig } from '../config.js';
import type { ChargePointCommand, ChargePointEvents, ChargePointGateway } from './types.js';

type Json = Record<string, unknown>;

export interface HttpGatewayOptions {
  /** The backend's base URL: commands are POSTed to `{url}/commands`. */
  url: string;
  /** Sent to the backend as `Authorization: Bearer …` (optional). */
  token?: string;
  /**
   * Where the backend calls back (our gateway API), sent with every command: `{publicUrl}/gateway`.
   * A function is read per command (a node listening on port 0 learns its URL late).
   */
  callbackUrl: string | (() => string);
  /** Per request to the backend. Default 10 000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const iso = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A command as the backend gets it (docs/gateway.md): snake_case, the EVSE and connector named by OCPI ids. */
export function commandMessage(command: ChargePointCommand, callbackUrl: string): Json {
  const base: Json = { command_id: command.commandId, type: command.kind, callback_url: callbackUrl };
  const where = (at: {
    location: { countryCode: string; partyId: string; id: string };
    evseUid?: string;
    connectorId?: string;
  }) => ({
    country_code: at.location.countryCode,
    party_id: at.location.partyId,
    location_id: at.location.id,
    ...(at.evseUid === undefined ? {} : { evse_uid: at.evseUid }),
    ...(at.connectorId === undefined ? {} : { connector_id: at.connectorId }),
  });
  switch (command.kind) {
    case 'START_SESSION':
      return {
        ...base,
        ...where(command.at),
        token: command.token,
        ...(command.authorizationReference === undefined
          ? {}
          : { authorization_reference: command.authorizationReference }),
      };
    case 'STOP_SESSION':
      return { ...base, ...where(command.at), session_id: command.sessionId };
    case 'RESERVE_NOW':
      return {
        ...base,
        ...where(command.at),
        reservation_id: command.reservationId,
        token: command.token,
        expiry_date: iso(command.expiresAt),
      };
    case 'CANCEL_RESERVATION':
      return { ...base, ...where({ location: command.location }), reservation_id: command.reservationId };
    case 'UNLOCK_CONNECTOR':
      return { ...base, ...where(command.at) };
    case 'SET_CHARGING_PROFILE':
      return {
        ...base,
        ...where(command.at),
        session_id: command.sessionId,
        charging_profile: command.profile,
      };
    case 'GET_ACTIVE_CHARGING_PROFILE':
      return { ...base, ...where(command.at), session_id: command.sessionId, duration: command.durationS };
    case 'CLEAR_CHARGING_PROFILE':
      return { ...base, ...where(command.at), session_id: command.sessionId };
  }
}

/** An answer in a body: `{result, message?, data?}`, or undefined when the body carries none. */
function answerIn(body: unknown): { result: string; message?: string; data?: Json } | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { result, message, data } = body as Json;
  if (typeof result !== 'string' || result === '') return undefined;
  return {
    result,
    ...(typeof message === 'string' ? { message } : {}),
    ...(data !== null && typeof data === 'object' && !Array.isArray(data) ? { data: data as Json } : {}),
  };
}

export function createHttpGateway(options: HttpGatewayOptions): ChargePointGateway {
  const doFetch = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, '');
  let events: ChargePointEvents | undefined;
  return {
    kind: 'http',
    connect(given) {
      events = given;
    },
    async dispatch(command) {
      if (events === undefined) throw new Error('the HTTP gateway is not connected to a node');
      const response = await doFetch(`${base}/commands`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` }),
        },
        body: JSON.stringify(
          commandMessage(
            command,
            typeof options.callbackUrl === 'function' ? options.callbackUrl() : options.callbackUrl,
          ),
        ),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        redirect: 'manual',
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`the backend answered HTTP ${response.status}`);
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      // An answer in the response: the backend knew it at once. Otherwise it calls back.
      const answer = answerIn(body);
      if (answer !== undefined) await events.commandResult(command.commandId, answer);
    },
    async close() {},
  };
}

// ---------------------------------------------------------------------------------------------
// The gateway API: where the backend reports.

export const GATEWAY_BASE_PATH = '/gateway';

export interface GatewayApiOptions {
  /** The node's events (platform.commands.chargePointEvents), read per request. */
  events: () => ChargePointEvents;
  config: NodeConfig;
  store: Store;
  /** The backend's bearer token for this API; without one every /gateway path answers 404. */
  token: string | undefined;
}

class BadRequest extends Error {}

const isRecord = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function text(body: Json, field: string, required: true): string;
function text(body: Json, field: string, required?: false): string | undefined;
function text(body: Json, field: string, required = false): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) throw new BadRequest(`${field} is required`);
    return undefined;
  }
  if (typeof value !== 'string' || value === '') throw new BadRequest(`${field} must be a non-empty string`);
  return value;
}

function number(body: Json, field: string, required: boolean): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) throw new BadRequest(`${field} is required`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new BadRequest(`${field} must be a number`);
  return value;
}

function timestamp(body: Json): Date | undefined {
  const value = text(body, 'timestamp');
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new BadRequest(`timestamp '${value}' is not a date`);
  return date;
}

const bodyOf = (value: unknown): Json => {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new BadRequest('the body must be a JSON object');
  return value;
};

/**
 * Registers the gateway API on the node's app (before it listens): results of commands,
 * sessions, meter values, stops, EVSE statuses and canceled reservations, each a POST of JSON.
 */
export function registerGatewayApi(app: FastifyInstance, options: GatewayApiOptions): void {
  app.register(
    async (api) => {
      api.addHook('onRequest', async (request, reply) => {
        reply.header('Cache-Control', 'no-store');
        if (options.token === undefined) {
          return reply
            .code(404)
            .send({ error: 'not_found', message: 'the gateway API is off: no gateway token is configured' });
        }
        const header = request.headers.authorization;
        const given =
          typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
        if (given === undefined || !tokensEqual(given, options.token)) {
          reply.header('WWW-Authenticate', 'Bearer realm="roamkit-gateway"');
          return reply.code(401).send({
            error: 'unauthorized',
            message: 'send the gateway token as Authorization: Bearer <token>',
          });
        }
      });
      api.setErrorHandler((error: Error & { statusCode?: number }, _request, reply: FastifyReply) => {
        if (error instanceof BadRequest)
          return reply.code(400).send({ error: 'bad_request', message: error.message });
        if (error instanceof RangeError)
          return reply.code(404).send({ error: 'not_found', message: error.message });
        if (error.statusCode !== undefined && error.statusCode < 500) {
          return reply.code(error.statusCode).send({ error: 'bad_request', message: error.message });
        }
        _request.log.error({ err: error }, 'gateway API request failed');
        return reply.code(500).send({ error: 'internal', message: 'the event could not be applied' });
      });

      /** Our connector named in a body (country_code/party_id optional: found among our CPO parties). */
      async function connectorOf(body: Json) {
        const locationId = text(body, 'location_id', true);
        const location = await ourLocation(options.config, options.store, locationId);
        if (location === undefined) throw new RangeError(`unknown location ${locationId}`);
        return {
          location: { ...location.owner, id: String(location.data.id) },
          evseUid: text(body, 'evse_uid', true),
          connectorId: text(body, 'connector_id') ?? '',
        };
      }

      api.post<{ Params: { commandId: string } }>('/results/:commandId', async (request) => {
        const body = bodyOf(request.body);
        const answer = answerIn(body);
        if (answer === undefined) throw new BadRequest('result is required');
        await options.events().commandResult(request.params.commandId, answer);
        return { ok: true };
      });

      api.post('/sessions', async (request, reply) => {
        const body = bodyOf(request.body);
        const at = await connectorOf(body);
        if (at.connectorId === '') throw new BadRequest('connector_id is required');
        const commandId = text(body, 'command_id');
        const token = isRecord(body.token) ? body.token : undefined;
        if (commandId === undefined && token === undefined)
          throw new BadRequest('command_id or token is required');
        const when = timestamp(body);
        const sessionId = text(body, 'session_id');
        const started = await options.events().sessionStarted({
          at,
          ...(commandId === undefined ? {} : { commandId }),
          ...(token === undefined
            ? {}
            : { token: { uid: text(token, 'uid', true), type: text(token, 'type') ?? 'RFID' } }),
          ...(when === undefined ? {} : { when }),
          ...(sessionId === undefined ? {} : { sessionId }),
        });
        if (started.sessionId === undefined) {
          return reply
            .code(403)
            .send({ error: 'refused', message: started.refused ?? 'the token is not authorized' });
        }
        return { session_id: started.sessionId };
      });

      api.post<{ Params: { sessionId: string } }>('/sessions/:sessionId/meter-values', async (request) => {
        const body = bodyOf(request.body);
        const current = number(body, 'current_a', false);
        await options.events().meterValues(request.params.sessionId, {
          time: timestamp(body) ?? new Date(),
          energyKwh: number(body, 'energy_kwh', true) as number,
          powerKw: number(body, 'power_kw', true) as number,
          ...(current === undefined ? {} : { currentA: current }),
        });
        return { ok: true };
      });

      api.post<{ Params: { sessionId: string } }>('/sessions/:sessionId/stop', async (request) => {
        const body = bodyOf(request.body);
        const { cdrId } = await options.events().sessionStopped(request.params.sessionId, timestamp(body));
        return { cdr_id: cdrId };
      });

      api.post('/evse-status', async (request) => {
        const body = bodyOf(request.body);
        const at = await connectorOf(body);
        await options
          .events()
          .evseStatus(
            { location: at.location, evseUid: at.evseUid },
            text(body, 'status', true),
            timestamp(body),
          );
        return { ok: true };
      });

      // The reservation id as the backend got it in RESERVE_NOW (it holds a '/': in the body, not the path).
      api.post('/reservation-canceled', async (request) => {
        const body = bodyOf(request.body);
        await options.events().reservationCanceled(text(body, 'reservation_id', true));
        return { ok: true };
      });
    },
    { prefix: GATEWAY_BASE_PATH },
  );
}
