/**
 * The commands repository on SQLite and PostgreSQL: every change guarded by the state it
 * expects, so the races of the Commands module settle in the database (a result before the
 * synchronous answer, a result against the timeout sweep, a lease taken away from a worker).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandRepository, NewCommand } from '../../src/store/commands.js';
import type { SqlStore } from '../../src/store/database.js';
import {
  freshStores,
  pgAvailability,
  postgresTarget,
  type StoreTarget,
  sqliteMemoryTarget,
} from '../store/targets.js';

const T = Date.parse('2026-11-25T10:00:00Z');
const at = (seconds: number) => new Date(T + seconds * 1000);

let n = 0;
function command(overrides: Partial<NewCommand> = {}): NewCommand {
  n++;
  return {
    id: `cmd-${n}-${Math.random().toString(36).slice(2, 8)}`,
    side: 'SENT',
    peerId: 'peer-1',
    version: '2.2.1',
    command: 'UNLOCK_CONNECTOR',
    request: { response_url: `https://emsp.example.com/ocpi/2.2.1/sender/commands/UNLOCK_CONNECTOR/${n}` },
    state: 'SENDING',
    ...overrides,
  };
}

function suite(target: StoreTarget, skip: string | false) {
  describe(target.label, { skip }, () => {
    const open = freshStores(target);
    let store: SqlStore;
    let repo: CommandRepository;
    const fresh = async () => {
      store = (await open(() => new Date(T))).store;
      repo = store.commands;
    };

    it('a command sent: the answer, then the result', async () => {
      await fresh();
      const c = await repo.insert(command());
      assert.equal(c.state, 'SENDING');
      const waiting = await repo.recordResponse(
        c.id,
        { result: 'ACCEPTED', timeout: 30 },
        { state: 'WAITING', deadline: at(30) },
      );
      assert.equal(waiting?.state, 'WAITING');
      assert.deepEqual(waiting?.deadline, at(30));
      const taken = await repo.recordResult(c.id, { result: 'ACCEPTED' });
      assert.equal(taken?.reception, 'completed');
      assert.equal(taken?.record.outcome, 'ACCEPTED');
      assert.equal(taken?.record.state, 'DONE');
      assert.ok(taken?.record.completedAt);
      const again = await repo.recordResult(c.id, { result: 'FAILED' });
      assert.equal(again?.reception, 'repeated');
      assert.equal(again?.record.outcome, 'ACCEPTED', 'the first result stays');
    });

    it('a result faster than the answer: the command is done; the answer is kept beside it', async () => {
      await fresh();
      const c = await repo.insert(command());
      assert.equal((await repo.recordResult(c.id, { result: 'EVSE_OCCUPIED' }))?.reception, 'completed');
      const after = await repo.recordResponse(
        c.id,
        { result: 'ACCEPTED', timeout: 30 },
        { state: 'WAITING', deadline: at(30) },
      );
      assert.equal(after?.state, 'DONE');
      assert.equal(after?.outcome, 'EVSE_OCCUPIED');
      assert.equal(after?.response?.result, 'ACCEPTED');
      assert.equal(after?.deadline, null);
    });

    it('a refusal ends the command; an error only a command still on its way', async () => {
      await fresh();
      const refused = await repo.insert(command());
      const done = await repo.recordResponse(
        refused.id,
        { result: 'UNKNOWN_SESSION', timeout: 30 },
        { state: 'DONE', outcome: 'UNKNOWN_SESSION' },
      );
      assert.equal(done?.outcome, 'UNKNOWN_SESSION');
      assert.equal(await repo.recordError(refused.id, { message: 'late error' }), undefined);
      const failed = await repo.insert(command());
      const error = await repo.recordError(failed.id, { statusCode: 2003, message: 'unknown location' });
      assert.equal(error?.outcome, 'ERROR');
      assert.deepEqual(error?.error, { statusCode: 2003, message: 'unknown location' });
    });

    it('the timeout sweep ends only overdue waiting commands; a result after it is late', async () => {
      await fresh();
      const due = await repo.insert(command());
      const later = await repo.insert(command());
      await repo.recordResponse(
        due.id,
        { result: 'ACCEPTED', timeout: 10 },
        { state: 'WAITING', deadline: at(10) },
      );
      await repo.recordResponse(
        later.id,
        { result: 'ACCEPTED', timeout: 60 },
        { state: 'WAITING', deadline: at(60) },
      );
      assert.deepEqual(await repo.expire('SENT', at(9)), []);
      const expired = await repo.expire('SENT', at(10));
      assert.deepEqual(
        expired.map((r) => [r.id, r.outcome]),
        [[due.id, 'TIMEOUT']],
      );
      assert.deepEqual(await repo.expire('SENT', at(11)), [], 'once');
      assert.equal((await repo.get(later.id))?.state, 'WAITING');
      const late = await repo.recordResult(due.id, { result: 'ACCEPTED' });
      assert.equal(late?.reception, 'late');
      assert.equal(late?.record.outcome, 'TIMEOUT');
      assert.equal(late?.record.result?.result, 'ACCEPTED');
      assert.equal((await repo.recordResult(due.id, { result: 'ACCEPTED' }))?.reception, 'repeated');
    });

    it('a reservation canceled by the CPO later: the RESERVE_NOW ends as CANCELED_RESERVATION', async () => {
      await fresh();
      const c = await repo.insert(command({ command: 'RESERVE_NOW', reference: '1001' }));
      await repo.recordResponse(
        c.id,
        { result: 'ACCEPTED', timeout: 30 },
        { state: 'WAITING', deadline: at(30) },
      );
      await repo.recordResult(c.id, { result: 'ACCEPTED' });
      const canceled = await repo.recordResult(c.id, { result: 'CANCELED_RESERVATION' });
      assert.equal(canceled?.reception, 'replaced');
      assert.equal(canceled?.record.outcome, 'CANCELED_RESERVATION');
      assert.equal(
        (await repo.recordResult(c.id, { result: 'CANCELED_RESERVATION' }))?.reception,
        'repeated',
      );
      const unlock = await repo.insert(command());
      await repo.recordResult(unlock.id, { result: 'ACCEPTED' });
      assert.equal(
        (await repo.recordResult(unlock.id, { result: 'CANCELED_RESERVATION' }))?.reception,
        'repeated',
        'only a RESERVE_NOW can be canceled',
      );
      const found = await repo.findByReference('peer-1', 'RESERVE_NOW', '1001');
      assert.deepEqual(
        found.map((r) => r.id),
        [c.id],
      );
    });

    it('a received command: the charge point answers in time, or TIMEOUT is posted instead', async () => {
      await fresh();
      const inTime = await repo.insert(command({ side: 'RECEIVED', state: 'WAITING', deadline: at(30) }));
      assert.equal(await repo.complete(inTime.id, { result: 'ACCEPTED' }), true);
      const done = await repo.get(inTime.id);
      assert.equal(done?.outcome, 'ACCEPTED');
      assert.equal(done?.delivery?.state, 'PENDING');
      assert.equal(await repo.complete(inTime.id, { result: 'FAILED' }), false, 'one result');

      const silent = await repo.insert(command({ side: 'RECEIVED', state: 'WAITING', deadline: at(30) }));
      const expired = await repo.expire('RECEIVED', at(31));
      assert.deepEqual(
        expired.map((r) => r.id),
        [silent.id],
      );
      assert.deepEqual(expired[0]?.result, { result: 'TIMEOUT' });
      assert.equal(expired[0]?.delivery?.state, 'PENDING');
      assert.equal(
        await repo.complete(silent.id, { result: 'ACCEPTED' }),
        false,
        'too late: TIMEOUT was posted',
      );
      assert.equal(
        await repo.recordResult(silent.id, { result: 'ACCEPTED' }),
        undefined,
        'not a command we sent',
      );

      const known = await repo.insert(
        command({
          side: 'RECEIVED',
          state: 'DONE',
          result: { result: 'UNKNOWN_RESERVATION' },
          outcome: 'UNKNOWN_RESERVATION',
        }),
      );
      assert.equal(known.delivery?.state, 'PENDING', 'a result known at once is posted');
    });

    it('the result outbox: leases, retries, a requeued result, giving up, an operator retry', async () => {
      await fresh();
      const a = await repo.insert(command({ side: 'RECEIVED', state: 'WAITING', deadline: at(30) }));
      const b = await repo.insert(command({ side: 'RECEIVED', state: 'WAITING', deadline: at(30) }));
      await repo.complete(a.id, { result: 'ACCEPTED' });
      await repo.complete(b.id, { result: 'REJECTED' });
      const now = new Date();
      const first = await repo.claimResults({ workerId: 'w1', now, limit: 10, leaseMs: 60_000 });
      assert.deepEqual(first.map((r) => r.id).sort(), [a.id, b.id].sort());
      assert.deepEqual(
        await repo.claimResults({ workerId: 'w2', now, limit: 10, leaseMs: 60_000 }),
        [],
        'leased',
      );
      assert.equal(await repo.resultDelivered(a.id, 'w2'), false, 'not the holder');
      assert.equal(await repo.resultDelivered(a.id, 'w1'), true);
      assert.equal((await repo.get(a.id))?.delivery?.state, 'DELIVERED');

      const retryAt = new Date(now.getTime() + 5000);
      assert.equal(
        await repo.rescheduleResult(b.id, 'w1', {
          nextAttemptAt: retryAt,
          error: 'HTTP 503',
          firstFailureAt: now,
        }),
        true,
      );
      const waiting = await repo.get(b.id);
      assert.equal(waiting?.delivery?.attempts, 1);
      assert.equal(waiting?.delivery?.lastError, 'HTTP 503');
      assert.deepEqual(
        await repo.claimResults({ workerId: 'w1', now, limit: 10, leaseMs: 60_000 }),
        [],
        'not due yet',
      );
      const [again] = await repo.claimResults({ workerId: 'w2', now: retryAt, limit: 10, leaseMs: 60_000 });
      assert.equal(again?.id, b.id);
      // A new result while w2's post is in flight: w2 can no longer mark it delivered.
      assert.equal(
        await repo.requeueResult(b.id, { result: 'CANCELED_RESERVATION' }, 'CANCELED_RESERVATION'),
        true,
      );
      assert.equal(await repo.resultDelivered(b.id, 'w2'), false);
      const [requeued] = await repo.claimResults({
        workerId: 'w3',
        now: retryAt,
        limit: 10,
        leaseMs: 60_000,
      });
      assert.deepEqual(requeued?.result, { result: 'CANCELED_RESERVATION' });
      assert.equal(requeued?.delivery?.attempts, 0);
      assert.equal(await repo.resultFailed(b.id, 'w3', 'refused: 2001'), true);
      assert.equal((await repo.get(b.id))?.delivery?.state, 'FAILED');
      assert.equal(await repo.retryResults({ peerId: 'peer-2' }, retryAt), 0);
      assert.equal(await repo.retryResults({ peerId: 'peer-1' }, retryAt), 1);
      assert.equal((await repo.get(b.id))?.delivery?.state, 'PENDING');
    });

    it('lists newest first, by side, peer, command and state', async () => {
      await fresh();
      const sent = await repo.insert(command({ peerId: 'p-a' }));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const got = await repo.insert(
        command({ side: 'RECEIVED', peerId: 'p-b', command: 'STOP_SESSION', state: 'WAITING' }),
      );
      assert.deepEqual(
        (await repo.list()).map((r) => r.id),
        [got.id, sent.id],
      );
      assert.deepEqual(
        (await repo.list({ side: 'SENT' })).map((r) => r.id),
        [sent.id],
      );
      assert.deepEqual(
        (await repo.list({ peerId: 'p-b', command: 'STOP_SESSION', state: ['WAITING'] })).map((r) => r.id),
        [got.id],
      );
      assert.deepEqual(await repo.list({ state: [] }), []);
    });
  });
}

const pg = await pgAvailability('the commands repository on PostgreSQL');

describe('commands repository', () => {
  suite(sqliteMemoryTarget(), false);
  suite(postgresTarget(), pg.skip);
});

describe('commands repository on PostgreSQL: two workers claiming at once', { skip: pg.skip }, () => {
  const open = freshStores(postgresTarget());
  it('never take the same post (FOR UPDATE SKIP LOCKED)', async () => {
    const { store, open: again } = await open(() => new Date(T));
    const other = again();
    const [r1, r2] = [store.commands, other.commands];
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const c = await r1.insert(command({ side: 'RECEIVED', state: 'WAITING', deadline: at(30) }));
      await r1.complete(c.id, { result: 'ACCEPTED' });
      ids.push(c.id);
    }
    const now = new Date();
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? r1 : r2).claimResults({ workerId: `w${i}`, now, limit: 7, leaseMs: 60_000 }),
      ),
    );
    const taken = claims.flat().map((r) => r.id);
    assert.equal(new Set(taken).size, taken.length, 'no post claimed twice');
    assert.deepEqual([...taken].sort(), [...ids].sort());
  });
});
