/**
 * The storage contract the platform is written against. Two implementations of one code path
 * (Kysely over SQLite and over PostgreSQL); repositories speak in these records, never in rows.
 */
import type { OcpiVersion } from '../protocol/index.js';
import type { CommandRepository } from './commands.js';

/** A connection with another OCPI platform, made (or being made) by the credentials handshake. */
export interface PeerRecord {
  /** Our id for the peer (a UUID). */
  id: string;
  /** A name for people (`roamkit peers invite --name`). */
  name: string | null;
  /**
   * INVITED: we issued a token A and wait for the peer to register with it.
   * REGISTERED: credentials exchanged; both sides hold a token for the other.
   * UNREGISTERED: the connection was ended (DELETE credentials, either side); tokens are void.
   */
  status: 'INVITED' | 'REGISTERED' | 'UNREGISTERED';
  /** SHA-256 (hex) of the token the peer presents to us now (token A while INVITED, then the token we handed over). */
  incomingTokenHash: string | null;
  /** The token we present to the peer, as the peer gave it (needed in clear to send it). */
  outgoingToken: string | null;
  /** The peer's versions URL (from its credentials, or given to `peers register`). */
  versionsUrl: string | null;
  /** The version negotiated with the peer. */
  version: OcpiVersion | null;
  /** The peer's endpoints for that version, canonical (2.3.0 Endpoint shape: identifier, role, url). */
  endpoints: { identifier: string; role: 'SENDER' | 'RECEIVER'; url: string }[];
  /** The peer's parties, canonical CredentialsRole objects (role, business_details, party_id, country_code). */
  roles: Record<string, unknown>[];
  createdAt: Date;
  updatedAt: Date;
}

export type PeerStatus = PeerRecord['status'];
export const PEER_STATUSES: readonly PeerStatus[] = ['INVITED', 'REGISTERED', 'UNREGISTERED'];

export type NewPeer = Pick<PeerRecord, 'name' | 'status'> &
  Partial<Omit<PeerRecord, 'id' | 'createdAt' | 'updatedAt'>>;
/** Fields to change; a key left out (or `undefined`) is kept, `null` clears it. */
export type PeerChanges = Partial<Omit<PeerRecord, 'id' | 'createdAt' | 'updatedAt'>>;

export interface PeerListFilter {
  /** Only peers in this status (or any of these). */
  status?: PeerStatus | readonly PeerStatus[];
}

export interface PeerRepository {
  /** Throws UniqueViolationError when `incomingTokenHash` is already held by another peer. */
  create(peer: NewPeer): Promise<PeerRecord>;
  findById(id: string): Promise<PeerRecord | undefined>;
  /** The peer presenting this token (hash of it); only INVITED and REGISTERED peers are found. */
  findByIncomingTokenHash(hash: string): Promise<PeerRecord | undefined>;
  /** Throws PeerNotFoundError for an unknown id, UniqueViolationError for a token hash in use. */
  update(id: string, changes: PeerChanges): Promise<PeerRecord>;
  /** Oldest first (created_at, then id). */
  list(filter?: PeerListFilter): Promise<PeerRecord[]>;
  /**
   * Removes the row; false when there was none. For undoing a handshake that failed before
   * anything was agreed (ended connections are kept as UNREGISTERED instead).
   */
  delete(id: string): Promise<boolean>;
}

/**
 * Small facts about this node kept with its data, as JSON values by key; e.g. the public URL
 * `roamkit serve` last ran with, so `roamkit peers invite --db` can print our versions URL.
 */
export interface NodeMetaRepository {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
}

/** What a transaction's callback gets: the repositories bound to the transaction. */
export type StoreScope = Omit<Store, 'transaction' | 'close' | 'migrate'>;

