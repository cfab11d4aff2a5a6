/**
 * Pagination of list GETs: the request parameters (offset, limit, date_from, date_to), the
 * response headers (Link rel="next", X-Total-Count, X-Limit), both directions.
 *
 * Versions differ in one point: 2.2.1+ define date_from as inclusive and date_to as exclusive;
 * 2.1.1 only says "after" and "before". We read 2.1.1 the same way as 2.2.1+ ([from, to)): an
 * inclusive date_from at worst returns an object the client already has (harmless, ids are natural
 * keys), an exclusive one could lose an object updated exactly at the boundary.
 */
import { type DateTimeTolerance, parseDateTime } from './datetime.js';
import { getHeader, type HeadersLike } from './headers.js';

/** A query as a URLSearchParams, a decoded record (e.g. Fastify's `request.query`), or the raw query string. */
export type QueryLike =
  | URLSearchParams
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | string;

export interface PaginationParams {
  offset: number;
  /** The limit the server applies: the client's, at most `maxLimit`; `defaultLimit` when none was asked. */
  limit: number;
  /** Inclusive lower bound on last_updated. */
  dateFrom?: Date;
  /** Exclusive upper bound on last_updated. */
  dateTo?: Date;
}

export interface PaginationOptions {
  /** Limit when the request gives none. */
  defaultLimit: number;
  /** The most objects the server returns in one page; a larger `limit` is lowered to it (the spec allows this). */
  maxLimit: number;
  /** Sessions (all versions) make date_from required. */
  requireDateFrom?: boolean;
}

/**
 * Deviations accepted in the query, each reported per parameter:
 * - EMPTY_VALUE: a parameter given without value (`?date_to=`), read as absent.
 * - PLUS_AS_SPACE: a DateTime whose `+hh:mm` offset arrived as ` hh:mm` because the client did
 *   not percent-encode the `+` (form decoding turns it into a space); the `+` is restored.
 * The DateTime tolerances (datetime.ts) of date_from/date_to are reported with them.
 */
export const PAGINATION_QUERY_TOLERANCES = ['EMPTY_VALUE', 'PLUS_AS_SPACE'] as const;
export type PaginationQueryTolerance = (typeof PAGINATION_QUERY_TOLERANCES)[number];

export interface ParamIssue {
  param: string;
  message: string;
}

export type PaginationParseResult =
  | {
      ok: true;
      params: PaginationParams;
      /** True when the client's limit was above maxLimit (X-Limit then tells it the real one). */
      limitLowered: boolean;
      tolerances: { param: string; tolerances: (PaginationQueryTolerance | DateTimeTolerance)[] }[];
    }
  /** Every problem found; answer with OCPI status 2001 (invalid or missing parameters). */
  | { ok: false; statusCode: 2001; issues: ParamIssue[] };

const PAGINATION_PARAMS = ['offset', 'limit', 'date_from', 'date_to'] as const;

