/**
 * The response envelope every OCPI response is wrapped in:
 * `{ data?, status_code, status_message?, timestamp }`.
 *
 * Its property table is the same in 2.1.1, 2.2.1 and 2.3.0 (data `*` or `?`, status_code int,
 * status_message string `?`, timestamp DateTime), so there is one schema for all versions.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { type DateTimeTolerance, formatDateTime, parseDateTime } from './datetime.js';
import { DateTime, OcpiClass, OcpiInt, OcpiString, Optional } from './primitives.js';
import { type HttpErrorSituation, isSuccessStatus, type StatusCategory, statusCategory } from './status.js';

export interface OcpiResponse<T = unknown> {
  /** Absent when there is nothing to return (the spec advises leaving it unset then). */
  data?: T;
  status_code: number;
  status_message?: string;
  timestamp: string;
}

/**
 * The envelope as a schema; `data` is any value unless a schema is given. status_code is limited
 * to four digits: 2.2.1+ say codes "consist of four digits", 2.1.1 "at least four" but defines
 * none longer.
 */
const envelopeProperties = <T extends TSchema>(data: T) => ({
  data: Optional(data),
  status_code: OcpiInt({ minimum: 1000, maximum: 9999 }),
  status_message: Optional(OcpiString()),
  timestamp: DateTime(),
});

export const ResponseEnvelope = <T extends TSchema>(data?: T) =>
  Type.Object(envelopeProperties(data ?? Type.Unknown()));

/**
 * The envelope with untyped data (the same for every version), registered in every version's
 * registry as `Response` (the transport chapter's "Response format"), so `roamkit validate
 * --type Response` checks an envelope of any kind, an error response without data included.
 */
export const AnyResponseEnvelope = OcpiClass('Response', envelopeProperties(Type.Unknown()));

/** Builds an envelope with the keys in the order of the spec's examples; undefined fields left out. */
function envelope<T>(statusCode: number, now: Date | number, data?: T, message?: string): OcpiResponse<T> {
  return {
    ...(data === undefined ? {} : { data }),
    status_code: statusCode,
    ...(message === undefined ? {} : { status_message: message }),
    timestamp: formatDateTime(now),
  };
}

/** A 1000 response. `data` undefined leaves the field out (e.g. the answer to a PUT). */
export function successResponse<T>(
  data: T | undefined,
  now: Date | number,
  message?: string,
): OcpiResponse<T> {
  return envelope(1000, now, data, message);
}

/**
 * An error response (any 2xxx, 3xxx or 4xxx code, custom ranges included). `data` may carry
 * debugging detail, e.g. which fields are wrong; left out when undefined.
 */
export function errorResponse(
  statusCode: number,
  now: Date | number,
  message?: string,
  data?: unknown,
): OcpiResponse<unknown> {
  const category = statusCategory(statusCode);
  if (category === undefined || category === 'success') {
    throw new RangeError(`errorResponse: ${statusCode} is not an OCPI error status code`);
  }
  return envelope(statusCode, now, data, message);
}

/** The HTTP status and body for one of the few HTTP error situations (status.ts HTTP_ERRORS). */
export function httpErrorResponse(
  situation: HttpErrorSituation,
  now: Date | number,
  message: string = situation.description,
): { httpStatus: number; body: OcpiResponse<unknown> } {
  return { httpStatus: situation.http, body: errorResponse(situation.statusCode, now, message) };
}

/**
 * Deviations the parser accepts in a peer's envelope, each reported when used:
 * - STATUS_CODE_STRING: status_code as a string of digits ("1000").
 * - NULL_STATUS_MESSAGE: status_message null (read as absent).
 * - BAD_TIMESTAMP: timestamp missing or not a DateTime. The timestamp only helps debugging, so
 *   the response's status and data are still used; `timestamp` is then undefined.
 * The timestamp's own tolerances (see datetime.ts) are reported separately.
 */
export const ENVELOPE_TOLERANCES = ['STATUS_CODE_STRING', 'NULL_STATUS_MESSAGE', 'BAD_TIMESTAMP'] as const;
export type EnvelopeTolerance = (typeof ENVELOPE_TOLERANCES)[number];

export interface ParsedResponse {
  ok: true;
  /** The envelope, normalised (status_code a number, a null status_message dropped), extra fields kept. */
  response: OcpiResponse<unknown> & Record<string, unknown>;
  /** 1xxx. */
  success: boolean;
  category: StatusCategory;
  /** The instant of `timestamp`, undefined when it was missing or unreadable (BAD_TIMESTAMP). */
  timestamp: Date | undefined;
  tolerances: EnvelopeTolerance[];
  timestampTolerances: DateTimeTolerance[];
}

export interface ResponseParseError {
  ok: false;
  /** One sentence saying what is wrong with the envelope. */
  error: string;
}

export type ResponseParseResult = ParsedResponse | ResponseParseError;

/**
 * Checks that a decoded JSON value is an OCPI response envelope and returns it typed, or says
 * what is wrong. `data` is not validated here: its schema depends on the endpoint.
 */
export function parseResponse(body: unknown): ResponseParseResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, error: `the response is not an OCPI envelope object (got ${describe(body)})` };
  }
  const source = body as Record<string, unknown>;
  const tolerances: EnvelopeTolerance[] = [];

  let code = source.status_code;
  if (typeof code === 'string' && /^\d{4}$/.test(code)) {
    code = Number(code);
    tolerances.push('STATUS_CODE_STRING');
  }
  if (code === undefined) return { ok: false, error: 'the response has no status_code' };
  if (typeof code !== 'number' || !Number.isInteger(code)) {
    return { ok: false, error: `status_code must be an integer (got ${describe(code)})` };
  }
  const category = statusCategory(code);
  if (category === undefined) {
    return { ok: false, error: `status_code ${code} is not an OCPI status code (1xxx–4xxx)` };
  }

  let message = source.status_message;
  if (message === null) {
    message = undefined;
    tolerances.push('NULL_STATUS_MESSAGE');
  }
  if (message !== undefined && typeof message !== 'string') {
    return { ok: false, error: `status_message must be a string (got ${describe(message)})` };
  }

  let timestamp: Date | undefined;
  let timestampTolerances: DateTimeTolerance[] = [];
  const parsed = typeof source.timestamp === 'string' ? parseDateTime(source.timestamp) : undefined;
  if (parsed?.ok) {
    timestamp = parsed.date;
    timestampTolerances = parsed.tolerances;
  } else {
    tolerances.push('BAD_TIMESTAMP');
  }

  const response: OcpiResponse<unknown> & Record<string, unknown> = { ...source, status_code: code } as never;
  if (message === undefined) delete response.status_message;
  return {
    ok: true,
    response,
    success: isSuccessStatus(code),
    category,
    timestamp,
    tolerances,
    timestampTolerances,
  };
}

/**
 * Parses a response body as text: JSON first (an error names the position), then the envelope.
 */
export function parseResponseText(text: string): ResponseParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the response body is not JSON: ${(error as Error).message}` };
  }
  return parseResponse(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
