/**
 * Converted objects as JSON text, by (module, key, revision, version): a list page served again
 * (peers page through the same objects, and several peers ask for the same version) costs a map
 * lookup per object instead of a conversion and a serialisation. A revision never changes once
 * written, so an entry never goes stale; old revisions just age out. Bounded, least recently used
 * first out. Strings are immutable: no caller can change what another is served.
 */
import type { OcpiVersion } from '../../protocol/index.js';
import type { OcpiObjectRecord } from '../../store/types.js';

export const DEFAULT_CONVERSION_CACHE_SIZE = 20_000;

export class ConversionCache {
  readonly #entries = new Map<string, string>();
  readonly #maxEntries: number;
  #hits = 0;
  #misses = 0;

  constructor(maxEntries = DEFAULT_CONVERSION_CACHE_SIZE) {
    if (!(Number.isSafeInteger(maxEntries) && maxEntries >= 1)) {
      throw new RangeError('ConversionCache: maxEntries must be a positive integer');
    }
    this.#maxEntries = maxEntries;
  }

  static keyOf(record: OcpiObjectRecord, version: OcpiVersion): string {
    const { module, key, revision, updatedAt } = record;
    // The store's write time beside the revision: a database restored or rebuilt under a running
    // node restarts revisions, and must not be served from entries of the old one.
    // Owner parts length-prefixed and the id last: no id, whatever it holds, makes two keys collide.
    return `${module}|${version}|${revision}|${updatedAt.getTime()}|${key.countryCode.length}:${key.countryCode}|${key.partyId.length}:${key.partyId}|${key.id}`;
  }

  /** The cached JSON, or the result of `convert` (cached; undefined results are not). */
  get(record: OcpiObjectRecord, version: OcpiVersion, convert: () => string | undefined): string | undefined {
    const key = ConversionCache.keyOf(record, version);
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#hits++;
      // Move to the young end (Map keeps insertion order).
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    this.#misses++;
    const value = convert();
    if (value === undefined) return undefined;
    this.#entries.set(key, value);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return value;
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
