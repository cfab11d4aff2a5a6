/**
 * ObjectRepository over Kysely: Locations and Tariffs, ours and peers', with revisions and
 * tombstones (see types.ts). Every write is one upsert statement that computes the new revision
 * and `previous` from the stored row itself, so concurrent writers cannot lose a revision and a
 * page of a thousand objects costs one round trip per chunk instead of one per object.
 */
import { type ExpressionBuilder, type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { StoreError } from './errors.js';
import { KyselyRepository, type RepositoryContext } from './repository.js';
import { type Database, fromDbTime, type OcpiObjectsTable, toDbTime } from './schema.js';
import {
  OBJECT_MODULES,
  type ObjectKey,
  type ObjectListFilter,
  type ObjectModule,
  type ObjectRepository,
  type OcpiObjectHead,
  type OcpiObjectRecord,
  type PartyKey,
  type PutObjectInput,
} from './types.js';

/**
 * Rows per multi-row insert. 14 bound parameters a row: 1000 rows stay far below SQLite's
 * 32766 (and PostgreSQL's 65535) parameters per statement.
 */
export const OBJECT_ROWS_PER_STATEMENT = 1000;
const DEFAULT_BATCH_SIZE = 500;
/** Keys per `getMany` statement: 3 bound parameters a key, far below both dialects' limits. */
export const OBJECT_KEYS_PER_STATEMENT = 500;

/** The columns of a head: all in the list index, so listing heads never reads the table rows. */
const HEAD_COLUMNS = [
  'module',
  'country_code',
  'party_id',
  'id',
  'peer_id',
  'revision',
  'last_updated',
  'created_at',
  'deleted',
  'published',
  'updated_at',
  'audience',
] as const;
type HeadRow = Pick<Selectable<OcpiObjectsTable>, (typeof HEAD_COLUMNS)[number]>;

/** A JSON column that must hold an object; anything else means the row was damaged outside the store. */
export function parseJsonObject(text: string, column: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StoreError(`${column} holds invalid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StoreError(`${column} holds JSON that is not an object`);
  }
  return value as Record<string, unknown>;
}

export function isObjectModule(value: unknown): value is ObjectModule {
  return OBJECT_MODULES.includes(value as ObjectModule);
}

export function headFromRow(row: HeadRow): OcpiObjectHead {
  if (!isObjectModule(row.module))
    throw new StoreError(`ocpi_objects.module holds ${JSON.stringify(row.module)}`);
  return {
    module: row.module,
    key: { countryCode: row.country_code, partyId: row.party_id, id: row.id },
    peerId: row.peer_id,
    revision: Number(row.revision),
    lastUpdated: fromDbTime(row.last_updated, 'ocpi_objects.last_updated'),
    createdAt: fromDbTime(row.created_at, 'ocpi_objects.created_at'),
    deleted: Number(row.deleted) === 1,
    published: Number(row.published) === 1,
    updatedAt: fromDbTime(row.updated_at, 'ocpi_objects.updated_at'),
    audience: audienceFromColumn(row.audience),
  };
}

export function objectFromRow(row: Selectable<OcpiObjectsTable>): OcpiObjectRecord {
  if (!isObjectModule(row.module))
    throw new StoreError(`ocpi_objects.module holds ${JSON.stringify(row.module)}`);
  const revision = Number(row.revision);
  const record: OcpiObjectRecord = {
    module: row.module,
    key: { countryCode: row.country_code, partyId: row.party_id, id: row.id },
    peerId: row.peer_id,
    revision,
    data: parseJsonObject(row.data, 'ocpi_objects.data'),
    previous: null,
    lastUpdated: fromDbTime(row.last_updated, 'ocpi_objects.last_updated'),
    createdAt: fromDbTime(row.created_at, 'ocpi_objects.created_at'),
    deleted: Number(row.deleted) === 1,
    published: Number(row.published) === 1,
    updatedAt: fromDbTime(row.updated_at, 'ocpi_objects.updated_at'),
    audience: audienceFromColumn(row.audience),
  };
  const { previous_revision: previousRevision, previous_data: previousData } = row;
  if (previousRevision !== null && previousData !== null) {
    // Parsed when first read: only the delivery planner diffs against it, while a receiver's
    // read-modify-write never looks at it (a grown Session's JSON was parsed twice for nothing).
    let previous: OcpiObjectRecord['previous'];
    Object.defineProperty(record, 'previous', {
      enumerable: true,
      configurable: true,
      get: () => {
        previous ??= {
          revision: Number(previousRevision),
          data: parseJsonObject(previousData, 'ocpi_objects.previous_data'),
        };
        return previous;
      },
    });
  }
  return record;
}

/** A party as the audience column holds it: `CC/PID`, upper case (CiStrings compare case-insensitively). */
export function audienceColumn(party: PartyKey): string {
  return `${party.countryCode}/${party.partyId}`.toUpperCase();
}

function audienceFromColumn(value: string | null): PartyKey | null {
  if (value === null) return null;
  const slash = value.indexOf('/');
  if (slash < 0) throw new StoreError(`ocpi_objects.audience holds ${JSON.stringify(value)}`);
  return { countryCode: value.slice(0, slash), partyId: value.slice(slash + 1) };
}

function checkInput(input: PutObjectInput): void {
  if (!isObjectModule(input.module))
    throw new TypeError(`module must be one of ${OBJECT_MODULES.join(', ')}`);
  const { countryCode, partyId, id } = input.key;
  if (![countryCode, partyId, id].every((part) => typeof part === 'string' && part.length > 0)) {
    throw new TypeError('an object key needs countryCode, partyId and id (non-empty strings)');
  }
  if (input.data === null || typeof input.data !== 'object' || Array.isArray(input.data)) {
    throw new TypeError('data must be a JSON object');
  }
  if (!(input.lastUpdated instanceof Date) || Number.isNaN(input.lastUpdated.getTime())) {
    throw new TypeError('lastUpdated must be a valid Date');
  }
}

/** The row of a new object; on conflict the upsert turns it into the next revision instead. */
function insertRow(input: PutObjectInput, now: string): Insertable<OcpiObjectsTable> {
  return {
    module: input.module,
    country_code: input.key.countryCode,
    party_id: input.key.partyId,
    id: input.key.id,
    peer_id: input.peerId,
    revision: 1,
    data: JSON.stringify(input.data),
    previous_revision: null,
    previous_data: null,
    last_updated: toDbTime(input.lastUpdated),
    created_at: now,
    deleted: 0,
    published: (input.published ?? input.data.publish !== false) ? 1 : 0,
    updated_at: now,
    audience: input.audience ? audienceColumn(input.audience) : null,
  };
}

function keyOf(module: ObjectModule, key: ObjectKey): string {
  return JSON.stringify([module, key.countryCode, key.partyId, key.id]);
}

/**
 * Splits inputs into statements of at most `size` rows with no key twice in one statement
 * (PostgreSQL refuses an upsert touching a row twice; a repeat goes to the next statement, which
 * keeps the sequential meaning: the later input is the next revision).
 */
function chunks(inputs: readonly PutObjectInput[], size: number): PutObjectInput[][] {
  const result: PutObjectInput[][] = [];
  let current: PutObjectInput[] = [];
  let keys = new Set<string>();
  for (const input of inputs) {
    const key = keyOf(input.module, input.key);
    if (current.length >= size || keys.has(key)) {
      result.push(current);
      current = [];
      keys = new Set();
    }
    current.push(input);
    keys.add(key);
  }
  if (current.length > 0) result.push(current);
  return result;
}

type ObjectsExpressionBuilder = ExpressionBuilder<Database, 'ocpi_objects'>;

/** The filter as one condition; `parties: []` is handled by the callers (matches nothing). */
function filterCondition(eb: ObjectsExpressionBuilder, filter: ObjectListFilter) {
  const conditions = [eb('module', '=', filter.module)];
  if (filter.peerId === null) conditions.push(eb('peer_id', 'is', null));
  else if (filter.peerId !== undefined) conditions.push(eb('peer_id', '=', filter.peerId));
  if (filter.parties) {
    // A row value IN list rather than ORs of ANDs: with `country_code = ? and party_id = ?`,
    // SQLite treats those ORDER BY terms as constants and sorts each page's rows again (a
    // temporary B-tree) instead of reading them in index order.
    conditions.push(
      eb(
        eb.refTuple('country_code', 'party_id'),
        'in',
        filter.parties.map((p) => eb.tuple(p.countryCode, p.partyId)),
      ),
    );
  }
  if (filter.dateFrom) conditions.push(eb('last_updated', '>=', toDbTime(filter.dateFrom)));
  if (filter.dateTo) conditions.push(eb('last_updated', '<', toDbTime(filter.dateTo)));
  if (filter.publishedOnly) conditions.push(eb('published', '=', 1));
  if (filter.audience) {
    const parties = filter.audience.map(audienceColumn);
    conditions.push(
      parties.length === 0
        ? eb('audience', 'is', null)
        : eb.or([eb('audience', 'is', null), eb('audience', 'in', parties)]),
    );
  }
  if (!filter.includeDeleted) conditions.push(eb('deleted', '=', 0));
  return eb.and(conditions);
}

function matchesNothing(filter: ObjectListFilter): boolean {
  return filter.parties !== undefined && filter.parties.length === 0;
}

export class KyselyObjectRepository extends KyselyRepository implements ObjectRepository {
  constructor(db: Kysely<Database>, context: RepositoryContext) {
    super(db, context, 'ocpi_objects');
  }

  /**
   * Insert, or on conflict the next revision: revision + 1, the replaced live document as
   * `previous` (none after a tombstone), not deleted. With `skipOlder` the update only happens
   * when the input is not older than the stored object (ISO text compares as time).
   * `created_at` is not in the update: an object keeps its place in the list for good.
   */
  private upsert(inputs: readonly PutObjectInput[], skipOlder: boolean, insertOnly = false) {
    const updatedAt = toDbTime(this.context.now());
    return this.db
      .insertInto('ocpi_objects')
      .values(inputs.map((input) => insertRow(input, updatedAt)))
      .onConflict((oc) => {
        if (insertOnly) return oc.columns(['module', 'country_code', 'party_id', 'id']).doNothing();
        const update = oc.columns(['module', 'country_code', 'party_id', 'id']).doUpdateSet((eb) => ({
          peer_id: eb.ref('excluded.peer_id'),
          revision: sql<number>`ocpi_objects.revision + 1`,
          data: eb.ref('excluded.data'),
          previous_revision: sql<
            number | null
          >`case when ocpi_objects.deleted = 0 then ocpi_objects.revision else null end`,
          previous_data: sql<
            string | null
          >`case when ocpi_objects.deleted = 0 then ocpi_objects.data else null end`,
          last_updated: eb.ref('excluded.last_updated'),
          deleted: 0,
          published: eb.ref('excluded.published'),
          updated_at: eb.ref('excluded.updated_at'),
          audience: eb.ref('excluded.audience'),
        }));
        return skipOlder
          ? update.where(sql<boolean>`excluded.last_updated >= ocpi_objects.last_updated`)
          : update;
      });
  }

  async get(module: ObjectModule, key: ObjectKey): Promise<OcpiObjectRecord | undefined> {
    const row = await this.run(() =>
      this.db
        .selectFrom('ocpi_objects')
        .selectAll()
        .where('module', '=', module)
        .where('country_code', '=', key.countryCode)
        .where('party_id', '=', key.partyId)
        .where('id', '=', key.id)
        .executeTakeFirst(),
    );
    return row && objectFromRow(row);
  }

  async put(input: PutObjectInput): Promise<OcpiObjectRecord> {
    checkInput(input);
    const row = await this.run(() => this.upsert([input], false).returningAll().executeTakeFirstOrThrow());
    return objectFromRow(row);
  }

  async putMany(
    inputs: readonly PutObjectInput[],
    options: { skipOlder?: boolean; insertOnly?: boolean } = {},
  ): Promise<number> {
    for (const input of inputs) checkInput(input);
    let written = 0;
    for (const chunk of chunks(inputs, OBJECT_ROWS_PER_STATEMENT)) {
      // RETURNING counts the rows actually written in both dialects (a skipped conflict returns none).
      const rows = await this.run(() =>
        this.upsert(chunk, options.skipOlder === true, options.insertOnly === true)
          .returning('revision')
          .execute(),
      );
      written += rows.length;
    }
    return written;
  }

  async markDeleted(
    module: ObjectModule,
    key: ObjectKey,
    lastUpdated: Date,
  ): Promise<OcpiObjectRecord | undefined> {
    const updatedAt = toDbTime(this.context.now());
    // The tombstone keeps its last document as `data` (what a DELETE names) and as `previous`.
    const row = await this.run(() =>
      this.db
        .updateTable('ocpi_objects')
        .set((eb) => ({
          revision: eb('revision', '+', 1),
          previous_revision: eb.ref('revision'),
          previous_data: eb.ref('data'),
          deleted: 1,
          last_updated: toDbTime(lastUpdated),
          updated_at: updatedAt,
        }))
        .where('module', '=', module)
        .where('country_code', '=', key.countryCode)
        .where('party_id', '=', key.partyId)
        .where('id', '=', key.id)
        .where('deleted', '=', 0)
        .returningAll()
        .executeTakeFirst(),
    );
    return row && objectFromRow(row);
  }

  /** The list query (filter, order, page) with the columns the caller selects. */
  private listQuery(filter: ObjectListFilter, page: { offset: number; limit: number }) {
    let query = this.db.selectFrom('ocpi_objects').where((eb) => filterCondition(eb, filter));
    // One peer_id for every row (the filter names it): ordering by it first changes nothing, but
    // lets PostgreSQL read the page in index order. `peer_id is null` is no equality to its
    // planner, so without it PostgreSQL sorts every matching row for each page.
    if (filter.peerId !== undefined) query = query.orderBy('peer_id');
    return query
      .orderBy('created_at')
      .orderBy('country_code')
      .orderBy('party_id')
      .orderBy('id')
      .limit(Math.floor(page.limit))
      .offset(Math.max(0, Math.floor(page.offset)));
  }

  async list(filter: ObjectListFilter, page: { offset: number; limit: number }): Promise<OcpiObjectRecord[]> {
    if (matchesNothing(filter) || page.limit <= 0) return [];
    const rows = await this.run(() => this.listQuery(filter, page).selectAll().execute());
    return rows.map(objectFromRow);
  }

  async listHeads(
    filter: ObjectListFilter,
    page: { offset: number; limit: number },
  ): Promise<OcpiObjectHead[]> {
    if (matchesNothing(filter) || page.limit <= 0) return [];
    const rows = await this.run(() => this.listQuery(filter, page).select(HEAD_COLUMNS).execute());
    return rows.map(headFromRow);
  }

  async getMany(module: ObjectModule, keys: readonly ObjectKey[]): Promise<OcpiObjectRecord[]> {
    const unique = new Map<string, ObjectKey>();
    for (const key of keys) unique.set(keyOf(module, key), key);
    const all = [...unique.values()];
    const out: OcpiObjectRecord[] = [];
    for (let i = 0; i < all.length; i += OBJECT_KEYS_PER_STATEMENT) {
      const chunk = all.slice(i, i + OBJECT_KEYS_PER_STATEMENT);
      // A row value IN list: both dialects look each key up in the primary key.
      const rows = await this.run(() =>
        this.db
          .selectFrom('ocpi_objects')
          .selectAll()
          .where('module', '=', module)
          .where((eb) =>
            eb(
              eb.refTuple('country_code', 'party_id', 'id'),
              'in',
              chunk.map((k) => eb.tuple(k.countryCode, k.partyId, k.id)),
            ),
          )
          .execute(),
      );
      for (const row of rows) out.push(objectFromRow(row));
    }
    return out;
  }

  async count(filter: ObjectListFilter): Promise<number> {
    if (matchesNothing(filter)) return 0;
    const row = await this.run(() =>
      this.db
        .selectFrom('ocpi_objects')
        .select((eb) => eb.fn.countAll().as('count'))
        .where((eb) => filterCondition(eb, filter))
        .executeTakeFirstOrThrow(),
    );
    return Number(row.count);
  }

  async *iterate(filter: ObjectListFilter, batchSize = DEFAULT_BATCH_SIZE): AsyncIterable<OcpiObjectRecord> {
    if (matchesNothing(filter)) return;
    const size = Math.max(1, Math.floor(batchSize));
    let after: [string, string, string, string] | undefined;
    for (;;) {
      const from = after;
      const rows = await this.run(() => {
        let query = this.db
          .selectFrom('ocpi_objects')
          .selectAll()
          .where((eb) => filterCondition(eb, filter));
        if (from) {
          // Keyset: strictly after the last row seen, in list order (a row value comparison).
          query = query.where((eb) =>
            eb(eb.refTuple('created_at', 'country_code', 'party_id', 'id'), '>', eb.tuple(...from)),
          );
        }
        return query
          .orderBy('created_at')
          .orderBy('country_code')
          .orderBy('party_id')
          .orderBy('id')
          .limit(size)
          .execute();
      });
      const last = rows[rows.length - 1];
      for (const row of rows) yield objectFromRow(row);
      if (!last || rows.length < size) return;
      after = [last.created_at, last.country_code, last.party_id, last.id];
    }
  }
}
