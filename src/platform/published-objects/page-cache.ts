/**
 * Sender list pages (their total and their objects' JSON bytes) by the store's change stamp: while
 * nothing was written to the store, the same page asked again (peers paging through, several peers
 * in the same version) is answered without its count and page queries. The stamp changes on any
 * write, by this process or another (Store.changeStamp), so a page is never served
 * older than the store; where the store has no stamp (PostgreSQL) nothing is kept.
 *
 * Entries hold references to the conversion cache's bytes, not copies; the bound is on the bytes
 * they keep reachable, least recently used first out. Entries of an old stamp are never asked for
 * again and age out. The envelope writer keeps the last body built around each cached page (its
 * list is frozen; src/http/envelope.ts) for as long as the page lives: with those, memory held is
 * at most about twice the bound.
 */
import type { OcpiVersion } from '../../protocol/index.js';
import type { ObjectListFilter } from '../../store/types.js';

export const DEFAULT_PAGE_CACHE_BYTES = 32 * 1024 * 1024;
/** Also a bound on entries: empty pages (an offset past the end) keep no bytes. */
const MAX_PAGES = 1000;

export interface CachedPage {
  total: number;
  objects: readonly Buffer[];
}

export class PageCache {
  readonly #entries = new Map<string, { page: CachedPage; bytes: number }>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes = DEFAULT_PAGE_CACHE_BYTES) {
    if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
      throw new RangeError('PageCache: maxBytes must be a non-negative integer');
    }
    this.#maxBytes = maxBytes;
  }

  /** What names a page: the stamp, the version, every filter field and the page bounds. */
  static keyOf(
    stamp: string,
    version: OcpiVersion,
    filter: ObjectListFilter,
    page: { offset: number; limit: number },
  ): string {
    const partiesText = (parties: ObjectListFilter['parties']) =>
      parties === undefined
        ? '*'
        : parties
            .map((p) => `${p.countryCode.length}:${p.countryCode}${p.partyId.length}:${p.partyId}`)
            .join('');
    return [
      stamp.length,
      stamp,
      version,
      filter.module,
      filter.peerId === undefined ? '*' : filter.peerId === null ? '-' : `=${filter.peerId}`,
      filter.publishedOnly === true ? 1 : 0,
      filter.includeDeleted === true ? 1 : 0,
      filter.dateFrom?.getTime() ?? '',
      filter.dateTo?.getTime() ?? '',
      page.offset,
      page.limit,
      partiesText(filter.parties),
      // Sessions and CDRs: a page for one eMSP is never another's.
      partiesText(filter.audience),
    ].join('|');
  }

  get(key: string): CachedPage | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.page;
  }

  set(key: string, page: CachedPage): void {
    let bytes = 0;
    for (const object of page.objects) bytes += object.length;
    if (bytes > this.#maxBytes) return;
    this.#remove(key);
    this.#entries.set(key, {
      page: Object.freeze({ total: page.total, objects: Object.freeze([...page.objects]) }),
      bytes,
    });
    this.#bytes += bytes;
    for (const [oldest] of this.#entries) {
      if (this.#bytes <= this.#maxBytes && this.#entries.size <= MAX_PAGES) break;
      this.#remove(oldest);
    }
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
