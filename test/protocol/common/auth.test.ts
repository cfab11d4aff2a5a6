import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AUTH_TOLERANCES,
  type AuthorizationParseResult,
  decodeAuthorization,
  encodeAuthorization,
  matchToken,
  type TokenCandidate,
  tokensEqual,
} from '../../../src/protocol/common/auth.js';

function candidates(result: AuthorizationParseResult): TokenCandidate[] {
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.candidates;
}

describe('encodeAuthorization', () => {
  test('2.1.1 sends the token as is', () => {
    assert.equal(
      encodeAuthorization('IpbJOXxkxOAuKR92z0nEcmVF3Qw09VG7I7d/WCg0koM=', '2.1.1'),
      'Token IpbJOXxkxOAuKR92z0nEcmVF3Qw09VG7I7d/WCg0koM=',
    );
  });
  test('2.2.1 and 2.3.0 send Base64 of the UTF-8 token', () => {
    assert.equal(encodeAuthorization('example-token', '2.2.1'), 'Token ZXhhbXBsZS10b2tlbg==');
    assert.equal(encodeAuthorization('example-token', '2.3.0'), 'Token ZXhhbXBsZS10b2tlbg==');
    assert.equal(encodeAuthorization('tök€n', '2.2.1'), `Token ${Buffer.from('tök€n').toString('base64')}`);
  });
  test('an empty token is a programming error', () => {
    assert.throws(() => encodeAuthorization('', '2.2.1'), RangeError);
  });
});