/** One database: its repositories, transactions, health and shutdown. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly peers: PeerRepository;
  readonly meta: NodeMetaRepository;
  readonly objects: ObjectRepository;
  readonly deliveries: DeliveryRepository;
  /** Remote commands, sent and received (src/store/commands.ts). */
  readonly commands: CommandRepository;
  /**
   * Runs `fn` in one transaction with repositories bound to it; rolls back if it throws. Inside
   * `fn` use only `tx`: the outer store throws there (on SQLite it would wait for the
   * transaction's own connection forever). Never hold a transaction across a network call.
   */
  transaction<T>(fn: (tx: StoreScope) => Promise<T>): Promise<T>;
  /** Applies every migration not applied yet (idempotent). */
  migrate(): Promise<void>;
  /** A cheap round trip to the database, for /health. */
  ping(): Promise<boolean>;
  /**
   * An opaque value that is different after any write to the database, by this process or
   * another, committed or rolled back. What is read after taking a stamp is at least as new as
   * the state the stamp names, so an answer computed from reads made after taking stamp S may be
   * reused for as long as the stamp is still S (an exact cache check, no time to live).
   * Synchronous and cheap: no round trip. Undefined where the database has no cheap exact one
   * (PostgreSQL), or when it cannot be read right now: then nothing may be reused.
   */
  changeStamp(): string | undefined;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// OCPI objects a party publishes (Locations, Tariffs): ours, and those peers push to us.

/** Modules whose objects live in the `ocpi_objects` table. */
export type ObjectModule = 'locations' | 'tariffs' | 'tokens' | 'sessions' | 'cdrs';
export const OBJECT_MODULES: readonly ObjectModule[] = ['locations', 'tariffs', 'tokens', 'sessions', 'cdrs'];

/** An object's identity: its owner party and its id (OCPI ids are natural keys per party). */
export interface ObjectKey {
  countryCode: string;
  partyId: string;
  /** Location id, Tariff id, Session id, CDR id; a Token's is `{type}:{uid}` (see tokenObjectId). */
  id: string;
}

/** A party as owner of objects. */
export interface PartyKey {
  countryCode: string;
  partyId: string;
}

/**
 * One stored object, in the canonical model (2.3.0 shape). Each change raises `revision` by one;
 * the delivery rows of our own objects say which revision each peer has acknowledged.
 */
export interface OcpiObjectRecord {
  module: ObjectModule;
  key: ObjectKey;
  /** Null: the object is ours (a party this node hosts). Else the peer that sent it to us. */
  peerId: string | null;
  /** 1 when created, +1 on every change (put or delete). */
  revision: number;
  /** The canonical document. */
  data: Record<string, unknown>;
  /**
   * The document as it was at `revision - 1` (null when created at this revision or before that
   * was deleted): lets the delivery worker send a peer that holds the previous revision a PATCH
   * of what changed instead of the whole object.
   */
  previous: { revision: number; data: Record<string, unknown> } | null;
  /** The object's `last_updated`. */
  lastUpdated: Date;
  /** When the object was first stored (the store's clock); the Sender list is in this order. */
  createdAt: Date;
  /** A tombstone (a DELETEd tariff): kept so the delivery worker can send the DELETE. */
  deleted: boolean;
  /** Locations: the canonical `publish` flag (true when absent); tariffs: always true. */
  published: boolean;
  /** When this row last changed (the store's clock). */
  updatedAt: Date;
  /**
   * The one party the object is for (a Session or CDR: the eMSP of the token used), or null when
   * it goes to every peer of the module.
   */
  audience: PartyKey | null;
}

/**
 * A stored object without its documents (`data`, `previous`): what a list page needs to decide
 * which objects it serves and whether their converted form is already cached, read from the list
 * index alone.
 */
export type OcpiObjectHead = Omit<OcpiObjectRecord, 'data' | 'previous'>;

export interface PutObjectInput {
  module: ObjectModule;
  key: ObjectKey;
  peerId: string | null;
  data: Record<string, unknown>;
  lastUpdated: Date;
  /** Default: `data.publish !== false`. */
  published?: boolean;
  /** The one party the object is for (default: null, every peer of the module). */
  audience?: PartyKey | null;
}

