import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DATETIME_TOLERANCES,
  type DateTimeTolerance,
  formatDateTime,
  normalizeDateTime,
  parseDateTime,
} from '../../../src/protocol/common/datetime.js';
import { DATETIME_PATTERN } from '../../../src/protocol/common/primitives.js';

function ok(text: string): { iso: string; tolerances: DateTimeTolerance[] } {
  const r = parseDateTime(text);
  assert.ok(r.ok, `expected '${text}' to parse: ${r.ok ? '' : r.error}`);
  return { iso: r.date.toISOString(), tolerances: r.tolerances };
}

describe('formatDateTime', () => {
  test('UTC with Z, whole seconds by default, truncated not rounded', () => {
    assert.equal(formatDateTime(new Date('2015-06-29T20:39:09.999Z')), '2015-06-29T20:39:09Z');
    assert.equal(formatDateTime(Date.UTC(2016, 11, 29, 17, 45, 9)), '2016-12-29T17:45:09Z');
  });
  test('milliseconds on request', () => {
    assert.equal(
      formatDateTime(new Date('2018-01-01T01:08:01.123Z'), { precision: 'milliseconds' }),
      '2018-01-01T01:08:01.123Z',
    );
  });
  test('output fits string(25) and the schema pattern', () => {
    for (const precision of ['seconds', 'milliseconds'] as const) {
      const s = formatDateTime(Date.UTC(2024, 1, 29, 23, 59, 59, 7), { precision });
      assert.ok(s.length <= 25);
      assert.match(s, new RegExp(DATETIME_PATTERN));
    }
  });
  test('invalid dates and years beyond 9999 throw', () => {
    assert.throws(() => formatDateTime(new Date('nope')), RangeError);
    assert.throws(() => formatDateTime(Date.UTC(10000, 0, 1)), RangeError);
  });
});

