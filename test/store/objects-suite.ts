/**
 * The object and delivery parts of the store contract, run on every target (SQLite in memory and
 * in a file, PostgreSQL) beside contract-suite.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { sql } from 'kysely';
import type { SqlStore } from '../../src/store/database.js';
import { StoreError } from '../../src/store/errors.js';
import { OBJECT_KEYS_PER_STATEMENT, OBJECT_ROWS_PER_STATEMENT } from '../../src/store/objects.js';
import type {
  DeliveryRecord,
  ObjectKey,
  ObjectListFilter,
  OcpiObjectHead,
  OcpiObjectRecord,
  PutObjectInput,
} from '../../src/store/types.js';
import { manualClock as clockFrom, freshStores, type StoreTarget } from './targets.js';

const manualClock = (start = '2024-03-01T10:00:00.000Z') => clockFrom(start);

const at = (iso: string) => new Date(iso);

/** A canonical (2.3.0) Location, as the spec examples have it. */
function location(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    country_code: 'BE',
    party_id: 'BEC',
    id,
    publish: true,
    name: 'Gent Zuid',
    address: 'F.Rooseveltlaan 3A',
    city: 'Gent',
    postal_code: '9000',
    country: 'BEL',
    coordinates: { latitude: '51.047599', longitude: '3.729944' },
    evses: [
      {
        uid: '3256',
        evse_id: 'BE*BEC*E041503001',
        status: 'AVAILABLE',
        connectors: [
          {
            id: '1',
            standard: 'IEC_62196_T2',
            format: 'CABLE',
            power_type: 'AC_3_PHASE',
            max_voltage: 220,
            max_amperage: 16,
            last_updated: '2015-03-16T10:10:02Z',
          },
        ],
        last_updated: '2015-06-28T08:12:01Z',
      },
    ],
    time_zone: 'Europe/Brussels',
    last_updated: '2015-06-29T20:39:09Z',
    ...overrides,
  };
}

function key(id: string, countryCode = 'BE', partyId = 'BEC'): ObjectKey {
  return { countryCode, partyId, id };
}

function locationInput(id: string, lastUpdated: string, extra: Partial<PutObjectInput> = {}): PutObjectInput {
  return {
    module: 'locations',
    key: key(id),
    peerId: null,
    data: location(id, { last_updated: lastUpdated }),
    lastUpdated: at(lastUpdated),
    ...extra,
  };
}

/** A record without its documents: what listHeads answers. */
function headOf(record: OcpiObjectRecord): OcpiObjectHead {
  const { data: _data, previous: _previous, ...head } = record;
  return head;
}

const byKey = (a: OcpiObjectRecord, b: OcpiObjectRecord) =>
  `${a.key.countryCode}/${a.key.partyId}/${a.key.id}` < `${b.key.countryCode}/${b.key.partyId}/${b.key.id}`
    ? -1
    : 1;

