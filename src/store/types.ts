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

export type NewPeer = Pick<PeerRecord, 'name' | 'status'> & Partial<Omit<PeerRecord, 'id' | 'createdAt' | 'updatedAt'>>;
export type PeerChanges = Partial<Omit<PeerRecord, 'id' | 'createdAt' | 'updatedAt'>>;

export interface PeerRepository {
  create(peer: NewPeer): Promise<PeerRecord>;
  findById(id: string): Promise<PeerRecord | undefined>;
  /** The peer presenting this token (hash of it); only INVITED and REGISTERED peers are found. */
  findByIncomingTokenHash(hash: string): Promise<PeerRecord | undefined>;
  update(id: string, changes: PeerChanges): Promise<PeerRecord>;
  list(): Promise<PeerRecord[]>;
}

/** One database: its repositories, transactions, health and shutdown. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly peers: PeerRepository;
  /** Runs `fn` in one transaction with repositories bound to it; rolls back if it throws. */
  transaction<T>(fn: (tx: Omit<Store, 'transaction' | 'close' | 'migrate'>) => Promise<T>): Promise<T>;
  /** Applies every migration not applied yet (idempotent). */
  migrate(): Promise<void>;
  /** A cheap round trip to the database, for /health. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
