/**
 * One mechanism for the modules whose objects a party publishes (Locations, Tariffs), in every
 * version: the handler of an endpoint-table row follows from the row (interface, method, how many
 * ids its path has) and the module's description (description.ts). Nothing is written per
 * version; the converters carry the version differences.
 */
import type { EndpointRow } from '../../protocol/index.js';
import type { OcpiHandler, OcpiModule } from '../modules.js';
import { receiverPostCdr } from './cdr-receiver.js';
import { ConversionCache } from './conversion-cache.js';
import type { ObjectModuleDescription } from './description.js';
import { PageCache } from './page-cache.js';
import { receiverDelete, receiverGet, receiverPatch, receiverPut } from './receiver.js';
import { senderList, senderObject } from './sender.js';
import type { HandlerContext, ObjectModuleDeps } from './shared.js';

export { ConversionCache, DEFAULT_CONVERSION_CACHE_SIZE } from './conversion-cache.js';
export * from './description.js';
export { DEFAULT_PAGE_CACHE_BYTES, PageCache } from './page-cache.js';
export { newIssues, resolveOwner } from './receiver.js';
export { servedParties } from './sender.js';
export type { ObjectModuleDeps } from './shared.js';

/** Receiver rows start with the owner: {country_code}/{party_id}. */
const OWNER_PARAMS = ['country_code', 'party_id'];

/**
 * The depth of the object a row's path names (0: the Location or Tariff, 1: an EVSE, 2: a
 * Connector), or undefined when the path does not have the shape the description expects.
 */
export function depthOf(description: ObjectModuleDescription, row: EndpointRow): number | undefined {
  const names = row.pathParams.map((p) => p.name);
  const ids = row.interface === 'RECEIVER' ? names.slice(OWNER_PARAMS.length) : names;
  if (
    row.interface === 'RECEIVER' &&
    names.slice(0, OWNER_PARAMS.length).join('/') !== OWNER_PARAMS.join('/')
  ) {
    return undefined;
  }
  if (ids.length === 0 || ids.length > description.levels.length) return undefined;
  const matches = ids.every((name, i) => description.levels[i]?.param === name);
  return matches ? ids.length - 1 : undefined;
}

/** The handler of one row, or undefined when the module does not serve it. */
export function objectHandler(h: HandlerContext, row: EndpointRow): OcpiHandler | undefined {
  const { description } = h;
  if (row.module !== description.module) return undefined;
  if (row.interface === 'SENDER') {
    if (row.method !== 'GET') return undefined;
    if (row.path === '') return senderList(h);
    const depth = description.senderObjects ? depthOf(description, row) : undefined;
    return depth === undefined ? undefined : senderObject(h, depth);
  }
  if (row.method === 'POST' && row.path === '' && description.module === 'cdrs') return receiverPostCdr(h);
  const depth = depthOf(description, row);
  if (depth === undefined) return undefined;
  switch (row.method) {
    case 'GET':
      return receiverGet(h, depth);
    case 'PUT':
      return receiverPut(h, depth);
    case 'PATCH':
      return description.patchVersions.includes(row.version) ? receiverPatch(h, depth) : undefined;
    case 'DELETE':
      return description.deletable && depth === 0 ? receiverDelete(h) : undefined;
    default:
      return undefined;
  }
}

/** An OcpiModule serving a described module's Sender and Receiver rows. */
export function objectModule(description: ObjectModuleDescription, deps: ObjectModuleDeps): OcpiModule {
  const h: HandlerContext = {
    description,
    deps,
    cache: deps.cache ?? new ConversionCache(),
    pages: deps.pages ?? new PageCache(),
    now: deps.now ?? (() => new Date()),
  };
  return {
    id: description.module,
    // Only versions and credentials open to a registration token (transport chapter).
    acceptsRegistrationToken: false,
    handler: (row) => objectHandler(h, row),
  };
}
