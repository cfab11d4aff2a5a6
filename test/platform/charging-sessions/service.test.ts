/**
 * The CPO's charging sessions without a peer: what a session publishes (Session, CDR, EVSE
 * status) and the edges a charge point produces (a stop without any meter value, the final
 * reading given with the stop), and the credit CDR document.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Authorization } from '../../../src/platform/charging-sessions/index.js';
import { creditCdrDocument } from '../../../src/platform/charging-sessions/index.js';
import { createPlatform } from '../../../src/platform/platform.js';
import { generateSeed } from '../../../src/platform/seed/index.js';
import { openStore, type SqlStore } from '../../../src/store/database.js';
import { testConfig } from '../../http/helpers.js';

type Json = Record<string, unknown>;
const stores: SqlStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const T0 = Date.parse('2026-03-02T08:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

/** A CPO node with two seeded locations and their tariffs; a token authorized by hand. */
async function cpo() {
  const store = openStore('sqlite::memory:');
  stores.push(store);
  await store.migrate();
  const platform = createPlatform({ config: testConfig(), store });
  const seed = generateSeed({
    locations: 2,
    seed: 'service-test',
    party: { country_code: 'NL', party_id: 'RMK' },
    now: at(-60),
    tariffs: 2,
  });
  await platform.publisher.putAll([
    { module: 'tariffs', documents: seed.tariffs as unknown as Json[] },
    { module: 'locations', documents: seed.locations as unknown as Json[] },
  ]);
  const location = seed.locations[0] as unknown as Json;
  const evse = (location.evses as Json[])[0] as Json;
  const chargePoint = {
    location: { countryCode: 'NL', partyId: 'RMK', id: location.id as string },
    evseUid: evse.uid as string,
    connectorId: ((evse.connectors as Json[])[0] as Json).id as string,
  };
  const authorization: Authorization = {
    decision: { authorized: true, allowed: 'ALLOWED', source: 'whitelist', reason: 'test', decided_at: '' },
    cdrToken: { country_code: 'DE', party_id: 'MSP', uid: 'AB12', type: 'RFID', contract_id: 'DE-MSP-C1' },
  };
  const evseStatus = async () => {
    const record = await store.objects.get('locations', chargePoint.location);
    const evses = (record?.data.evses ?? []) as Json[];
    return evses.find((e) => e.uid === chargePoint.evseUid)?.status;
  };
  return { store, platform, chargePoint, authorization, evseStatus };
}

describe('charging sessions (CPO)', () => {
  test('a stop without any meter value ends the session with one period of no energy and its CDR', async () => {
    const { store, platform, chargePoint, authorization, evseStatus } = await cpo();
    const sessions = platform.chargingSessions;
    const id = await sessions.start({ authorization, at: chargePoint, when: at(0), id: 'S-EMPTY' });
    assert.equal(await evseStatus(), 'CHARGING');
    const { session, cdr } = await sessions.stop(id, at(3));
    assert.equal(session.status, 'COMPLETED');
    assert.equal(cdr.total_energy, 0);
    assert.equal((cdr.charging_periods as Json[]).length, 1);
    assert.equal(cdr.total_time, 0.05, '3 minutes');
    assert.deepEqual(sessions.running(), []);
    assert.equal(await evseStatus(), 'AVAILABLE');
    assert.equal((await store.objects.get('cdrs', { countryCode: 'NL', partyId: 'RMK', id }))?.revision, 1);
  });

  test('the final reading given with the stop is the session kWh and the CDR total', async () => {
    const { platform, chargePoint, authorization } = await cpo();
    const sessions = platform.chargingSessions;
    const id = await sessions.start({ authorization, at: chargePoint, when: at(0), id: 'S-FINAL' });
    await sessions.meter(id, { time: at(30), energyKwh: 5, powerKw: 10 });
    const { session, cdr } = await sessions.stop(id, at(60), { time: at(60), energyKwh: 10, powerKw: 10 });
    assert.equal(session.kwh, 10);
    assert.equal(cdr.total_energy, 10);
    assert.equal(cdr.total_time, 1);
    const energy = (cdr.charging_periods as Json[])
      .flatMap((p) => p.dimensions as Json[])
      .filter((d) => d.type === 'ENERGY')
      .reduce((sum, d) => sum + Number(d.volume), 0);
    assert.equal(Math.round(energy * 1000) / 1000, 10, "the periods' ENERGY sums to the total");
  });

  test('a meter value racing the stop never turns the COMPLETED Session back; one after it is refused', async () => {
    const { store, platform, chargePoint, authorization } = await cpo();
    const sessions = platform.chargingSessions;
    const id = await sessions.start({ authorization, at: chargePoint, when: at(0), id: 'S-RACE' });
    const late = sessions.meter(id, { time: at(20), energyKwh: 4, powerKw: 12 });
    const stopped = sessions.stop(id, at(30), { time: at(30), energyKwh: 6, powerKw: 12 });
    await Promise.all([late, stopped]);
    await assert.rejects(
      sessions.meter(id, { time: at(40), energyKwh: 7, powerKw: 12 }),
      /no running session/,
    );
    const stored = await store.objects.get('sessions', { countryCode: 'NL', partyId: 'RMK', id });
    assert.equal(stored?.data.status, 'COMPLETED');
    assert.equal(stored?.data.kwh, 6);
  });

  test('a session is refused for a token that is not authorized, and nothing is published', async () => {
    const { store, platform, chargePoint, authorization } = await cpo();
    const refused = { decision: { ...authorization.decision, authorized: false, reason: 'BLOCKED' } };
    await assert.rejects(
      platform.chargingSessions.start({ authorization: refused, at: chargePoint, when: at(0) }),
      /not authorized: BLOCKED/,
    );
    assert.equal(await store.objects.count({ module: 'sessions' }), 0);
  });
});

describe('credit CDR document', () => {
  test('all the data of the original, a new id, credit and its reference, only total_cost negated', () => {
    const original: Json = {
      id: 'CDR-1',
      total_cost: { before_taxes: 4, taxes: [{ name: 'VAT', amount: 0.84 }] },
      total_energy_cost: { before_taxes: 3 },
      total_energy: 12,
      invoice_reference_id: 'INV-7',
      last_updated: '2026-03-02T10:00:00Z',
    };
    const credit = creditCdrDocument(original, new Date('2026-03-05T00:00:00Z'));
    assert.equal(credit.id, 'CDR-1-CR');
    assert.equal(credit.credit, true);
    assert.equal(credit.credit_reference_id, 'CDR-1');
    assert.deepEqual(credit.total_cost, { before_taxes: -4, taxes: [{ name: 'VAT', amount: -0.84 }] });
    assert.deepEqual(credit.total_energy_cost, { before_taxes: 3 }, 'other costs as the original');
    assert.equal(credit.total_energy, 12);
    assert.equal(credit.invoice_reference_id, 'INV-7');
    assert.equal(credit.last_updated, '2026-03-05T00:00:00Z');
    assert.equal(original.id, 'CDR-1', 'the original is not touched');
  });
});
