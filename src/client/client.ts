/**
 * The typed OCPI client: one instance per peer connection (a version and the token we present),
 * over `fetch`.
 *
 * Every call: URL checked by the URL policy (before any byte leaves), the Authorization header of
 * the version, the 2.2.1+ message ids, a timeout, the envelope unwrapped, and every way it can go
 * wrong turned into a typed exception (errors.ts). GETs are retried on network errors, timeouts
 * and HTTP 5xx with a short bounded backoff; writes never are: a write whose answer was lost may
 * have been applied, and replaying it blindly is what the transport chapter warns against, so it
 * is reported and the caller decides.
 *
 * Response data: the generic `request`/`callEndpoint` return `data` as sent, and validate it only
 * when asked (`validate` / `validateResponse`), because which tolerance a caller wants differs
 * (a delivery worker may store what a peer sent beyond the spec). The registration methods check
 * what a handshake relies on: version lists and details structurally (their spec enums are closed,
 * real peers list other versions and custom modules), Credentials against the version's schema.
 * Request bodies given a schema are always validated before sending: what we send validates.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { encodeAuthorization, encodesToken } from '../protocol/common/auth.js';
import { formatDateTime } from '../protocol/common/datetime.js';
import { type EndpointRow, expandPath, type HttpMethod, rowsFor } from '../protocol/common/endpoints.js';
import { type EnvelopeTolerance, parseResponse } from '../protocol/common/envelope.js';
import { buildRequestHeaders, type PartyRef, usesRoutingHeaders } from '../protocol/common/headers.js';
import { parsePaginationHeaders } from '../protocol/common/pagination.js';
import { findSchema } from '../protocol/common/registry.js';
import { type ValidationIssue, validate, validateList } from '../protocol/common/validator.js';
import { type OcpiVersion, schemasByVersion } from '../protocol/index.js';
import type * as credentials211 from '../protocol/v2_1_1/credentials.js';
import type * as credentials221 from '../protocol/v2_2_1/credentials.js';
import type * as credentials230 from '../protocol/v2_3_0/credentials.js';
import {
  OcpiHttpError,
  OcpiStatusError,
  OcpiTransportError,
  OcpiValidationError,
  Redactor,
  type RequestInfo,
  type TransportErrorCode,
} from './errors.js';
import {
  readVersionDetails,
  readVersionList,
  type VersionDetailsData,
  type VersionEntry,
} from './readers.js';
import { checkPeerUrl, type UrlPolicyOptions } from './url-policy.js';

/** The Credentials object of a version. */
export type CredentialsOf<V extends OcpiVersion> = V extends '2.1.1'
  ? credentials211.Credentials
  : V extends '2.2.1'
    ? credentials221.Credentials
    : credentials230.Credentials;

export interface RetryOptions {
  /** Extra attempts after the first (GET only). Default 2. */
  retries?: number;
  /** Delay before the first retry; doubled for each further one. Default 200 ms. */
  baseDelayMs?: number;
  /** Upper bound of one delay. Default 2000 ms. */
  maxDelayMs?: number;
}

export interface OcpiClientOptions<V extends OcpiVersion = OcpiVersion> {
  /** The version spoken with this peer: decides the token encoding and the 2.2.1+ headers. */
  version: V;
  /** The credentials token we present to the peer. Never logged, never in an error. */
  token: string;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Per attempt, from the URL check to the last byte of the body. Default 10 000 ms. */
  timeoutMs?: number;
  /** Default `{ dev: false }` (production rules). */
  urlPolicy?: UrlPolicyOptions;
  retry?: RetryOptions;
  /** Waits between GET attempts; tests inject one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Makes X-Request-ID / X-Correlation-ID values (2.2.1+). Default: crypto.randomUUID. */
  generateId?: () => string;
  /** X-Correlation-ID of every request without its own (2.2.1+). Default: a new one per request. */
  correlationId?: string;
  /** Our party for OCPI-from-* (2.2.1+), sent by `callEndpoint` on routed modules only. */
  from?: PartyRef;
  /** Larger bodies are refused (a peer must not exhaust our memory). Default 32 MiB. */
  maxResponseBytes?: number;
}