export interface ObjectListFilter {
  module: ObjectModule;
  /** Null: only our own objects. A string: only objects received from that peer. Undefined: both. */
  peerId?: string | null;
  /** Only objects of these owners. */
  parties?: readonly PartyKey[];
  /** Inclusive lower bound on last_updated. */
  dateFrom?: Date;
  /** Exclusive upper bound on last_updated. */
  dateTo?: Date;
  /** Only objects with published = true. */
  publishedOnly?: boolean;
  /** Only objects for everyone or for one of these parties (audience null or one of them). */
  audience?: readonly PartyKey[];
  /** Include tombstones (default false). */
  includeDeleted?: boolean;
}

export interface ObjectRepository {
  get(module: ObjectModule, key: ObjectKey): Promise<OcpiObjectRecord | undefined>;
  /**
   * Creates or replaces the object (also revives a tombstone): revision + 1, the replaced live
   * document becomes `previous`. Returns the stored record.
   */
  put(input: PutObjectInput): Promise<OcpiObjectRecord>;
  /**
   * Many puts in the calling transaction (pull sync pages, imports). With `skipOlder`, an input
   * whose lastUpdated is older than the stored object's is left out (a late or repeated message
   * never turns the clock back). Returns the number of objects written.
   */
  putMany(
    inputs: readonly PutObjectInput[],
    options?: {
      skipOlder?: boolean;
      /** Objects already stored (a CDR: never changed once sent) are left as they are. */
      insertOnly?: boolean;
    },
  ): Promise<number>;
  /** Turns the object into a tombstone (revision + 1); undefined when there is no live object. */
  markDeleted(module: ObjectModule, key: ObjectKey, lastUpdated: Date): Promise<OcpiObjectRecord | undefined>;
  /**
   * Ordered by createdAt, then country_code, party_id, id: oldest first, so an object updated
   * while a client reads the pages keeps its place and offset pages skip nothing.
   */
  list(filter: ObjectListFilter, page: { offset: number; limit: number }): Promise<OcpiObjectRecord[]>;
  /**
   * `list` without the documents: the same objects in the same order, each without `data` and
   * `previous` (no JSON read or parsed). With `getMany` for the objects not cached, a list page
   * reads only the documents it has to convert.
   */
  listHeads(filter: ObjectListFilter, page: { offset: number; limit: number }): Promise<OcpiObjectHead[]>;
  /**
   * The full records of these keys of `module` (tombstones included), in no particular order; a
   * key with no row is left out, a key named twice is read once. One query per few hundred keys.
   */
  getMany(module: ObjectModule, keys: readonly ObjectKey[]): Promise<OcpiObjectRecord[]>;
  count(filter: ObjectListFilter): Promise<number>;
  /**
   * Every matching object in list order (createdAt, then key), read in batches (keyset pagination
   * on those columns, memory stays flat).
   */
  iterate(filter: ObjectListFilter, batchSize?: number): AsyncIterable<OcpiObjectRecord>;
}

// ---------------------------------------------------------------------------------------------
// Delivery state: which revision of which of our objects each peer has acknowledged.

/**
 * PENDING: the peer should get the object's current state (due at nextAttemptAt).
 * PARKED: the peer is unreachable; waits for the peer to answer a probe again.
 * REFUSED: the peer answered this object with an OCPI client error (2xxx): retrying the same
 *   state cannot help; waits for the object to change or an operator to retry it. The peer is
 *   not unreachable: its other rows go on.
 * DONE: the peer has acknowledged pendingRevision (ackedRevision >= pendingRevision).
 */
export type DeliveryState = 'PENDING' | 'PARKED' | 'REFUSED' | 'DONE';
export const DELIVERY_STATES: readonly DeliveryState[] = ['PENDING', 'PARKED', 'REFUSED', 'DONE'];

/** One row per (peer, object): not a copy of a message, just what is owed and what was acknowledged. */
export interface DeliveryRecord {
  peerId: string;
  module: ObjectModule;
  key: ObjectKey;
  /** The newest revision the peer should get. */
  pendingRevision: number;
  /** The revision the peer last acknowledged (null: never). */
  ackedRevision: number | null;
  state: DeliveryState;
  /** Send the whole object (PUT) even when a PATCH would do: set after an outage. */
  forcePut: boolean;
  /** Failed attempts since the last success. */
  attempts: number;
  nextAttemptAt: Date;
  /** When the current run of failures began (null after a success). */
  firstFailureAt: Date | null;
  lastError: string | null;
  /** The worker holding the row, until lockedUntil (a lease: a crashed worker's rows come free). */
  lockedBy: string | null;
  lockedUntil: Date | null;
  updatedAt: Date;
}

