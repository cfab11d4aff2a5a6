/**
 * DeliveryRepository over Kysely (see types.ts): one row per peer × object of ours, holding the
 * revision owed, the revision acknowledged, and a worker's lease. Every operation is a single
 * statement, so it is atomic on its own in both dialects; claims select with FOR UPDATE SKIP
 * LOCKED on PostgreSQL so workers sharing a database never take the same row (on SQLite the one
 * statement runs under the database's write lock).
 */
import {
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SelectQueryBuilder,
  sql,
  type UpdateObject,
} from 'kysely';
import { StoreError } from './errors.js';
import { isObjectModule } from './objects.js';
import { KyselyRepository, type RepositoryContext } from './repository.js';
import { type Database, type DeliveriesTable, fromDbTime, toDbTime } from './schema.js';
import {
  type ClaimOptions,
  DELIVERY_STATES,
  type DeliveryListFilter,
  type DeliveryRecord,
  type DeliveryRepository,
  type DeliveryState,
  type ObjectKey,
  type ObjectModule,
} from './types.js';

const DEFAULT_LIST_LIMIT = 1000;

type DeliveriesExpressionBuilder = ExpressionBuilder<Database, 'deliveries'>;
type DeliveryKeyRow = Pick<DeliveriesTable, 'peer_id' | 'module' | 'country_code' | 'party_id' | 'object_id'>;

export function deliveryFromRow(row: Selectable<DeliveriesTable>): DeliveryRecord {
  if (!isObjectModule(row.module))
    throw new StoreError(`deliveries.module holds ${JSON.stringify(row.module)}`);
  if (!DELIVERY_STATES.includes(row.state))
    throw new StoreError(`deliveries.state holds ${JSON.stringify(row.state)}`);
  return {
    peerId: row.peer_id,
    module: row.module,
    key: { countryCode: row.country_code, partyId: row.party_id, id: row.object_id },
    pendingRevision: Number(row.pending_revision),
    ackedRevision: row.acked_revision === null ? null : Number(row.acked_revision),
    state: row.state,
    forcePut: Number(row.force_put) === 1,
    attempts: Number(row.attempts),
    nextAttemptAt: fromDbTime(row.next_attempt_at, 'deliveries.next_attempt_at'),
    firstFailureAt:
      row.first_failure_at === null ? null : fromDbTime(row.first_failure_at, 'deliveries.first_failure_at'),
    lastError: row.last_error,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until === null ? null : fromDbTime(row.locked_until, 'deliveries.locked_until'),
    updatedAt: fromDbTime(row.updated_at, 'deliveries.updated_at'),
  };
}

function keyCondition(eb: DeliveriesExpressionBuilder, peerId: string, module: ObjectModule, key: ObjectKey) {
  return eb.and([
    eb('peer_id', '=', peerId),
    eb('module', '=', module),
    eb('country_code', '=', key.countryCode),
    eb('party_id', '=', key.partyId),
    eb('object_id', '=', key.id),
  ]);
}

/** The row of `record`, and only while `workerId` holds its lease. */
function heldCondition(eb: DeliveriesExpressionBuilder, record: DeliveryRecord, workerId: string) {
  return eb.and([keyCondition(eb, record.peerId, record.module, record.key), eb('locked_by', '=', workerId)]);
}

/** Row order for lists and claims: oldest due first, then the key (deterministic on ties). */
function byDue(a: DeliveryRecord, b: DeliveryRecord): number {
  return (
    a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() ||
    compare(a.peerId, b.peerId) ||
    compare(a.module, b.module) ||
    compare(a.key.countryCode, b.key.countryCode) ||
    compare(a.key.partyId, b.key.partyId) ||
    compare(a.key.id, b.key.id)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkClaim(options: ClaimOptions): void {
  if (typeof options.workerId !== 'string' || options.workerId.length === 0) {
    throw new TypeError('workerId must be a non-empty string');
  }
  if (!Number.isFinite(options.leaseMs) || options.leaseMs <= 0)
    throw new TypeError('leaseMs must be positive');
}

/** The keys of the rows in `state` due at `now` and not leased by anyone (the lease ran out or never was). */
function dueRows(db: Kysely<Database>, state: DeliveryState, now: string) {
  return db
    .selectFrom('deliveries as d')
    .select(['d.peer_id', 'd.module', 'd.country_code', 'd.party_id', 'd.object_id'])
    .where('d.state', '=', state)
    .where('d.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<=', now)]));
}

