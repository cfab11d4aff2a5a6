/**
 * The store contract, run unchanged against every target (SQLite in memory and in a file,
 * PostgreSQL): whatever the platform relies on must hold on both dialects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { sql } from 'kysely';
import type { SqlStore } from '../../src/store/database.js';
import { PeerNotFoundError, StoreError, UniqueViolationError } from '../../src/store/errors.js';
import { MIGRATION_TABLE, migrations } from '../../src/store/migrations/index.js';
import { hashToken, newToken } from '../../src/store/tokens.js';
import type { NewPeer, PeerRecord } from '../../src/store/types.js';
import { manualClock as clockFrom, freshStores, type StoreTarget } from './targets.js';

/** A clock the test moves by hand. */
const manualClock = (start = '2024-02-29T23:59:59.123Z') => clockFrom(start);

const ENDPOINTS: PeerRecord['endpoints'] = [
  { identifier: 'credentials', role: 'SENDER', url: 'https://peer.example/ocpi/2.2.1/credentials' },
  { identifier: 'locations', role: 'RECEIVER', url: 'https://peer.example/ocpi/2.2.1/locations?x=1&y="2"' },
];
const ROLES: PeerRecord['roles'] = [
  {
    role: 'CPO',
    party_id: 'ÄBC',
    country_code: 'NL',
    business_details: {
      name: 'Ünïcødé "quoted" \\ back\nslash ⚡',
      logo: null,
      website: 'https://x.example',
    },
  },
  {
    role: 'EMSP',
    party_id: 'XYZ',
    country_code: 'DE',
    business_details: { name: 'Z' },
    extra: [1, 2.5, true],
  },
];

function invited(overrides: Partial<NewPeer> = {}): NewPeer {
  return { name: 'peer', status: 'INVITED', incomingTokenHash: hashToken(newToken()), ...overrides };
}