export interface ClaimOptions {
  workerId: string;
  now: Date;
  /** Most rows to take. */
  limit: number;
  /** How long the claim holds (lockedUntil = now + leaseMs). */
  leaseMs: number;
}

export interface DeliveryListFilter {
  state?: DeliveryState | readonly DeliveryState[];
  peerId?: string;
  module?: ObjectModule;
  /** Default 1000. */
  limit?: number;
}

export interface DeliveryRepository {
  /**
   * Marks `revision` of the object as owed to each peer (in the caller's transaction, beside the
   * data change): inserts the row or raises its pendingRevision, state PENDING due now (a row
   * waiting out a retry backoff keeps its time; a REFUSED row is tried again, the object changed).
   * A peer that has PARKED rows is unreachable: its row is PARKED too, and goes when it is back.
   */
  markPending(
    peerIds: readonly string[],
    module: ObjectModule,
    key: ObjectKey,
    revision: number,
  ): Promise<void>;
  /**
   * Takes up to `limit` PENDING rows due at `now` and not leased by another worker (PostgreSQL:
   * FOR UPDATE SKIP LOCKED, so workers sharing the database never take the same row).
   */
  claim(options: ClaimOptions): Promise<DeliveryRecord[]>;
  /** PARKED rows due for a probe (nextAttemptAt <= now), at most one per peer, leased like claim. */
  claimProbes(options: ClaimOptions): Promise<DeliveryRecord[]>;
  /**
   * The peer has acknowledged `sentRevision`: ackedRevision = max(acked, sent); DONE when nothing
   * newer is owed, else PENDING due now; attempts, errors, forcePut and the lease cleared.
   * Only when `workerId` still holds the lease; returns false otherwise (nothing changed).
   */
  acknowledge(record: DeliveryRecord, workerId: string, sentRevision: number): Promise<boolean>;
  /** A failed attempt: attempts + 1, due again at nextAttemptAt, lease released. */
  reschedule(
    record: DeliveryRecord,
    workerId: string,
    update: { nextAttemptAt: Date; error: string; firstFailureAt: Date },
  ): Promise<boolean>;
  /**
   * This one row failed for a reason a retry will not mend (the peer refused the object with a
   * 2xxx): REFUSED, with its error, until the object changes (markPending) or an operator
   * retries it (`unpark` with `refused`). Only while `workerId` holds the lease.
   */
  refuse(record: DeliveryRecord, workerId: string, error: string): Promise<boolean>;
  /** The peer is unreachable: every PENDING row of the peer becomes PARKED, due for a probe at nextProbeAt. */
  parkPeer(peerId: string, update: { nextProbeAt: Date; error: string }): Promise<number>;
  /** A probe failed: the peer's PARKED rows are due for the next probe at nextProbeAt; leases released. */
  deferProbe(peerId: string, update: { nextProbeAt: Date; error: string }): Promise<number>;
  /**
   * The peer answers again (or an operator says retry): PARKED rows (and REFUSED ones too when
   * `refused`) → PENDING, forcePut, due now, attempts reset. Leases are kept, so the worker
   * whose probe just succeeded can still acknowledge its row.
   */
  unpark(filter: { peerId?: string; refused?: boolean }, now: Date): Promise<number>;
  get(peerId: string, module: ObjectModule, key: ObjectKey): Promise<DeliveryRecord | undefined>;
  /** Oldest nextAttemptAt first. */
  list(filter?: DeliveryListFilter): Promise<DeliveryRecord[]>;
  /** Rows per peer and state (for `roamkit outbox list` and the admin API). */
  counts(): Promise<{ peerId: string; state: DeliveryState; count: number }[]>;
  /** Forgets a peer's rows (the peer was unregistered). */
  deleteForPeer(peerId: string): Promise<number>;
}
