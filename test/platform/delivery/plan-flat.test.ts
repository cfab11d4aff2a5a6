/**
 * The delivery plan of Tokens, Sessions and CDRs: which message brings a peer from what it
 * acknowledged to the current state. Tokens and Sessions are PUT whole or PATCHed by changed
 * top-level fields (a Token addressed by uid and, 2.2.1+, ?type=; a 2.2.1+ Session PATCH carries
 * only NEW charging periods, which the receiver adds); a CDR is always POSTed to the module URL.
 * Built on the spec's 2.3.0 Token, Session and CDR examples.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromCanonical } from '../../../src/model/convert/index.js';
import { defaultClientFactory } from '../../../src/platform/credentials.js';
import { type DeliveryMessage, planDelivery, receiverRow } from '../../../src/platform/delivery/plan.js';
import { createPublisher } from '../../../src/platform/delivery/publisher.js';
import { createDeliveryWorker } from '../../../src/platform/delivery/worker.js';
import { silentLogger } from '../../../src/platform/modules.js';
import type { OcpiVersion } from '../../../src/protocol/index.js';
import { hashToken } from '../../../src/store/tokens.js';
import type { ObjectModule, OcpiObjectRecord } from '../../../src/store/types.js';
import { assertValid } from '../../helpers/convert.js';
import { readExample } from '../../helpers/fixtures.js';
import { memoryStore } from '../../http/helpers.js';
import { deliveryConfig, eventually, scriptedReceiver } from './helpers.js';

type Json = Record<string, unknown>;
const VERSIONS: readonly OcpiVersion[] = ['2.1.1', '2.2.1', '2.3.0'];
const LATER: readonly OcpiVersion[] = ['2.2.1', '2.3.0'];

const example = (file: string) => structuredClone(readExample(`2.3.0/${file}`)) as Json;

/** The spec's full RFID Token as one of our eMSP's. */
const token = (changes: Json = {}): Json => ({
  ...example('token_example_2_full_rfid.json'),
  country_code: 'NL',
  party_id: 'RME',
  ...changes,
});

/** The spec's finished Session (3 charging periods) as one of our CPO's. */
const session = (changes: Json = {}): Json => ({
  ...example('session_example_2_short_finished.json'),
  country_code: 'NL',
  party_id: 'RMK',
  ...changes,
});

/** The spec's CDR as one of our CPO's (2.3.0 requires tax_included, which the example lacks). */
function cdr(): Json {
  const doc: Json = { ...example('cdr_example.json'), country_code: 'NL', party_id: 'RMK' };
  ((doc.tariffs as Json[])[0] as Json).tax_included = 'NO';
  return doc;
}

const periods = (doc: Json) => doc.charging_periods as Json[];

/** A record at revision 2 whose previous revision (1) is `before` (null: none known). */
function record(module: ObjectModule, id: string, before: Json | null, after: Json): OcpiObjectRecord {
  return {
    module,
    key: { countryCode: String(after.country_code), partyId: String(after.party_id), id },
    peerId: null,
    revision: 2,
    data: after,
    previous: before === null ? null : { revision: 1, data: before },
    lastUpdated: new Date(String(after.last_updated)),
    createdAt: new Date(String(after.last_updated)),
    deleted: false,
    published: true,
    updatedAt: new Date(),
    audience: null,
  };
}

const tokenRecord = (before: Json | null, after: Json) =>
  record('tokens', `${String(after.type)}:${String(after.uid)}`, before, after);
const sessionRecord = (before: Json | null, after: Json) =>
  record('sessions', String(after.id), before, after);

const acked1 = { ackedRevision: 1, forcePut: false };
const never = { ackedRevision: null, forcePut: false };

/** The message goes to an existing Receiver row of the version, and its body is valid there. */
function assertDeliverable(version: OcpiVersion, module: ObjectModule, message: DeliveryMessage): void {
  const row = receiverRow(version, module, message);
  assert.ok(row, `${version} ${module} ${message.method} '${message.path}'`);
  assert.equal(row.requestBody?.object, message.object);
  assertValid(version, message.object, message.body, message.method === 'PATCH');
}

