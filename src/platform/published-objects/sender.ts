/**
 * The Sender interface: our own objects (`peerId: null`), as a paginated list and (Locations) one
 * Location, EVSE or Connector by id. A peer sees only what it may (visibility.ts); an object it
 * may not see is answered exactly like one that does not exist.
 *
 * The list is the hot path (benchmarked): one count and one page query, filtered in the database
 * so X-Total-Count counts only what the peer may see, and each object's converted JSON taken from
 * the conversion cache; the page is assembled as text, never re-serialised.
 */
import { ConversionError } from '../../model/convert/index.js';
import {
  type OcpiVersion,
  paginationHeaders,
  parsePaginationQuery,
  type QueryLike,
} from '../../protocol/index.js';
import type { ObjectListFilter, OcpiObjectRecord, PartyKey } from '../../store/types.js';
import type { NodeConfig } from '../config.js';
import type { OcpiHandler, OcpiOutcome, OcpiRequestContext } from '../modules.js';
import { ocpiUrls } from '../urls.js';
import { peerMaySee } from '../visibility.js';
import { convertDown, type HandlerContext, invalid } from './shared.js';
import { descend } from './tree.js';

/**
 * The parties whose objects a peer is served in `version`. 2.1.1 objects carry no owner: the peer
 * attributes everything to the one party our 2.1.1 credentials name (the first configured party),
 * so only that party's objects are served in 2.1.1; 2.2.1+ objects name their owner, so every
 * hosted party's are.
 */
export function servedParties(config: NodeConfig, version: OcpiVersion): PartyKey[] {
  const parties = version === '2.1.1' ? config.parties.slice(0, 1) : config.parties;
  const out: PartyKey[] = [];
  for (const p of parties) {
    if (!out.some((o) => o.countryCode === p.country_code && o.partyId === p.party_id)) {
      out.push({ countryCode: p.country_code, partyId: p.party_id });
    }
  }
  return out;
}

/** One of our records as JSON in `version`, through the cache; undefined when it cannot be converted. */
function recordJson(
  h: HandlerContext,
  record: OcpiObjectRecord,
  ctx: OcpiRequestContext,
): string | undefined {
  const type = h.description.levels[0]?.type as string;
  return h.cache.get(record, ctx.version, () => {
    try {
      return JSON.stringify(convertDown(type, ctx.version, record.data, ctx.log));
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      // One object that cannot be expressed in the peer's version must not take the page down.
      ctx.log.warn(
        {
          module: record.module,
          key: record.key,
          revision: record.revision,
          version: ctx.version,
          error: error.message,
        },
        'object left out: it cannot be converted to the peer version',
      );
      return undefined;
    }
  });
}

/** GET '' of the Sender: a page of our objects last updated in [date_from, date_to). */
export function senderList(h: HandlerContext): OcpiHandler {
  const { description, deps } = h;
  return async (ctx) => {
    const parsed = parsePaginationQuery(ctx.query as QueryLike, deps.config.pagination);
    if (!parsed.ok) {
      const text = parsed.issues.map((i) => `${i.param} ${i.message}`).join('; ');
      return invalid(`invalid pagination parameters: ${text}`, parsed.issues);
    }
    const { offset, limit, dateFrom, dateTo } = parsed.params;
    const filter: ObjectListFilter = {
      module: description.module,
      peerId: null,
      parties: servedParties(deps.config, ctx.version),
      publishedOnly: !peerMaySee(ctx.peer, false),
      ...(dateFrom === undefined ? {} : { dateFrom }),
      ...(dateTo === undefined ? {} : { dateTo }),
    };
    const [total, records] = await Promise.all([
      deps.store.objects.count(filter),
      deps.store.objects.list(filter, { offset, limit }),
    ]);
    const parts: string[] = [];
    for (const record of records) {
      const json = recordJson(h, record, ctx);
      if (json !== undefined) parts.push(json);
    }
    const baseUrl = ocpiUrls(deps.config.publicUrl).module(ctx.version, description.module, 'SENDER');
    return {
      statusCode: 1000,
      dataJson: `[${parts.join(',')}]`,
      headers: paginationHeaders({ baseUrl, query: ctx.query as QueryLike, offset, limit, total }),
    };
  };
}

/**
 * The answer for an object that does not exist or that the peer may not see (the same answer:
 * existence is not revealed). `depth`: the deepest object named; `missing`: the first one absent.
 * A GET gets HTTP 404 (the status codes chapter: a GET of a resource that does not exist SHOULD);
 * a PUT or PATCH below a missing object reached the OCPI layer and gets HTTP 200.
 */
export function unknownObject(
  h: HandlerContext,
  ids: readonly string[],
  options: { missing: number; get: boolean },
): OcpiOutcome {
  const names = h.description.levels
    .slice(0, options.missing + 1)
    .map((l, i) => `${l.type} ${ids[i]}`)
    .reverse();
  return {
    statusCode: h.description.unknownStatus,
    message: `unknown ${names.join(' of ')}`,
    ...(options.get ? { httpStatus: 404 } : {}),
  };
}

/** The path ids of a request, root first (location_id, evse_uid, connector_id). */
export function idsOf(h: HandlerContext, params: Record<string, string>, depth: number): string[] {
  return h.description.levels.slice(0, depth + 1).map((level) => params[level.param] as string);
}

/**
 * GET {location_id}[/{evse_uid}[/{connector_id}]] of the Sender: the object among the objects of
 * our served parties (config order; ids are unique per party only), if the peer may see it.
 */
export function senderObject(h: HandlerContext, depth: number): OcpiHandler {
  const { description, deps } = h;
  return async (ctx) => {
    const ids = idsOf(h, ctx.params, depth);
    let found: OcpiObjectRecord | undefined;
    for (const party of servedParties(deps.config, ctx.version)) {
      const record = await deps.store.objects.get(description.module, { ...party, id: ids[0] as string });
      if (record === undefined || record.peerId !== null || record.deleted) continue;
      if (!peerMaySee(ctx.peer, record.published)) continue;
      found = record;
      break;
    }
    if (found === undefined) return unknownObject(h, ids, { missing: 0, get: true });
    return objectAnswer(h, ctx, found, ids, depth);
  };
}

/** The object `ids` names inside `record`, in the request's version; unknown when it is not there. */
export function objectAnswer(
  h: HandlerContext,
  ctx: OcpiRequestContext,
  record: OcpiObjectRecord,
  ids: readonly string[],
  depth: number,
): OcpiOutcome {
  if (depth === 0) {
    const json = recordJson(h, record, ctx);
    if (json === undefined)
      return { statusCode: 3000, message: 'the object cannot be expressed in this version' };
    return { statusCode: 1000, dataJson: json };
  }
  const chain = descend(record.data, h.description.levels, ids);
  const target = chain[depth];
  if (target === undefined) return unknownObject(h, ids, { missing: chain.length, get: true });
  const type = h.description.levels[depth]?.type as string;
  return { statusCode: 1000, data: convertDown(type, ctx.version, target, ctx.log) };
}
