/**
 * What the Sender and Receiver handlers share: their dependencies, conversions that turn a bad
 * document into an OCPI answer instead of an exception, and the answers themselves.
 */
import { ConversionError, fromCanonical, toCanonical } from '../../model/convert/index.js';
import type { AppliedLossyMapping } from '../../model/convert/types.js';
import type { OcpiVersion } from '../../protocol/index.js';
import type { ObjectKey, ObjectModule, OcpiObjectRecord, Store, StoreScope } from '../../store/types.js';
import type { NodeConfig } from '../config.js';
import type { OcpiOutcome, PlatformLogger } from '../modules.js';
import type { ConversionCache } from './conversion-cache.js';
import type { ObjectModuleDescription } from './description.js';
import type { PageCache } from './page-cache.js';
import type { Json } from './tree.js';

export interface ObjectModuleDeps {
  config: NodeConfig;
  store: Store;
  /**
   * A peer PATCHed an object we do not hold: a push from it was missed. The node pulls the peer's
   * data of that module. Called after the answer is decided, never awaited; errors are logged.
   */
  onMissingObject?: (peerId: string, module: ObjectModule) => void;
  /**
   * A CDR was received and stored (the first time): the eMSP checks it against the tariff
   * (invoice reconciliation). Called after the answer is decided, never awaited; errors are logged.
   */
  onCdrReceived?: (peerId: string, record: OcpiObjectRecord) => unknown;
  /** Converted objects by revision (default: one per module, 20 000 entries). */
  cache?: ConversionCache;
  /** Sender list pages by change stamp (default: one per module, 32 MiB of objects). */
  pages?: PageCache;
  /** The clock for last_updated we must stamp ourselves (a 2.1.1 PATCH without one) and tombstones. */
  now?: () => Date;
}

/** A module's description with its dependencies, as every handler gets it. */
export interface HandlerContext {
  description: ObjectModuleDescription;
  deps: ObjectModuleDeps;
  cache: ConversionCache;
  /** Sender list pages by the store's change stamp. */
  pages: PageCache;
  now: () => Date;
}

/** 2001 with a message and, where there are some, the issues as `data` (the status codes chapter allows debugging detail there). */
export function invalid(message: string, issues?: unknown): OcpiOutcome {
  return { statusCode: 2001, message, ...(issues === undefined ? {} : { data: issues }) };
}

export type Converted = { ok: true; value: Json } | { ok: false; outcome: OcpiOutcome };

function logLossy(log: PlatformLogger, lossy: AppliedLossyMapping[], what: string): void {
  if (lossy.length > 0) log.debug({ lossy }, `lossy conversion: ${what}`);
}

/** A peer's document in the canonical model; a document no converter can take is a 2001. */
export function convertUp(
  type: string,
  version: OcpiVersion,
  body: Json,
  options: { party: { country_code: string; party_id: string }; partial?: boolean },
  log: PlatformLogger,
): Converted {
  try {
    const result = toCanonical(type, version, body, options);
    logLossy(log, result.lossy, `${type} ${version} to canonical`);
    return { ok: true, value: result.value };
  } catch (error) {
    if (error instanceof ConversionError) {
      return { ok: false, outcome: invalid(`the ${type} cannot be read: ${error.message}`) };
    }
    throw error;
  }
}

/** A canonical document in `version`'s shape. */
export function convertDown(type: string, version: OcpiVersion, value: Json, log: PlatformLogger): Json {
  const result = fromCanonical(type, version, value);
  logLossy(log, result.lossy, `${type} canonical to ${version}`);
  return result.value;
}

/**
 * The first live record of `keys` (in that order of preference) that `accept` takes: one query
 * for all of them, not one per candidate (a token named in an older version has several).
 */
export async function firstOf(
  scope: Pick<StoreScope, 'objects'>,
  module: ObjectModule,
  keys: readonly ObjectKey[],
  accept: (record: OcpiObjectRecord) => boolean,
): Promise<OcpiObjectRecord | undefined> {
  if (keys.length === 0) return undefined;
  const found =
    keys.length === 1
      ? [await scope.objects.get(module, keys[0] as ObjectKey)]
      : await scope.objects.getMany(module, keys);
  const text = (k: ObjectKey) => `${k.countryCode}\u0000${k.partyId}\u0000${k.id}`;
  const live = new Map(
    found
      .filter((r): r is OcpiObjectRecord => r !== undefined && !r.deleted && accept(r))
      .map((r) => [text(r.key), r]),
  );
  for (const key of keys) {
    const record = live.get(text(key));
    if (record !== undefined) return record;
  }
  return undefined;
}

/**
 * A status code as `version` has it: 2004 Unknown Token and the later codes came with 2.2.1, so
 * a 2.1.1 peer gets the generic client error instead.
 */
export function statusIn(version: OcpiVersion, status: number): number {
  return version === '2.1.1' && status > 2003 && status < 3000 ? 2000 : status;
}
