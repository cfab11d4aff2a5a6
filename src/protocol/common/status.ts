/**
 * OCPI status codes (the `status_code` of every response envelope) and the few HTTP statuses
 * that go with them.
 *
 * The HTTP rule all versions share: a request that reached the OCPI layer (valid JSON,
 * authenticated, addressing something that exists) is answered with HTTP 200 (201 when a PUT
 * created the object) and its outcome is in the OCPI status code, including errors such as 2001.
 * Only a handful of situations before the OCPI layer use an HTTP error status, and even those
 * still carry an OCPI envelope: see HTTP_ERRORS.
 */
import type { OcpiVersion } from '../index.js';

/** The first digit of a status code says who is to blame (4xxx only exists from 2.2.1 on). */
export type StatusCategory = 'success' | 'client_error' | 'server_error' | 'hub_error';

export interface StatusCodeInfo {
  readonly code: number;
  readonly category: StatusCategory;
  /** Our own one-line summary (not the spec's wording). */
  readonly description: string;
  /** The versions whose status code chapter defines this code. */
  readonly versions: readonly OcpiVersion[];
  /** HTTP status to send with this code when it answers a request (see UNKNOWN_TOKEN for the one exception). */
  readonly http: number;
}

const ALL: readonly OcpiVersion[] = ['2.1.1', '2.2.1', '2.3.0'];
const FROM_2_2_1: readonly OcpiVersion[] = ['2.2.1', '2.3.0'];

const status = (
  code: number,
  category: StatusCategory,
  versions: readonly OcpiVersion[],
  description: string,
  http = 200,
): StatusCodeInfo => ({ code, category, description, versions, http });

/** Every status code a version's status code chapter defines, by a name of our own. */
export const OCPI_STATUS = {
  SUCCESS: status(1000, 'success', ALL, 'Request handled.'),

  CLIENT_ERROR: status(
    2000,
    'client_error',
    ALL,
    'The request could not be handled; the client is at fault.',
  ),
  INVALID_OR_MISSING_PARAMETERS: status(
    2001,
    'client_error',
    ALL,
    'A parameter or field is missing or invalid (also: object id in the URL differs from the body).',
  ),
  NOT_ENOUGH_INFORMATION: status(
    2002,
    'client_error',
    ALL,
    'Valid, but too little to decide on (e.g. authorization without location references).',
  ),
  UNKNOWN_LOCATION: status(
    2003,
    'client_error',
    ALL,
    'The location referred to is not known (e.g. in a command).',
  ),
  /**
   * 2.2.1+: the real-time authorization (POST tokens/{uid}/authorize) of a Token the eMSP does
   * not know. The Tokens chapter asks both for HTTP 404 and for status 2004 without data; the two
   * fit together (an envelope with 2004 sent with HTTP 404), so this is the one code that is not
   * sent with HTTP 200.
   */
  UNKNOWN_TOKEN: status(2004, 'client_error', FROM_2_2_1, 'The token referred to is not known.', 404),

  SERVER_ERROR: status(3000, 'server_error', ALL, 'The server failed while handling a valid request.'),
  UNABLE_TO_USE_CLIENT_API: status(
    3001,
    'server_error',
    ALL,
    "The server could not use the client's API (e.g. fetching its endpoints during registration).",
  ),
  UNSUPPORTED_VERSION: status(3002, 'server_error', ALL, 'The OCPI version asked for is not supported.'),
  NO_MATCHING_ENDPOINTS: status(
    3003,
    'server_error',
    ALL,
    'The parties share no modules, or endpoints the server needs are missing (registration).',
  ),

  HUB_ERROR: status(4000, 'hub_error', FROM_2_2_1, 'The hub failed to route the request.'),
  UNKNOWN_RECEIVER: status(
    4001,
    'hub_error',
    FROM_2_2_1,
    'The hub does not know the party in the OCPI-to headers.',
  ),
  FORWARD_TIMEOUT: status(
    4002,
    'hub_error',
    FROM_2_2_1,
    'The hub forwarded the request but got no answer in time.',
  ),
  CONNECTION_PROBLEM: status(
    4003,
    'hub_error',
    FROM_2_2_1,
    'The receiving party is not connected to the hub.',
  ),
} as const satisfies Record<string, StatusCodeInfo>;

export type OcpiStatusName = keyof typeof OCPI_STATUS;
/** The numeric codes of OCPI_STATUS (1000 | 2000 | …). */
export type OcpiStatusCode = (typeof OCPI_STATUS)[OcpiStatusName]['code'];

/** Short aliases for building responses: `StatusCode.INVALID_OR_MISSING_PARAMETERS` is 2001. */
export const StatusCode = Object.fromEntries(
  Object.entries(OCPI_STATUS).map(([name, info]) => [name, info.code]),
) as { readonly [K in OcpiStatusName]: (typeof OCPI_STATUS)[K]['code'] };