/** All values of a parameter in the query, decoded. */
export function queryValues(query: QueryLike, name: string): string[] {
  if (typeof query === 'string') return new URLSearchParams(query.replace(/^\?/, '')).getAll(name);
  if (query instanceof URLSearchParams) return query.getAll(name);
  const value = query[name];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

/**
 * Reads and normalises the pagination parameters of a list GET. Other parameters are ignored.
 * Errors (all reported at once) map to OCPI status 2001.
 */
export function parsePaginationQuery(query: QueryLike, options: PaginationOptions): PaginationParseResult {
  if (!(Number.isSafeInteger(options.maxLimit) && options.maxLimit >= 1)) {
    throw new RangeError('parsePaginationQuery: maxLimit must be a positive integer');
  }
  const issues: ParamIssue[] = [];
  const tolerances: { param: string; tolerances: (PaginationQueryTolerance | DateTimeTolerance)[] }[] = [];
  const raw: Partial<Record<(typeof PAGINATION_PARAMS)[number], string>> = {};
  for (const name of PAGINATION_PARAMS) {
    const values = queryValues(query, name);
    if (values.length > 1) {
      issues.push({ param: name, message: 'is given more than once' });
      continue;
    }
    const value = values[0]?.trim();
    if (value === '') {
      tolerances.push({ param: name, tolerances: ['EMPTY_VALUE'] });
      continue;
    }
    if (value !== undefined) raw[name] = value;
  }

  const integer = (name: 'offset' | 'limit', min: number): number | undefined => {
    const value = raw[name];
    if (value === undefined) return undefined;
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      issues.push({ param: name, message: `must be an integer of at least ${min} (got '${value}')` });
      return undefined;
    }
    return n;
  };
  const offset = integer('offset', 0) ?? 0;
  const asked = integer('limit', 1);
  const limit = Math.min(asked ?? options.defaultLimit, options.maxLimit);

  const date = (name: 'date_from' | 'date_to'): Date | undefined => {
    let value = raw[name];
    if (value === undefined) return undefined;
    const used: (PaginationQueryTolerance | DateTimeTolerance)[] = [];
    const spaced = /^(.*T\d{2}:\d{2}:\d{2}(?:\.\d+)?) (\d{2}:?\d{2})$/i.exec(value);
    if (spaced !== null) {
      value = `${spaced[1]}+${spaced[2]}`;
      used.push('PLUS_AS_SPACE');
    }
    const parsed = parseDateTime(value);
    if (!parsed.ok) {
      issues.push({ param: name, message: parsed.error });
      return undefined;
    }
    used.push(...parsed.tolerances);
    if (used.length > 0) tolerances.push({ param: name, tolerances: used });
    return parsed.date;
  };
  const dateFrom = date('date_from');
  const dateTo = date('date_to');
  if (
    options.requireDateFrom &&
    raw.date_from === undefined &&
    !issues.some((i) => i.param === 'date_from')
  ) {
    issues.push({ param: 'date_from', message: 'is required for this endpoint' });
  }
  if (dateFrom !== undefined && dateTo !== undefined && dateFrom.getTime() > dateTo.getTime()) {
    issues.push({ param: 'date_to', message: 'is before date_from' });
  }

  if (issues.length > 0) return { ok: false, statusCode: 2001, issues };
  const params: PaginationParams = { offset, limit };
  if (dateFrom !== undefined) params.dateFrom = dateFrom;
  if (dateTo !== undefined) params.dateTo = dateTo;
  return { ok: true, params, limitLowered: asked !== undefined && asked > options.maxLimit, tolerances };
}

/** Whether an object's last_updated is in [date_from, date_to). */
export function inDateRange(
  lastUpdated: Date,
  params: Pick<PaginationParams, 'dateFrom' | 'dateTo'>,
): boolean {
  const t = lastUpdated.getTime();
  if (params.dateFrom !== undefined && t < params.dateFrom.getTime()) return false;
  if (params.dateTo !== undefined && t >= params.dateTo.getTime()) return false;
  return true;
}

/** Percent-encodes a query component, leaving `:` readable as the spec's examples show it in DateTimes. */
function encodeComponent(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':');
}

/** The `name=value` pairs of a query, raw as received when given as a string, else encoded. */
function rawPairs(query: QueryLike): { name: string; pair: string }[] {
  if (typeof query === 'string') {
    return query
      .replace(/^\?/, '')
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair) => {
        const rawName = pair.split('=', 1)[0] ?? '';
        let name: string;
        try {
          name = decodeURIComponent(rawName.replace(/\+/g, ' '));
        } catch {
          name = rawName;
        }
        return { name, pair };
      });
  }
  const entries: [string, string][] =
    query instanceof URLSearchParams
      ? [...query.entries()]
      : Object.entries(query).flatMap(([name, value]) =>
          value === undefined
            ? []
            : (typeof value === 'string' ? [value] : [...value]).map((v) => [name, v] as [string, string]),
        );
  return entries.map(([name, value]) => ({
    name,
    pair: `${encodeComponent(name)}=${encodeComponent(value)}`,
  }));
}

/**
 * The URL of a page: `baseUrl` with offset and limit first (as in the spec's examples), then every
 * other parameter of the original request in its order (filters must be carried along). When
 * `query` is the raw query string, the other parameters are copied byte for byte.
 */
