/**
 * The simulator's scenario (src/simulate/scenario.ts), pure: deterministic by seed whatever order
 * the inputs come in; one session per EVSE and at most `concurrency` at once; the power a car
 * draws from a connector; AC flat, DC ramping and tapering above 80 %; meter values whose energy
 * and power agree and that the charging module turns into periods with the planned energy and
 * parking time; refused tokens; the daily rhythm of arrivals.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chargingPeriods, chargingTotals } from '../../src/charging/index.js';
import { generateSeed } from '../../src/platform/seed/index.js';
import {
  type Car,
  chargeCurve,
  DC_TAPER_SOC,
  dailyFactor,
  evsesOfLocations,
  generateScenario,
  maxChargingPowerKw,
  meterSamples,
  type PlannedSession,
  peakConcurrency,
  powerAt,
  type ScenarioConnector,
  type ScenarioOptions,
  type ScenarioToken,
} from '../../src/simulate/scenario.js';

type Json = Record<string, unknown>;

const HOUR = 3_600_000;
const { locations } = generateSeed({
  locations: 30,
  seed: 'scenario-test',
  party: { country_code: 'NL', party_id: 'CPO' },
  now: new Date('2026-11-01T00:00:00Z'),
});
const EVSES = evsesOfLocations(locations as unknown as Json[]);
const MSP = { countryCode: 'DE', partyId: 'MSP' };
const TOKENS: ScenarioToken[] = [
  ...Array.from({ length: 40 }, (_, i) => ({
    uid: `T${String(i).padStart(3, '0')}`,
    type: 'RFID',
    issuer: MSP,
    valid: true,
  })),
  { uid: 'BLOCKED1', type: 'RFID', issuer: MSP, valid: false },
];

const options = (extra: Partial<ScenarioOptions> = {}): ScenarioOptions => ({
  seed: 'test',
  sessions: 300,
  tokens: TOKENS,
  evses: EVSES,
  concurrency: 12,
  sampleMinutes: 5,
  ...extra,
});

const charging = (sessions: PlannedSession[]) => sessions.filter((s) => s.charge !== undefined);

const AC_3_16: ScenarioConnector = {
  id: '1',
  powerType: 'AC_3_PHASE',
  maxVoltage: 230,
  maxAmperage: 16,
  maxPowerKw: 11.04,
};
const AC_1_32: ScenarioConnector = {
  id: '1',
  powerType: 'AC_1_PHASE',
  maxVoltage: 230,
  maxAmperage: 32,
  maxPowerKw: 7.36,
};
const AC_3_32: ScenarioConnector = {
  id: '1',
  powerType: 'AC_3_PHASE',
  maxVoltage: 230,
  maxAmperage: 32,
  maxPowerKw: 22.08,
};
const DC_150: ScenarioConnector = {
  id: '1',
  powerType: 'DC',
  maxVoltage: 920,
  maxAmperage: 200,
  maxPowerKw: 150,
};
const car = (extra: Partial<Car>): Car => ({
  batteryKwh: 60,
  acPhases: 3,
  acAmps: 16,
  dcMaxKw: 120,
  batteryVolts: 400,
  ...extra,
});

describe('charge points from Locations', () => {
  test('EVSEs that cannot charge are left out; kW from W; sorted whatever the input order', () => {
    const all = (locations as unknown as Json[]).flatMap((l) => l.evses as Json[]);
    const broken = all.filter((e) => ['OUTOFORDER', 'INOPERATIVE', 'BLOCKED'].includes(String(e.status)));
    assert.ok(broken.length > 0, 'the seed has some broken EVSEs');
    assert.equal(EVSES.length, all.length - broken.length);
    for (const uid of broken.map((e) => e.uid)) assert.ok(!EVSES.some((e) => e.evseUid === uid));
    const first = (locations[0]?.evses?.[0]?.connectors ?? [])[0];
    const found = EVSES.flatMap((e) => e.connectors).find(
      (c) => c.maxPowerKw === (first?.max_electric_power ?? 0) / 1000,
    );
    assert.ok(found);
    assert.deepEqual(evsesOfLocations([...(locations as unknown as Json[])].reverse()), EVSES);
  });
});

describe('power', () => {
  test('AC: the phases and amperage both sides have; DC: the lower limit', () => {
    assert.equal(
      maxChargingPowerKw(car({ acPhases: 3, acAmps: 16 }), AC_1_32),
      3.68,
      '11 kW car on a single-phase socket',
    );
    assert.equal(maxChargingPowerKw(car({ acPhases: 1, acAmps: 32 }), AC_3_32), 7.36, '7.4 kW car on 22 kW');
    assert.equal(maxChargingPowerKw(car({ acPhases: 3, acAmps: 32 }), AC_3_16), 11.04, '22 kW car on 11 kW');
    assert.equal(maxChargingPowerKw(car({ acPhases: 3, acAmps: 32 }), AC_3_32), 22.08);
    assert.equal(maxChargingPowerKw(car({ dcMaxKw: 120 }), DC_150), 120);
    assert.equal(maxChargingPowerKw(car({ dcMaxKw: 250 }), DC_150), 150);
  });

  test('DC ramps up over 90 s, holds to 80 %, then tapers (a third at 90 %); AC is flat', () => {
    const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
    near(powerAt(100, true, 0.3, 0), 20);
    near(powerAt(100, true, 0.3, 45), 60);
    assert.equal(powerAt(100, true, 0.3, 90), 100);
    assert.equal(powerAt(100, true, 0.79, 600), 100);
    near(powerAt(100, true, 0.9, 600), 100 * 0.5 ** 1.5);
    assert.equal(powerAt(100, true, 0.999, 600), 8, 'never below 8 %');
    assert.equal(powerAt(11, false, 0.95, 0), 11);
  });

  test('a DC charge: energy = battery gain / efficiency; the last 10 % to 90 % is slower than 10 % in CC', () => {
    const curve = chargeCurve({ batteryKwh: 60, socStart: 0.1, socTarget: 0.9, maxKw: 100, dc: true });
    const energy = curve.energyKwh[curve.energyKwh.length - 1] as number;
    assert.ok(Math.abs(energy - (0.8 * 60) / 0.95) < 0.01, String(energy));
    const timeAt = (soc: number) => {
      const needed = ((soc - 0.1) * 60) / 0.95;
      const i = curve.energyKwh.findIndex((e) => e >= needed);
      return curve.seconds[i] as number;
    };
    const cc = timeAt(0.5) - timeAt(0.4);
    const taper = timeAt(0.9) - timeAt(DC_TAPER_SOC);
    assert.ok(taper > 1.5 * cc, `80→90 % took ${taper} s, 40→50 % ${cc} s`);
    assert.ok(Number.isInteger(curve.durationSeconds));
  });

  test('meter values: every M minutes, one when charging ends, power 0 while parked, energy and power agree', () => {
    const curve = chargeCurve({ batteryKwh: 50, socStart: 0.3, socTarget: 0.8, maxKw: 11.04, dc: false });
    const samples = meterSamples(curve, {
      sampleMinutes: 15,
      stopSeconds: curve.durationSeconds + 3600,
      dc: false,
      batteryVolts: 400,
      acVolts: 230,
    });
    const end = curve.durationSeconds;
    assert.equal(samples[0]?.atSeconds, 0);
    assert.equal(samples[0]?.energyKwh, 0);
    assert.ok(samples.some((s) => s.atSeconds === end));
    for (const [i, s] of samples.entries()) {
      const next = samples[i + 1];
      if (s.atSeconds !== end) assert.ok(s.atSeconds % 900 === 0, `${s.atSeconds} on the 15-minute grid`);
      if (next !== undefined) assert.ok(next.atSeconds > s.atSeconds && next.energyKwh >= s.energyKwh);
      if (s.atSeconds >= end) {
        assert.equal(s.powerKw, 0, 'parked');
        assert.equal(s.energyKwh, samples[samples.length - 1]?.energyKwh);
      } else {
        assert.ok(Math.abs(s.powerKw - 11.04) < 0.02, `flat AC power, got ${s.powerKw}`);
        assert.ok(Math.abs(s.currentA - (s.powerKw * 1000) / 230) < 0.1, 'sum over phases');
        const delivered = (s.powerKw * ((next?.atSeconds ?? end) - s.atSeconds)) / 3600;
        assert.ok(Math.abs(delivered - ((next?.energyKwh ?? 0) - s.energyKwh)) < 0.005);
      }
    }
    assert.ok((samples[samples.length - 1]?.atSeconds ?? 0) < end + 3600, 'none at the stop');
    assert.equal(samples.filter((s) => s.atSeconds > end).length, 4, 'four parked samples in the hour after');
  });
});

describe('generateScenario', () => {
  const scenario = generateScenario(options());

  test('deterministic by seed, whatever order the tokens and EVSEs come in', () => {
    assert.deepEqual(generateScenario(options()), scenario);
    const shuffled = generateScenario(
      options({ tokens: [...TOKENS].reverse(), evses: [...EVSES].reverse() }),
    );
    assert.deepEqual(shuffled, scenario);
    assert.notDeepEqual(generateScenario(options({ seed: 'other' })), scenario);
    // A smaller run starts like the larger one (each driver draws from its own stream).
    const smaller = generateScenario(options({ sessions: 40 }));
    assert.deepEqual(smaller.sessions, scenario.sessions.slice(0, 40));
  });

  test('one session per EVSE at a time, at most `concurrency` at once, first come first served', () => {
    assert.equal(scenario.sessions.length, 300);
    assert.ok(peakConcurrency(scenario) <= 12);
    assert.equal(peakConcurrency(scenario), 12, 'the rate is scaled to reach the limit');
    const byEvse = new Map<string, PlannedSession[]>();
    for (const s of charging(scenario.sessions)) {
      const key = `${s.chargePoint.location.id}/${s.chargePoint.evseUid}`;
      byEvse.set(key, [...(byEvse.get(key) ?? []), s]);
    }
    for (const [key, list] of byEvse) {
      for (let i = 1; i < list.length; i++) {
        const before = list[i - 1] as PlannedSession;
        assert.ok(
          (list[i] as PlannedSession).arrivalMs >= (before.charge?.stopMs ?? 0),
          `EVSE ${key} overlap`,
        );
      }
    }
    for (let i = 1; i < scenario.sessions.length; i++) {
      const s = scenario.sessions[i] as PlannedSession;
      assert.ok(s.arrivalMs >= (scenario.sessions[i - 1] as PlannedSession).arrivalMs);
      assert.ok(s.arrivalMs >= s.requestedMs);
    }
    for (const s of scenario.sessions) {
      const evse = EVSES.find(
        (e) => e.evseUid === s.chargePoint.evseUid && e.location.id === s.chargePoint.location.id,
      );
      assert.ok(evse?.connectors.some((c) => c.id === s.chargePoint.connectorId));
    }
    assert.equal(scenario.spanMs, Math.max(...charging(scenario.sessions).map((s) => s.charge?.stopMs ?? 0)));
  });

  test('cars and charges: 40–100 kWh, AC flat at what car and connector allow, DC tapering when asked for 90 %', () => {
    const charges = charging(scenario.sessions).map((s) => s.charge!);
    for (const s of charging(scenario.sessions)) {
      const c = s.charge!;
      assert.ok(c.car.batteryKwh >= 40 && c.car.batteryKwh <= 100);
      assert.ok(c.socTarget > c.socStart);
      assert.equal(c.powerKw, Math.round(maxChargingPowerKw(c.car, c.connector) * 100) / 100);
      const efficiency = c.connector.powerType === 'DC' ? 0.95 : 0.9;
      // Unless the target takes more than 20 h (a big battery on a slow socket): then it stops there.
      const capped = c.chargingEndMs - s.arrivalMs >= 20 * HOUR;
      const expected = capped
        ? maxChargingPowerKw(c.car, c.connector) * 20
        : ((c.socTarget - c.socStart) * c.car.batteryKwh) / efficiency;
      assert.ok(
        Math.abs(c.energyKwh - expected) <= 0.0005 + 1e-9,
        `${c.energyKwh} vs ${expected} (Wh rounding)`,
      );
      const drawing = c.samples.filter((s) => s.powerKw > 0);
      assert.ok(drawing.every((s) => s.powerKw <= c.powerKw + 0.01));
    }
    const dc = charges.filter((c) => c.connector.powerType === 'DC');
    const ac = charges.filter((c) => c.connector.powerType !== 'DC');
    assert.ok(dc.length > 10 && ac.length > 10, `${dc.length} DC, ${ac.length} AC`);
    const tapered = dc.find((c) => c.socTarget === 0.9 && c.samples.length > 4);
    assert.ok(tapered);
    const powers = tapered.samples.filter((s) => s.powerKw > 0).map((s) => s.powerKw);
    assert.ok((powers[powers.length - 1] as number) < 0.75 * Math.max(...powers), powers.join(' '));
    assert.ok(ac.some((c) => c.stopMs > c.chargingEndMs) && ac.some((c) => c.stopMs === c.chargingEndMs));
    assert.ok(dc.filter((c) => c.stopMs > c.chargingEndMs).length < dc.length / 3);
  });

  test('the meter values give charging periods with the planned energy and parking time', () => {
    for (const s of charging(scenario.sessions).slice(0, 60)) {
      const c = s.charge!;
      const periods = chargingPeriods({
        tariffs: [],
        timeZone: 'Europe/Amsterdam',
        startDateTime: new Date(s.arrivalMs),
        samples: c.samples.map((x) => ({
          time: new Date(x.atMs),
          energyKwh: x.energyKwh,
          powerKw: x.powerKw,
        })),
        end: new Date(c.stopMs),
      });
      const totals = chargingTotals(periods);
      assert.ok(Math.abs(totals.total_energy - c.energyKwh) < 1e-9);
      assert.ok(Math.abs(totals.total_parking_time - (c.stopMs - c.chargingEndMs) / HOUR) < 1e-9);
      assert.ok(Math.abs(totals.total_time - (c.stopMs - s.arrivalMs) / HOUR) < 1e-9);
    }
  });

  test('refused tokens: the blocked one or an unknown uid; none left to charge with, all refused', () => {
    const refused = scenario.sessions.filter((s) => s.charge === undefined);
    assert.ok(refused.length > 3 && refused.length < 30, `${refused.length} of 300 (4 % asked)`);
    for (const s of refused) {
      if (s.expected === 'blocked') assert.equal(s.token.uid, 'BLOCKED1');
      else {
        assert.equal(s.expected, 'unknown');
        assert.ok(!TOKENS.some((t) => t.uid === s.token.uid));
        assert.deepEqual(s.token.issuer, MSP, 'named with an issuer, so the eMSP is asked');
      }
    }
    for (const s of charging(scenario.sessions)) {
      assert.notEqual(s.token.uid, 'BLOCKED1', 'a blocked token never plans a session');
    }
    const onlyBlocked = generateScenario(
      options({ sessions: 20, tokens: [TOKENS[TOKENS.length - 1] as ScenarioToken] }),
    );
    assert.ok(onlyBlocked.sessions.every((s) => s.charge === undefined));
    assert.throws(() => generateScenario(options({ tokens: [] })), /no tokens/);
    assert.throws(() => generateScenario(options({ evses: [] })), /no EVSE/);
  });

  test('arrivals: the evening peak busier than the night; a burst all within minutes', () => {
    const day = generateScenario(
      options({ sessions: 3000, concurrency: 200, evses: EVSES, sampleMinutes: 60 }),
    );
    const inHours = (from: number, to: number) =>
      day.sessions.filter((s) => {
        const h = (s.requestedMs % (24 * HOUR)) / HOUR;
        return h >= from && h < to;
      }).length;
    const evening = inHours(16, 19);
    const night = inHours(1, 4);
    assert.ok(evening > 8 * night, `16–19 h: ${evening}, 1–4 h: ${night}`);
    assert.equal(dailyFactor(17.5 * HOUR), 1);
    assert.equal(dailyFactor(-6.5 * HOUR), dailyFactor(17.5 * HOUR));

    // As many drivers as there are EVSEs, all within ten minutes: nearly all charge at once.
    const n = EVSES.length;
    const burst = generateScenario(
      options({ sessions: n, concurrency: n, arrivals: 'burst', refusedShare: 0 }),
    );
    assert.ok(burst.sessions.every((s) => s.requestedMs < 10 * 60_000));
    assert.ok(peakConcurrency(burst) >= 0.9 * n, `peak ${peakConcurrency(burst)} of ${n}`);
  });
});