const BY_CODE: ReadonlyMap<number, StatusCodeInfo> = new Map(
  Object.values(OCPI_STATUS).map((info) => [info.code, info]),
);

/**
 * 2.2.1+ reserve x900–x999 of each range for custom codes (not used by standard modules).
 * 2.1.1 reserves nothing; a custom code there is just an undefined code of its range.
 */
export const CUSTOM_RANGES: Readonly<Record<StatusCategory, readonly [number, number]>> = {
  success: [1900, 1999],
  client_error: [2900, 2999],
  server_error: [3900, 3999],
  hub_error: [4900, 4999],
};

/** The category of any four-digit code by its first digit, or undefined when it is not one. */
export function statusCategory(code: number): StatusCategory | undefined {
  if (!Number.isInteger(code) || code < 1000 || code > 4999) return undefined;
  return (['success', 'client_error', 'server_error', 'hub_error'] as const)[Math.floor(code / 1000) - 1];
}

export function isSuccessStatus(code: number): boolean {
  return statusCategory(code) === 'success';
}

/** The spec's definition of a code, if some version defines it. */
export function statusInfo(code: number): StatusCodeInfo | undefined {
  return BY_CODE.get(code);
}

/** Every code the given version's status chapter defines (custom ranges not included), ascending. */
export function statusCodesOf(version: OcpiVersion): number[] {
  return [...BY_CODE.values()]
    .filter((info) => info.versions.includes(version))
    .map((info) => info.code)
    .sort((a, b) => a - b);
}

/** Whether `code` is in a custom range the version reserves (2.2.1+ only). */
export function isCustomStatus(code: number, version: OcpiVersion): boolean {
  if (version === '2.1.1') return false;
  const category = statusCategory(code);
  if (category === undefined) return false;
  const [low, high] = CUSTOM_RANGES[category];
  return code >= low && code <= high;
}

/**
 * How to read a code received from a peer of `version`: `defined` (in the chapter), `custom`
 * (in a reserved range), `unknown` (in a known range but not defined: treat by its category) or
 * `invalid` (not a code of any range, e.g. 200 or 10000, or a hub code in 2.1.1).
 */
export function classifyStatus(
  code: number,
  version: OcpiVersion,
): 'defined' | 'custom' | 'unknown' | 'invalid' {
  const category = statusCategory(code);
  if (category === undefined || (category === 'hub_error' && version === '2.1.1')) return 'invalid';
  if (statusInfo(code)?.versions.includes(version)) return 'defined';
  if (isCustomStatus(code, version)) return 'custom';
  return 'unknown';
}

/** A situation answered with an HTTP error status, and the OCPI code its envelope carries. */
export interface HttpErrorSituation {
  readonly http: number;
  readonly statusCode: number;
  readonly description: string;
}

/**
 * The HTTP error statuses OCPI uses; every other outcome is HTTP 200/201 with an OCPI code.
 * The spec names the HTTP status of each but not the OCPI code in its envelope: we use 2001 for
 * a body that is not JSON (the body is the request's main parameter) and the generic client
 * error 2000 for the others.
 */
export const HTTP_ERRORS = {
  /** The body is not valid JSON (all versions: 400). */
  BODY_NOT_JSON: { http: 400, statusCode: 2001, description: 'The request body is not valid JSON.' },
  /**
   * No Authorization header, a token no party is known by, or (2.2.1+) a registration token
   * (CREDENTIALS_TOKEN_A) used on a module other than credentials and versions.
   */
  UNAUTHORIZED: { http: 401, statusCode: 2000, description: 'Missing or unknown credentials token.' },
  /** GET of an object that does not exist, or that belongs to another party than the caller. */
  NOT_FOUND: { http: 404, statusCode: 2000, description: 'The object does not exist (for this client).' },
  /** Credentials POST when already registered; PUT or DELETE when not registered. */
  CREDENTIALS_WRONG_STATE: {
    http: 405,
    statusCode: 2000,
    description: 'Credentials method not allowed in the current registration state.',
  },
} as const satisfies Record<string, HttpErrorSituation>;

/**
 * HTTP status for a response that reached the OCPI layer: 201 when a PUT created the object, 200
 * otherwise, except for the codes whose chapter asks for another (UNKNOWN_TOKEN: 404).
 */
export function httpStatusFor(statusCode: number, options: { created?: boolean } = {}): number {
  const info = statusInfo(statusCode);
  if (info !== undefined && info.http !== 200) return info.http;
  return options.created && isSuccessStatus(statusCode) ? 201 : 200;
}