function ids(records: readonly (OcpiObjectRecord | OcpiObjectHead)[]): string[] {
  return records.map((r) => `${r.key.countryCode}/${r.key.partyId}/${r.key.id}`);
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export function objectsContractSuite(target: StoreTarget): void {
  describe(`objects and deliveries on ${target.label}`, () => {
    const openFresh = freshStores(target);
    const fresh = (clock = manualClock()) => openFresh(clock.now);

    async function peer(store: SqlStore, name = 'peer'): Promise<string> {
      return (await store.peers.create({ name, status: 'REGISTERED' })).id;
    }

    describe('objects', () => {
      it('put creates revision 1 with no previous; get reads it back exactly', async () => {
        const clock = manualClock();
        const { store } = await fresh(clock);
        const input = locationInput('LOC1', '2015-06-29T20:39:09.000Z');
        const created = await store.objects.put(input);
        assert.deepEqual(created, {
          module: 'locations',
          key: key('LOC1'),
          peerId: null,
          revision: 1,
          data: input.data,
          previous: null,
          lastUpdated: at('2015-06-29T20:39:09.000Z'),
          createdAt: clock.now(),
          deleted: false,
          published: true,
          updatedAt: clock.now(),
          audience: null,
        });
        assert.deepEqual(await store.objects.get('locations', key('LOC1')), created);
        assert.equal(await store.objects.get('tariffs', key('LOC1')), undefined, 'modules are separate');
        assert.equal(await store.objects.get('locations', key('LOC1', 'NL')), undefined);
      });

      it('published follows data.publish unless given', async () => {
        const { store } = await fresh();
        const hidden = await store.objects.put({
          ...locationInput('HIDDEN', '2024-01-01T00:00:00.000Z'),
          data: location('HIDDEN', { publish: false }),
        });
        assert.equal(hidden.published, false);
        const noFlag = location('NOFLAG');
        delete noFlag.publish;
        assert.equal(
          (await store.objects.put({ ...locationInput('NOFLAG', '2024-01-01T00:00:00.000Z'), data: noFlag }))
            .published,
          true,
        );
        const forced = await store.objects.put({
          ...locationInput('FORCED', '2024-01-01T00:00:00.000Z'),
          published: false,
        });
        assert.equal(forced.published, false);
      });

      it('a replace raises the revision and keeps the replaced document as previous', async () => {
        const clock = manualClock();
        const { store } = await fresh(clock);
        const first = await store.objects.put(locationInput('LOC1', '2024-01-01T00:00:00.000Z'));
        clock.advance(1000);
        const secondInput = locationInput('LOC1', '2024-01-02T00:00:00.000Z', {
          data: location('LOC1', { name: 'Gent Noord', last_updated: '2024-01-02T00:00:00Z' }),
        });
        const second = await store.objects.put(secondInput);
        assert.equal(second.revision, 2);
        assert.deepEqual(second.previous, { revision: 1, data: first.data });
        assert.deepEqual(second.data, secondInput.data);
        assert.deepEqual(second.lastUpdated, at('2024-01-02T00:00:00.000Z'));
        assert.deepEqual(second.updatedAt, clock.now());
        assert.deepEqual(second.createdAt, first.createdAt, 'created once, never again');
        assert.notDeepEqual(second.createdAt, second.updatedAt);
        const third = await store.objects.put(locationInput('LOC1', '2024-01-03T00:00:00.000Z'));
        assert.equal(third.revision, 3);
        assert.deepEqual(third.previous, { revision: 2, data: secondInput.data });
        assert.deepEqual(await store.objects.get('locations', key('LOC1')), third);
      });

      it('markDeleted makes a tombstone once; a later put revives it without previous', async () => {
        const { store } = await fresh();
        const tariff: PutObjectInput = {
          module: 'tariffs',
          key: key('12'),
          peerId: null,
          data: { country_code: 'BE', party_id: 'BEC', id: '12', currency: 'EUR', elements: [] },
          lastUpdated: at('2024-01-01T00:00:00.000Z'),
        };
        assert.equal(
          await store.objects.markDeleted('tariffs', key('12'), at('2024-01-02T00:00:00Z')),
          undefined,
        );
        await store.objects.put(tariff);
        const tomb = await store.objects.markDeleted('tariffs', key('12'), at('2024-01-02T00:00:00.000Z'));
        assert.ok(tomb);
        assert.equal(tomb.deleted, true);
        assert.equal(tomb.revision, 2);
        assert.deepEqual(tomb.data, tariff.data, 'the tombstone still names what was deleted');
        assert.deepEqual(tomb.previous, { revision: 1, data: tariff.data });
        assert.deepEqual(tomb.lastUpdated, at('2024-01-02T00:00:00.000Z'));
        const createdAt = (await store.objects.get('tariffs', key('12')))?.createdAt;
        assert.ok(createdAt);
        assert.deepEqual(tomb.createdAt, createdAt, 'a delete keeps the creation time');
        assert.equal(
          await store.objects.markDeleted('tariffs', key('12'), at('2024-01-03T00:00:00Z')),
          undefined,
        );
        assert.equal((await store.objects.get('tariffs', key('12')))?.revision, 2);

        const revived = await store.objects.put({ ...tariff, lastUpdated: at('2024-01-04T00:00:00.000Z') });
        assert.equal(revived.revision, 3);
        assert.equal(revived.deleted, false);
        assert.equal(revived.previous, null, 'a tombstone is no document to patch from');
        assert.deepEqual(revived.createdAt, createdAt, 'so does a revival');
      });

      it('putMany with skipOlder leaves out older inputs, writes equal and newer ones, counts the written', async () => {
        const { store } = await fresh();
        await store.objects.putMany([
          locationInput('A', '2024-01-10T00:00:00.000Z'),
          locationInput('B', '2024-01-10T00:00:00.000Z'),
          locationInput('C', '2024-01-10T00:00:00.000Z'),
        ]);
        await store.objects.markDeleted('locations', key('C'), at('2024-01-20T00:00:00.000Z'));
        const written = await store.objects.putMany(
          [
            locationInput('A', '2024-01-09T23:59:59.999Z'), // older: skipped
            locationInput('B', '2024-01-10T00:00:00.000Z'), // equal: written
            locationInput('C', '2024-01-15T00:00:00.000Z'), // older than the tombstone: skipped
            locationInput('D', '2020-01-01T00:00:00.000Z'), // new
          ],
          { skipOlder: true },
        );
        assert.equal(written, 2);
        assert.equal((await store.objects.get('locations', key('A')))?.revision, 1);
        assert.deepEqual(
          (await store.objects.get('locations', key('A')))?.lastUpdated,
          at('2024-01-10T00:00:00Z'),
        );
        assert.equal((await store.objects.get('locations', key('B')))?.revision, 2);
        assert.equal((await store.objects.get('locations', key('C')))?.deleted, true);
        assert.equal((await store.objects.get('locations', key('D')))?.revision, 1);
        // Without skipOlder the clock may go back (an operator's import says so).
        assert.equal(await store.objects.putMany([locationInput('A', '2000-01-01T00:00:00.000Z')]), 1);
        assert.deepEqual(
          (await store.objects.get('locations', key('A')))?.lastUpdated,
          at('2000-01-01T00:00:00Z'),
        );
        assert.equal(await store.objects.putMany([]), 0);
      });

      it('putMany with one key twice applies them in order, as two puts would', async () => {
        const { store } = await fresh();
        const first = locationInput('A', '2024-01-01T00:00:00.000Z', {
          data: location('A', { name: 'one' }),
        });
        const second = locationInput('A', '2024-01-02T00:00:00.000Z', {
          data: location('A', { name: 'two' }),
        });
        assert.equal(await store.objects.putMany([first, second]), 2);
        const stored = await store.objects.get('locations', key('A'));
        assert.equal(stored?.revision, 2);
        assert.equal(stored?.data.name, 'two');
        assert.deepEqual(stored?.previous, { revision: 1, data: first.data });
        // skipOlder inside one batch: the later, older input does not win.
        const newest = locationInput('B', '2024-02-01T00:00:00.000Z', {
          data: location('B', { name: 'new' }),
        });
        const stale = locationInput('B', '2024-01-01T00:00:00.000Z', {
          data: location('B', { name: 'old' }),
        });
        assert.equal(await store.objects.putMany([newest, stale], { skipOlder: true }), 1);
        assert.equal((await store.objects.get('locations', key('B')))?.data.name, 'new');
      });

      it('putMany writes pages of thousands in one transaction quickly, across statement chunks', async () => {
        const { store } = await fresh();
        const total = OBJECT_ROWS_PER_STATEMENT * 2 + 500;
        const inputs = Array.from({ length: total }, (_, i) =>
          locationInput(`LOC${String(i).padStart(5, '0')}`, '2024-01-01T00:00:00.000Z'),
        );
        const started = performance.now();
        const written = await store.transaction((tx) => tx.objects.putMany(inputs, { skipOlder: true }));
        const elapsed = performance.now() - started;
        assert.equal(written, total);
        assert.equal(await store.objects.count({ module: 'locations' }), total);
        // One statement per chunk: a per-row round trip would take far longer (and a second run
        // of the same page with skipOlder rewrites everything, as equal timestamps are written).
        assert.ok(elapsed < 5000, `putMany of ${total} took ${elapsed.toFixed(0)} ms`);
        const again = performance.now();
        const rewritten = await store.transaction((tx) =>
          tx.objects.putMany(inputs.slice(0, 1000), { skipOlder: true }),
        );
        assert.equal(rewritten, 1000);
        assert.ok(performance.now() - again < 3000);
        assert.equal((await store.objects.get('locations', key('LOC00000')))?.revision, 2);
      });

      it('a put in a transaction that throws is rolled back', async () => {
        const { store } = await fresh();
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.objects.put(locationInput('A', '2024-01-01T00:00:00.000Z'));
            assert.equal((await tx.objects.get('locations', key('A')))?.revision, 1);
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.equal(await store.objects.get('locations', key('A')), undefined);
      });

      describe('list, count and iterate', () => {
        let store: SqlStore;
        let peerA: string;
        let peerB: string;
        // Ours: NL/RMK and NL/XYZ; one unpublished, one tombstone. Peers': two parties.
        // Created one second apart in this order ('b' and 'B' at the same moment), so creation
        // order (the list's) differs from last_updated order: 'z' is the oldest by last_updated.
        const setUp = async () => {
          const clock = manualClock();
          ({ store } = await fresh(clock));
          peerA = await peer(store, 'a');
          peerB = await peer(store, 'b');
          const put = (
            id: string,
            cc: string,
            pid: string,
            lastUpdated: string,
            extra: Partial<PutObjectInput> = {},
          ) =>
            store.objects.put({
              module: 'locations',
              key: key(id, cc, pid),
              peerId: null,
              data: location(id, { country_code: cc, party_id: pid, last_updated: lastUpdated }),
              lastUpdated: at(lastUpdated),
              ...extra,
            });
          await put('b', 'NL', 'RMK', '2024-01-02T00:00:00.000Z');
          await put('B', 'NL', 'RMK', '2024-01-02T00:00:00.000Z'); // 'B' < 'b' bytewise, on both dialects
          clock.advance(1000);
          await put('a', 'NL', 'XYZ', '2024-01-02T00:00:00.000Z');
          clock.advance(1000);
          await put('z', 'NL', 'RMK', '2024-01-01T00:00:00.000Z');
          clock.advance(1000);
          await put('hidden', 'NL', 'RMK', '2024-01-03T00:00:00.000Z', { published: false });
          clock.advance(1000);
          await put('gone', 'NL', 'RMK', '2024-01-04T00:00:00.000Z');
          clock.advance(1000);
          await store.objects.markDeleted(
            'locations',
            key('gone', 'NL', 'RMK'),
            at('2024-01-05T00:00:00.000Z'),
          );
          await put('p1', 'DE', 'AAA', '2024-01-02T12:00:00.000Z', { peerId: peerA });
          clock.advance(1000);
          await put('p2', 'DE', 'BBB', '2024-01-03T12:00:00.000Z', { peerId: peerB });
          await store.objects.put({
            module: 'tariffs',
            key: key('t1', 'NL', 'RMK'),
            peerId: null,
            data: { id: 't1' },
            lastUpdated: at('2024-01-01T00:00:00.000Z'),
          });
        };

        async function both(filter: ObjectListFilter): Promise<string[]> {
          const listed = await store.objects.list(filter, { offset: 0, limit: 1000 });
          assert.equal(await store.objects.count(filter), listed.length, 'count agrees with list');
          assert.deepEqual(
            await store.objects.listHeads(filter, { offset: 0, limit: 1000 }),
            listed.map(headOf),
            'listHeads: the same objects in the same order, without documents',
          );
          const iterated = await collect(store.objects.iterate(filter, 2));
          assert.deepEqual(iterated, listed, 'iterate yields the list, in list order');
          return ids(listed);
        }

        it('filters by owner peer, party, dates, published and tombstones; orders by creation then key', async () => {
          await setUp();
          assert.deepEqual(await both({ module: 'locations', peerId: null }), [
            'NL/RMK/B',
            'NL/RMK/b',
            'NL/XYZ/a',
            'NL/RMK/z',
            'NL/RMK/hidden',
          ]);
          assert.deepEqual(await both({ module: 'locations', peerId: null, publishedOnly: true }), [
            'NL/RMK/B',
            'NL/RMK/b',
            'NL/XYZ/a',
            'NL/RMK/z',
          ]);
          assert.deepEqual(await both({ module: 'locations', peerId: null, includeDeleted: true }), [
            'NL/RMK/B',
            'NL/RMK/b',
            'NL/XYZ/a',
            'NL/RMK/z',
            'NL/RMK/hidden',
            'NL/RMK/gone',
          ]);
          assert.deepEqual(await both({ module: 'locations', peerId: peerA }), ['DE/AAA/p1']);
          assert.deepEqual(await both({ module: 'locations' }), [
            'NL/RMK/B',
            'NL/RMK/b',
            'NL/XYZ/a',
            'NL/RMK/z',
            'NL/RMK/hidden',
            'DE/AAA/p1',
            'DE/BBB/p2',
          ]);
          assert.deepEqual(
            await both({
              module: 'locations',
              parties: [
                { countryCode: 'NL', partyId: 'XYZ' },
                { countryCode: 'DE', partyId: 'BBB' },
              ],
            }),
            ['NL/XYZ/a', 'DE/BBB/p2'],
          );
          assert.deepEqual(await both({ module: 'locations', parties: [] }), []);
          // dateFrom inclusive, dateTo exclusive.
          assert.deepEqual(
            await both({
              module: 'locations',
              dateFrom: at('2024-01-02T00:00:00.000Z'),
              dateTo: at('2024-01-03T00:00:00.000Z'),
            }),
            ['NL/RMK/B', 'NL/RMK/b', 'NL/XYZ/a', 'DE/AAA/p1'],
            'filtered on last_updated, still in creation order',
          );
          assert.deepEqual(await both({ module: 'tariffs', peerId: null }), ['NL/RMK/t1']);
        });

        it('pages by offset and limit in the same stable order', async () => {
          await setUp();
          const filter: ObjectListFilter = { module: 'locations' };
          const all = ids(await store.objects.list(filter, { offset: 0, limit: 100 }));
          const pages: string[] = [];
          for (let offset = 0; offset < all.length; offset += 3) {
            pages.push(...ids(await store.objects.list(filter, { offset, limit: 3 })));
          }
          assert.deepEqual(pages, all);
          assert.deepEqual(await store.objects.list(filter, { offset: 100, limit: 3 }), []);
          assert.deepEqual(await store.objects.list(filter, { offset: 0, limit: 0 }), []);
          const headPages: string[] = [];
          for (let offset = 0; offset < all.length; offset += 3) {
            headPages.push(...ids(await store.objects.listHeads(filter, { offset, limit: 3 })));
          }
          assert.deepEqual(headPages, all, 'listHeads pages like list');
          assert.deepEqual(await store.objects.listHeads(filter, { offset: 100, limit: 3 }), []);
          assert.deepEqual(await store.objects.listHeads(filter, { offset: 0, limit: 0 }), []);
          assert.deepEqual(
            await store.objects.listHeads({ ...filter, parties: [] }, { offset: 0, limit: 3 }),
            [],
          );
        });

        it('a crawl page by page returns every object once while objects of read pages are updated', async () => {
          const clock = manualClock();
          ({ store } = await fresh(clock));
          // Ten Locations created a second apart, last_updated running the other way; L3/L4 at the
          // same moment (key order between them).
          for (let i = 0; i < 10; i++) {
            if (i !== 4) clock.advance(1000);
            await store.objects.put(
              locationInput(`L${i}`, `2024-01-${String(20 - i).padStart(2, '0')}T00:00:00.000Z`),
            );
          }
          const filter: ObjectListFilter = { module: 'locations', peerId: null, publishedOnly: true };
          const initial = await store.objects.list(filter, { offset: 0, limit: 100 });
          const before = ids(initial);
          const createdBefore = initial.map((r) => r.createdAt);
          assert.equal(before.length, 10);
          for (const read of ['list', 'listHeads'] as const) {
            const crawled: string[] = [];
            for (let offset = 0, n = 0; offset < 10; offset += 3, n++) {
              const page = await store.objects[read](filter, { offset, limit: 3 });
              crawled.push(...ids(page));
              // After each page, objects already read change: a newer version (put, putMany with
              // skipOlder) and one that turns last_updated back. None may move.
              clock.advance(1000);
              const first = page[0];
              assert.ok(first);
              if (n % 2 === 0) {
                await store.objects.put(locationInput(first.key.id, `2025-0${n + 1}-01T00:00:00.000Z`));
              } else {
                await store.objects.putMany([
                  locationInput(first.key.id, `2025-0${n + 1}-01T00:00:00.000Z`),
                  locationInput('L0', '2000-01-01T00:00:00.000Z'),
                ]);
              }
              await store.objects.putMany([locationInput('L1', `2026-0${n + 1}-01T00:00:00.000Z`)], {
                skipOlder: true,
              });
            }
            assert.deepEqual(crawled, before, `${read}: every object exactly once, in creation order`);
          }
          const updated = await store.objects.list(filter, { offset: 0, limit: 100 });
          const byId = new Map(updated.map((r) => [r.key.id, r]));
          assert.deepEqual(byId.get('L1')?.lastUpdated, at('2026-04-01T00:00:00.000Z'), 'updated meanwhile');
          assert.deepEqual(
            byId.get('L0')?.lastUpdated,
            at('2000-01-01T00:00:00.000Z'),
            'turned back meanwhile',
          );
          assert.deepEqual(
            updated.map((r) => r.createdAt),
            createdBefore,
            'creation times never change',
          );
        });

        it('getMany reads the full records of the keys named, tombstones too, each once', async () => {
          await setUp();
          const all = await store.objects.list(
            { module: 'locations', includeDeleted: true },
            { offset: 0, limit: 100 },
          );
          const wanted = [key('gone', 'NL', 'RMK'), key('b', 'NL', 'RMK'), key('p1', 'DE', 'AAA')];
          const got = await store.objects.getMany('locations', [
            ...wanted,
            key('b', 'NL', 'RMK'), // twice: read once
            key('nope', 'NL', 'RMK'), // no such object: left out
            key('B', 'NL', 'XYZ'), // another party's id
          ]);
          const expected = all.filter((r) =>
            wanted.some((k) => ids([r])[0] === `${k.countryCode}/${k.partyId}/${k.id}`),
          );
          assert.equal(expected.length, 3);
          assert.deepEqual([...got].sort(byKey), [...expected].sort(byKey));
          assert.equal(got.find((r) => r.key.id === 'gone')?.deleted, true);
          assert.deepEqual(await store.objects.getMany('tariffs', wanted), [], 'modules are separate');
          assert.deepEqual(await store.objects.getMany('locations', []), []);
        });

        it('getMany reads more keys than one statement takes', async () => {
          ({ store } = await fresh());
          const total = OBJECT_KEYS_PER_STATEMENT * 2 + 7;
          const inputs = Array.from({ length: total }, (_, i) =>
            locationInput(`L${String(i).padStart(5, '0')}`, '2024-01-01T00:00:00.000Z'),
          );
          await store.objects.putMany(inputs);
          const keys = inputs.map((input) => input.key).reverse();
          const got = await store.objects.getMany('locations', keys);
          assert.equal(got.length, total);
          assert.deepEqual(
            got.map((r) => r.key.id).sort(),
            inputs.map((input) => input.key.id),
          );
          assert.deepEqual(
            got.find((r) => r.key.id === 'L00700'),
            await store.objects.get('locations', key('L00700')),
          );
        });

        it('iterate walks many objects with equal timestamps in batches, each once', async () => {
          ({ store } = await fresh());
          const inputs = Array.from({ length: 23 }, (_, i) =>
            locationInput(
              `L${String(i % 7)}-${i}`,
              i % 2 ? '2024-01-01T00:00:00.000Z' : '2024-01-02T00:00:00.000Z',
            ),
          );
          await store.objects.putMany(inputs);
          const filter: ObjectListFilter = { module: 'locations', peerId: null };
          for (const batch of [1, 5, 23, 100]) {
            const walked = await collect(store.objects.iterate(filter, batch));
            assert.equal(walked.length, 23);
            assert.deepEqual(ids(walked), ids(await store.objects.list(filter, { offset: 0, limit: 100 })));
          }
          assert.deepEqual(await collect(store.objects.iterate({ module: 'tariffs' })), []);
        });
      });

      it('a corrupted JSON column reads as a StoreError', async () => {
        const { store } = await fresh();
        await store.objects.put(locationInput('A', '2024-01-01T00:00:00.000Z'));
        await sql`update ocpi_objects set data = ${'{"id": "A", broken'}`.execute(store.db);
        await assert.rejects(
          store.objects.get('locations', key('A')),
          (err) => err instanceof StoreError && /ocpi_objects\.data holds invalid JSON/.test(err.message),
        );
        await sql`update ocpi_objects set data = ${'[1, 2]'}`.execute(store.db);
        await assert.rejects(
          store.objects.list({ module: 'locations' }, { offset: 0, limit: 10 }),
          StoreError,
        );
      });

      it('audience: an object for one party is listed only for that party (case-insensitive), one for everyone always', async () => {
        const { store } = await fresh();
        const session = (id: string, audience: { countryCode: string; partyId: string } | null) => ({
          ...locationInput(id, '2024-01-01T00:00:00.000Z'),
          module: 'sessions' as const,
          audience,
        });
        await store.objects.putMany([
          session('S1', { countryCode: 'DE', partyId: 'MSP' }),
          session('S2', { countryCode: 'NL', partyId: 'EMS' }),
          session('S3', null),
        ]);
        await store.objects.put(session('S1', { countryCode: 'de', partyId: 'msp' }));
        const listed = async (audience: { countryCode: string; partyId: string }[]) =>
          ids(await store.objects.list({ module: 'sessions', audience }, { offset: 0, limit: 10 }));
        assert.deepEqual(await listed([{ countryCode: 'de', partyId: 'Msp' }]), ['BE/BEC/S1', 'BE/BEC/S3']);
        assert.deepEqual(await listed([{ countryCode: 'NL', partyId: 'EMS' }]), ['BE/BEC/S2', 'BE/BEC/S3']);
        assert.deepEqual(await listed([]), ['BE/BEC/S3']);
        assert.equal(
          await store.objects.count({
            module: 'sessions',
            audience: [{ countryCode: 'XX', partyId: 'YYY' }],
          }),
          1,
        );
        assert.deepEqual((await store.objects.get('sessions', key('S1')))?.audience, {
          countryCode: 'DE',
          partyId: 'MSP',
        });
        const heads = await store.objects.listHeads({ module: 'sessions' }, { offset: 0, limit: 10 });
        assert.deepEqual(
          heads.map((h) => h.audience),
          [{ countryCode: 'DE', partyId: 'MSP' }, { countryCode: 'NL', partyId: 'EMS' }, null],
        );
      });

      it('putMany insertOnly: objects already stored are left as they are, new ones inserted', async () => {
        const { store } = await fresh();
        const cdr = (id: string, energy: number) => ({
          ...locationInput(id, '2024-01-01T00:00:00.000Z'),
          module: 'cdrs' as const,
          data: { id, total_energy: energy },
        });
        await store.objects.put(cdr('C1', 10));
        const written = await store.objects.putMany([cdr('C1', 99), cdr('C2', 20)], {
          skipOlder: true,
          insertOnly: true,
        });
        assert.equal(written, 1, 'only the new one');
        const c1 = await store.objects.get('cdrs', key('C1'));
        assert.equal(c1?.revision, 1);
        assert.equal(c1?.data.total_energy, 10, 'the first is kept');
        assert.equal((await store.objects.get('cdrs', key('C2')))?.revision, 1);
      });

      it('bad input is refused before the database', async () => {
        const { store } = await fresh();
        await assert.rejects(
          store.objects.put({
            ...locationInput('A', '2024-01-01T00:00:00.000Z'),
            module: 'commands' as 'locations',
          }),
          TypeError,
        );
        await assert.rejects(
          store.objects.put({ ...locationInput('A', '2024-01-01T00:00:00.000Z'), key: key('') }),
          TypeError,
        );
        await assert.rejects(
          store.objects.put({
            ...locationInput('A', '2024-01-01T00:00:00.000Z'),
            lastUpdated: new Date('x'),
          }),
          TypeError,
        );
        assert.equal(await store.objects.count({ module: 'locations' }), 0);
      });
    });

    describe('change stamp', () => {
      it(
        target.label.startsWith('PostgreSQL')
          ? 'PostgreSQL has none: nothing may be reused'
          : 'changes with every write, never with a read; a rolled-back write changes it too',
        async () => {
          const { store, open } = await fresh();
          if (target.label.startsWith('PostgreSQL')) {
            assert.equal(store.changeStamp(), undefined);
            return;
          }
          const seen = new Set<string>();
          const next = () => {
            const stamp = store.changeStamp();
            assert.equal(typeof stamp, 'string');
            assert.ok(!seen.has(stamp as string), `stamp ${stamp} seen before`);
            seen.add(stamp as string);
            return stamp;
          };
          const start = next();
          await store.objects.list({ module: 'locations' }, { offset: 0, limit: 10 });
          await store.objects.count({ module: 'locations' });
          assert.equal(store.changeStamp(), start, 'reads change nothing');
          await store.objects.put(locationInput('A', '2024-01-01T00:00:00.000Z'));
          next();
          await store.objects.markDeleted('locations', key('A'), at('2024-01-02T00:00:00.000Z'));
          next();
          await store.peers.create({ name: 'p', status: 'REGISTERED' });
          next();
          await assert.rejects(
            store.transaction(async (tx) => {
              await tx.objects.put(locationInput('B', '2024-01-01T00:00:00.000Z'));
              assert.ok(!seen.has(tx.changeStamp() as string), 'inside: its writes so far count');
              throw new Error('boom');
            }),
            /boom/,
          );
          next();
          // A write that changes no row (an older input with skipOlder) leaves the stamp.
          await store.objects.putMany([locationInput('C', '2024-01-02T00:00:00.000Z')]);
          const before = next();
          await store.objects.putMany([locationInput('C', '2024-01-01T00:00:00.000Z')], { skipOlder: true });
          assert.equal(store.changeStamp(), before);
          if (target.persistent) {
            // Another connection (another process: the CLI beside a running node) commits.
            const other = open();
            await other.objects.put(locationInput('D', '2024-01-01T00:00:00.000Z'));
            next();
            await other.close();
          }
          await store.close();
          assert.equal(store.changeStamp(), undefined, 'a closed store has none');
        },
      );
    });

    describe('deliveries', () => {
      const LOC = key('LOC1');
      const T0 = '2024-03-01T10:00:00.000Z';

      async function setUp(peers = 2) {
        const clock = manualClock(T0);
        const { store, open } = await fresh(clock);
        const peerIds: string[] = [];
        for (let i = 0; i < peers; i++) peerIds.push(await peer(store, `peer-${i}`));
        return { store, open, clock, peerIds };
      }

      async function row(store: SqlStore, peerId: string, k: ObjectKey = LOC): Promise<DeliveryRecord> {
        const found = await store.deliveries.get(peerId, 'locations', k);
        assert.ok(found, 'delivery row exists');
        return found;
      }

      const claimAt = (now: string, workerId = 'w1', limit = 10, leaseMs = 30_000) => ({
        workerId,
        now: at(now),
        limit,
        leaseMs,
      });

      it('markPending inserts one PENDING row per peer, due now', async () => {
        const { store, peerIds } = await setUp();
        const [p0, p1] = peerIds as [string, string];
        await store.deliveries.markPending([p0, p1, p0], 'locations', LOC, 1);
        assert.deepEqual(await row(store, p0), {
          peerId: p0,
          module: 'locations',
          key: LOC,
          pendingRevision: 1,
          ackedRevision: null,
          state: 'PENDING',
          forcePut: false,
          attempts: 0,
          nextAttemptAt: at(T0),
          firstFailureAt: null,
          lastError: null,
          lockedBy: null,
          lockedUntil: null,
          updatedAt: at(T0),
        });
        assert.equal((await store.deliveries.list()).length, 2);
        await store.deliveries.markPending([], 'locations', LOC, 2); // nothing to do, no error
        assert.equal(await store.deliveries.get(p0, 'tariffs', LOC), undefined);
      });

      it('markPending raises but never lowers pendingRevision; DONE becomes PENDING unless already acked', async () => {
        const { store, clock, peerIds } = await setUp(1);
        const p = peerIds[0]!;
        await store.deliveries.markPending([p], 'locations', LOC, 2);
        await store.deliveries.markPending([p], 'locations', LOC, 1);
        assert.equal((await row(store, p)).pendingRevision, 2);
        const [claimed] = await store.deliveries.claim(claimAt(T0));
        assert.ok(claimed);
        assert.equal(await store.deliveries.acknowledge(claimed, 'w1', 2), true);
        assert.equal((await row(store, p)).state, 'DONE');
        // The same revision again (a repeated call): nothing is owed.
        await store.deliveries.markPending([p], 'locations', LOC, 2);
        assert.equal((await row(store, p)).state, 'DONE');
        clock.advance(5000);
        await store.deliveries.markPending([p], 'locations', LOC, 3);
        const pending = await row(store, p);
        assert.equal(pending.state, 'PENDING');
        assert.equal(pending.pendingRevision, 3);
        assert.equal(pending.ackedRevision, 2, 'the acknowledged revision is kept (PATCH from it)');
        assert.deepEqual(pending.nextAttemptAt, clock.now());
      });

      it('claim takes due, unleased PENDING rows, oldest first, up to the limit, and leases them', async () => {
        const { store, clock, peerIds } = await setUp(1);
        const p = peerIds[0]!;
        await store.deliveries.markPending([p], 'locations', key('L1'), 1);
        clock.advance(1000);
        await store.deliveries.markPending([p], 'locations', key('L2'), 1);
        clock.advance(1000);
        await store.deliveries.markPending([p], 'locations', key('L3'), 1);

        // L3 is due at T0+2s: not yet at T0+1s.
        const first = await store.deliveries.claim(claimAt('2024-03-01T10:00:01.000Z', 'w1', 1));
        assert.deepEqual(
          first.map((r) => r.key.id),
          ['L1'],
        );
        assert.equal(first[0]?.lockedBy, 'w1');
        assert.deepEqual(first[0]?.lockedUntil, at('2024-03-01T10:00:31.000Z'));
        const second = await store.deliveries.claim(claimAt('2024-03-01T10:00:01.000Z', 'w2', 10, 60_000));
        assert.deepEqual(
          second.map((r) => r.key.id),
          ['L2'],
          'a leased row is not claimed again; a row not due yet waits',
        );
        const third = await store.deliveries.claim(claimAt('2024-03-01T10:00:05.000Z', 'w2'));
        assert.deepEqual(
          third.map((r) => r.key.id),
          ['L3'],
        );
        // After the lease ends (a crashed worker), the row comes free for another worker.
        const later = await store.deliveries.claim(claimAt('2024-03-01T10:00:31.000Z', 'w3'));
        assert.deepEqual(
          later.map((r) => r.key.id),
          ['L1'],
        );
        assert.equal((await row(store, p, key('L1'))).lockedBy, 'w3');
        assert.equal(await store.deliveries.acknowledge(first[0]!, 'w1', 1), false, 'w1 lost its lease');
        assert.deepEqual(await store.deliveries.claim(claimAt('2024-03-01T10:00:05.000Z', 'w9', 0)), []);
      });

      it('acknowledge only by the lease holder; DONE when nothing newer, else PENDING due now', async () => {
        const { store, clock, peerIds } = await setUp(1);
        const p = peerIds[0]!;
        await store.deliveries.markPending([p], 'locations', LOC, 1);
        const [claimed] = await store.deliveries.claim(claimAt(T0));
        assert.ok(claimed);
        // While the worker sends revision 1, the object changes: revision 2 is owed; the lease stays.
        clock.advance(100);
        await store.deliveries.markPending([p], 'locations', LOC, 2);
        assert.equal((await row(store, p)).lockedBy, 'w1');
        assert.equal(await store.deliveries.acknowledge(claimed, 'w2', 1), false);
        assert.equal((await row(store, p)).ackedRevision, null, 'a foreign acknowledge changes nothing');
        clock.advance(100);
        assert.equal(await store.deliveries.acknowledge(claimed, 'w1', 1), true);
        const afterFirst = await row(store, p);
        assert.equal(afterFirst.state, 'PENDING');
        assert.equal(afterFirst.ackedRevision, 1);
        assert.equal(afterFirst.lockedBy, null);
        assert.deepEqual(afterFirst.nextAttemptAt, clock.now());
        const [again] = await store.deliveries.claim(claimAt('2024-03-01T10:00:01.000Z'));
        assert.ok(again);
        assert.equal(await store.deliveries.acknowledge(again, 'w1', 2), true);
        const done = await row(store, p);
        assert.equal(done.state, 'DONE');
        assert.equal(done.ackedRevision, 2);
        assert.deepEqual(await store.deliveries.claim(claimAt('2024-03-01T11:00:00.000Z')), []);
      });

      it('acknowledge never lowers ackedRevision and clears failures and forcePut', async () => {
        const { store, peerIds } = await setUp(1);
        const p = peerIds[0]!;
        await store.deliveries.markPending([p], 'locations', LOC, 3);
        let [c] = await store.deliveries.claim(claimAt(T0));
        await store.deliveries.reschedule(c!, 'w1', {
          nextAttemptAt: at(T0),
          error: 'HTTP 503',
          firstFailureAt: at(T0),
        });
        await store.deliveries.parkPeer(p, { nextProbeAt: at(T0), error: 'unreachable' });
        await store.deliveries.unpark({ peerId: p }, at(T0));
        [c] = await store.deliveries.claim(claimAt(T0));
        assert.equal(c?.forcePut, true);
        assert.equal(await store.deliveries.acknowledge(c!, 'w1', 3), true);
        [c] = await store.deliveries.claim(claimAt(T0)); // DONE: nothing to claim
        assert.equal(c, undefined);
        const done = await row(store, p);
        assert.equal(done.ackedRevision, 3);
        assert.equal(done.forcePut, false);
        assert.equal(done.attempts, 0);
        assert.equal(done.firstFailureAt, null);
        assert.equal(done.lastError, null);
        // A late acknowledge of an older revision by a worker that re-claimed it after markPending.
        await store.deliveries.markPending([p], 'locations', LOC, 4);
        [c] = await store.deliveries.claim(claimAt(T0));
        assert.equal(await store.deliveries.acknowledge(c!, 'w1', 2), true);
        const still = await row(store, p);
        assert.equal(still.ackedRevision, 3);
        assert.equal(still.state, 'PENDING');
      });

      it('reschedule counts the attempt, keeps the first failure, releases the lease', async () => {
        const { store, peerIds } = await setUp(1);
        const p = peerIds[0]!;
        await store.deliveries.markPending([p], 'locations', LOC, 1);
        const [c1] = await store.deliveries.claim(claimAt(T0));
        assert.equal(
          await store.deliveries.reschedule(c1!, 'other', {
            nextAttemptAt: at('2024-03-01T10:00:01.000Z'),
            error: 'x',
            firstFailureAt: at(T0),
          }),
          false,
        );
        assert.equal(
          await store.deliveries.reschedule(c1!, 'w1', {
            nextAttemptAt: at('2024-03-01T10:00:01.000Z'),
            error: 'timeout',
            firstFailureAt: at(T0),
          }),
          true,
        );
        const [c2] = await store.deliveries.claim(claimAt('2024-03-01T10:00:01.000Z'));
        assert.ok(c2);
        assert.equal(c2.attempts, 1);
        await store.deliveries.reschedule(c2, 'w1', {
          nextAttemptAt: at('2024-03-01T10:00:03.000Z'),
          error: 'HTTP 502',
          firstFailureAt: at('2024-03-01T10:00:01.000Z'),
        });
        const r = await row(store, p);
        assert.equal(r.attempts, 2);
        assert.deepEqual(r.firstFailureAt, at(T0));
        assert.equal(r.lastError, 'HTTP 502');
        assert.deepEqual(r.nextAttemptAt, at('2024-03-01T10:00:03.000Z'));
        assert.equal(r.lockedBy, null);
        assert.equal(r.lockedUntil, null);
        assert.equal(r.state, 'PENDING');
      });

      it('parkPeer parks every PENDING row of the peer (leased too); new changes of a parked peer wait parked', async () => {
        const { store, peerIds } = await setUp(2);
        const [p0, p1] = peerIds as [string, string];
        await store.deliveries.markPending([p0, p1], 'locations', key('L1'), 1);
        await store.deliveries.markPending([p0, p1], 'locations', key('L2'), 1);
        await store.deliveries.markPending([p0], 'locations', key('L3'), 1);
        // L3 for p0 is DONE before the outage.
        const claimed = await store.deliveries.claim(claimAt(T0, 'w1', 10));
        const l3 = claimed.find((r) => r.peerId === p0 && r.key.id === 'L3');
        await store.deliveries.acknowledge(l3!, 'w1', 1);
        const probeAt = at('2024-03-01T10:05:00.000Z');
        assert.equal(await store.deliveries.parkPeer(p0, { nextProbeAt: probeAt, error: 'ECONNREFUSED' }), 2);
        const parked = await store.deliveries.list({ peerId: p0, state: 'PARKED' });
        assert.deepEqual(
          parked.map((r) => [r.key.id, r.lastError, r.nextAttemptAt.toISOString(), r.lockedBy]),
          [
            ['L1', 'ECONNREFUSED', probeAt.toISOString(), 'w1'],
            ['L2', 'ECONNREFUSED', probeAt.toISOString(), 'w1'],
          ],
        );
        assert.equal(
          (await store.deliveries.list({ peerId: p1, state: 'PENDING' })).length,
          2,
          'p1 untouched',
        );

        // A change while p0 is parked: its rows (new or DONE) join the wait, due at the probe time.
        await store.deliveries.markPending([p0, p1], 'locations', key('L3'), 2);
        await store.deliveries.markPending([p0, p1], 'locations', key('L4'), 1);
        await store.deliveries.markPending([p0], 'locations', key('L1'), 2);
        for (const id of ['L1', 'L3', 'L4']) {
          const r = await row(store, p0, key(id));
          assert.equal(r.state, 'PARKED', id);
          assert.deepEqual(r.nextAttemptAt, probeAt, id);
        }
        assert.equal((await row(store, p0, key('L1'))).pendingRevision, 2);
        assert.equal((await row(store, p0, key('L3'))).ackedRevision, 1);
        assert.equal((await row(store, p1, key('L4'))).state, 'PENDING');
        assert.deepEqual(
          (await store.deliveries.claim(claimAt('2024-03-01T11:00:00.000Z', 'w2'))).map((r) => r.peerId),
          [p1, p1, p1, p1],
          'only the reachable peer is claimed',
        );
      });

      it('claimProbes takes one due PARKED row per peer, none while a probe of that peer is leased', async () => {
        const { store, peerIds } = await setUp(3);
        const [p0, p1, p2] = peerIds as [string, string, string];
        for (const id of ['L3', 'L1', 'L2'])
          await store.deliveries.markPending([p0, p1, p2], 'locations', key(id), 1);
        await store.deliveries.parkPeer(p0, { nextProbeAt: at('2024-03-01T10:01:00.000Z'), error: 'down' });
        await store.deliveries.parkPeer(p1, { nextProbeAt: at('2024-03-01T10:09:00.000Z'), error: 'down' });
        assert.deepEqual(await store.deliveries.claimProbes(claimAt('2024-03-01T10:00:59.999Z')), []);
        const probes = await store.deliveries.claimProbes(claimAt('2024-03-01T10:01:00.000Z', 'prober'));
        assert.deepEqual(
          probes.map((r) => [r.peerId, r.key.id, r.state, r.lockedBy]),
          [[p0, 'L1', 'PARKED', 'prober']],
        );
        assert.deepEqual(
          await store.deliveries.claimProbes(claimAt('2024-03-01T10:01:10.000Z', 'other')),
          [],
          'one probe per peer at a time',
        );
        assert.deepEqual(await store.deliveries.claim(claimAt('2024-03-01T10:02:00.000Z', 'other')), [
          ...(await store.deliveries.list({ peerId: p2 })).map((r) => ({
            ...r,
            lockedBy: 'other',
            lockedUntil: at('2024-03-01T10:02:30.000Z'),
          })),
        ]);

        // The probe fails: every parked row of p0 waits for the next probe, leases released.
        assert.equal(
          await store.deliveries.deferProbe(p0, {
            nextProbeAt: at('2024-03-01T10:03:00.000Z'),
            error: 'still down',
          }),
          3,
        );
        const deferred = await store.deliveries.list({ peerId: p0 });
        assert.ok(
          deferred.every((r) => r.state === 'PARKED' && r.lockedBy === null && r.lastError === 'still down'),
        );
        const both = await store.deliveries.claimProbes(claimAt('2024-03-01T10:10:00.000Z', 'prober', 10));
        assert.deepEqual(
          both.map((r) => [r.peerId, r.key.id]),
          [
            [p0, 'L1'],
            [p1, 'L1'],
          ],
        );
        const limited = await store.deliveries.claimProbes(claimAt('2024-03-01T10:10:10.000Z', 'x', 1));
        assert.deepEqual(limited, [], 'both probes are still leased');
      });

      it('a successful probe: unpark makes the rows PENDING forcePut due now, and the prober still acknowledges', async () => {
        const { store, peerIds } = await setUp(2);
        const [p0, p1] = peerIds as [string, string];
        await store.deliveries.markPending([p0, p1], 'locations', key('L1'), 1);
        await store.deliveries.markPending([p0, p1], 'locations', key('L2'), 1);
        const c = await store.deliveries.claim(claimAt(T0));
        for (const r of c.filter((x) => x.peerId === p0)) {
          await store.deliveries.reschedule(r, 'w1', {
            nextAttemptAt: at(T0),
            error: 'e',
            firstFailureAt: at(T0),
          });
        }
        await store.deliveries.parkPeer(p0, { nextProbeAt: at(T0), error: 'down' });
        await store.deliveries.parkPeer(p1, { nextProbeAt: at(T0), error: 'down' });
        const [probe] = await store.deliveries.claimProbes(claimAt(T0, 'prober', 1));
        assert.ok(probe);
        const now = at('2024-03-01T10:07:00.000Z');
        assert.equal(await store.deliveries.unpark({ peerId: probe.peerId }, now), 2);
        const other = probe.peerId === p0 ? p1 : p0;
        assert.equal((await store.deliveries.list({ peerId: other, state: 'PARKED' })).length, 2);
        const revived = await store.deliveries.list({ peerId: probe.peerId });
        for (const r of revived) {
          assert.equal(r.state, 'PENDING');
          assert.equal(r.forcePut, true);
          assert.equal(r.attempts, 0);
          assert.equal(r.firstFailureAt, null);
          assert.deepEqual(r.nextAttemptAt, now);
        }
        assert.equal(
          await store.deliveries.acknowledge(probe, 'prober', 1),
          true,
          'the probe row is acknowledged',
        );
        const claimed = await store.deliveries.claim(claimAt('2024-03-01T10:07:00.000Z', 'w2'));
        assert.deepEqual(
          claimed.map((r) => [r.peerId, r.forcePut]),
          [[probe.peerId, true]],
          'the rest goes as a PUT',
        );
        // An operator's retry of everything.
        assert.equal(await store.deliveries.unpark({}, now), 2);
        assert.equal(await store.deliveries.unpark({}, now), 0);
      });

      it('refuse sets aside the one row the peer refused, only for the lease holder; a change or a retry revives it', async () => {
        const { store, peerIds } = await setUp(1);
        const p = peerIds[0]!;
        await store.deliveries.markPending([p], 'locations', key('L1'), 1);
        await store.deliveries.markPending([p], 'locations', key('L2'), 1);
        const claimed = await store.deliveries.claim(claimAt(T0));
        const l1 = claimed.find((r) => r.key.id === 'L1')!;
        assert.equal(await store.deliveries.refuse(l1, 'nobody', 'OCPI 2001 invalid location'), false);
        assert.equal(await store.deliveries.refuse(l1, 'w1', 'OCPI 2001 invalid location'), true);
        const refused = await row(store, p, key('L1'));
        assert.equal(refused.state, 'REFUSED');
        assert.equal(refused.lastError, 'OCPI 2001 invalid location');
        assert.equal(refused.lockedBy, null);
        assert.equal((await row(store, p, key('L2'))).state, 'PENDING');
        // Not a sign the peer is down: a new object for the peer is PENDING, not PARKED.
        await store.deliveries.markPending([p], 'locations', key('L3'), 1);
        assert.equal((await row(store, p, key('L3'))).state, 'PENDING');
        // No probe is made of a refused row, and a peer's return does not retry it.
        assert.deepEqual(await store.deliveries.claimProbes(claimAt(T0)), []);
        assert.equal(await store.deliveries.unpark({ peerId: p }, at(T0)), 0);
        // An operator's retry does.
        assert.equal(await store.deliveries.unpark({ peerId: p, refused: true }, at(T0)), 1);
        assert.equal((await row(store, p, key('L1'))).state, 'PENDING');
        // And so does a change of the object.
        const again = (await store.deliveries.claim(claimAt(T0))).find((r) => r.key.id === 'L1')!;
        await store.deliveries.refuse(again, 'w1', 'still invalid');
        await store.deliveries.markPending([p], 'locations', key('L1'), 2);
        const revived = await row(store, p, key('L1'));
        assert.equal(revived.state, 'PENDING');
        assert.equal(revived.pendingRevision, 2);
      });

      it('list filters and orders by nextAttemptAt; counts per peer and state; deleteForPeer; cascade', async () => {
        const { store, clock, peerIds } = await setUp(2);
        const [p0, p1] = peerIds as [string, string];
        await store.deliveries.markPending([p0, p1], 'locations', key('L1'), 1);
        clock.advance(10);
        await store.deliveries.markPending([p0], 'tariffs', key('T1'), 1);
        clock.advance(10);
        await store.deliveries.markPending([p0, p1], 'locations', key('L0'), 1);
        await store.deliveries.parkPeer(p1, { nextProbeAt: at('2024-03-01T09:00:00.000Z'), error: 'down' });
        assert.deepEqual(
          (await store.deliveries.list()).map((r) => [r.peerId === p0 ? 'p0' : 'p1', r.module, r.key.id]),
          [
            ['p1', 'locations', 'L0'],
            ['p1', 'locations', 'L1'],
            ['p0', 'locations', 'L1'],
            ['p0', 'tariffs', 'T1'],
            ['p0', 'locations', 'L0'],
          ],
          'p1 parked rows are due first (09:00), then p0 by time, ties by key',
        );
        assert.equal((await store.deliveries.list({ module: 'tariffs' })).length, 1);
        assert.equal((await store.deliveries.list({ state: ['PARKED', 'DONE'] })).length, 2);
        assert.deepEqual(await store.deliveries.list({ state: [] }), []);
        assert.equal((await store.deliveries.list({ limit: 2 })).length, 2);
        const expected = [
          { peerId: p0, state: 'PENDING' as const, count: 3 },
          { peerId: p1, state: 'PARKED' as const, count: 2 },
        ].sort((a, b) => (a.peerId < b.peerId ? -1 : 1));
        assert.deepEqual(await store.deliveries.counts(), expected);
        assert.equal(await store.deliveries.deleteForPeer(p0), 3);
        assert.equal(await store.deliveries.deleteForPeer(p0), 0);
        // The peer row itself going takes its deliveries along.
        assert.equal(await store.peers.delete(p1), true);
        assert.deepEqual(await store.deliveries.list(), []);
      });

      it('markPending for an unknown peer fails as a StoreError and rolls back with the object', async () => {
        const { store } = await setUp(0);
        const error = await store
          .transaction(async (tx) => {
            await tx.objects.put(locationInput('LOC1', '2024-01-01T00:00:00.000Z'));
            await tx.deliveries.markPending(['no-such-peer'], 'locations', LOC, 1);
          })
          .then(
            () => undefined,
            (err: unknown) => err,
          );
        assert.ok(error instanceof StoreError, `expected a StoreError, got ${inspect(error)}`);
        assert.equal(await store.objects.get('locations', LOC), undefined);
      });

      if (target.persistent) {
        it('two stores claiming at once on the same database never get the same row', async () => {
          const { store, open, peerIds } = await setUp(4);
          const other = open({ now: () => at(T0) });
          await store.transaction(async (tx) => {
            for (let i = 0; i < 60; i++) {
              await tx.deliveries.markPending(peerIds, 'locations', key(`L${i}`), 1);
            }
          });
          const seen = new Map<string, string>();
          let rounds = 0;
          for (;;) {
            rounds++;
            const results = await Promise.all([
              store.deliveries.claim(claimAt(T0, 'a', 7)),
              other.deliveries.claim(claimAt(T0, 'b', 7)),
              store.deliveries.claim(claimAt(T0, 'c', 5)),
              other.deliveries.claim(claimAt(T0, 'd', 5)),
            ]);
            const claimed = results.flat();
            if (claimed.length === 0) break;
            for (const r of claimed) {
              const id = `${r.peerId}/${r.key.id}`;
              assert.equal(seen.get(id), undefined, `${id} claimed twice`);
              seen.set(id, r.lockedBy ?? '?');
            }
            assert.ok(rounds < 200);
          }
          assert.equal(seen.size, 240);
          const holders = await store.deliveries.list({ limit: 1000 });
          for (const r of holders) assert.equal(r.lockedBy, seen.get(`${r.peerId}/${r.key.id}`));
        });
      }
    });
  });
}
