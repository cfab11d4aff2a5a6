/**
 * Converted objects as UTF-8 JSON bytes, by (module, key, revision, version): a list page served
 * again (peers page through the same objects, and several peers ask for the same version) costs a
 * map lookup per object instead of reading the document, converting and serialising it. A
 * revision never changes once written, so an entry never goes stale; old revisions just age out.
 * Bounded, least recently used first out.
 *
 * Buffers rather than strings: a page is assembled from them with one copy and written to the
 * socket as is, where a large string would be encoded again on every request. Each entry has its
 * own memory (not a slice of Node's shared pool), so an evicted entry frees its bytes. The bytes
 * are shared by every request that is served them: callers must never write into them.
 */
import type { OcpiVersion } from '../../protocol/index.js';
import type { OcpiObjectHead } from '../../store/types.js';

export const DEFAULT_CONVERSION_CACHE_SIZE = 20_000;

/** What names one converted object: a record or a head (no document needed). */
export type CachedObjectKey = Pick<OcpiObjectHead, 'module' | 'key' | 'revision' | 'updatedAt'>;

/** `text` as UTF-8 in memory of its own (Buffer.from would slice Node's shared 8 KiB pool). */
export function ownBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

export class ConversionCache {
  readonly #entries = new Map<string, Buffer>();
  readonly #maxEntries: number;
  #hits = 0;
  #misses = 0;

  constructor(maxEntries = DEFAULT_CONVERSION_CACHE_SIZE) {
    if (!(Number.isSafeInteger(maxEntries) && maxEntries >= 1)) {
      throw new RangeError('ConversionCache: maxEntries must be a positive integer');
    }
    this.#maxEntries = maxEntries;
  }

  static keyOf(object: CachedObjectKey, version: OcpiVersion): string {
    const { module, key, revision, updatedAt } = object;
    // The store's write time beside the revision: a database restored or rebuilt under a running
    // node restarts revisions, and must not be served from entries of the old one.
    // Owner parts length-prefixed and the id last: no id, whatever it holds, makes two keys collide.
    return `${module}|${version}|${revision}|${updatedAt.getTime()}|${key.countryCode.length}:${key.countryCode}|${key.partyId.length}:${key.partyId}|${key.id}`;
  }

  /** The cached bytes of this revision in `version`, or undefined (counted as a miss). */
  lookup(object: CachedObjectKey, version: OcpiVersion): Buffer | undefined {
    const key = ConversionCache.keyOf(object, version);
    const hit = this.#entries.get(key);
    if (hit === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    // Move to the young end (Map keeps insertion order).
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit;
  }

  /** Keeps `json` (the object's JSON text in `version`) and returns its bytes. */
  store(object: CachedObjectKey, version: OcpiVersion, json: string): Buffer {
    const key = ConversionCache.keyOf(object, version);
    const bytes = ownBytes(json);
    this.#entries.delete(key);
    this.#entries.set(key, bytes);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return bytes;
  }

  /** The cached bytes, or those of `convert`'s JSON text (cached; undefined results are not). */
  get(object: CachedObjectKey, version: OcpiVersion, convert: () => string | undefined): Buffer | undefined {
    const hit = this.lookup(object, version);
    if (hit !== undefined) return hit;
    const json = convert();
    return json === undefined ? undefined : this.store(object, version, json);
  }

  get size(): number {
    return this.#entries.size;
  }

  stats(): { hits: number; misses: number; size: number } {
    return { hits: this.#hits, misses: this.#misses, size: this.#entries.size };
  }

  clear(): void {
    this.#entries.clear();
  }
}
