import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import {
  AnyResponseEnvelope,
  ENVELOPE_TOLERANCES,
  errorResponse,
  httpErrorResponse,
  parseResponse,
  parseResponseText,
  ResponseEnvelope,
  successResponse,
} from '../../../src/protocol/common/envelope.js';
import { HTTP_ERRORS } from '../../../src/protocol/common/status.js';
import { validate } from '../../../src/protocol/common/validator.js';
import { examplesRoot } from '../../helpers/fixtures.js';

const NOW = Date.UTC(2015, 5, 30, 21, 59, 59, 420);

/** The complete response envelopes among the spec's examples (transport and format chapters). */
function envelopeExamples(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const version of ['2.1.1', '2.2.1', '2.3.0']) {
    const dir = join(examplesRoot, version);
    for (const file of readdirSync(dir).filter((f) => f.startsWith('transport_and_format'))) {
      out.push({ name: `${version}/${file}`, text: readFileSync(join(dir, file), 'utf8') });
    }
  }
  return out;
}

describe('building responses', () => {
  test('success: data, 1000, timestamp in UTC with Z; key order as in the spec', () => {
    const body = successResponse(
      [{ version: '2.2.1', url: 'https://example.com/ocpi/2.2.1' }],
      NOW,
      'Success',
    );
    assert.deepEqual(Object.keys(body), ['data', 'status_code', 'status_message', 'timestamp']);
    assert.deepEqual(body, {
      data: [{ version: '2.2.1', url: 'https://example.com/ocpi/2.2.1' }],
      status_code: 1000,
      status_message: 'Success',
      timestamp: '2015-06-30T21:59:59Z',
    });
  });

  test('success without data leaves the field out (the spec advice for PUT/PATCH answers)', () => {
    const body = successResponse(undefined, new Date(NOW));
    assert.deepEqual(body, { status_code: 1000, timestamp: '2015-06-30T21:59:59Z' });
    assert.equal('data' in body, false);
  });

  test('error: the 2.1.1 transport chapter example', () => {
    assert.deepEqual(errorResponse(2001, NOW, 'Missing required field: type'), {
      status_code: 2001,
      status_message: 'Missing required field: type',
      timestamp: '2015-06-30T21:59:59Z',
    });
    assert.deepEqual(errorResponse(2001, NOW, 'bad', { fields: ['type'] }).data, { fields: ['type'] });
  });

  test('errorResponse refuses success and non-OCPI codes', () => {
    assert.throws(() => errorResponse(1000, NOW), RangeError);
    assert.throws(() => errorResponse(404, NOW), RangeError);
    assert.doesNotThrow(() => errorResponse(2950, NOW)); // custom client error
  });

  test('HTTP error situations carry an envelope too', () => {
    const { httpStatus, body } = httpErrorResponse(HTTP_ERRORS.UNAUTHORIZED, NOW);
    assert.equal(httpStatus, 401);
    assert.equal(body.status_code, 2000);
    assert.equal(body.status_message, HTTP_ERRORS.UNAUTHORIZED.description);
    assert.equal(
      httpErrorResponse(HTTP_ERRORS.BODY_NOT_JSON, NOW, 'Unexpected token').body.status_code,
      2001,
    );
  });

  test('what we build validates against the envelope schema', () => {
    for (const body of [
      successResponse({ a: 1 }, NOW),
      successResponse(undefined, NOW),
      errorResponse(3001, NOW, 'x'),
    ]) {
      assert.equal(validate(AnyResponseEnvelope, body).valid, true);
    }
  });
});

describe('envelope schema', () => {
  test('data typed when a schema is given', () => {
    const schema = ResponseEnvelope(Type.Array(Type.String()));
    assert.equal(validate(schema, successResponse(['a'], NOW)).valid, true);
    const bad = validate(schema, successResponse([1], NOW));
    assert.equal(bad.valid, false);
    assert.equal(bad.issues[0]?.pointer, '/data/0');
  });
  test('required fields and four-digit codes', () => {
    const missing = validate(AnyResponseEnvelope, { data: [] });
    assert.deepEqual(missing.issues.map((i) => i.field).sort(), ['status_code', 'timestamp']);
    assert.equal(
      validate(AnyResponseEnvelope, { status_code: 200, timestamp: '2015-06-30T21:59:59Z' }).valid,
      false,
    );
    assert.equal(validate(AnyResponseEnvelope, { status_code: 1000, timestamp: 'yesterday' }).valid, false);
  });
});