describe('planDelivery: Tokens', () => {
  test('a Token the peer never had: PUT of the whole Token at {cc}/{pid}/{uid}, ?type= in 2.2.1+ only', () => {
    for (const version of VERSIONS) {
      const t = token();
      const message = planDelivery({ record: tokenRecord(null, t), delivery: never, version });
      assert.equal(message.method, 'PUT', version);
      assert.equal(message.object, 'Token');
      assert.equal(message.path, '{country_code}/{party_id}/{token_uid}');
      assert.deepEqual(message.params, { country_code: 'NL', party_id: 'RME', token_uid: '12345678905880' });
      assert.equal(message.revision, 2);
      assert.deepEqual(message.body, fromCanonical('Token', version, t).value);
      if (version === '2.1.1') {
        assert.equal(message.query, undefined);
        assert.equal((message.body as Json).auth_id, 'DE8ACC12E46L89');
        assert.equal((message.body as Json).country_code, undefined);
      } else {
        assert.deepEqual(message.query, { type: 'RFID' });
      }
      assertDeliverable(version, 'tokens', message);
    }
  });

  test('an APP_USER Token is addressed with ?type=APP_USER (2.2.1+)', () => {
    const app = token({ ...example('token_example_1_app_user.json'), country_code: 'NL', party_id: 'RME' });
    for (const version of LATER) {
      const message = planDelivery({ record: tokenRecord(null, app), delivery: never, version });
      assert.deepEqual(message.query, { type: 'APP_USER' });
      assert.equal(message.params.token_uid, 'bdf21bce-fc97-11e8-8eb2-f2801f1b9fd1');
    }
  });

  test('an invalidated Token the peer holds: PATCH of valid and last_updated, with the same address', () => {
    const before = token();
    const after = token({ valid: false, last_updated: '2025-01-01T10:00:00Z' });
    for (const version of VERSIONS) {
      const message = planDelivery({ record: tokenRecord(before, after), delivery: acked1, version });
      assert.equal(message.method, 'PATCH', version);
      assert.equal(message.putReason, undefined);
      assert.deepEqual(message.body, { valid: false, last_updated: '2025-01-01T10:00:00Z' });
      assert.deepEqual(message.params, { country_code: 'NL', party_id: 'RME', token_uid: '12345678905880' });
      if (version === '2.1.1') assert.equal(message.query, undefined);
      else assert.deepEqual(message.query, { type: 'RFID' });
      assertDeliverable(version, 'tokens', message);
    }
  });

  test('a PATCH carries the changed fields in the peer version (2.1.1: contract_id is auth_id)', () => {
    const before = token();
    const after = token({
      contract_id: 'NL-RME-C00000001-X',
      whitelist: 'NEVER',
      last_updated: '2025-01-01T10:00:00Z',
    });
    const old = planDelivery({ record: tokenRecord(before, after), delivery: acked1, version: '2.1.1' });
    assert.deepEqual(old.body, {
      auth_id: 'NL-RME-C00000001-X',
      whitelist: 'NEVER',
      last_updated: '2025-01-01T10:00:00Z',
    });
    const current = planDelivery({ record: tokenRecord(before, after), delivery: acked1, version: '2.3.0' });
    assert.deepEqual(current.body, {
      contract_id: 'NL-RME-C00000001-X',
      whitelist: 'NEVER',
      last_updated: '2025-01-01T10:00:00Z',
    });
  });

  test('a removed field cannot be PATCHed: PUT of the whole Token', () => {
    const before = token();
    const after = token({ last_updated: '2025-01-01T10:00:00Z' });
    delete after.visual_number;
    for (const version of VERSIONS) {
      const message = planDelivery({ record: tokenRecord(before, after), delivery: acked1, version });
      assert.equal(message.method, 'PUT', version);
      assert.match(message.putReason ?? '', /visual_number removed/);
      assert.equal((message.body as Json).visual_number, undefined);
      assert.equal((message.body as Json).uid, '12345678905880');
      assertDeliverable(version, 'tokens', message);
    }
  });

  test('a PUT when the peer does not hold exactly the previous revision, or a whole object is owed', () => {
    const before = token();
    const after = token({ valid: false, last_updated: '2025-01-01T10:00:00Z' });
    const cases: [string, { ackedRevision: number | null; forcePut: boolean }, OcpiObjectRecord][] = [
      ['never acknowledged', never, tokenRecord(before, after)],
      ['an older revision', { ackedRevision: 0, forcePut: false }, tokenRecord(before, after)],
      ['forcePut', { ackedRevision: 1, forcePut: true }, tokenRecord(before, after)],
      ['no previous', acked1, tokenRecord(null, after)],
    ];
    for (const [label, delivery, rec] of cases) {
      const message = planDelivery({ record: rec, delivery, version: '2.2.1' });
      assert.equal(message.method, 'PUT', label);
      assert.deepEqual(message.body, after, label);
      assert.deepEqual(message.query, { type: 'RFID' }, label);
    }
  });

  test("2.2.1: an EMAID Token (2.3.0's type, OTHER in 2.2.1) is addressed by the type its body carries", () => {
    const emaid = token({ type: 'EMAID' });
    const message = planDelivery({ record: tokenRecord(null, emaid), delivery: never, version: '2.2.1' });
    assert.equal((message.body as Json).type, 'OTHER');
    assert.deepEqual(message.query, { type: 'OTHER' });
  });
});

