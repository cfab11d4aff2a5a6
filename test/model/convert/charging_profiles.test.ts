/**
 * ChargingProfiles converters: the module is new in 2.2 and unchanged in 2.3.0, so every object
 * converts as it is between 2.2.1 and 2.3.0 and does not exist in 2.1.1. The spec prints no
 * examples: realistic documents are built here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import { converters, lossyMappings } from '../../../src/model/convert/charging_profiles.js';
import { ConversionError, convert, toCanonical } from '../../../src/model/convert/index.js';
import {
  findSchema,
  ocpiTypeOf,
  schemasByVersion,
  v2_2_1,
  v2_3_0,
  validate,
} from '../../../src/protocol/index.js';

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

const documents: Record<string, unknown> = {
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
  for (const [type, doc] of Object.entries(documents)) {
    it(`${type}: valid in 2.2.1 and 2.3.0, converted as it is both ways, absent from 2.1.1`, () => {
      for (const [from, to] of [
        ['2.2.1', '2.3.0'],
        ['2.3.0', '2.2.1'],
      ] as const) {
        const schema = findSchema(schemasByVersion[to], type);
        assert.ok(schema, `${to} has ${type}`);
        const { value, lossy } = convert(type, from, to, doc);
        assert.deepEqual(value, doc);
        assert.deepEqual(lossy, []);
        assert.deepEqual(validate(schema, value).issues, []);
      }
      assert.throws(() => toCanonical(type, '2.1.1', doc as Record<string, unknown>), ConversionError);
    });
  }

  it('nothing is lossy between 2.2.1 and 2.3.0', () => {
    assert.deepEqual(lossyMappings, []);
  });
});

describe('charging_profiles converter entries', () => {
  /** The classes (not enums) a chapter file exports, by spec name. */
  const classesOf = (chapter: Record<string, unknown>) =>
    Object.values(chapter).flatMap((schema) => {
      const name = ocpiTypeOf(schema as TSchema);
      return name !== undefined && (schema as { type?: unknown }).type === 'object' ? [name] : [];
    });
  // 2.1.1 has no such chapter.
  const chapters = { '2.1.1': {}, '2.2.1': v2_2_1.chargingProfiles } as const;
  /** Entries kept on purpose for a class the version does not define under that name. */
  const bridged: Record<string, string[]> = {};

  it('every class of the chapter has a converter for each older version defining it', () => {
    for (const name of classesOf(v2_3_0.chargingProfiles)) assert.ok(name in converters, name);
    for (const [version, chapter] of Object.entries(chapters)) {
      for (const name of classesOf(chapter))
        assert.ok(converters[name]?.[version as '2.1.1'], `${version} ${name}`);
    }
  });

  it('no converter for a version that lacks the class', () => {
    for (const [name, byVersion] of Object.entries(converters)) {
      for (const version of Object.keys(byVersion) as ('2.1.1' | '2.2.1')[]) {
        if (bridged[name]?.includes(version)) continue;
        assert.ok(classesOf(chapters[version]).includes(name), `${version} has no ${name}`);
      }
    }
  });
});
