/**
 * The OCPI request headers of 2.2.1 and later: unique message ids (X-Request-ID,
 * X-Correlation-ID) and the four routing headers (OCPI-from/to-country-code/party-id).
 * Parsing from any headers shape (case-insensitive names), validation, and building the headers
 * of a new, a forwarded, or a response message.
 */
import { randomUUID } from 'node:crypto';

/**
 * A headers record as Node gives it (`IncomingHttpHeaders`: lower-case names, arrays for repeated
 * headers), any plain record with names in any case, or a Fetch `Headers` object.
 */
export type HeadersLike =
  | Readonly<Record<string, string | readonly string[] | number | undefined>>
  | { get(name: string): string | null };

function isFetchHeaders(headers: HeadersLike): headers is { get(name: string): string | null } {
  return typeof (headers as { get?: unknown }).get === 'function';
}

/** Every value of a header (names compared case-insensitively; repeated headers give several). */
export function getHeaderValues(headers: HeadersLike, name: string): string[] {
  if (isFetchHeaders(headers)) {
    const value = headers.get(name);
    return value === null ? [] : [value];
  }
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (Array.isArray(value)) values.push(...(value as string[]));
    else values.push(String(value));
  }
  return values;
}

/** A header's value (case-insensitive name); repeated values joined with ", " as HTTP combines them. */
export function getHeader(headers: HeadersLike, name: string): string | undefined {
  const values = getHeaderValues(headers, name);
  return values.length === 0 ? undefined : values.join(', ');
}

/** Header names, spelled as the spec spells them (HTTP names are case-insensitive on input). */
export const OCPI_HEADERS = {
  requestId: 'X-Request-ID',
  correlationId: 'X-Correlation-ID',
  fromCountryCode: 'OCPI-from-country-code',
  fromPartyId: 'OCPI-from-party-id',
  toCountryCode: 'OCPI-to-country-code',
  toPartyId: 'OCPI-to-party-id',
} as const;

/** A party as the routing headers name it: CiString(2) country code + CiString(3) party id. */
export interface PartyRef {
  countryCode: string;
  partyId: string;
}

export interface OcpiHeaders {
  requestId?: string;
  correlationId?: string;
  /** Present only when both OCPI-from-* headers are (and valid). */
  from?: PartyRef;
  /** Present only when both OCPI-to-* headers are (and valid). Absent in an open routing request. */
  to?: PartyRef;
}

export interface HeaderIssue {
  header: string;
  message: string;
}

export interface OcpiHeadersParseResult {
  headers: OcpiHeaders;
  /** Empty when every present header is valid and the routing pairs are complete. */
  issues: HeaderIssue[];
}

/** Printable ASCII, as CiString requires. */
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

function ciString(value: string, maxLength: number): string | undefined {
  if (value.length === 0) return 'is empty';
  if (!PRINTABLE_ASCII.test(value)) return 'contains characters that are not printable ASCII';
  if (value.length > maxLength) return `is longer than ${maxLength} characters (CiString(${maxLength}))`;
  return undefined;
}

/**
 * Reads the 2.2.1+ OCPI headers. Values are trimmed (HTTP allows whitespace around a field
 * value); a header given twice is an issue (the message ids and party refs are single values).
 * Country codes and party ids are CiString: compare them with `sameParty`, not `===`.
 */
export function parseOcpiHeaders(input: HeadersLike): OcpiHeadersParseResult {
  const issues: HeaderIssue[] = [];
  const single = (name: string): string | undefined => {
    const values = getHeaderValues(input, name).map((v) => v.trim());
    if (values.length > 1) {
      issues.push({ header: name, message: 'is given more than once' });
      return undefined;
    }
    return values[0];
  };
  const headers: OcpiHeaders = {};
  for (const key of ['requestId', 'correlationId'] as const) {
    const name = OCPI_HEADERS[key];
    const value = single(name);
    if (value === undefined) continue;
    if (value.length === 0 || !PRINTABLE_ASCII.test(value)) {
      issues.push({ header: name, message: 'must be a non-empty printable ASCII value' });
    } else {
      headers[key] = value;
    }
  }
  for (const side of ['from', 'to'] as const) {
    const ccName = side === 'from' ? OCPI_HEADERS.fromCountryCode : OCPI_HEADERS.toCountryCode;
    const pidName = side === 'from' ? OCPI_HEADERS.fromPartyId : OCPI_HEADERS.toPartyId;
    const countryCode = single(ccName);
    const partyId = single(pidName);
    if (countryCode === undefined && partyId === undefined) continue;
    let valid = true;
    if (countryCode === undefined || partyId === undefined) {
      const missing = countryCode === undefined ? ccName : pidName;
      issues.push({
        header: missing,
        message: `is missing while ${missing === ccName ? pidName : ccName} is given`,
      });
      valid = false;
    }
    const ccProblem = countryCode === undefined ? undefined : ciString(countryCode, 2);
    if (ccProblem !== undefined) issues.push({ header: ccName, message: ccProblem });
    const pidProblem = partyId === undefined ? undefined : ciString(partyId, 3);
    if (pidProblem !== undefined) issues.push({ header: pidName, message: pidProblem });
    if (valid && ccProblem === undefined && pidProblem === undefined) {
      headers[side] = { countryCode: countryCode as string, partyId: partyId as string };
    }
  }
  return { headers, issues };
}

