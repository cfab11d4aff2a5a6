/**
 * A scripted OCPI Sender for the pull-sync tests: a node:http server on 127.0.0.1 serving a list of
 * Locations or Tariffs in pages the way the transport chapter says (offset/limit/date_from/date_to,
 * Link rel="next", X-Total-Count, X-Limit lowered to its own maximum), in one version's shape, with
 * the spec examples as templates. Tests script failures and delays and read back every request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  formatDateTime,
  inDateRange,
  type OcpiVersion,
  paginationHeaders,
  parseDateTime,
  parsePaginationQuery,
} from '../../src/protocol/index.js';
import type { ObjectModule } from '../../src/store/types.js';
import { readExample } from '../helpers/fixtures.js';

/** The spec example each version's objects are made from (complete objects that validate). */
const TEMPLATES: Record<OcpiVersion, Record<'locations' | 'tariffs', string>> = {
  '2.1.1': { locations: '2.1.1/mod_locations_06.json.txt', tariffs: '2.1.1/mod_tariffs_03.json.txt' },
  '2.2.1': { locations: '2.2.1/location_example.json', tariffs: '2.2.1/tariff_1_simple_2hour.json' },
  '2.3.0': { locations: '2.3.0/location_example.json', tariffs: '2.3.0/tariff_1_simple_2hour.json' },
};

/** The party of the examples (2.2.1+), which the peer in the tests is. */
export const PEER_PARTY = { country_code: 'BE', party_id: 'BEC' };
export const BASE_TIME = Date.parse('2024-01-01T00:00:00Z');

const templates = new Map<string, Record<string, unknown>>();
function template(file: string): Record<string, unknown> {
  let value = templates.get(file);
  if (value === undefined) {
    value = readExample(file) as Record<string, unknown>;
    templates.set(file, value);
  }
  return value;
}

/**
 * The i-th object (0-based): the template with id `${prefix}${i}` and last_updated BASE_TIME + i
 * minutes (so the list is in last_updated order); 2.2.1+ objects owned by PEER_PARTY.
 */
export function makeObject(
  version: OcpiVersion,
  module: 'locations' | 'tariffs',
  i: number,
  options: { prefix?: string; lastUpdated?: Date; party?: { country_code: string; party_id: string } } = {},
): Record<string, unknown> {
  const object = structuredClone(template(TEMPLATES[version][module]));
  object.id = `${options.prefix ?? (module === 'locations' ? 'LOC' : 'TAR')}${i}`;
  object.last_updated = formatDateTime(options.lastUpdated ?? new Date(BASE_TIME + i * 60_000));
  if (version !== '2.1.1') {
    object.country_code = options.party?.country_code ?? PEER_PARTY.country_code;
    object.party_id = options.party?.party_id ?? PEER_PARTY.party_id;
  }
  return object;
}

export interface SenderRequest {
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
}

export interface ScriptedSenderOptions {
  version: OcpiVersion;
  module: ObjectModule;
  /** The objects listed (read on every request: tests may change it between syncs). */
  objects?: Record<string, unknown>[];
  /**
   * Instead of `objects`: `count` objects made on the fly, only those of the page asked for
   * (memory stays flat for large lists); date filters are not applied to them.
   */
  generate?: { count: number; make: (i: number) => Record<string, unknown> };
  /** The most objects per page; a larger limit is lowered and X-Limit says so. Default 1000. */
  maxLimit?: number;
  /** Answers this request (0-based count of list requests) with HTTP 500 and no envelope. */
  failRequest?: (index: number) => boolean;
  /** Answers this request (0-based) with the given envelope data instead of the page (a broken peer). */
  badData?: (index: number) => unknown;
  /** Waits this long before answering each request. */
  delayMs?: number;
}

export interface ScriptedSender {
  /** The module endpoint's URL (what the peer lists in its version details). */
  url: string;
  requests: SenderRequest[];
  options: ScriptedSenderOptions;
  close(): Promise<void>;
}

const envelope = (data: unknown, statusCode = 1000, message = 'Success') => ({
  data,
  status_code: statusCode,
  status_message: message,
  timestamp: formatDateTime(new Date()),
});

export async function startSender(options: ScriptedSenderOptions): Promise<ScriptedSender> {
  const path = `/ocpi/${options.version}/sender/${options.module}`;
  const requests: SenderRequest[] = [];
  let base = '';

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const index = requests.length;
    requests.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const send = () => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (options.delayMs === undefined) send();
      else setTimeout(send, options.delayMs);
    };
    if (url.pathname !== path) return answer(404, 'not found');
    if (options.failRequest?.(index)) return answer(500, '<html>Internal Server Error</html>');
    const bad = options.badData?.(index);
    if (bad !== undefined) return answer(200, envelope(bad));
    const parsed = parsePaginationQuery(url.searchParams, {
      defaultLimit: 50,
      maxLimit: options.maxLimit ?? 1000,
    });
    if (!parsed.ok) return answer(200, envelope(undefined, 2001, JSON.stringify(parsed.issues)));
    const { offset, limit } = parsed.params;

    const page: Record<string, unknown>[] = [];
    let total = 0;
    if (options.generate !== undefined) {
      total = options.generate.count;
      for (let i = offset; i < Math.min(total, offset + limit); i++) page.push(options.generate.make(i));
    } else {
      // Matching objects in list order.
      for (const object of options.objects ?? []) {
        const updated = parseDateTime(String(object.last_updated));
        if (!updated.ok || !inDateRange(updated.date, parsed.params)) continue;
        if (total >= offset && total < offset + limit) page.push(object);
        total++;
      }
    }
    const headers = paginationHeaders({ baseUrl: `${base}${path}`, query: url.search, offset, limit, total });
    answer(200, envelope(page), headers);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}${path}`,
    requests,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
