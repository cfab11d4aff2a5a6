import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  classifyStatus,
  HTTP_ERRORS,
  httpStatusFor,
  isCustomStatus,
  isSuccessStatus,
  OCPI_STATUS,
  StatusCode,
  statusCategory,
  statusCodesOf,
  statusInfo,
} from '../../../src/protocol/common/status.js';
import { specAvailable, specRoot } from '../../helpers/paths.js';

/** The four-digit codes in the tables of a version's status codes chapter (ranges like 19xx excluded). */
function specCodes(version: string): number[] {
  const file = version === '2.1.1' ? 'status_codes.md' : 'status_codes.asciidoc';
  const text = readFileSync(join(specRoot, version, file), 'utf8');
  const codes = [...text.matchAll(/^\|\s*(\d{4})\s*\|/gm)].map((m) => Number(m[1]));
  return [...new Set(codes)].sort((a, b) => a - b);
}

describe('status codes', () => {
  for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
    test(`${version}: the codes we define are exactly the chapter's`, (t) => {
      if (!specAvailable) return t.skip('spec not available');
      assert.deepEqual(statusCodesOf(version), specCodes(version));
    });
  }

  test('2.3.0 adds no code to 2.2.1; 2.2.1 adds 2004 and the hub codes to 2.1.1', () => {
    assert.deepEqual(statusCodesOf('2.3.0'), statusCodesOf('2.2.1'));
    const added = statusCodesOf('2.2.1').filter((c) => !statusCodesOf('2.1.1').includes(c));
    assert.deepEqual(added, [2004, 4000, 4001, 4002, 4003]);
  });

  test('named constants carry the numeric codes', () => {
    assert.equal(StatusCode.SUCCESS, 1000);
    assert.equal(StatusCode.INVALID_OR_MISSING_PARAMETERS, 2001);
    assert.equal(StatusCode.UNKNOWN_TOKEN, 2004);
    assert.equal(StatusCode.NO_MATCHING_ENDPOINTS, 3003);
    assert.equal(StatusCode.CONNECTION_PROBLEM, 4003);
    assert.equal(OCPI_STATUS.UNKNOWN_LOCATION.category, 'client_error');
    assert.deepEqual(statusInfo(2004)?.versions, ['2.2.1', '2.3.0']);
    assert.equal(statusInfo(2999), undefined);
  });

  test('categories follow the first digit', () => {
    assert.equal(statusCategory(1000), 'success');
    assert.equal(statusCategory(2999), 'client_error');
    assert.equal(statusCategory(3001), 'server_error');
    assert.equal(statusCategory(4002), 'hub_error');
    assert.equal(statusCategory(200), undefined);
    assert.equal(statusCategory(5000), undefined);
    assert.equal(statusCategory(1000.5), undefined);
    assert.equal(isSuccessStatus(1900), true);
    assert.equal(isSuccessStatus(2000), false);
  });

  test('custom ranges exist from 2.2.1 on', () => {
    assert.equal(isCustomStatus(2901, '2.2.1'), true);
    assert.equal(isCustomStatus(4999, '2.3.0'), true);
    assert.equal(isCustomStatus(2899, '2.2.1'), false);
    assert.equal(isCustomStatus(2901, '2.1.1'), false);
  });

  test('classifyStatus reads a peer code per version', () => {
    assert.equal(classifyStatus(2004, '2.2.1'), 'defined');
    assert.equal(classifyStatus(2004, '2.1.1'), 'unknown'); // a client error 2.1.1 does not define
    assert.equal(classifyStatus(4001, '2.1.1'), 'invalid'); // no hub range in 2.1.1
    assert.equal(classifyStatus(3950, '2.3.0'), 'custom');
    assert.equal(classifyStatus(2500, '2.3.0'), 'unknown');
    assert.equal(classifyStatus(200, '2.3.0'), 'invalid');
  });

  test('HTTP: OCPI outcomes are 200 (201 for a created object), 2004 goes with 404', () => {
    assert.equal(httpStatusFor(1000), 200);
    assert.equal(httpStatusFor(1000, { created: true }), 201);
    assert.equal(httpStatusFor(2001), 200);
    assert.equal(httpStatusFor(2001, { created: true }), 200);
    assert.equal(httpStatusFor(3001), 200);
    assert.equal(httpStatusFor(4001), 200);
    assert.equal(httpStatusFor(2004), 404);
    assert.equal(httpStatusFor(2950), 200);
    for (const info of Object.values(OCPI_STATUS)) {
      assert.equal(info.http, info.code === 2004 ? 404 : 200, `${info.code}`);
    }
  });

  test('the few HTTP error situations', () => {
    assert.deepEqual(
      Object.values(HTTP_ERRORS).map((s) => s.http),
      [400, 401, 404, 405],
    );
    for (const situation of Object.values(HTTP_ERRORS)) {
      assert.equal(statusCategory(situation.statusCode), 'client_error');
    }
  });
});