describe('planDelivery: Sessions', () => {
  /** A running session with its first `n` charging periods, last updated at `at`. */
  function running(n: number, at: string, changes: Json = {}): Json {
    const whole = session();
    const { end_date_time: _, ...doc } = whole;
    return {
      ...doc,
      status: 'ACTIVE',
      charging_periods: periods(whole).slice(0, n),
      last_updated: at,
      ...changes,
    };
  }

  test('a Session the peer never had: PUT of the whole Session at {cc}/{pid}/{session_id}, no query', () => {
    for (const version of VERSIONS) {
      const s = session();
      const message = planDelivery({ record: sessionRecord(null, s), delivery: never, version });
      assert.equal(message.method, 'PUT', version);
      assert.equal(message.object, 'Session');
      assert.equal(message.path, '{country_code}/{party_id}/{session_id}');
      assert.deepEqual(message.params, { country_code: 'NL', party_id: 'RMK', session_id: '101' });
      assert.equal(message.query, undefined);
      assert.deepEqual(message.body, fromCanonical('Session', version, s).value);
      assertDeliverable(version, 'sessions', message);
    }
  });

  test('new charging periods go as a PUT of the whole Session (a repeated PATCH would add them twice)', () => {
    const before = running(1, '2015-06-29T22:40:54Z', { kwh: 0.12, total_cost: { before_taxes: 0.1 } });
    const after = running(3, '2015-06-29T23:07:09Z', {
      kwh: 41.12,
      total_cost: { before_taxes: 8.5, taxes: [{ name: 'VAT', amount: 0.85 }] },
    });
    for (const version of VERSIONS) {
      const message = planDelivery({ record: sessionRecord(before, after), delivery: acked1, version });
      assert.equal(message.method, 'PUT', version);
      assert.match(message.putReason ?? '', /charging periods/);
      assert.deepEqual(message.body, fromCanonical('Session', version, after).value);
      assertDeliverable(version, 'sessions', message);
    }
  });

  test('2.2.1+: a change without new periods is a PATCH without charging_periods', () => {
    const before = running(2, '2015-06-29T22:40:54Z');
    const after = running(2, '2015-06-29T22:50:00Z', { kwh: 20 });
    const message = planDelivery({
      record: sessionRecord(before, after),
      delivery: acked1,
      version: '2.3.0',
    });
    assert.equal(message.method, 'PATCH');
    assert.deepEqual(message.body, { kwh: 20, last_updated: '2015-06-29T22:50:00Z' });
  });

  test('2.2.1+: a changed or removed earlier period cannot be added: PUT of the whole Session', () => {
    const before = running(2, '2015-06-29T22:40:54Z');
    const changed = running(3, '2015-06-29T23:07:09Z');
    (periods(changed)[0] as Json).tariff_id = '99';
    const fewer = running(1, '2015-06-29T23:07:09Z');
    for (const [label, after] of [
      ['changed', changed],
      ['removed', fewer],
    ] as const) {
      for (const version of LATER) {
        const message = planDelivery({ record: sessionRecord(before, after), delivery: acked1, version });
        assert.equal(message.method, 'PUT', `${label} ${version}`);
        assert.match(message.putReason ?? '', /charging periods/);
        assert.equal(periods(message.body as Json).length, periods(after).length);
        assertDeliverable(version, 'sessions', message);
      }
    }
  });

  test('2.1.1: any change of the periods is a PUT (2.1.1 gives no append rule); other changes a PATCH', () => {
    const before = running(1, '2015-06-29T22:40:54Z');
    const appended = running(2, '2015-06-29T22:50:00Z');
    const put = planDelivery({ record: sessionRecord(before, appended), delivery: acked1, version: '2.1.1' });
    assert.equal(put.method, 'PUT');
    assert.equal(periods(put.body as Json).length, 2);
    assertDeliverable('2.1.1', 'sessions', put);
    const kwh = running(1, '2015-06-29T22:50:00Z', { kwh: 3 });
    const patch = planDelivery({ record: sessionRecord(before, kwh), delivery: acked1, version: '2.1.1' });
    assert.equal(patch.method, 'PATCH');
    assert.deepEqual(patch.body, { kwh: 3, last_updated: '2015-06-29T22:50:00Z' });
    assertDeliverable('2.1.1', 'sessions', patch);
  });

  test('a removed field (end_date_time) is a PUT', () => {
    const before = session();
    const { end_date_time: _, ...after } = session({ last_updated: '2015-06-30T00:00:00Z' });
    const message = planDelivery({
      record: sessionRecord(before, after),
      delivery: acked1,
      version: '2.2.1',
    });
    assert.equal(message.method, 'PUT');
    assert.match(message.putReason ?? '', /end_date_time removed/);
  });
});

