/**
 * What a call to a peer can end in besides success, as typed exceptions. Every one says which
 * request failed (method and URL, credentials-free) and the X-Request-ID it went out with
 * (2.2.1+), so an operator can find the exchange in both parties' logs.
 *
 * No error carries our token: the client redacts it (raw and in its Base64 form) from every
 * text a peer controls before it goes into a message or a field (see `Redactor`).
 */
import type { ValidationIssue } from '../protocol/common/validator.js';
import { UrlPolicyError } from './url-policy.js';

export { UrlPolicyError };

/** Which request an error belongs to. */
export interface RequestInfo {
  method: string;
  /** The URL without user info (the policy refuses those anyway). */
  url: string;
  /** The X-Request-ID of the last attempt (2.2.1+), undefined in 2.1.1. */
  requestId?: string;
  /** How many attempts were made (more than 1 only for retried GETs). */
  attempts: number;
}

/** Base class of the errors raised after a request was attempted. */
export abstract class OcpiClientError extends Error {
  readonly method: string;
  readonly url: string;
  readonly requestId: string | undefined;
  readonly attempts: number;

  constructor(message: string, request: RequestInfo, options?: { cause?: unknown }) {
    super(`${request.method} ${request.url}: ${message}`, options);
    this.method = request.method;
    this.url = request.url;
    this.requestId = request.requestId;
    this.attempts = request.attempts;
  }
}

/**
 * The peer answered with an OCPI envelope whose status_code is not a success (1xxx), whatever
 * the HTTP status (200 with 2001, 401 with 2000, 405 on a credentials call in the wrong state…).
 */
export class OcpiStatusError extends OcpiClientError {
  override readonly name = 'OcpiStatusError';
  /** The OCPI status_code (2xxx, 3xxx, 4xxx). */
  readonly code: number;
  readonly statusMessage: string | undefined;
  readonly httpStatus: number;
  /** `data` of the error envelope (the spec allows debugging detail there), redacted. */
  readonly data: unknown;
  readonly timestamp: Date | undefined;

  constructor(
    details: {
      code: number;
      statusMessage: string | undefined;
      httpStatus: number;
      data: unknown;
      timestamp: Date | undefined;
    },
    request: RequestInfo,
  ) {
    const text = details.statusMessage === undefined ? '' : `: ${details.statusMessage}`;
    super(`OCPI status ${details.code}${text} (HTTP ${details.httpStatus})`, request);
    this.code = details.code;
    this.statusMessage = details.statusMessage;
    this.httpStatus = details.httpStatus;
    this.data = details.data;
    this.timestamp = details.timestamp;
  }
}

/**
 * The peer answered with an HTTP status outside 2xx and no usable OCPI envelope: a proxy's error
 * page, an empty 404, a redirect (never followed: the token would go wherever it points).
 */
export class OcpiHttpError extends OcpiClientError {
  override readonly name = 'OcpiHttpError';
  readonly httpStatus: number;
  readonly contentType: string | undefined;
  /** The first characters of the body, redacted, for the operator. */
  readonly bodySnippet: string;
  /** The Location header of a redirect. */
  readonly location: string | undefined;

  constructor(
    details: {
      httpStatus: number;
      contentType?: string;
      bodySnippet: string;
      location?: string;
      why: string;
    },
    request: RequestInfo,
  ) {
    super(`HTTP ${details.httpStatus} ${details.why}`, request);
    this.httpStatus = details.httpStatus;
    this.contentType = details.contentType;
    this.bodySnippet = details.bodySnippet;
    this.location = details.location;
  }
}

/**
 * - NETWORK: no HTTP response (connection refused or reset, TLS failure, DNS failure of fetch).
 * - TIMEOUT: no complete response within the client's timeout.
 * - ABORTED: the caller's AbortSignal fired.
 * - NOT_JSON: a 2xx response whose body is not JSON.
 * - INVALID_ENVELOPE: a 2xx response whose JSON is not an OCPI envelope.
 * - RESPONSE_TOO_LARGE: the body exceeded the client's `maxResponseBytes`.
 * - PAGINATION_LOOP: a Link rel="next" pointing back to a page already fetched.
 */
export type TransportErrorCode =
  | 'NETWORK'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'NOT_JSON'
  | 'INVALID_ENVELOPE'
  | 'RESPONSE_TOO_LARGE'
  | 'PAGINATION_LOOP';

/** No usable OCPI response: see TransportErrorCode. */
export class OcpiTransportError extends OcpiClientError {
  override readonly name = 'OcpiTransportError';
  readonly code: TransportErrorCode;
  /** The HTTP status when a response arrived (NOT_JSON, INVALID_ENVELOPE, RESPONSE_TOO_LARGE). */
  readonly httpStatus: number | undefined;

  constructor(
    code: TransportErrorCode,
    message: string,
    request: RequestInfo,
    options: { httpStatus?: number; cause?: unknown } = {},
  ) {
    super(message, request, { cause: options.cause });
    this.code = code;
    this.httpStatus = options.httpStatus;
  }
}

/**
 * A body that does not match its schema: a request body we were about to send (`request`, raised
 * before anything is sent: what we send always validates), or the `data` of a successful
 * response the caller asked to validate (`response`).
 */
export class OcpiValidationError extends OcpiClientError {
  override readonly name = 'OcpiValidationError';
  readonly direction: 'request' | 'response';
  /** The spec object checked against (`Credentials`, `Location`, …). */
  readonly object: string;
  readonly issues: ValidationIssue[];

  constructor(
    details: { direction: 'request' | 'response'; object: string; issues: ValidationIssue[] },
    request: RequestInfo,
  ) {
    const shown = details.issues
      .slice(0, 3)
      .map((issue) => `${issue.pointer || '/'} ${issue.message}`)
      .join('; ');
    const more = details.issues.length > 3 ? ` (and ${details.issues.length - 3} more)` : '';
    super(
      `${details.direction === 'request' ? 'request body' : 'response data'} is not a valid ${details.object}: ${shown}${more}`,
      request,
    );
    this.direction = details.direction;
    this.object = details.object;
    this.issues = details.issues;
  }
}

/**
 * Replaces every occurrence of the secrets (the token and the header form of it) in text a peer
 * controls. A peer echoing our Authorization header in an error message is not hypothetical.
 */
export class Redactor {
  readonly #secrets: string[];

  constructor(secrets: readonly string[]) {
    // Longest first, so a secret containing another is replaced whole.
    this.#secrets = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.#secrets) out = out.split(secret).join('[redacted]');
    return out;
  }

  /** A JSON value with every string (keys included) redacted. */
  value(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [this.text(k), this.value(v)]),
      );
    }
    return value;
  }
}