/** Case-insensitive comparison of two parties (CiString semantics). */
export function sameParty(a: PartyRef, b: PartyRef): boolean {
  return (
    a.countryCode.toUpperCase() === b.countryCode.toUpperCase() &&
    a.partyId.toUpperCase() === b.partyId.toUpperCase()
  );
}

/**
 * Modules whose messages are routed and so carry the routing headers. Configuration modules
 * (credentials, versions, hubclientinfo) are platform-to-platform: routing headers SHALL NOT be
 * used with them.
 */
export function usesRoutingHeaders(module: string): boolean {
  return !['credentials', 'versions', 'hubclientinfo'].includes(module);
}

/** Makes a new unique message id (UUID, as the spec advises). Injected in tests. */
export type IdGenerator = () => string;
const defaultIds: IdGenerator = () => randomUUID();

function put(out: Record<string, string>, from?: PartyRef, to?: PartyRef): Record<string, string> {
  if (to !== undefined) {
    out[OCPI_HEADERS.toCountryCode] = to.countryCode;
    out[OCPI_HEADERS.toPartyId] = to.partyId;
  }
  if (from !== undefined) {
    out[OCPI_HEADERS.fromCountryCode] = from.countryCode;
    out[OCPI_HEADERS.fromPartyId] = from.partyId;
  }
  return out;
}

export interface NewRequestHeadersOptions {
  from?: PartyRef;
  /** Omit for an open routing request (the hub decides) or a configuration module. */
  to?: PartyRef;
  /** Continue an existing conversation; a new correlation id is made when absent. */
  correlationId?: string;
  generateId?: IdGenerator;
}

/** Headers of a request we originate: a fresh X-Request-ID, and a correlation id (new unless given). */
export function buildRequestHeaders(options: NewRequestHeadersOptions = {}): Record<string, string> {
  const generateId = options.generateId ?? defaultIds;
  const out: Record<string, string> = {
    [OCPI_HEADERS.requestId]: generateId(),
    [OCPI_HEADERS.correlationId]: options.correlationId ?? generateId(),
  };
  return put(out, options.from, options.to);
}

/**
 * Headers of a request a hub forwards: a NEW X-Request-ID (never the incoming one), the SAME
 * X-Correlation-ID, and the routing headers as received (hubs route by them, they name the
 * original parties). `from`/`to` override them, e.g. for a broadcast push sent out under the
 * hub's own party in OCPI-from-*.
 */
export function buildForwardedRequestHeaders(
  incoming: OcpiHeaders,
  options: { from?: PartyRef; to?: PartyRef; generateId?: IdGenerator } = {},
): Record<string, string> {
  const generateId = options.generateId ?? defaultIds;
  const out: Record<string, string> = {
    [OCPI_HEADERS.requestId]: generateId(),
    // A request without a correlation id breaks the rule, but forwarding it must not fail.
    [OCPI_HEADERS.correlationId]: incoming.correlationId ?? generateId(),
  };
  return put(out, options.from ?? incoming.from, options.to ?? incoming.to);
}

/**
 * Headers of the response to a request: the same X-Request-ID and X-Correlation-ID, routing
 * headers swapped (the response goes to the requester, from the party that was addressed).
 * `from` overrides the responding party (e.g. when the request was an open routing request).
 */
export function buildResponseHeaders(
  request: OcpiHeaders,
  options: { from?: PartyRef; generateId?: IdGenerator } = {},
): Record<string, string> {
  const generateId = options.generateId ?? defaultIds;
  const out: Record<string, string> = {
    [OCPI_HEADERS.requestId]: request.requestId ?? generateId(),
    [OCPI_HEADERS.correlationId]: request.correlationId ?? generateId(),
  };
  return put(out, options.from ?? request.to, request.from);
}