/** A spec object to validate against, looked up in the client version's registry. */
export interface SchemaRef {
  object: string;
  list?: boolean;
  partial?: boolean;
}

export type QueryValue = string | number | boolean | Date | undefined;

export interface RequestOptions {
  method: HttpMethod;
  url: string | URL;
  /** Serialised as JSON. */
  body?: unknown;
  /** Appended to the URL's own query; a Date is written as an OCPI DateTime; undefined is left out. */
  query?: Readonly<Record<string, QueryValue>>;
  /** 2.2.1+: continue a conversation. Default: the client's, else a new one. */
  correlationId?: string;
  /** 2.2.1+ routing headers, sent exactly as given (never on configuration modules: use callEndpoint). */
  from?: PartyRef;
  to?: PartyRef;
  /** Aborts the call (not retried). */
  signal?: AbortSignal;
  /** Validate the request body against this object before sending. */
  bodySchema?: SchemaRef;
  /** Validate the response data against this object (OcpiValidationError when it does not match). */
  validate?: SchemaRef;
}

/** A successful response, unwrapped. */
export interface OcpiResult<T = unknown> {
  /** The envelope's `data` (undefined when the peer sent none). */
  data: T;
  /** The envelope's status_code, a 1xxx. */
  statusCode: number;
  statusMessage: string | undefined;
  /** The envelope's timestamp; undefined when it was missing or unreadable (a tolerance). */
  timestamp: Date | undefined;
  headers: Headers;
  httpStatus: number;
  /** The X-Request-ID of the attempt that succeeded (2.2.1+). */
  requestId: string | undefined;
  /** The X-Correlation-ID sent (2.2.1+). */
  correlationId: string | undefined;
  attempts: number;
  /** Envelope deviations accepted (envelope.ts ENVELOPE_TOLERANCES). */
  tolerances: EnvelopeTolerance[];
}

/** Per-call options of the typed methods. */
export interface CallOptions {
  correlationId?: string;
  signal?: AbortSignal;
  /** The typed methods check their data by default (see the file comment); false turns it off. */
  validateResponse?: boolean;
}

export interface EndpointCallOptions extends CallOptions {
  /**
   * For rows whose URL comes from the module endpoint: the module's URL from the peer's version
   * details, the row's path is appended. For the other rows (versions, response_url,
   * location_header) the full URL the peer gave.
   */
  url: string | URL;
  params?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, QueryValue>>;
  body?: unknown;
  /** OCPI-to-* for routed modules (2.2.1+). */
  to?: PartyRef;
  /** OCPI-from-* for routed modules (2.2.1+), when not the client's own (a node hosting several parties). */
  from?: PartyRef;
}

const DEFAULTS = {
  timeoutMs: 10_000,
  retries: 2,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  maxResponseBytes: 32 * 1024 * 1024,
};

/** The wait before retry number `attempt` (1-based): doubling from the base, capped. */
export function backoffDelay(attempt: number, retry: RetryOptions = {}): number {
  const base = retry.baseDelayMs ?? DEFAULTS.baseDelayMs;
  return Math.min(retry.maxDelayMs ?? DEFAULTS.maxDelayMs, base * 2 ** (attempt - 1));
}

/** Token characters we can put in a header: no whitespace, no control characters. */
const TOKEN_CHARS = /^[^\s\p{Cc}]+$/u;
const VISIBLE_ASCII = /^[\x21-\x7E]+$/;

/** The URL with `?query` merged in. */
function withQuery(url: URL, query: Readonly<Record<string, QueryValue>> | undefined): URL {
  if (query === undefined) return url;
  const out = new URL(url);
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    out.searchParams.append(name, value instanceof Date ? formatDateTime(value) : String(value));
  }
  return out;
}

