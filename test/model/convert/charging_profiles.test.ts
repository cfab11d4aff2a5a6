/**
 * ChargingProfiles converters: the module is new in 2.2 and unchanged in 2.3.0, so every object
 * converts as it is between 2.2.1 and 2.3.0 and does not exist in 2.1.1. The spec prints no
 * examples: realistic documents are built here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { converters, lossyMappings } from '../../../src/model/convert/charging_profiles.js';
import { builtSamples, converterEntryTests, type Json, sampleTests } from '../../helpers/convert.js';

const profile = {
  start_date_time: '2024-03-01T18:00:00Z',
  duration: 3600,
  charging_rate_unit: 'W',
  min_charging_rate: 1400,
  charging_profile_period: [
    { start_period: 0, limit: 11000 },
    { start_period: 1800, limit: 7400 },
  ],
};

const documents: Record<string, Json> = {
  ChargingProfile: profile,
  ChargingProfilePeriod: { start_period: 0, limit: 32 },
  ActiveChargingProfile: { start_date_time: '2024-03-01T18:00:00Z', charging_profile: profile },
  ActiveChargingProfileResult: {
    result: 'ACCEPTED',
    profile: { start_date_time: '2024-03-01T18:00:00Z', charging_profile: profile },
  },
  ChargingProfileResponse: { result: 'ACCEPTED', timeout: 30 },
  ChargingProfileResult: { result: 'REJECTED' },
  ClearProfileResult: { result: 'UNKNOWN' },
  SetChargingProfile: { charging_profile: profile, response_url: 'https://emsp.example.com/ocpi/cp/12' },
};

describe('ChargingProfiles', () => {
  // The same document in 2.2.1 and 2.3.0: valid in both, converted as it is both ways.
  const samples = builtSamples(
    Object.fromEntries(
      Object.entries(documents).map(([type, doc]) => [type, { '2.2.1': doc, '2.3.0': doc }]),
    ),
  );
  sampleTests(samples, { checkSource: true, unchanged: true });

  it('nothing is lossy between 2.2.1 and 2.3.0', () => {
    assert.deepEqual(lossyMappings, []);
  });
});

describe('charging_profiles converter entries', () => {
  converterEntryTests('chargingProfiles', converters);
});
