/**
 * The storage contract the platform is written against. Two implementations of one code path
 * (Kysely over SQLite and over PostgreSQL); repositories speak in these records, never in rows.
 */
import type { OcpiVersion } from '../protocol/index.js';

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
  close(): Promise<void>;
}
