/**
 * The Sender interface: our own objects (`peerId: null`), as a paginated list and (Locations) one
 * Location, EVSE or Connector by id. A peer sees only what it may (visibility.ts); an object it
 * may not see is answered exactly like one that does not exist.
 *
 * The list is the hot path (benchmarked): one count and one query for the page's heads (no
 * documents), filtered in the database so X-Total-Count counts only what the peer may see; each
 * object's converted JSON is taken from the conversion cache as bytes, and only the documents of
 * the objects not cached are read (one query) and converted. The page goes out as those bytes,
 * never re-serialised.
 */
import { ConversionError } from '../../model/convert/index.js';
import {
  type OcpiVersion,
  paginationHeaders,
  parsePaginationQuery,
  type QueryLike,
} from '../../protocol/index.js';
import type { ObjectListFilter, OcpiObjectHead, OcpiObjectRecord, PartyKey } from '../../store/types.js';
import type { NodeConfig } from '../config.js';
import type { OcpiHandler, OcpiOutcome, OcpiRequestContext } from '../modules.js';
import { OBJECT_MODULE_FACTS } from '../object-modules.js';
import { peerPartyKeys } from '../parties.js';
import { ocpiUrls } from '../urls.js';
import { peerMaySee } from '../visibility.js';
import { type CachedPage, PageCache } from './page-cache.js';
import { convertDown, type HandlerContext, invalid, statusIn } from './shared.js';
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

/** One of our records as JSON text in `version`; undefined when it cannot be converted. */
function convertRecord(
  h: HandlerContext,
  record: OcpiObjectRecord,
  ctx: OcpiRequestContext,
): string | undefined {
  const type = h.description.levels[0]?.type as string;
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
}

/** One of our records as JSON bytes in `version`, through the cache; undefined when it cannot be converted. */
function recordJson(
  h: HandlerContext,
  record: OcpiObjectRecord,
  ctx: OcpiRequestContext,
): Buffer | undefined {
  return h.cache.get(record, ctx.version, () => convertRecord(h, record, ctx));
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
      // A Session or CDR only to the eMSP whose token it was (a party sees only its own data).
      ...(OBJECT_MODULE_FACTS[description.module].addressed ? { audience: peerPartyKeys(ctx.peer) } : {}),
      ...(dateFrom === undefined ? {} : { dateFrom }),
      ...(dateTo === undefined ? {} : { dateTo }),
    };
    const { total, objects } = await listPage(h, ctx, filter, { offset, limit });
    const baseUrl = ocpiUrls(deps.config.publicUrl).module(ctx.version, description.module, 'SENDER');
    return {
      statusCode: 1000,
      dataList: objects,
      headers: paginationHeaders({ baseUrl, query: ctx.query as QueryLike, offset, limit, total }),
    };
  };
}

/** A page's total and objects: from the page cache while the store is unchanged, else from the store. */
async function listPage(
  h: HandlerContext,
  ctx: OcpiRequestContext,
  filter: ObjectListFilter,
  page: { offset: number; limit: number },
): Promise<CachedPage> {
  const { objects: store } = h.deps.store;
  // The stamp first: what is read after it is at least as new as what it names.
  const stamp = h.deps.store.changeStamp();
  const key = stamp === undefined ? undefined : PageCache.keyOf(stamp, ctx.version, filter, page);
  const cached = key === undefined ? undefined : h.pages.get(key);
  if (cached !== undefined) return cached;
  const [total, heads] = await Promise.all([store.count(filter), store.listHeads(filter, page)]);
  const result = { total, objects: await pageObjects(h, ctx, filter, heads) };
  if (key !== undefined) h.pages.set(key, result);
  return result;
}

const keyText = (key: OcpiObjectHead['key']): string =>
  `${key.countryCode.length}:${key.countryCode}|${key.partyId.length}:${key.partyId}|${key.id}`;

/**
 * The JSON bytes of a page's objects, in page order: cached ones as they are, the others read in
 * one query and converted (and cached). An object changed between the two queries is served as
 * it is now, or left out when it no longer belongs in the list (deleted, no longer ours, or
 * unpublished for a peer that sees published objects only).
 */
async function pageObjects(
  h: HandlerContext,
  ctx: OcpiRequestContext,
  filter: ObjectListFilter,
  heads: readonly OcpiObjectHead[],
): Promise<Buffer[]> {
  const found: (Buffer | undefined)[] = heads.map((head) => h.cache.lookup(head, ctx.version));
  const missing = heads.filter((_, i) => found[i] === undefined);
  if (missing.length > 0) {
    const records = await h.deps.store.objects.getMany(
      filter.module,
      missing.map((head) => head.key),
    );
    const byKey = new Map(records.map((record) => [keyText(record.key), record]));
    heads.forEach((head, i) => {
      if (found[i] !== undefined) return;
      const record = byKey.get(keyText(head.key));
      if (record === undefined || record.peerId !== null || record.deleted) return;
      if (filter.publishedOnly === true && !record.published) return;
      const json = convertRecord(h, record, ctx);
      if (json !== undefined) found[i] = h.cache.store(record, ctx.version, json);
    });
  }
  return found.filter((part): part is Buffer => part !== undefined);
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
  options: { missing: number; get: boolean; version?: OcpiVersion },
): OcpiOutcome {
  const names = h.description.levels
    .slice(0, options.missing + 1)
    .map((l, i) => `${l.type} ${ids[i]}`)
    .reverse();
  // 2004 Unknown Token came with 2.2.1: a 2.1.1 peer gets the generic client error.
  const status = h.description.unknownStatus;
  return {
    statusCode: options.version === undefined ? status : statusIn(options.version, status),
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
