/**
 * Every answer of the OCPI routes is an envelope, errors included: the few HTTP error statuses
 * the status codes chapter allows (400 body not JSON, 401 unknown token, 404 unknown resource,
 * 405 credentials call in the wrong state) still carry one, and everything that reached the OCPI
 * layer is HTTP 200 with its OCPI status. This file holds the error handler, the not-found
 * handler, the JSON body parser and the message-id headers.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OcpiOutcome } from '../platform/modules.js';
import {
  buildResponseHeaders,
  errorResponse,
  HTTP_ERRORS,
  type HttpErrorSituation,
  isOcpiVersion,
  type OcpiResponse,
  type OcpiVersion,
  parseOcpiHeaders,
  StatusCode,
  successResponse,
} from '../protocol/index.js';

/** The OCPI version a request addresses: its route's, else the URL's `/ocpi/{version}` segment. */
export function requestVersion(request: FastifyRequest): OcpiVersion | undefined {
  const fromRoute = (request.routeOptions.config as { ocpi?: { version?: OcpiVersion } } | undefined)?.ocpi
    ?.version;
  if (fromRoute !== undefined) return fromRoute;
  const segment = /^\/ocpi\/([^/?#]+)/.exec(request.url)?.[1];
  return segment !== undefined && isOcpiVersion(segment) ? segment : undefined;
}

/** Sends an envelope with an HTTP status. */
export function sendEnvelope(
  reply: FastifyReply,
  httpStatus: number,
  body: OcpiResponse<unknown>,
): FastifyReply {
  return reply.code(httpStatus).type('application/json; charset=utf-8').send(body);
}

const DATA_OPEN = Buffer.from('{"data":');
const LIST_OPEN = Buffer.from('{"data":[');
const COMMA = Buffer.from(',');

/**
 * The last body built around each frozen list (a cached page: the same elements for as long as
 * it lives), with the envelope fields it was built with. The timestamp has whole seconds, so
 * requests for the same page within a second are answered with the same bytes, like a static
 * file: no 100 KiB allocated and copied per request (on Linux, fresh memory of that size costs
 * page faults on every request). Held weakly: it goes with the page.
 */
const builtBodies = new WeakMap<readonly Buffer[], { rest: string; body: Buffer }>();

/**
 * The envelope of successResponse written around ready JSON bytes of `data` (same bytes as
 * serialising the whole envelope): `{"data":` + data + `,"status_code":1000,…}`, one copy.
 * `list`: the data is a JSON array of these elements.
 */
function envelopeBytes(data: readonly Buffer[], list: boolean, now: Date, message?: string): Buffer {
  const rest = `${list ? ']' : ''},${JSON.stringify(successResponse(undefined, now, message)).slice(1)}`;
  const reusable = list && Object.isFrozen(data);
  if (reusable) {
    const built = builtBodies.get(data);
    if (built !== undefined && built.rest === rest) return built.body;
  }
  const chunks: Buffer[] = [list ? LIST_OPEN : DATA_OPEN];
  data.forEach((element, i) => {
    if (list && i > 0) chunks.push(COMMA);
    chunks.push(element);
  });
  chunks.push(Buffer.from(rest));
  const body = Buffer.concat(chunks);
  if (reusable) builtBodies.set(data, { rest, body });
  return body;
}

/** Sends a handler's outcome. */
export function sendOutcome(reply: FastifyReply, outcome: OcpiOutcome, now: Date): FastifyReply {
  if (outcome.headers !== undefined) reply.headers(outcome.headers);
  const { dataList, dataJson } = outcome;
  if (dataList !== undefined || dataJson !== undefined) {
    // A Buffer goes to the socket as is; a large string would be encoded on every write.
    const body =
      dataList !== undefined
        ? envelopeBytes(dataList, true, now, outcome.message)
        : envelopeBytes(
            [typeof dataJson === 'string' ? Buffer.from(dataJson) : (dataJson as Buffer)],
            false,
            now,
            outcome.message,
          );
    return reply
      .code(outcome.httpStatus ?? 200)
      .type('application/json; charset=utf-8')
      .send(body);
  }
  const body =
    outcome.statusCode >= 1000 && outcome.statusCode < 2000
      ? successResponse(outcome.data, now, outcome.message)
      : errorResponse(outcome.statusCode, now, outcome.message, outcome.data);
  return sendEnvelope(reply, outcome.httpStatus ?? 200, body);
}

/** One of the HTTP error situations (status.ts HTTP_ERRORS), with our message. */
export function sendHttpError(
  reply: FastifyReply,
  situation: HttpErrorSituation,
  now: Date,
  message: string = situation.description,
): FastifyReply {
  return sendEnvelope(reply, situation.http, errorResponse(situation.statusCode, now, message));
}

/** A body that is not JSON: HTTP 400 with status 2001 (status codes chapter). */
export class BodyNotJsonError extends Error {
  readonly statusCode = 400;
  readonly code = 'ROAMKIT_BODY_NOT_JSON';
}

/**
 * The JSON body parser, for every content type: the transport chapter asks for
 * `application/json`, but a peer sending JSON under another (or no) content type is understood
 * rather than refused with a bare 415. An empty body is no body (a DELETE or GET with a
 * Content-Type header). Prototype-poisoning keys are refused like invalid JSON.
 */
export function installJsonParser(app: FastifyInstance): void {
  const strict = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    strict(request, text, (error, value) => {
      if (error)
        done(new BodyNotJsonError(`the request body is not valid JSON (${error.message})`), undefined);
      else done(null, value);
    });
  });
}