export function pageUrl(baseUrl: string, query: QueryLike, offset: number, limit: number): string {
  const [path, baseQuery] = splitOnce(baseUrl, '?');
  const others = [...(baseQuery === undefined ? [] : rawPairs(baseQuery)), ...rawPairs(query)]
    .filter(({ name }) => name !== 'offset' && name !== 'limit')
    .map(({ pair }) => pair);
  return `${path}?${[`offset=${offset}`, `limit=${limit}`, ...others].join('&')}`;
}

export interface PaginationHeadersInput {
  /** The public URL of the list endpoint as the client called it (a query in it is kept too). */
  baseUrl: string;
  /** The request's query (all of it; offset and limit are replaced). */
  query: QueryLike;
  /** Offset of this page. */
  offset: number;
  /** The limit the server applied to this page (PaginationParams.limit). */
  limit: number;
  /** Objects matching the query (excluding offset/limit) that this client may see. */
  total: number;
}

/**
 * The headers of a paginated response: X-Total-Count, X-Limit (the server's upper limit, even
 * when fewer objects remain), and a Link to the next page unless this is the last one.
 */
export function paginationHeaders(input: PaginationHeadersInput): Record<string, string> {
  const { baseUrl, query, offset, limit, total } = input;
  const headers: Record<string, string> = { 'X-Total-Count': String(total), 'X-Limit': String(limit) };
  if (offset + limit < total)
    headers.Link = `<${pageUrl(baseUrl, query, offset + limit, limit)}>; rel="next"`;
  return headers;
}

/**
 * Deviations accepted when reading a peer's pagination headers:
 * - WHITESPACE_IN_LINK_URL: whitespace inside `<…>` (a URL cannot contain any; the spec's own
 *   2.1.1/2.2.1 example is broken over two lines), removed.
 */
export const PAGINATION_HEADER_TOLERANCES = ['WHITESPACE_IN_LINK_URL'] as const;
export type PaginationHeaderTolerance = (typeof PAGINATION_HEADER_TOLERANCES)[number];

export interface PaginationHeaders {
  /** Absolute URL of the next page; undefined on the last page. */
  next?: string;
  totalCount?: number;
  limit?: number;
  tolerances: PaginationHeaderTolerance[];
  /** Headers present but unreadable (e.g. X-Total-Count: "many"). */
  issues: string[];
}

/**
 * Reads Link (rel="next"), X-Total-Count and X-Limit from a paginated response. A relative Link
 * target is resolved against `requestUrl` when given.
 */
export function parsePaginationHeaders(headers: HeadersLike, requestUrl?: string): PaginationHeaders {
  const out: PaginationHeaders = { tolerances: [], issues: [] };
  for (const [name, key] of [
    ['X-Total-Count', 'totalCount'],
    ['X-Limit', 'limit'],
  ] as const) {
    const value = getHeader(headers, name);
    if (value === undefined) continue;
    if (/^\s*\d+\s*$/.test(value)) out[key] = Number(value);
    else out.issues.push(`${name} is not a non-negative integer: '${value}'`);
  }
  const link = getHeader(headers, 'Link');
  if (link !== undefined) {
    for (const m of link.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
      const rels = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2] ?? '');
      const relValues = (rels?.[1] ?? rels?.[2] ?? '').toLowerCase().split(/\s+/);
      if (!relValues.includes('next')) continue;
      let target = m[1] ?? '';
      if (/\s/.test(target)) {
        target = target.replace(/\s+/g, '');
        out.tolerances.push('WHITESPACE_IN_LINK_URL');
      }
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        if (requestUrl === undefined) {
          out.issues.push(`Link target '${target}' is relative and no request URL was given to resolve it`);
          break;
        }
        target = new URL(target, requestUrl).toString();
      }
      out.next = target;
      break;
    }
  }
  return out;
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const i = value.indexOf(separator);
  return i < 0 ? [value, undefined] : [value.slice(0, i), value.slice(i + 1)];
}