describe('decodeAuthorization', () => {
  test('round trip in every version, no tolerance needed', () => {
    for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
      const [first] = candidates(
        decodeAuthorization(encodeAuthorization('ebf3b399-779f-4497', version), version),
      );
      assert.deepEqual(first, {
        token: 'ebf3b399-779f-4497',
        encoding: version === '2.1.1' ? 'raw' : 'base64',
        tolerances: [],
      });
    }
  });

  test("TRAILING_NEWLINE: the spec's own 2.2.1 examples encode a trailing newline", () => {
    const [first] = candidates(decodeAuthorization('Token ZXhhbXBsZS10b2tlbgo=', '2.2.1'));
    assert.deepEqual(first, { token: 'example-token', encoding: 'base64', tolerances: ['TRAILING_NEWLINE'] });
    const [other] = candidates(
      decodeAuthorization('Token ZWJmM2IzOTktNzc5Zi00NDk3LTliOWQtYWM2YWQzY2M0NGQyCg==', '2.2.1'),
    );
    assert.equal(other?.token, 'ebf3b399-779f-4497-9b9d-ac6ad3cc44d2');
  });

  test('UNENCODED_TOKEN: a raw token on 2.2.1+ is offered as the second reading', () => {
    const uuid = 'ebf3b399-779f-4497-9b9d-ac6ad3cc44d2'; // '-' is not Base64: only the raw reading
    assert.deepEqual(candidates(decodeAuthorization(`Token ${uuid}`, '2.3.0')), [
      { token: uuid, encoding: 'raw', tolerances: ['UNENCODED_TOKEN'] },
    ]);
    // A raw token that happens to be valid Base64 of text: both readings, the encoded one first.
    const both = candidates(decodeAuthorization('Token dGVzdA==', '2.2.1'));
    assert.deepEqual(
      both.map((c) => [c.token, c.tolerances]),
      [
        ['test', []],
        ['dGVzdA==', ['UNENCODED_TOKEN']],
      ],
    );
  });

  test('Base64 that decodes to binary is not a reading', () => {
    // 'abcd' is valid Base64 but decodes to bytes that are not UTF-8 text.
    assert.deepEqual(
      candidates(decodeAuthorization('Token abcd', '2.2.1')).map((c) => c.encoding),
      ['raw'],
    );
  });

  test('ENCODED_TOKEN: a Base64 token on 2.1.1 is offered second', () => {
    const read = candidates(decodeAuthorization('Token ZXhhbXBsZS10b2tlbg==', '2.1.1'));
    assert.deepEqual(
      read.map((c) => [c.token, c.tolerances]),
      [
        ['ZXhhbXBsZS10b2tlbg==', []],
        ['example-token', ['ENCODED_TOKEN']],
      ],
    );
  });

  test('the 2.1.1 spec example token is read raw', () => {
    const [first] = candidates(
      decodeAuthorization('Token IpbJOXxkxOAuKR92z0nEcmVF3Qw09VG7I7d/WCg0koM=', '2.1.1'),
    );
    assert.deepEqual(first, {
      token: 'IpbJOXxkxOAuKR92z0nEcmVF3Qw09VG7I7d/WCg0koM=',
      encoding: 'raw',
      tolerances: [],
    });
  });

  test('UNPADDED_BASE64', () => {
    const [first] = candidates(decodeAuthorization('Token ZXhhbXBsZS10b2tlbg', '2.2.1'));
    assert.deepEqual(first, { token: 'example-token', encoding: 'base64', tolerances: ['UNPADDED_BASE64'] });
  });

  test('SCHEME_CASE and EXTRA_WHITESPACE', () => {
    const [lower] = candidates(decodeAuthorization('token ZXhhbXBsZS10b2tlbg==', '2.2.1'));
    assert.deepEqual(lower?.tolerances, ['SCHEME_CASE']);
    const [upper] = candidates(decodeAuthorization('TOKEN abc-1', '2.1.1'));
    assert.deepEqual(upper, { token: 'abc-1', encoding: 'raw', tolerances: ['SCHEME_CASE'] });
    const [spaced] = candidates(decodeAuthorization('  Token \t ZXhhbXBsZS10b2tlbg==  ', '2.2.1'));
    assert.deepEqual(spaced, {
      token: 'example-token',
      encoding: 'base64',
      tolerances: ['EXTRA_WHITESPACE'],
    });
  });

  test('allow restricts the readings offered', () => {
    const strict = decodeAuthorization('Token ebf3b399-779f', '2.2.1', { allow: [] });
    assert.equal(strict.ok, false);
    if (!strict.ok) {
      assert.equal(strict.reason, 'INVALID_TOKEN');
      assert.match(strict.message, /UNENCODED_TOKEN/);
    }
    const lower = decodeAuthorization('token ZXhhbXBsZS10b2tlbg==', '2.2.1', { allow: ['UNENCODED_TOKEN'] });
    assert.equal(lower.ok, false);
    // With only the spec format, an encoded token still decodes.
    assert.equal(
      candidates(decodeAuthorization('Token ZXhhbXBsZS10b2tlbg==', '2.2.1', { allow: [] }))[0]?.token,
      'example-token',
    );
  });

  test('failures: missing header, other scheme, no token, whitespace in the token', () => {
    const reasons = (
      [
        [undefined, 'MISSING'],
        ['', 'MISSING'],
        ['Bearer abc', 'WRONG_SCHEME'],
        ['abc123', 'WRONG_SCHEME'],
        ['Token', 'EMPTY_TOKEN'],
        ['Token   ', 'EMPTY_TOKEN'],
        ['Token abc def', 'INVALID_TOKEN'],
        ['Token abc\u0007', 'INVALID_TOKEN'],
      ] as const
    ).map(([header, reason]) => {
      const r = decodeAuthorization(header, '2.2.1');
      return [header, r.ok ? 'ok' : r.reason, reason];
    });
    for (const [header, got, want] of reasons) assert.equal(got, want, `${JSON.stringify(header)}`);
  });

  test('every named tolerance is exercised above', () => {
    assert.deepEqual([...AUTH_TOLERANCES].sort(), [
      'ENCODED_TOKEN',
      'EXTRA_WHITESPACE',
      'SCHEME_CASE',
      'TRAILING_NEWLINE',
      'UNENCODED_TOKEN',
      'UNPADDED_BASE64',
    ]);
  });
});

describe('token comparison', () => {
  test('tokensEqual', () => {
    assert.equal(tokensEqual('secret', 'secret'), true);
    assert.equal(tokensEqual('secret', 'secreT'), false);
    assert.equal(tokensEqual('secret', 'secret-but-longer'), false);
    assert.equal(tokensEqual('', ''), true);
  });

  test('matchToken finds the candidate that matches and tells which', () => {
    const read = candidates(decodeAuthorization('Token dGVzdA==', '2.2.1'));
    // The peer does not encode: its token is literally 'dGVzdA=='.
    const match = matchToken(read, ['other', 'dGVzdA==']);
    assert.equal(match?.index, 1);
    assert.deepEqual(match?.candidate.tolerances, ['UNENCODED_TOKEN']);
    assert.equal(matchToken(read, ['nope']), undefined);
    // The encoded reading wins when both are known.
    assert.equal(matchToken(read, ['dGVzdA==', 'test'])?.candidate.token, 'test');
  });
});