describe('parseDateTime', () => {
  test('the spec examples (2.2.1/2.3.0 types chapter) parse as UTC', () => {
    assert.deepEqual(ok('2015-06-29T20:39:09Z'), { iso: '2015-06-29T20:39:09.000Z', tolerances: [] });
    assert.deepEqual(ok('2015-06-29T20:39:09'), {
      iso: '2015-06-29T20:39:09.000Z',
      tolerances: ['MISSING_Z'],
    });
    assert.deepEqual(ok('2016-12-29T17:45:09.2Z'), { iso: '2016-12-29T17:45:09.200Z', tolerances: [] });
    assert.deepEqual(ok('2016-12-29T17:45:09.2').iso, '2016-12-29T17:45:09.200Z');
    assert.deepEqual(ok('2018-01-01T01:08:01.123Z'), { iso: '2018-01-01T01:08:01.123Z', tolerances: [] });
    assert.deepEqual(ok('2018-01-01T01:08:01.123').tolerances, ['MISSING_Z']);
  });

  test('every tolerance is named in the exported list', () => {
    assert.deepEqual([...DATETIME_TOLERANCES].sort(), [
      'LONG_FRACTION',
      'LOWERCASE_DESIGNATOR',
      'MISSING_Z',
      'NON_ZERO_OFFSET',
      'OVERLONG',
      'SPACE_SEPARATOR',
      'ZERO_OFFSET',
    ]);
  });

  test('ZERO_OFFSET: +00:00, -00:00, +0000', () => {
    for (const text of [
      '2015-06-29T20:39:09+00:00',
      '2015-06-29T20:39:09-00:00',
      '2015-06-29T20:39:09+0000',
    ]) {
      assert.deepEqual(ok(text), { iso: '2015-06-29T20:39:09.000Z', tolerances: ['ZERO_OFFSET'] });
    }
  });

  test('NON_ZERO_OFFSET: converted to UTC', () => {
    assert.deepEqual(ok('2015-06-29T22:39:09+02:00'), {
      iso: '2015-06-29T20:39:09.000Z',
      tolerances: ['NON_ZERO_OFFSET'],
    });
    // Crossing midnight and a year, negative offset with minutes.
    assert.equal(ok('2015-12-31T20:30:00-03:30').iso, '2016-01-01T00:00:00.000Z');
  });

  test('LOWERCASE_DESIGNATOR: t and z', () => {
    assert.deepEqual(ok('2015-06-29t20:39:09z'), {
      iso: '2015-06-29T20:39:09.000Z',
      tolerances: ['LOWERCASE_DESIGNATOR'],
    });
    assert.deepEqual(ok('2015-06-29T20:39:09z').tolerances, ['LOWERCASE_DESIGNATOR']);
  });

  test('SPACE_SEPARATOR', () => {
    assert.deepEqual(ok('2015-06-29 20:39:09Z').tolerances, ['SPACE_SEPARATOR']);
  });

  test('LONG_FRACTION: any length, truncated to milliseconds; OVERLONG beyond 25 characters', () => {
    assert.deepEqual(ok('2015-06-29T20:39:09.1234Z'), {
      iso: '2015-06-29T20:39:09.123Z',
      tolerances: ['LONG_FRACTION'],
    });
    assert.deepEqual(ok('2015-06-29T20:39:09.123456789Z'), {
      iso: '2015-06-29T20:39:09.123Z',
      tolerances: ['LONG_FRACTION', 'OVERLONG'],
    });
    assert.deepEqual(ok('2015-06-29T20:39:09.999999Z').iso, '2015-06-29T20:39:09.999Z');
    assert.deepEqual(ok('2015-06-29T20:39:09.5+01:00'), {
      iso: '2015-06-29T19:39:09.500Z',
      tolerances: ['NON_ZERO_OFFSET', 'OVERLONG'],
    });
  });

  test('allow: [] keeps only the spec format (and the spec-allowed missing Z)', () => {
    const strict = { allow: [] as DateTimeTolerance[] };
    assert.equal(parseDateTime('2015-06-29T20:39:09', strict).ok, true);
    assert.equal(parseDateTime('2015-06-29T20:39:09.123Z', strict).ok, true);
    for (const text of ['2015-06-29T20:39:09+00:00', '2015-06-29t20:39:09Z', '2015-06-29T20:39:09.1234Z']) {
      const r = parseDateTime(text, strict);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.match(r.error, /tolerance not allowed/);
    }
    assert.equal(parseDateTime('2015-06-29T22:39:09+02:00', { allow: ['NON_ZERO_OFFSET'] }).ok, true);
  });

  test('rejects what is not a DateTime', () => {
    for (const text of [
      '',
      '2015-06-29',
      '20:39:09',
      '2015-6-29T20:39:09Z',
      '2015-06-29T20:39Z',
      '2015-02-29T20:39:09Z', // not a leap year
      '2015-13-01T00:00:00Z',
      '2015-06-31T00:00:00Z',
      '2015-06-29T24:00:00Z',
      '2015-06-29T23:59:60Z', // leap second
      '2015-06-29T20:39:09+25:00',
      '2015-06-29T20:39:09.Z',
      ' 2015-06-29T20:39:09Z',
      '1435610349',
    ]) {
      const r = parseDateTime(text);
      assert.equal(r.ok, false, `'${text}' should be rejected`);
    }
    assert.equal(parseDateTime(12 as unknown as string).ok, false);
  });

  test('leap day and years before 100 are handled', () => {
    assert.equal(ok('2024-02-29T12:00:00Z').iso, '2024-02-29T12:00:00.000Z');
    assert.equal(ok('0099-01-01T00:00:00Z').iso, '0099-01-01T00:00:00.000Z');
  });

  test('round trip: format(parse(x)) is the strict form', () => {
    assert.equal(normalizeDateTime('2015-06-29t22:39:09.5+02:00'), '2015-06-29T20:39:09.500Z');
    assert.equal(normalizeDateTime('2015-06-29T20:39:09'), '2015-06-29T20:39:09Z');
    assert.equal(normalizeDateTime('garbage'), undefined);
  });
});