/** Fails instead of hanging when a promise does not settle in time (a deadlock would). */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function storeContractSuite(target: StoreTarget): void {
  describe(`store contract on ${target.label}`, () => {
    const openFresh = freshStores(target);
    /** A fresh migrated store (and the opener, to reopen its location). */
    const fresh = (clock = manualClock()) => openFresh(clock.now);

    it('creates a peer with defaults and finds it by id', async () => {
      const clock = manualClock();
      const { store } = await fresh(clock);
      const hash = hashToken('token-a');
      const created = await store.peers.create({ name: 'Acme', status: 'INVITED', incomingTokenHash: hash });
      assert.match(created.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(created, {
        id: created.id,
        name: 'Acme',
        status: 'INVITED',
        incomingTokenHash: hash,
        outgoingToken: null,
        versionsUrl: null,
        version: null,
        endpoints: [],
        roles: [],
        createdAt: clock.now(),
        updatedAt: clock.now(),
      });
      assert.deepEqual(await store.peers.findById(created.id), created);
      assert.equal(await store.peers.findById('00000000-0000-4000-8000-000000000000'), undefined);
    });

    it('updates the given fields only, clears with null, moves updatedAt and keeps createdAt', async () => {
      const clock = manualClock();
      const { store } = await fresh(clock);
      const peer = await store.peers.create(invited({ name: 'before', versionsUrl: 'https://p.example/v' }));
      clock.advance(60_000);
      const changes = {
        status: 'REGISTERED',
        incomingTokenHash: hashToken('token-c'),
        outgoingToken: 'token-b',
        version: '2.2.1',
        endpoints: ENDPOINTS,
        roles: ROLES,
      } as const;
      const updated = await store.peers.update(peer.id, { ...changes, name: undefined });
      assert.deepEqual(updated, { ...peer, ...changes, updatedAt: clock.now() });
      assert.equal(updated.name, 'before', 'an undefined change keeps the value');
      assert.deepEqual(await store.peers.findById(peer.id), updated);

      const cleared = await store.peers.update(peer.id, {
        name: null,
        versionsUrl: null,
        outgoingToken: null,
      });
      assert.equal(cleared.name, null);
      assert.equal(cleared.versionsUrl, null);
      assert.equal(cleared.outgoingToken, null);
      assert.equal(cleared.version, '2.2.1');
    });

    it('update of an unknown id throws PeerNotFoundError and writes nothing', async () => {
      const { store } = await fresh();
      await assert.rejects(
        store.peers.update('no-such-id', { name: 'x' }),
        (err) => err instanceof PeerNotFoundError && err.id === 'no-such-id',
      );
      assert.deepEqual(await store.peers.list(), []);
    });

    it('lists oldest first, filters by status, and deletes', async () => {
      const clock = manualClock();
      const { store } = await fresh(clock);
      // Created out of id order, and across a ten-fold change in time (text order = time order).
      const a = await store.peers.create(invited({ name: 'a' }));
      clock.advance(9_000);
      const b = await store.peers.create(invited({ name: 'b', status: 'REGISTERED' }));
      clock.advance(1_000_000);
      const c = await store.peers.create(invited({ name: 'c', status: 'UNREGISTERED' }));
      assert.deepEqual(
        (await store.peers.list()).map((p) => p.name),
        ['a', 'b', 'c'],
      );
      assert.deepEqual(
        (await store.peers.list({ status: 'REGISTERED' })).map((p) => p.id),
        [b.id],
      );
      assert.deepEqual(
        (await store.peers.list({ status: ['INVITED', 'UNREGISTERED'] })).map((p) => p.id),
        [a.id, c.id],
      );
      assert.deepEqual(await store.peers.list({ status: [] }), []);
      assert.equal(await store.peers.delete(b.id), true);
      assert.equal(await store.peers.delete(b.id), false);
      assert.deepEqual(
        (await store.peers.list()).map((p) => p.id),
        [a.id, c.id],
      );
    });

    it('findByIncomingTokenHash finds INVITED and REGISTERED peers, never UNREGISTERED ones', async () => {
      const { store } = await fresh();
      const tokens = { invited: newToken(), registered: newToken(), unregistered: newToken() };
      const inv = await store.peers.create(invited({ incomingTokenHash: hashToken(tokens.invited) }));
      const reg = await store.peers.create(
        invited({ status: 'REGISTERED', incomingTokenHash: hashToken(tokens.registered) }),
      );
      const unreg = await store.peers.create(
        invited({ status: 'UNREGISTERED', incomingTokenHash: hashToken(tokens.unregistered) }),
      );
      assert.equal((await store.peers.findByIncomingTokenHash(hashToken(tokens.invited)))?.id, inv.id);
      assert.equal((await store.peers.findByIncomingTokenHash(hashToken(tokens.registered)))?.id, reg.id);
      assert.equal(await store.peers.findByIncomingTokenHash(hashToken(tokens.unregistered)), undefined);
      assert.equal(await store.peers.findByIncomingTokenHash(hashToken('never issued')), undefined);

      // Unregistering an active peer closes the door at once.
      await store.peers.update(reg.id, { status: 'UNREGISTERED' });
      assert.equal(await store.peers.findByIncomingTokenHash(hashToken(tokens.registered)), undefined);
      // ... and reactivating reopens it (the lookup depends on status, not on row identity).
      await store.peers.update(unreg.id, { status: 'REGISTERED' });
      assert.equal((await store.peers.findByIncomingTokenHash(hashToken(tokens.unregistered)))?.id, unreg.id);
    });

    it('refuses a token in clear where a hash belongs, storing nothing', async () => {
      const { store } = await fresh();
      const token = newToken();
      await assert.rejects(store.peers.create(invited({ incomingTokenHash: token })), TypeError);
      await assert.rejects(store.peers.findByIncomingTokenHash(token), TypeError);
      const peer = await store.peers.create(invited());
      await assert.rejects(
        store.peers.update(peer.id, { incomingTokenHash: token.toUpperCase() }),
        TypeError,
      );
      assert.deepEqual(await store.peers.list(), [peer]);
    });

    it('keeps incoming token hashes unique; many peers may have none', async () => {
      const { store } = await fresh();
      const hash = hashToken(newToken());
      const first = await store.peers.create(invited({ incomingTokenHash: hash }));
      await assert.rejects(
        store.peers.create(invited({ name: 'dup', incomingTokenHash: hash })),
        (err) =>
          err instanceof UniqueViolationError &&
          err.table === 'peers' &&
          err.column === 'incoming_token_hash',
      );
      const other = await store.peers.create(invited());
      await assert.rejects(
        store.peers.update(other.id, { incomingTokenHash: hash }),
        (err) => err instanceof UniqueViolationError && err.column === 'incoming_token_hash',
      );
      assert.equal((await store.peers.findById(other.id))?.incomingTokenHash, other.incomingTokenHash);
      await store.peers.create(invited({ incomingTokenHash: null }));
      await store.peers.create(invited({ incomingTokenHash: null }));
      assert.equal((await store.peers.list()).length, 4);
      assert.equal((await store.peers.findByIncomingTokenHash(hash))?.id, first.id);
    });

    it('two concurrent creates with one token hash: exactly one wins', async () => {
      const { store } = await fresh();
      const hash = hashToken(newToken());
      const results = await Promise.allSettled([
        store.peers.create(invited({ name: 'x', incomingTokenHash: hash })),
        store.peers.create(invited({ name: 'y', incomingTokenHash: hash })),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const rejected = results.find((r) => r.status === 'rejected');
      assert.ok(rejected?.reason instanceof UniqueViolationError);
      assert.equal((await store.peers.list()).length, 1);
    });

    it('a committed transaction returns its value and its writes are visible', async () => {
      const { store } = await fresh();
      const existing = await store.peers.create(invited());
      const result = await store.transaction(async (tx) => {
        const created = await tx.peers.create(invited({ name: 'in tx' }));
        await tx.peers.update(existing.id, { status: 'REGISTERED', outgoingToken: 't' });
        await tx.meta.set('k', { v: 1 });
        assert.equal(tx.dialect, store.dialect);
        assert.equal(await tx.ping(), true);
        // Reads inside see the transaction's own writes.
        assert.equal((await tx.peers.findById(existing.id))?.status, 'REGISTERED');
        return created.id;
      });
      assert.equal((await store.peers.findById(result))?.name, 'in tx');
      assert.equal((await store.peers.findById(existing.id))?.status, 'REGISTERED');
      assert.deepEqual(await store.meta.get('k'), { v: 1 });
    });

    it('a transaction that throws leaves nothing half-written and rethrows the error', async () => {
      const { store } = await fresh();
      const existing = await store.peers.create(invited({ name: 'kept' }));
      const boom = new Error('boom');
      let createdId: string | undefined;
      await assert.rejects(
        store.transaction(async (tx) => {
          createdId = (await tx.peers.create(invited({ name: 'half' }))).id;
          await tx.peers.update(existing.id, { status: 'REGISTERED', name: 'changed', endpoints: ENDPOINTS });
          await tx.meta.set('half', true);
          throw boom;
        }),
        (err) => err === boom,
      );
      assert.ok(createdId);
      assert.equal(await store.peers.findById(createdId), undefined);
      assert.deepEqual(await store.peers.findById(existing.id), existing);
      assert.equal(await store.meta.get('half'), undefined);
    });

    it('a write failing inside a transaction rolls back the writes before it', async () => {
      const { store } = await fresh();
      const taken = hashToken(newToken());
      await store.peers.create(invited({ incomingTokenHash: taken }));
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.peers.create(invited({ name: 'first' }));
          await tx.peers.create(invited({ name: 'second', incomingTokenHash: taken }));
        }),
        UniqueViolationError,
      );
      assert.deepEqual(
        (await store.peers.list()).map((p) => p.name),
        ['peer'],
      );
    });

    it('using the outer store inside a transaction fails fast instead of deadlocking', async () => {
      const { store } = await fresh();
      await within(
        5000,
        assert.rejects(
          store.transaction(async (tx) => {
            await tx.peers.create(invited());
            await store.peers.list();
          }),
          (err) => err instanceof StoreError && /use the tx argument/.test(err.message),
        ),
      );
      await within(
        5000,
        assert.rejects(
          store.transaction(() => store.transaction(async () => 1)),
          /use the tx argument/,
        ),
      );
      assert.deepEqual(await store.peers.list(), [], 'the failed transaction rolled back');

      // A tx kept beyond its transaction is refused (it would run outside any transaction).
      let leaked: Parameters<Parameters<SqlStore['transaction']>[0]>[0] | undefined;
      await store.transaction(async (tx) => {
        leaked = tx;
      });
      await assert.rejects(leaked!.peers.list(), /transaction already finished/);
    });

    it('migrate twice is a no-op: same migrations recorded, data kept', async () => {
      const { store } = await fresh();
      const peer = await store.peers.create(invited({ endpoints: ENDPOINTS }));
      await store.migrate();
      await store.migrate();
      const recorded = await sql<{
        name: string;
      }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(store.db);
      assert.deepEqual(
        recorded.rows.map((r) => r.name),
        Object.keys(migrations),
      );
      assert.deepEqual(await store.peers.list(), [peer]);
    });

    it('JSON fields round-trip exactly (nested, unicode, quotes, unknown keys)', async () => {
      const { store } = await fresh();
      const peer = await store.peers.create(invited({ endpoints: ENDPOINTS, roles: ROLES }));
      const read = await store.peers.findById(peer.id);
      assert.deepEqual(read?.endpoints, ENDPOINTS);
      assert.deepEqual(read?.roles, ROLES);
      const updated = await store.peers.update(peer.id, { endpoints: [], roles: [ROLES[1]!] });
      assert.deepEqual((await store.peers.findById(peer.id))?.roles, [ROLES[1]]);
      assert.deepEqual(updated.endpoints, []);
    });

    it('dates round-trip to the millisecond as Date objects', async () => {
      for (const instant of [
        '2024-02-29T23:59:59.123Z',
        '1999-12-31T23:59:59.999Z',
        '2038-01-19T03:14:08.001Z',
      ]) {
        const clock = manualClock(instant);
        const { store } = await fresh(clock);
        const peer = await store.peers.create(invited());
        const read = await store.peers.findById(peer.id);
        assert.ok(read?.createdAt instanceof Date);
        assert.equal(read.createdAt.toISOString(), instant);
        assert.equal(read.updatedAt.getTime(), Date.parse(instant));
      }
    });

    it('node meta holds JSON values by key', async () => {
      const clock = manualClock();
      const { store } = await fresh(clock);
      assert.equal(await store.meta.get('public_url'), undefined);
      await store.meta.set('public_url', 'http://127.0.0.1:8080');
      clock.advance(1);
      await store.meta.set('public_url', 'https://node.example');
      await store.meta.set('parties', [{ country_code: 'NL', party_id: 'RMK', role: 'CPO' }]);
      assert.equal(await store.meta.get('public_url'), 'https://node.example');
      assert.deepEqual(await store.meta.get('parties'), [
        { country_code: 'NL', party_id: 'RMK', role: 'CPO' },
      ]);
      assert.equal(await store.meta.delete('public_url'), true);
      assert.equal(await store.meta.delete('public_url'), false);
      assert.equal(await store.meta.get('public_url'), undefined);
      await assert.rejects(store.meta.set('bad', undefined), TypeError);
    });

    it('ping answers true while open, false once closed; a closed store refuses work', async () => {
      const { store } = await fresh();
      assert.equal(await store.ping(), true);
      await store.close();
      assert.equal(await store.ping(), false);
      await assert.rejects(store.peers.list(), /store is closed/);
      await store.close(); // twice is fine
    });

    it('a failed write does not carry the outgoing token in its error', async () => {
      const { store } = await fresh();
      const secret = `secret-${newToken()}`;
      const error = await store.peers
        .create(invited({ outgoingToken: secret, status: 'BOGUS' as 'INVITED' }))
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      assert.ok(error instanceof StoreError, `expected a StoreError, got ${inspect(error)}`);
      assert.match(error.message, /peers_status_check/);
      assert.ok(!inspect(error, { depth: 10, showHidden: true }).includes(secret));
      assert.ok(!JSON.stringify(error).includes(secret));
      assert.deepEqual(await store.peers.list(), []);
    });

    if (target.persistent) {
      it('a store reopened on the same location sees the data', async () => {
        const { store, open } = await fresh();
        const peer = await store.peers.create(
          invited({ endpoints: ENDPOINTS, roles: ROLES, version: '2.3.0' }),
        );
        await store.meta.set('public_url', 'https://node.example');
        await store.close();
        const again = open();
        await again.migrate();
        assert.deepEqual(await again.peers.list(), [peer]);
        assert.equal((await again.peers.findByIncomingTokenHash(peer.incomingTokenHash!))?.id, peer.id);
        assert.equal(await again.meta.get('public_url'), 'https://node.example');
      });
    }
  });
}
