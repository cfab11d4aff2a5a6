/**
 * How an OCPI module plugs into the node: a handler per endpoint-table row it serves, plain
 * functions from a request context to an OCPI outcome. The HTTP layer builds routes from the
 * endpoint table for the enabled modules and calls these; it knows nothing of any module.
 */
import type { EndpointRow, ModuleId, OcpiVersion } from '../protocol/index.js';
import type { PeerRecord } from '../store/types.js';

/** What a handler answers: an OCPI status (and data), and the HTTP status where the spec asks for one. */
export interface OcpiOutcome {
  statusCode: number;
  data?: unknown;
  /**
   * `data` already serialised (JSON text, or its UTF-8 bytes), sent as is: an object's answer
   * taken from the conversion cache instead of serialised on every request. Wins over `data`.
   */
  dataJson?: string | Buffer;
  /**
   * `data` as a list of already serialised elements (UTF-8 JSON bytes each), sent as one JSON
   * array with a single copy: a list page assembled from the conversion cache. Wins over
   * `dataJson` and `data`. The bytes are shared (cached): never written into.
   */
  dataList?: readonly Buffer[];
  message?: string;
  /** Default: 200 (the OCPI layer answers with HTTP 200 and puts the outcome in statusCode). */
  httpStatus?: number;
  /** Extra response headers (a CDR's Location header, pagination headers). */
  headers?: Record<string, string>;
}

export const success = (data?: unknown, message?: string): OcpiOutcome => ({
  statusCode: 1000,
  ...(data === undefined ? {} : { data }),
  ...(message === undefined ? {} : { message }),
});

export const failure = (statusCode: number, message: string, httpStatus?: number): OcpiOutcome => ({
  statusCode,
  message,
  ...(httpStatus === undefined ? {} : { httpStatus }),
});

/** Minimal logger shape (pino's Logger satisfies it); handlers log through the request's logger. */
export interface PlatformLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: PlatformLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** An authenticated request as a module sees it. */
export interface OcpiRequestContext {
  version: OcpiVersion;
  row: EndpointRow;
  /** The peer the credentials token belongs to. */
  peer: PeerRecord;
  /**
   * The token the caller authenticated with (in clear, as it presented it). Needed to answer a
   * credentials GET (we keep only its hash). Never log it.
   */
  presentedToken: string;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  /** The request body, already validated against the row's schema (undefined when there is none). */
  body: unknown;
  log: PlatformLogger;
}

export type OcpiHandler = (context: OcpiRequestContext) => Promise<OcpiOutcome>;

export interface OcpiModule {
  id: ModuleId;
  /**
   * Whether a registration token (CREDENTIALS_TOKEN_A, a peer still INVITED) may call it. The
   * transport chapter allows that on `credentials` and `versions` only; every other module
   * answers it with HTTP 401.
   */
  acceptsRegistrationToken: boolean;
  /** The handler of a row of this module, or undefined when the module does not serve it. */
  handler(row: EndpointRow): OcpiHandler | undefined;
}

/** `GET ''` style key of a row, for modules that keep their handlers in a table. */
export const rowKey = (row: Pick<EndpointRow, 'method' | 'path'>): string => `${row.method} ${row.path}`;