describe('parseResponse', () => {
  test("the spec's envelope examples parse", () => {
    const examples = envelopeExamples();
    assert.ok(examples.length >= 9, `found ${examples.length} envelope examples in the fixtures`);
    for (const { name, text } of examples) {
      const parsed = parseResponseText(text);
      assert.ok(parsed.ok, `${name}: ${parsed.ok ? '' : parsed.error}`);
      assert.equal(parsed.timestamp?.toISOString(), '2015-06-30T21:59:59.000Z', name);
      assert.deepEqual(parsed.tolerances, [], name);
      assert.equal(validate(AnyResponseEnvelope, JSON.parse(text)).valid, true, name);
    }
  });

  test('success, data and extra fields are returned', () => {
    const parsed = parseResponse({
      data: { uid: '012345678' },
      status_code: 1000,
      status_message: 'Success',
      timestamp: '2015-06-30T21:59:59Z',
      vendor_trace: 'abc',
    });
    assert.ok(parsed.ok);
    assert.equal(parsed.success, true);
    assert.equal(parsed.category, 'success');
    assert.deepEqual(parsed.response.data, { uid: '012345678' });
    assert.equal(parsed.response.vendor_trace, 'abc');
  });

  test('an error response without data', () => {
    const parsed = parseResponse({
      status_code: 2001,
      status_message: 'Missing required field: type',
      timestamp: '2015-06-30T21:59:59Z',
    });
    assert.ok(parsed.ok);
    assert.equal(parsed.success, false);
    assert.equal(parsed.category, 'client_error');
    assert.equal(parsed.response.data, undefined);
  });

  test('the timestamp tolerances come through', () => {
    const parsed = parseResponse({ status_code: 1000, timestamp: '2015-06-30T23:59:59+02:00' });
    assert.ok(parsed.ok);
    assert.equal(parsed.timestamp?.toISOString(), '2015-06-30T21:59:59.000Z');
    assert.deepEqual(parsed.timestampTolerances, ['NON_ZERO_OFFSET']);
  });

  test('tolerances: STATUS_CODE_STRING, NULL_STATUS_MESSAGE, BAD_TIMESTAMP', () => {
    assert.deepEqual(
      [...ENVELOPE_TOLERANCES],
      ['STATUS_CODE_STRING', 'NULL_STATUS_MESSAGE', 'BAD_TIMESTAMP'],
    );
    const a = parseResponse({ status_code: '1000', timestamp: '2015-06-30T21:59:59Z' });
    assert.ok(a.ok);
    assert.equal(a.response.status_code, 1000);
    assert.deepEqual(a.tolerances, ['STATUS_CODE_STRING']);

    const b = parseResponse({ status_code: 1000, status_message: null, timestamp: '2015-06-30T21:59:59Z' });
    assert.ok(b.ok);
    assert.equal('status_message' in b.response, false);
    assert.deepEqual(b.tolerances, ['NULL_STATUS_MESSAGE']);

    for (const timestamp of [undefined, 'yesterday', 12]) {
      const c = parseResponse({ data: [], status_code: 1000, timestamp });
      assert.ok(c.ok);
      assert.equal(c.timestamp, undefined);
      assert.deepEqual(c.tolerances, ['BAD_TIMESTAMP']);
      assert.deepEqual(c.response.data, []);
    }
  });

  test('clear errors for what is not an envelope', () => {
    const cases: [unknown, RegExp][] = [
      [null, /not an OCPI envelope object \(got null\)/],
      [[{ status_code: 1000 }], /got an array/],
      ['ok', /got the string "ok"/],
      [{ data: {} }, /no status_code/],
      [{ status_code: 1000.5, timestamp: '2015-06-30T21:59:59Z' }, /must be an integer/],
      [{ status_code: '1OOO', timestamp: '2015-06-30T21:59:59Z' }, /must be an integer/],
      [{ status_code: 200, timestamp: '2015-06-30T21:59:59Z' }, /200 is not an OCPI status code/],
      [
        { status_code: 1000, status_message: 5, timestamp: '2015-06-30T21:59:59Z' },
        /status_message must be a string/,
      ],
    ];
    for (const [body, pattern] of cases) {
      const r = parseResponse(body);
      assert.equal(r.ok, false, JSON.stringify(body));
      if (!r.ok) assert.match(r.error, pattern);
    }
  });

  test('parseResponseText: body that is not JSON', () => {
    const r = parseResponseText('<html>502 Bad Gateway</html>');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, /not JSON/);
  });
});
