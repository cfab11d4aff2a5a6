/**
 * PeerRepository over Kysely. Given the root `Kysely` it runs each call on its own; given a
 * `Transaction` (which is a `Kysely`) every call joins that transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { isOcpiVersion } from '../protocol/index.js';
import { PeerNotFoundError, StoreError } from './errors.js';
import { KyselyRepository, type RepositoryContext } from './repository.js';
import { type Database, fromDbTime, type PeersTable, toDbTime } from './schema.js';
import { isTokenHash } from './tokens.js';
import {
  type NewPeer,
  PEER_STATUSES,
  type PeerChanges,
  type PeerListFilter,
  type PeerRecord,
  type PeerRepository,
  type PeerStatus,
} from './types.js';

/** Statuses in which the token hash opens the door. */
const ACTIVE: readonly PeerStatus[] = ['INVITED', 'REGISTERED'];

function checkHash(hash: string | null | undefined): void {
  // Catches the one mistake that would matter most: a token stored in clear instead of its hash.
  if (hash !== null && hash !== undefined && !isTokenHash(hash)) {
    throw new TypeError('incomingTokenHash must be a SHA-256 hex digest (hashToken), never the token itself');
  }
}

function parseJsonArray<T>(text: string, column: string): T[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StoreError(`${column} holds invalid JSON`);
  }
  if (!Array.isArray(value)) throw new StoreError(`${column} holds JSON that is not an array`);
  return value as T[];
}

export function peerFromRow(row: Selectable<PeersTable>): PeerRecord {
  const { version } = row;
  if (version !== null && !isOcpiVersion(version)) {
    throw new StoreError(`peers.version holds ${JSON.stringify(version)}, not a version this build speaks`);
  }
  if (!PEER_STATUSES.includes(row.status)) {
    throw new StoreError(`peers.status holds ${JSON.stringify(row.status)}`);
  }
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    incomingTokenHash: row.incoming_token_hash,
    outgoingToken: row.outgoing_token,
    versionsUrl: row.versions_url,
    version,
    endpoints: parseJsonArray(row.endpoints, 'peers.endpoints'),
    roles: parseJsonArray(row.roles, 'peers.roles'),
    createdAt: fromDbTime(row.created_at, 'peers.created_at'),
    updatedAt: fromDbTime(row.updated_at, 'peers.updated_at'),
  };
}

/** The columns for the given changes; keys that are absent or undefined are left out. */
export function peerChangesToRow(changes: PeerChanges): Updateable<PeersTable> {
  const row: Updateable<PeersTable> = {};
  if (changes.name !== undefined) row.name = changes.name;
  if (changes.status !== undefined) row.status = changes.status;
  if (changes.incomingTokenHash !== undefined) row.incoming_token_hash = changes.incomingTokenHash;
  if (changes.outgoingToken !== undefined) row.outgoing_token = changes.outgoingToken;
  if (changes.versionsUrl !== undefined) row.versions_url = changes.versionsUrl;
  if (changes.version !== undefined) row.version = changes.version;
  if (changes.endpoints !== undefined) row.endpoints = JSON.stringify(changes.endpoints);
  if (changes.roles !== undefined) row.roles = JSON.stringify(changes.roles);
  return row;
}

export class KyselyPeerRepository extends KyselyRepository implements PeerRepository {
  constructor(db: Kysely<Database>, context: RepositoryContext) {
    super(db, context, 'peers');
  }

  async create(peer: NewPeer): Promise<PeerRecord> {
    checkHash(peer.incomingTokenHash);
    const now = toDbTime(this.context.now());
    const row = await this.run(() =>
      this.db
        .insertInto('peers')
        .values({
          id: randomUUID(),
          name: peer.name,
          status: peer.status,
          incoming_token_hash: peer.incomingTokenHash ?? null,
          outgoing_token: peer.outgoingToken ?? null,
          versions_url: peer.versionsUrl ?? null,
          version: peer.version ?? null,
          endpoints: JSON.stringify(peer.endpoints ?? []),
          roles: JSON.stringify(peer.roles ?? []),
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return peerFromRow(row);
  }

  async findById(id: string): Promise<PeerRecord | undefined> {
    const row = await this.run(() =>
      this.db.selectFrom('peers').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row && peerFromRow(row);
  }

  async findByIncomingTokenHash(hash: string): Promise<PeerRecord | undefined> {
    // An indexed equality lookup on the hash is safe against timing attacks: what timing could
    // reveal is how much of the *hash* of the attacker's own guess matches, which says nothing
    // about which token would match (SHA-256 is preimage resistant). The hash is checked for
    // shape so a raw token passed by mistake fails loudly instead of never matching.
    checkHash(hash);
    const row = await this.run(() =>
      this.db
        .selectFrom('peers')
        .selectAll()
        .where('incoming_token_hash', '=', hash)
        .where('status', 'in', ACTIVE)
        .executeTakeFirst(),
    );
    return row && peerFromRow(row);
  }

  async update(id: string, changes: PeerChanges): Promise<PeerRecord> {
    checkHash(changes.incomingTokenHash);
    const set = { ...peerChangesToRow(changes), updated_at: toDbTime(this.context.now()) };
    const row = await this.run(() =>
      this.db.updateTable('peers').set(set).where('id', '=', id).returningAll().executeTakeFirst(),
    );
    if (!row) throw new PeerNotFoundError(id);
    return peerFromRow(row);
  }

  async list(filter: PeerListFilter = {}): Promise<PeerRecord[]> {
    const statuses = filter.status === undefined ? undefined : ([] as PeerStatus[]).concat(filter.status);
    if (statuses?.length === 0) return [];
    const rows = await this.run(() => {
      let query = this.db.selectFrom('peers').selectAll();
      if (statuses) query = query.where('status', 'in', statuses);
      return query.orderBy('created_at').orderBy('id').execute();
    });
    return rows.map(peerFromRow);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.run(() => this.db.deleteFrom('peers').where('id', '=', id).executeTakeFirst());
    return result.numDeletedRows > 0n;
  }
}