describe('planDelivery: CDRs', () => {
  test("always a POST to the module URL (path ''), the CDR converted to the peer version", () => {
    const c = cdr();
    const rec = record('cdrs', String(c.id), null, c);
    for (const version of VERSIONS) {
      for (const delivery of [never, acked1, { ackedRevision: 1, forcePut: true }]) {
        const message = planDelivery({
          record: { ...rec, previous: { revision: 1, data: c } },
          delivery,
          version,
        });
        assert.equal(message.method, 'POST', version);
        assert.equal(message.object, 'CDR');
        assert.equal(message.path, '');
        assert.deepEqual(message.params, {});
        assert.equal(message.query, undefined);
        assert.equal(message.revision, 2);
        assert.deepEqual(message.body, fromCanonical('CDR', version, c).value);
        assertDeliverable(version, 'cdrs', message);
      }
    }
    const old = planDelivery({ record: rec, delivery: never, version: '2.1.1' }).body as Json;
    assert.equal(old.country_code, undefined);
    assert.equal(old.auth_id, 'DE8ACC12E46L89');
    assert.equal(old.total_cost, 4);
    const v221 = planDelivery({ record: rec, delivery: never, version: '2.2.1' }).body as Json;
    assert.deepEqual(v221.total_cost, { excl_vat: 4, incl_vat: 4.4 });
    assert.equal(v221.country_code, 'NL');
  });
});

describe('delivery of a Session PATCH whose answer was lost', () => {
  test('the retry does not send the same new periods again (a 2.2.1 receiver would add them twice)', async () => {
    const store = await memoryStore();
    const receiver = await scriptedReceiver();
    const config = deliveryConfig({ timeoutMs: 200 });
    const peer = await store.peers.create({
      name: 'emsp',
      status: 'REGISTERED',
      incomingTokenHash: hashToken('unused-token-of-emsp'),
      outgoingToken: 'token-for-emsp',
      versionsUrl: `${receiver.base}/versions`,
      version: '2.2.1',
      endpoints: [{ identifier: 'sessions', role: 'RECEIVER', url: `${receiver.base}/sessions` }],
      roles: [{ role: 'EMSP', country_code: 'NL', party_id: 'TST', business_details: { name: 'eMSP' } }],
    });
    const publisher = createPublisher({ config, store });
    const worker = createDeliveryWorker({
      config,
      store,
      clientFactory: defaultClientFactory(config),
      log: silentLogger,
      workerId: 'w1',
    });
    try {
      const whole = session();
      const { end_date_time: _, ...base } = whole;
      const running = (n: number, at: string): Json => ({
        ...base,
        status: 'ACTIVE',
        charging_periods: periods(whole).slice(0, n),
        last_updated: at,
      });
      await publisher.put('sessions', running(1, '2015-06-29T22:40:54Z'));
      assert.equal((await worker.runOnce()).sent, 1);
      assert.equal(receiver.requests[0]?.method, 'PUT');

      // The PATCH reaches the receiver (which applies it) but its answer comes too late.
      let first = true;
      receiver.setAnswer(() => {
        if (!first) return { kind: 'ok' };
        first = false;
        return { kind: 'ok', delayMs: 500 };
      });
      await publisher.put('sessions', running(2, '2015-06-29T23:07:09Z'));
      assert.equal((await worker.runOnce()).failed, 1);
      // The new period goes in a PUT of the whole Session: the same state however often it lands.
      assert.equal(receiver.requests[1]?.method, 'PUT');
      assert.equal(periods(receiver.requests[1]?.body as Json).length, 2);
      const key = { countryCode: 'NL', partyId: 'RMK', id: '101' };
      await eventually(
        async () => {
          await worker.runOnce();
          return (await store.deliveries.get(peer.id, 'sessions', key))?.state === 'DONE';
        },
        5000,
        'delivered on retry',
      );
      const retry = receiver.requests[2];
      // A receiver that applied the first PATCH holds 2 periods; a PUT (or no periods) keeps it so.
      const again = retry?.method === 'PATCH' ? periods((retry.body as Json) ?? {}).length : 0;
      assert.equal(again, 0, `the retry (${retry?.method}) re-sends ${again} period(s) to be added`);
    } finally {
      await worker.stop();
      await receiver.close().catch(() => {});
      await store.close();
    }
  });
});