/**
 * Message ids (2.2.1+, transport chapter "Unique message IDs"): the response carries the request's
 * X-Request-ID and X-Correlation-ID (new ones when the request had none). 2.1.1 has no such
 * headers; an unversioned URL (/ocpi/versions, /health) echoes what the request brought.
 */
export function installMessageIdHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const version = requestVersion(request);
    if (version === '2.1.1') return payload;
    const { headers } = parseOcpiHeaders(request.headers);
    if (version === undefined) {
      if (headers.requestId !== undefined) reply.header('X-Request-ID', headers.requestId);
      if (headers.correlationId !== undefined) reply.header('X-Correlation-ID', headers.correlationId);
      return payload;
    }
    // buildResponseHeaders also swaps the routing headers; credentials and versions carry none.
    const out = buildResponseHeaders({ ...headers, from: undefined, to: undefined } as typeof headers);
    reply.header('X-Request-ID', out['X-Request-ID']);
    reply.header('X-Correlation-ID', out['X-Correlation-ID']);
    return payload;
  });
}

/** The request id of the logs: the peer's X-Request-ID when usable, so both sides' logs match. */
export function genReqId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && /^[\x21-\x7E]{1,100}$/.test(given)) return given;
  return randomUUID();
}

/**
 * Errors thrown anywhere in a request. What the client did wrong before the OCPI layer keeps its
 * HTTP status (400 not JSON, 413 too large); anything else is our failure: OCPI status 3000 with
 * HTTP 200 (the request was valid; the status codes chapter wants no HTTP error for it), logged
 * with the request id and nothing of the request's content.
 */
export function installErrorHandlers(
  app: FastifyInstance,
  now: () => Date,
  /** The methods served at a path (any of its templates), or undefined when none is. */
  allowedMethods: (path: string) => readonly string[] | undefined,
  offered: readonly OcpiVersion[],
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof BodyNotJsonError) {
      return sendHttpError(reply, HTTP_ERRORS.BODY_NOT_JSON, now(), error.message);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendEnvelope(
        reply,
        413,
        errorResponse(StatusCode.CLIENT_ERROR, now(), 'the request body is larger than this node accepts'),
      );
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return sendEnvelope(
        reply,
        error.statusCode,
        errorResponse(StatusCode.CLIENT_ERROR, now(), error.message),
      );
    }
    request.log.error(
      { err: { type: error.name, message: error.message, stack: error.stack } },
      'request failed',
    );
    return sendEnvelope(
      reply,
      200,
      errorResponse(StatusCode.SERVER_ERROR, now(), `internal error (request id ${request.id})`),
    );
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const normalized = path.replace(/\/+$/, '') || '/';
    const segment = /^\/ocpi\/([^/]+)/.exec(normalized)?.[1];
    if (segment !== undefined && segment !== 'versions' && !offered.includes(segment as OcpiVersion)) {
      return sendHttpError(
        reply,
        HTTP_ERRORS.NOT_FOUND,
        now(),
        `OCPI version ${segment} is not offered here (offered: ${offered.join(', ')})`,
      );
    }
    const methods = allowedMethods(normalized);
    if (methods !== undefined) {
      reply.header('Allow', methods.join(', '));
      return sendEnvelope(
        reply,
        405,
        errorResponse(StatusCode.CLIENT_ERROR, now(), `${request.method} is not allowed on ${normalized}`),
      );
    }
    return sendHttpError(
      reply,
      HTTP_ERRORS.NOT_FOUND,
      now(),
      `no OCPI endpoint at ${request.method} ${normalized}`,
    );
  });
}