export class KyselyDeliveryRepository extends KyselyRepository implements DeliveryRepository {
  constructor(
    db: Kysely<Database>,
    context: RepositoryContext,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {
    super(db, context, 'deliveries');
  }

  private now(): string {
    return toDbTime(this.context.now());
  }

  async markPending(
    peerIds: readonly string[],
    module: ObjectModule,
    key: ObjectKey,
    revision: number,
  ): Promise<void> {
    const peers = [...new Set(peerIds)];
    if (peers.length === 0) return;
    if (!Number.isInteger(revision) || revision < 1)
      throw new TypeError('revision must be a positive integer');
    const now = this.now();
    // Per peer, evaluated before the insert: is the peer parked (any PARKED row), and when is its
    // next probe due. A new row of a parked peer joins the wait instead of being tried at once.
    const values = peers.map((peerId) => ({
      peer_id: peerId,
      module,
      country_code: key.countryCode,
      party_id: key.partyId,
      object_id: key.id,
      pending_revision: revision,
      acked_revision: null,
      state: sql<DeliveryState>`case when exists (select 1 from deliveries p where p.peer_id = ${peerId} and p.state = 'PARKED') then 'PARKED' else 'PENDING' end`,
      force_put: 0,
      attempts: 0,
      next_attempt_at: sql<string>`coalesce((select min(p.next_attempt_at) from deliveries p where p.peer_id = ${peerId} and p.state = 'PARKED'), ${now})`,
      first_failure_at: null,
      last_error: null,
      locked_by: null,
      locked_until: null,
      updated_at: now,
    }));
    // An existing row: pending_revision never goes down; a DONE row that already has this
    // revision stays DONE (a repeated call sends nothing); a parked peer's row is PARKED and
    // keeps its probe time; anything else is PENDING, due now. acked_revision, the lease (a
    // worker sending an older revision acknowledges that one, and the row stays owed), the
    // attempts and errors are kept.
    await this.run(() =>
      this.db
        .insertInto('deliveries')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['peer_id', 'module', 'country_code', 'party_id', 'object_id']).doUpdateSet((eb) => ({
            pending_revision: sql<number>`case when excluded.pending_revision > deliveries.pending_revision then excluded.pending_revision else deliveries.pending_revision end`,
            state: sql<DeliveryState>`case
              when deliveries.state = 'DONE' and deliveries.acked_revision >= excluded.pending_revision then 'DONE'
              when deliveries.state = 'PARKED' or excluded.state = 'PARKED' then 'PARKED'
              else 'PENDING' end`,
            next_attempt_at: sql<string>`case
              when deliveries.state = 'DONE' and deliveries.acked_revision >= excluded.pending_revision then deliveries.next_attempt_at
              when deliveries.state = 'PARKED' then deliveries.next_attempt_at
              when excluded.state = 'PARKED' then excluded.next_attempt_at
              when deliveries.state = 'PENDING' and deliveries.attempts > 0 then deliveries.next_attempt_at
              else excluded.updated_at end`,
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute(),
    );
  }

  async claim(options: ClaimOptions): Promise<DeliveryRecord[]> {
    checkClaim(options);
    if (options.limit <= 0) return [];
    const now = toDbTime(options.now);
    return this.lease(options, (db) =>
      dueRows(db, 'PENDING', now).orderBy('d.next_attempt_at').limit(Math.floor(options.limit)),
    );
  }

  async claimProbes(options: ClaimOptions): Promise<DeliveryRecord[]> {
    checkClaim(options);
    if (options.limit <= 0) return [];
    const now = toDbTime(options.now);
    // One probe per peer: the lowest key among the peer's due, unleased PARKED rows, and none
    // while another probe of the peer still holds a lease.
    return this.lease(options, (db) =>
      dueRows(db, 'PARKED', now)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('deliveries as l')
                .select(sql`1`.as('one'))
                .whereRef('l.peer_id', '=', 'd.peer_id')
                .where('l.state', '=', 'PARKED')
                .where('l.locked_until', '>', now),
            ),
          ),
        )
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('deliveries as e')
                .select(sql`1`.as('one'))
                .whereRef('e.peer_id', '=', 'd.peer_id')
                .where('e.state', '=', 'PARKED')
                .where('e.next_attempt_at', '<=', now)
                .where((eb) =>
                  eb(
                    eb.refTuple('e.module', 'e.country_code', 'e.party_id', 'e.object_id'),
                    '<',
                    eb.refTuple('d.module', 'd.country_code', 'd.party_id', 'd.object_id'),
                  ),
                ),
            ),
          ),
        )
        .orderBy('d.next_attempt_at')
        .limit(Math.floor(options.limit)),
    );
  }

  /**
   * Leases the rows `pick` selects: WITH picked AS (SELECT … [FOR UPDATE SKIP LOCKED]) UPDATE …
   * WHERE key IN picked RETURNING. A row another worker is leasing right now is skipped, not
   * waited for; one that worker has just leased fails the WHERE re-checked on the locked row. On
   * PostgreSQL a locking CTE is always materialized, so the pick runs exactly once whatever plan
   * the UPDATE gets (a subquery could be rescanned as the inner side of a join).
   */
  private async lease(
    options: ClaimOptions,
    pick: (
      db: Kysely<Database>,
    ) => SelectQueryBuilder<Database & { d: DeliveriesTable }, 'd', DeliveryKeyRow>,
  ): Promise<DeliveryRecord[]> {
    const lockedUntil = toDbTime(new Date(options.now.getTime() + options.leaseMs));
    const rows = await this.run(() => {
      let picked = pick(this.db);
      if (this.dialect === 'postgres') picked = picked.forUpdate().skipLocked();
      return this.db
        .with('picked', () => picked)
        .updateTable('deliveries')
        .set({ locked_by: options.workerId, locked_until: lockedUntil, updated_at: this.now() })
        .where((eb) =>
          eb(
            eb.refTuple('peer_id', 'module', 'country_code', 'party_id', 'object_id'),
            'in',
            eb
              .selectFrom('picked')
              .select([
                'picked.peer_id',
                'picked.module',
                'picked.country_code',
                'picked.party_id',
                'picked.object_id',
              ])
              .$asTuple('peer_id', 'module', 'country_code', 'party_id', 'object_id'),
          ),
        )
        .returningAll()
        .execute();
    });
    return rows.map(deliveryFromRow).sort(byDue);
  }

  async acknowledge(record: DeliveryRecord, workerId: string, sentRevision: number): Promise<boolean> {
    const now = this.now();
    const sent = Math.floor(sentRevision);
    // The acknowledged revision after this call, as SQL (it only ever goes up).
    const acked = sql<number>`case when acked_revision is null or acked_revision < ${sent} then ${sent} else acked_revision end`;
    return this.updateHeld(record, workerId, now, () => ({
      acked_revision: acked,
      state: sql<DeliveryState>`case when pending_revision <= ${acked} then 'DONE' else 'PENDING' end`,
      next_attempt_at: sql<string>`case when pending_revision <= ${acked} then next_attempt_at else ${now} end`,
      attempts: 0,
      first_failure_at: null,
      last_error: null,
      force_put: 0,
    }));
  }

  async reschedule(
    record: DeliveryRecord,
    workerId: string,
    update: { nextAttemptAt: Date; error: string; firstFailureAt: Date },
  ): Promise<boolean> {
    return this.updateHeld(record, workerId, this.now(), (eb) => ({
      attempts: eb('attempts', '+', 1),
      next_attempt_at: toDbTime(update.nextAttemptAt),
      last_error: update.error,
      first_failure_at: eb.fn.coalesce('first_failure_at', eb.val(toDbTime(update.firstFailureAt))),
    }));
  }

  async refuse(record: DeliveryRecord, workerId: string, error: string): Promise<boolean> {
    const now = this.now();
    return this.updateHeld(record, workerId, now, (eb) => ({
      state: 'REFUSED' as const,
      attempts: eb('attempts', '+', 1),
      first_failure_at: eb.fn.coalesce('first_failure_at', eb.val(now)),
      last_error: error,
    }));
  }

  /**
   * Applies `changes` to the row of `record` and ends its lease (updated_at `now`), only while
   * `workerId` holds that lease. False when it no longer does (nothing is written then).
   */
  private async updateHeld(
    record: DeliveryRecord,
    workerId: string,
    now: string,
    changes: (eb: DeliveriesExpressionBuilder) => UpdateObject<Database, 'deliveries'>,
  ): Promise<boolean> {
    const result = await this.run(() =>
      this.db
        .updateTable('deliveries')
        .set((eb) => ({ ...changes(eb), locked_by: null, locked_until: null, updated_at: now }))
        .where((eb) => heldCondition(eb, record, workerId))
        .executeTakeFirst(),
    );
    return result.numUpdatedRows > 0n;
  }

  async parkPeer(peerId: string, update: { nextProbeAt: Date; error: string }): Promise<number> {
    // Leases are kept: a worker still sending one of these rows may yet acknowledge it.
    const result = await this.run(() =>
      this.db
        .updateTable('deliveries')
        .set({
          state: 'PARKED',
          next_attempt_at: toDbTime(update.nextProbeAt),
          last_error: update.error,
          updated_at: this.now(),
        })
        .where('peer_id', '=', peerId)
        .where('state', '=', 'PENDING')
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows);
  }

  async deferProbe(peerId: string, update: { nextProbeAt: Date; error: string }): Promise<number> {
    const result = await this.run(() =>
      this.db
        .updateTable('deliveries')
        .set({
          next_attempt_at: toDbTime(update.nextProbeAt),
          last_error: update.error,
          locked_by: null,
          locked_until: null,
          updated_at: this.now(),
        })
        .where('peer_id', '=', peerId)
        .where('state', '=', 'PARKED')
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows);
  }

  async unpark(filter: { peerId?: string; refused?: boolean }, now: Date): Promise<number> {
    // The failure run is over: attempts and first_failure_at restart (else the first new failure
    // would count from the old one and park the peer again at once). The lease is kept, so the
    // worker whose probe just succeeded can still acknowledge its row.
    const at = toDbTime(now);
    const result = await this.run(() => {
      let query = this.db
        .updateTable('deliveries')
        .set({
          state: 'PENDING',
          force_put: 1,
          next_attempt_at: at,
          attempts: 0,
          first_failure_at: null,
          updated_at: this.now(),
        })
        .where('state', 'in', filter.refused ? ['PARKED', 'REFUSED'] : ['PARKED']);
      if (filter.peerId !== undefined) query = query.where('peer_id', '=', filter.peerId);
      return query.executeTakeFirst();
    });
    return Number(result.numUpdatedRows);
  }

  async get(peerId: string, module: ObjectModule, key: ObjectKey): Promise<DeliveryRecord | undefined> {
    const row = await this.run(() =>
      this.db
        .selectFrom('deliveries')
        .selectAll()
        .where((eb) => keyCondition(eb, peerId, module, key))
        .executeTakeFirst(),
    );
    return row && deliveryFromRow(row);
  }

  async list(filter: DeliveryListFilter = {}): Promise<DeliveryRecord[]> {
    const states = filter.state === undefined ? undefined : ([] as DeliveryState[]).concat(filter.state);
    if (states?.length === 0) return [];
    const limit = Math.floor(filter.limit ?? DEFAULT_LIST_LIMIT);
    if (limit <= 0) return [];
    const rows = await this.run(() => {
      let query = this.db.selectFrom('deliveries').selectAll();
      if (states) query = query.where('state', 'in', states);
      if (filter.peerId !== undefined) query = query.where('peer_id', '=', filter.peerId);
      if (filter.module !== undefined) query = query.where('module', '=', filter.module);
      return query
        .orderBy('next_attempt_at')
        .orderBy('peer_id')
        .orderBy('module')
        .orderBy('country_code')
        .orderBy('party_id')
        .orderBy('object_id')
        .limit(limit)
        .execute();
    });
    return rows.map(deliveryFromRow);
  }

  async counts(): Promise<{ peerId: string; state: DeliveryState; count: number }[]> {
    const rows = await this.run(() =>
      this.db
        .selectFrom('deliveries')
        .select((eb) => ['peer_id', 'state', eb.fn.countAll().as('count')])
        .groupBy(['peer_id', 'state'])
        .orderBy('peer_id')
        .orderBy('state')
        .execute(),
    );
    return rows.map((row) => {
      if (!DELIVERY_STATES.includes(row.state)) {
        throw new StoreError(`deliveries.state holds ${JSON.stringify(row.state)}`);
      }
      return { peerId: row.peer_id, state: row.state, count: Number(row.count) };
    });
  }

  async deleteForPeer(peerId: string): Promise<number> {
    const result = await this.run(() =>
      this.db.deleteFrom('deliveries').where('peer_id', '=', peerId).executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }
}
