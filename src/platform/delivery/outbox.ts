/**
 * The outbox as operators see it: what each peer is owed, what waits because a peer is
 * unreachable or refused an object, and retrying parked and refused deliveries. Shared by the admin API
 * (GET /admin/outbox, POST /admin/outbox/retry) and `roamkit outbox --db`, so both check input
 * and answer alike.
 */
import { DELIVERY_STATES, type DeliveryRecord, type DeliveryState, type Store } from '../../store/types.js';

/** One delivery row, for people and scripts (no secrets in it: rows name peers by id). */
export interface OutboxEntry {
  peerId: string;
  module: DeliveryRecord['module'];
  countryCode: string;
  partyId: string;
  id: string;
  state: DeliveryState;
  pendingRevision: number;
  ackedRevision: number | null;
  forcePut: boolean;
  attempts: number;
  nextAttemptAt: string;
  firstFailureAt: string | null;
  lastError: string | null;
  lockedBy: string | null;
  lockedUntil: string | null;
  updatedAt: string;
}

export interface OutboxCount {
  peerId: string;
  state: DeliveryState;
  count: number;
}

export interface OutboxListing {
  deliveries: OutboxEntry[];
  /** Rows per peer and state, over the whole outbox (not only the rows listed). */
  counts: OutboxCount[];
}

export interface OutboxRetryResult {
  /** Parked and refused rows made due again (as PUTs of the current state). */
  retried: number;
}

export interface OutboxActions {
  list(filter?: { state?: unknown; peer?: unknown; limit?: unknown }): Promise<OutboxListing>;
  retry(input?: { peer?: unknown }): Promise<OutboxRetryResult>;
}

/** Bad input (`field` names it) or an unknown peer. */
export class OutboxError extends Error {
  override readonly name = 'OutboxError';
  constructor(
    readonly kind: 'bad_request' | 'not_found',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export function outboxEntry(record: DeliveryRecord): OutboxEntry {
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  return {
    peerId: record.peerId,
    module: record.module,
    countryCode: record.key.countryCode,
    partyId: record.key.partyId,
    id: record.key.id,
    state: record.state,
    pendingRevision: record.pendingRevision,
    ackedRevision: record.ackedRevision,
    forcePut: record.forcePut,
    attempts: record.attempts,
    nextAttemptAt: record.nextAttemptAt.toISOString(),
    firstFailureAt: iso(record.firstFailureAt),
    lastError: record.lastError,
    lockedBy: record.lockedBy,
    lockedUntil: iso(record.lockedUntil),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** A `state` filter: one state or a comma-separated list, any case. */
export function parseStateFilter(value: unknown): DeliveryState[] | undefined {
  if (value === undefined || value === '') return undefined;
  const parts = typeof value === 'string' ? value.split(',').map((s) => s.trim().toUpperCase()) : undefined;
  if (parts === undefined || parts.some((p) => !(DELIVERY_STATES as readonly string[]).includes(p))) {
    throw new OutboxError(
      'bad_request',
      `state: use ${DELIVERY_STATES.join(', ')} (or several, comma-separated)`,
      'state',
    );
  }
  return parts as DeliveryState[];
}

function parsePeer(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 200) {
    throw new OutboxError('bad_request', 'peer: must be a peer id (see peers list)', 'peer');
  }
  return value;
}

function parseLimit(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10_000) {
    throw new OutboxError('bad_request', 'limit: must be an integer from 1 to 10000', 'limit');
  }
  return n;
}

export function outboxActions(store: Store, now: () => Date = () => new Date()): OutboxActions {
  async function knownPeer(id: string | undefined): Promise<void> {
    if (id !== undefined && (await store.peers.findById(id)) === undefined) {
      throw new OutboxError('not_found', `no peer with id ${JSON.stringify(id)}`, 'peer');
    }
  }
  return {
    async list(filter = {}) {
      const state = parseStateFilter(filter.state);
      const peerId = parsePeer(filter.peer);
      const limit = parseLimit(filter.limit);
      await knownPeer(peerId);
      const rows = await store.deliveries.list({
        ...(state === undefined ? {} : { state }),
        ...(peerId === undefined ? {} : { peerId }),
        ...(limit === undefined ? {} : { limit }),
      });
      const counts = await store.deliveries.counts();
      return {
        deliveries: rows.map(outboxEntry),
        counts: peerId === undefined ? counts : counts.filter((c) => c.peerId === peerId),
      };
    },
    async retry(input = {}) {
      const peerId = parsePeer(input.peer);
      await knownPeer(peerId);
      // An operator's retry covers refused objects too (the peer may have fixed its side).
      const retried = await store.deliveries.unpark(
        { ...(peerId === undefined ? {} : { peerId }), refused: true },
        now(),
      );
      return { retried };
    },
  };
}