/** A module URL plus a row's path: `https://p/ocpi/2.2.1/locations/` + `NL/ABC/1`. */
export function joinEndpointUrl(base: string | URL, path: string): URL {
  const url = new URL(base);
  if (path === '') return url;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path}`;
  return url;
}

/** The URL as errors show it: no user info (the policy refuses those, but errors come first). */
function displayUrl(url: string | URL): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

class BodyTooLarge extends Error {}

async function readBody(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new BodyTooLarge();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  // TextDecoder drops a leading BOM, which JSON.parse would choke on.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Rejects as soon as the signal aborts (DNS lookups take no signal). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

type Outcome<T> = { ok: true; result: OcpiResult<T> } | { ok: false; error: Error; retriable: boolean };

export class OcpiClient<V extends OcpiVersion = OcpiVersion> {
  readonly version: V;
  /** Private fields: `util.inspect`, JSON.stringify and loggers never see them. */
  readonly #token: string;
  readonly #authorization: string;
  readonly #redactor: Redactor;
  readonly #options: OcpiClientOptions<V>;
  readonly #fetch: typeof fetch;
  readonly #policy: UrlPolicyOptions;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: OcpiClientOptions<V>) {
    const { token, version } = options;
    // Messages never show the token, even a malformed one.
    if (typeof token !== 'string' || token.length === 0) throw new RangeError('OcpiClient: empty token');
    if (!TOKEN_CHARS.test(token))
      throw new RangeError('OcpiClient: the token contains whitespace or control characters');
    if (!encodesToken(version) && !VISIBLE_ASCII.test(token)) {
      throw new RangeError(
        'OcpiClient: a 2.1.1 token goes into the header as is and must be printable ASCII',
      );
    }
    if (!(schemasByVersion as Record<string, unknown>)[version]) {
      throw new RangeError(`OcpiClient: unsupported version ${String(version)}`);
    }
    this.version = version;
    this.#token = token;
    this.#authorization = encodeAuthorization(token, version);
    this.#redactor = new Redactor([
      token,
      Buffer.from(token, 'utf8').toString('base64'),
      Buffer.from(token, 'utf8').toString('base64').replace(/=+$/, ''),
      encodeURIComponent(token),
    ]);
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#policy = options.urlPolicy ?? { dev: false };
    this.#sleep = options.sleep ?? ((ms) => delay(ms));
  }

  /** A client for the same peer with another version and/or token (rotation, negotiation). */
  with<W extends OcpiVersion = V>(changes: { version?: W; token?: string }): OcpiClient<W> {
    return new OcpiClient<W>({
      ...(this.#options as unknown as OcpiClientOptions<W>),
      version: changes.version ?? (this.version as unknown as W),
      token: changes.token ?? this.#token,
    });
  }

  /** Keeps the token out of `console.log(client)` and of JSON. */
  toJSON(): { version: V } {
    return { version: this.version };
  }

  // -------------------------------------------------------------------------------------------
  // The generic call.

  /** One OCPI request, unwrapped. Throws the errors of errors.ts and UrlPolicyError. */
  async request<T = unknown>(options: RequestOptions): Promise<OcpiResult<T>> {
    const method = options.method.toUpperCase() as HttpMethod;
    const shownUrl = this.#redactor.text(displayUrl(options.url));
    const info = (attempts: number, requestId?: string): RequestInfo => ({
      method,
      url: shownUrl,
      attempts,
      ...(requestId === undefined ? {} : { requestId }),
    });

    let url: URL;
    try {
      url = withQuery(new URL(options.url), options.query);
    } catch {
      // Let the policy word the refusal (INVALID_URL), as for any other bad URL.
      const check = await checkPeerUrl(String(options.url), this.#policy);
      throw check.ok ? new TypeError('invalid URL') : check.error;
    }

    if (options.bodySchema !== undefined) {
      const issues = this.#check(options.bodySchema, options.body);
      if (issues !== undefined) {
        throw new OcpiValidationError(
          { direction: 'request', object: options.bodySchema.object, issues: this.#redactIssues(issues) },
          info(0),
        );
      }
    }

    const modern = encodesToken(this.version);
    const correlationId = modern
      ? (options.correlationId ?? this.#options.correlationId ?? this.#newId())
      : undefined;
    const retry = this.#options.retry ?? {};
    const maxAttempts = method === 'GET' ? 1 + Math.max(0, retry.retries ?? DEFAULTS.retries) : 1;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);

    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) {
        throw new OcpiTransportError('ABORTED', 'aborted by the caller', info(attempt - 1), {
          cause: options.signal.reason,
        });
      }
      const { headers, requestId } = this.#headers(payload !== undefined, correlationId, options);
      const outcome = await this.#attempt<T>(
        url,
        method,
        headers,
        payload,
        options.signal,
        info(attempt, requestId),
      );
      if (outcome.ok) {
        outcome.result.correlationId = correlationId;
        if (options.validate !== undefined) {
          const issues = this.#check(options.validate, outcome.result.data);
          if (issues !== undefined) {
            throw new OcpiValidationError(
              { direction: 'response', object: options.validate.object, issues: this.#redactIssues(issues) },
              info(attempt, requestId),
            );
          }
        }
        return outcome.result;
      }
      if (!outcome.retriable || attempt >= maxAttempts) throw outcome.error;
      await this.#sleep(backoffDelay(attempt, retry));
    }
  }

  /** The headers of one attempt: auth, and in 2.2.1+ a fresh X-Request-ID and the routing headers. */
  #headers(
    hasBody: boolean,
    correlationId: string | undefined,
    routing: Pick<RequestOptions, 'from' | 'to'>,
  ): { headers: Record<string, string>; requestId: string | undefined } {
    const headers: Record<string, string> = {
      Authorization: this.#authorization,
      Accept: 'application/json',
      ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
    };
    if (correlationId === undefined) return { headers, requestId: undefined };
    const ocpi = buildRequestHeaders({
      correlationId,
      generateId: () => this.#newId(),
      ...(routing.from === undefined ? {} : { from: routing.from }),
      ...(routing.to === undefined ? {} : { to: routing.to }),
    });
    return { headers: { ...headers, ...ocpi }, requestId: ocpi['X-Request-ID'] };
  }

  /** One attempt: policy, fetch, body, envelope. Never throws; says whether a GET may retry. */
  async #attempt<T>(
    url: URL,
    method: HttpMethod,
    headers: Record<string, string>,
    payload: string | undefined,
    callerSignal: AbortSignal | undefined,
    info: RequestInfo,
  ): Promise<Outcome<T>> {
    const timeoutMs = this.#options.timeoutMs ?? DEFAULTS.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal === undefined ? timeout : AbortSignal.any([callerSignal, timeout]);
    const failed = (
      code: TransportErrorCode,
      message: string,
      extra: { httpStatus?: number; cause?: unknown } = {},
    ) =>
      ({
        ok: false,
        error: new OcpiTransportError(code, this.#redactor.text(message), info, extra),
        retriable: code === 'NETWORK' || code === 'TIMEOUT',
      }) as const;
    const aborted = (cause: unknown) =>
      callerSignal?.aborted
        ? failed('ABORTED', 'aborted by the caller', { cause })
        : failed('TIMEOUT', `no response within ${timeoutMs} ms`, { cause });

    // Checked on every attempt: a name may resolve elsewhere by the time of the retry.
    let check: Awaited<ReturnType<typeof checkPeerUrl>>;
    try {
      check = await untilAborted(checkPeerUrl(url, this.#policy), signal);
    } catch (error) {
      return aborted(error);
    }
    if (!check.ok) {
      return {
        ok: false,
        error: check.error,
        retriable: check.error.code === 'UNRESOLVABLE_HOST',
      };
    }

    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
        signal,
        // Never follow: the token would go wherever the Location points, past the policy.
        redirect: 'manual',
      });
    } catch (error) {
      if (signal.aborted) return aborted(error);
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const detail =
        typeof cause?.code === 'string' ? cause.code : String(cause?.message ?? (error as Error).message);
      return failed('NETWORK', `no response (${detail})`, { cause: error });
    }

    let text: string;
    try {
      text = await readBody(response, this.#options.maxResponseBytes ?? DEFAULTS.maxResponseBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        return failed('RESPONSE_TOO_LARGE', 'the response body is larger than the client accepts', {
          httpStatus: response.status,
        });
      }
      if (signal.aborted) return aborted(error);
      return failed('NETWORK', `the response body was cut off (${(error as Error).message})`, {
        cause: error,
      });
    }
    return this.#interpret<T>(response, text, info);
  }

  /** Turns a complete HTTP response into a result or the error that fits. */
  #interpret<T>(response: Response, text: string, info: RequestInfo): Outcome<T> {
    const http = response.status;
    const is2xx = http >= 200 && http < 300;
    const retriable = http >= 500;
    const httpError = (why: string, extra: { location?: string } = {}): Outcome<T> => {
      const contentType = response.headers.get('content-type') ?? undefined;
      return {
        ok: false,
        retriable,
        error: new OcpiHttpError(
          {
            httpStatus: http,
            bodySnippet: this.#redactor.text(text.slice(0, 200)),
            why: this.#redactor.text(why),
            ...(contentType === undefined ? {} : { contentType }),
            ...extra,
          },
          info,
        ),
      };
    };

    if (http >= 300 && http < 400) {
      const location = this.#redactor.text(response.headers.get('location') ?? '');
      return httpError(
        `redirect${location === '' ? '' : ` to ${location}`} not followed (check the URL the peer gave)`,
        {
          location,
        },
      );
    }

    let json: unknown;
    let jsonError: string | undefined;
    try {
      json = JSON.parse(text);
    } catch (error) {
      jsonError = (error as Error).message;
    }
    const parsed = jsonError === undefined ? parseResponse(json) : undefined;

    if (parsed === undefined || !parsed.ok) {
      if (!is2xx) return httpError('without an OCPI envelope');
      const error =
        parsed === undefined
          ? new OcpiTransportError('NOT_JSON', 'the response body is not JSON', info, { httpStatus: http })
          : new OcpiTransportError('INVALID_ENVELOPE', this.#redactor.text(parsed.error), info, {
              httpStatus: http,
            });
      return { ok: false, error, retriable: false };
    }

    const envelope = parsed.response;
    if (!parsed.success) {
      const statusMessage =
        envelope.status_message === undefined ? undefined : this.#redactor.text(envelope.status_message);
      return {
        ok: false,
        retriable,
        error: new OcpiStatusError(
          {
            code: envelope.status_code,
            statusMessage,
            httpStatus: http,
            data: this.#redactor.value(envelope.data),
            timestamp: parsed.timestamp,
          },
          info,
        ),
      };
    }
    // A success code under an error status: the two disagree, so trust neither.
    if (!is2xx) return httpError(`with an OCPI success status ${envelope.status_code}`);

    return {
      ok: true,
      result: {
        data: envelope.data as T,
        statusCode: envelope.status_code,
        statusMessage: envelope.status_message,
        timestamp: parsed.timestamp,
        headers: response.headers,
        httpStatus: http,
        requestId: info.requestId,
        correlationId: undefined,
        attempts: info.attempts,
        tolerances: parsed.tolerances,
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // The endpoint table.

  /**
   * Calls an endpoint of the table: its method, its URL (module URL + path, see
   * EndpointCallOptions.url), its request body validated against its schema before sending,
   * routing headers only on routed modules, and (when `validateResponse`) its response data
   * validated against its schema.
   */
  async callEndpoint<T = unknown>(row: EndpointRow, options: EndpointCallOptions): Promise<OcpiResult<T>> {
    if (row.version !== this.version) {
      throw new RangeError(`callEndpoint: a ${row.version} endpoint called on a ${this.version} client`);
    }
    const url =
      row.url === 'endpoint'
        ? joinEndpointUrl(options.url, expandPath(row.path, options.params ?? {}))
        : options.url;
    let bodySchema: SchemaRef | undefined;
    if (row.requestBody !== undefined) {
      if (options.body !== undefined || !row.requestBody.optional) {
        bodySchema = {
          object: row.requestBody.object,
          ...(row.requestBody.list ? { list: true } : {}),
          ...(row.requestBody.partial ? { partial: true } : {}),
        };
      }
    } else if (options.body !== undefined) {
      throw new TypeError(`callEndpoint: ${row.method} ${row.module}/${row.path} takes no request body`);
    }
    const routed = usesRoutingHeaders(row.module) && encodesToken(this.version);
    const validateData =
      options.validateResponse === true && row.response.object !== null
        ? { object: row.response.object, ...(row.response.list ? { list: true } : {}) }
        : undefined;
    return this.request<T>({
      method: row.method,
      url,
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.query === undefined ? {} : { query: options.query }),
      ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(routed && (options.from ?? this.#options.from) !== undefined
        ? { from: options.from ?? this.#options.from }
        : {}),
      ...(routed && options.to !== undefined ? { to: options.to } : {}),
      ...(bodySchema === undefined ? {} : { bodySchema }),
      ...(validateData === undefined ? {} : { validate: validateData }),
    });
  }

  /** The row of this version's table for a module, method and path. */
  endpoint(module: EndpointRow['module'], method: HttpMethod, path = ''): EndpointRow {
    const row = rowsFor(this.version, module).find((r) => r.method === method && r.path === path);
    if (row === undefined) throw new RangeError(`no ${method} ${module}/${path} endpoint in ${this.version}`);
    return row;
  }

  /**
   * Every page of a paginated list GET, following the peer's Link rel="next" (each next URL goes
   * through the URL policy like any other). Stops at the last page; refuses a Link that points
   * back to a page already fetched (a loop a broken peer would otherwise keep us in).
   */
  async *pages<T = unknown>(
    options: Omit<RequestOptions, 'method' | 'body' | 'bodySchema'>,
  ): AsyncGenerator<OcpiResult<T[]>, void, undefined> {
    let next: RequestOptions | undefined = { ...options, method: 'GET' };
    const seen = new Set<string>();
    while (next !== undefined) {
      const result: OcpiResult<T[]> = await this.request<T[]>(next);
      seen.add(withQuery(new URL(next.url), next.query).toString());
      yield result;
      const link: string | undefined = parsePaginationHeaders(result.headers, String(next.url)).next;
      if (link === undefined) return;
      if (seen.has(new URL(link).toString())) {
        throw new OcpiTransportError(
          'PAGINATION_LOOP',
          'the Link header points back to a page already fetched',
          { method: 'GET', url: this.#redactor.text(displayUrl(link)), attempts: 0 },
        );
      }
      const { query: _firstPageOnly, ...rest } = next;
      next = { ...rest, url: link };
    }
  }

  // -------------------------------------------------------------------------------------------
  // Registration (versions and credentials).

  /** GET the peer's versions list (the URL it gave in its credentials or out of band). */
  async getVersions(
    versionsUrl: string | URL,
    options: CallOptions = {},
  ): Promise<OcpiResult<VersionEntry[]>> {
    const result = await this.callEndpoint(this.endpoint('versions', 'GET', 'versions'), {
      ...options,
      url: versionsUrl,
      validateResponse: false,
    });
    return this.#read(result, versionsUrl, options, readVersionList, 'Version');
  }

  /** GET the details of one version (a `url` from the versions list): its endpoints. */
  async getVersionDetails(
    url: string | URL,
    options: CallOptions = {},
  ): Promise<OcpiResult<VersionDetailsData>> {
    const result = await this.callEndpoint(this.endpoint('versions', 'GET', this.version), {
      ...options,
      url,
      validateResponse: false,
    });
    return this.#read(result, url, options, readVersionDetails, 'VersionDetails');
  }

  /** GET the credentials the peer holds for us. */
  getCredentials(url: string | URL, options: CallOptions = {}): Promise<OcpiResult<CredentialsOf<V>>> {
    return this.callEndpoint(this.endpoint('credentials', 'GET'), this.#credentialsCall(url, options));
  }

  /** POST our credentials (registration); the answer carries the peer's. */
  postCredentials(
    url: string | URL,
    credentials: CredentialsOf<V>,
    options: CallOptions = {},
  ): Promise<OcpiResult<CredentialsOf<V>>> {
    return this.callEndpoint(this.endpoint('credentials', 'POST'), {
      ...this.#credentialsCall(url, options),
      body: credentials,
    });
  }

  /** PUT our credentials (update, token rotation); the answer carries the peer's. */
  putCredentials(
    url: string | URL,
    credentials: CredentialsOf<V>,
    options: CallOptions = {},
  ): Promise<OcpiResult<CredentialsOf<V>>> {
    return this.callEndpoint(this.endpoint('credentials', 'PUT'), {
      ...this.#credentialsCall(url, options),
      body: credentials,
    });
  }

  /** DELETE our registration at the peer. */
  deleteCredentials(url: string | URL, options: CallOptions = {}): Promise<OcpiResult<unknown>> {
    return this.callEndpoint(this.endpoint('credentials', 'DELETE'), this.#credentialsCall(url, options));
  }

  // -------------------------------------------------------------------------------------------

  #credentialsCall(url: string | URL, options: CallOptions): EndpointCallOptions {
    return { ...options, url, validateResponse: options.validateResponse ?? true };
  }

  #read<T>(
    result: OcpiResult<unknown>,
    url: string | URL,
    options: CallOptions,
    reader: (data: unknown) => { ok: true; value: T } | { ok: false; issues: ValidationIssue[] },
    object: string,
  ): OcpiResult<T> {
    if (options.validateResponse === false) return result as OcpiResult<T>;
    const read = reader(result.data);
    if (read.ok) return { ...result, data: read.value };
    throw new OcpiValidationError(
      { direction: 'response', object, issues: this.#redactIssues(read.issues) },
      {
        method: 'GET',
        url: this.#redactor.text(displayUrl(url)),
        attempts: result.attempts,
        ...(result.requestId === undefined ? {} : { requestId: result.requestId }),
      },
    );
  }

  #newId(): string {
    return (this.#options.generateId ?? (() => crypto.randomUUID()))();
  }

  /** Validation issues against a spec object of this version, or undefined when valid. */
  #check(ref: SchemaRef, value: unknown): ValidationIssue[] | undefined {
    const schema = findSchema(schemasByVersion[this.version], ref.object);
    if (schema === undefined) throw new RangeError(`no ${ref.object} in the ${this.version} schemas`);
    const options = ref.partial ? { partial: true } : {};
    if (ref.list) {
      if (!Array.isArray(value))
        return [{ pointer: '', field: '', message: 'must be a list', keyword: 'type' }];
      const result = validateList(schema, value, options);
      return result.valid ? undefined : result.issues;
    }
    const result = validate(schema, value, options);
    return result.valid ? undefined : result.issues;
  }

  #redactIssues(issues: ValidationIssue[]): ValidationIssue[] {
    return issues.map((issue) => ({
      ...issue,
      pointer: this.#redactor.text(issue.pointer),
      field: this.#redactor.text(issue.field),
      message: this.#redactor.text(issue.message),
    }));
  }
}
