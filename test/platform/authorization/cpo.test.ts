/**
 * The CPO's decision when a token is presented: every whitelist type (valid and invalid) and a
 * token we never cached, against every eMSP answer — ALLOWED, BLOCKED, unknown (2004),
 * unreachable, a rejected call, and a call slower than the timeout (a real 50 ms timer, whose
 * abort signal must fire). Then the answer's details, the timer, the spec's example tokens and
 * both sides wired together.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AllowedType,
  authorizeAtCpo,
  authorizeToken,
  type CpoAuthorization,
  type CpoAuthorizationInput,
  type EmspAuthorizationPolicy,
  planAuthorization,
  type RealTimeAnswer,
  type RealTimeRequest,
  type Token,
} from '../../../src/platform/authorization/index.js';
import { invalidated, specToken } from './spec-tokens.js';

const NOW = new Date('2026-11-25T10:00:00Z');
const TIMEOUT_MS = 50;
const AT = { location_id: 'LOC1', evse_uid: '3256' };

/** The eMSP's token (2.3.0 full RFID example) with the whitelist and validity of a case. */
function cached(whitelist: string, valid: boolean): Token {
  return { ...specToken('2.3.0/token_example_2_full_rfid.json'), whitelist, valid } as Token;
}

type AnswerKind = 'allowed' | 'blocked' | 'unknown' | 'unreachable' | 'rejects' | 'slow';
const ANSWERS: readonly AnswerKind[] = ['allowed', 'blocked', 'unknown', 'unreachable', 'rejects', 'slow'];

/** A scripted eMSP: records its calls and the signals it was given. */
function emsp(kind: AnswerKind) {
  const calls: { signal: AbortSignal; request: RealTimeRequest }[] = [];
  const realTime = async (signal: AbortSignal, request: RealTimeRequest): Promise<RealTimeAnswer> => {
    calls.push({ signal, request });
    const token = cached('ALLOWED', true);
    switch (kind) {
      case 'allowed':
        return { kind: 'info', info: { allowed: 'ALLOWED', token, authorization_reference: 'REF-1' } };
      case 'blocked':
        return {
          kind: 'info',
          info: {
            allowed: 'BLOCKED',
            token: { ...token, valid: false },
            info: { language: 'en', text: 'Blocked' },
          },
        };
      case 'unknown':
        return { kind: 'unknown' };
      case 'unreachable':
        return { kind: 'unreachable', reason: 'HTTP 503 from the eMSP' };
      case 'rejects':
        throw new Error('connect ECONNREFUSED 10.0.0.7:443');
      case 'slow':
        // A well-behaved client: stops (rejects) when the signal aborts, else would answer in 10 s.
        await sleep(10_000, undefined, { signal });
        return { kind: 'info', info: { allowed: 'ALLOWED', token } };
    }
  };
  return { calls, realTime };
}

function input(token: Token | undefined, realTime: CpoAuthorizationInput['realTime']): CpoAuthorizationInput {
  return {
    token,
    uid: '12345678905880',
    type: 'RFID',
    location: AT,
    realTime,
    timeoutMs: TIMEOUT_MS,
    now: NOW,
  };
}

/** `source:allowed`, `-` for no AllowedType (nobody said: unknown token, or unreachable with no fallback). */
type Expect = `${'whitelist' | 'real-time' | 'offline-fallback'}:${AllowedType | '-'}`;

const ASK_NEVER: Record<AnswerKind, Expect> = {
  allowed: 'real-time:ALLOWED',
  blocked: 'real-time:BLOCKED',
  unknown: 'real-time:-',
  unreachable: 'real-time:-',
  rejects: 'real-time:-',
  slow: 'real-time:-',
};
const askThenCache = (fallback: 'ALLOWED' | 'BLOCKED'): Record<AnswerKind, Expect> => ({
  allowed: 'real-time:ALLOWED',
  blocked: 'real-time:BLOCKED',
  unknown: 'real-time:-',
  unreachable: `offline-fallback:${fallback}`,
  rejects: `offline-fallback:${fallback}`,
  slow: `offline-fallback:${fallback}`,
});
const cacheOnly = (allowed: 'ALLOWED' | 'BLOCKED'): Record<AnswerKind, Expect> =>
  Object.fromEntries(ANSWERS.map((a) => [a, `whitelist:${allowed}`])) as Record<AnswerKind, Expect>;

const MATRIX: {
  label: string;
  token: () => Token | undefined;
  allowedMode?: 'real-time';
  expect: Record<AnswerKind, Expect>;
}[] = [
  { label: 'ALWAYS, valid', token: () => cached('ALWAYS', true), expect: cacheOnly('ALLOWED') },
  { label: 'ALWAYS, invalid', token: () => cached('ALWAYS', false), expect: cacheOnly('BLOCKED') },
  { label: 'ALLOWED, valid', token: () => cached('ALLOWED', true), expect: cacheOnly('ALLOWED') },
  {
    label: "ALLOWED, valid, whitelistAllowed 'real-time'",
    token: () => cached('ALLOWED', true),
    allowedMode: 'real-time',
    expect: askThenCache('ALLOWED'),
  },
  { label: 'ALLOWED, invalid', token: () => cached('ALLOWED', false), expect: askThenCache('BLOCKED') },
  {
    label: 'ALLOWED_OFFLINE, valid',
    token: () => cached('ALLOWED_OFFLINE', true),
    expect: askThenCache('ALLOWED'),
  },
  {
    label: 'ALLOWED_OFFLINE, invalid',
    token: () => cached('ALLOWED_OFFLINE', false),
    expect: askThenCache('BLOCKED'),
  },
  { label: 'NEVER, valid', token: () => cached('NEVER', true), expect: ASK_NEVER },
  { label: 'NEVER, invalid', token: () => cached('NEVER', false), expect: ASK_NEVER },
  { label: 'not in the cache', token: () => undefined, expect: ASK_NEVER },
  { label: 'unknown whitelist value (as NEVER)', token: () => cached('SOMETIMES', true), expect: ASK_NEVER },
];

const REAL_TIME_OUTCOME: Record<AnswerKind, CpoAuthorization['realTime']> = {
  allowed: 'answered',
  blocked: 'answered',
  unknown: 'unknown',
  unreachable: 'unreachable',
  rejects: 'unreachable',
  slow: 'timeout',
};

describe('authorizeAtCpo: whitelist × eMSP answer', () => {
  for (const row of MATRIX) {
    for (const answer of ANSWERS) {
      const expected = row.expect[answer];
      it(`${row.label} / eMSP ${answer} -> ${expected}`, async () => {
        const { calls, realTime } = emsp(answer);
        const started = performance.now();
        const result = await authorizeAtCpo({
          ...input(row.token(), realTime),
          whitelistAllowed: row.allowedMode,
        });
        const elapsed = performance.now() - started;
        const [source, allowed] = expected.split(':') as [string, string];

        assert.equal(`${result.source}:${result.allowed ?? '-'}`, expected, result.reason);
        assert.equal(result.authorized, allowed === 'ALLOWED');
        assert.equal(result.decided_at, '2026-11-25T10:00:00Z');
        assert.ok(result.reason.length > 0);
        if (source === 'whitelist') {
          assert.equal(calls.length, 0, 'decided from the cache: the eMSP is not asked');
          assert.equal(result.realTime, undefined);
          return;
        }
        assert.equal(calls.length, 1, 'asked exactly once');
        assert.equal(result.realTime, REAL_TIME_OUTCOME[answer]);
        const signal = calls[0]!.signal;
        if (answer === 'slow') {
          assert.equal(signal.aborted, true, 'the slow call was aborted');
          assert.equal((signal.reason as Error).name, 'TimeoutError');
          assert.ok(elapsed >= TIMEOUT_MS - 5 && elapsed < 2_000, `decided after ${elapsed} ms`);
          assert.match(result.reason, /no answer within 50 ms/);
        } else {
          assert.equal(signal.aborted, false);
        }
        if (answer === 'allowed') assert.equal(result.authorization_reference, 'REF-1');
        if (answer === 'blocked') assert.deepEqual(result.info, { language: 'en', text: 'Blocked' });
      });
    }
  }
});

describe('authorizeAtCpo: the real-time call', () => {
  it('asks for the token as read, at our location and EVSE', async () => {
    const { calls, realTime } = emsp('allowed');
    await authorizeAtCpo({ ...input(undefined, realTime), uid: 'bdf21bce-fc97', type: 'APP_USER' });
    assert.deepEqual(calls[0]!.request, {
      uid: 'bdf21bce-fc97',
      type: 'APP_USER',
      location: { location_id: 'LOC1', evse_uids: ['3256'] },
    });
  });

  it("keeps the eMSP's reference, location, text and current Token (to refresh the cache)", async () => {
    const token = cached('NEVER', true);
    const info = {
      allowed: 'ALLOWED' as const,
      token,
      location: { location_id: 'LOC1', evse_uids: ['3256'] },
      authorization_reference: 'f2b9c2f6-6c8a-4a3b-9d7e-1d2c3b4a5f60',
      info: { language: 'en', text: 'Welcome' },
    };
    const result = await authorizeAtCpo(input(token, async () => ({ kind: 'info', info })));
    assert.equal(result.authorized, true);
    assert.equal(result.authorization_reference, info.authorization_reference);
    assert.deepEqual(result.location, info.location);
    assert.deepEqual(result.info, info.info);
    assert.deepEqual(result.token, token);
  });

  it('a 2.1.1 answer (no token, no reference) is enough', async () => {
    const result = await authorizeAtCpo(
      input(undefined, async () => ({ kind: 'info', info: { allowed: 'ALLOWED' } })),
    );
    assert.equal(result.authorized, true);
    assert.equal(result.token, undefined);
    assert.equal(result.authorization_reference, undefined);
  });

  const allowedFor =
    (location: { location_id: string; evse_uids?: string[] }) => async (): Promise<RealTimeAnswer> => ({
      kind: 'info',
      info: { allowed: 'ALLOWED', location },
    });

  it('ALLOWED for other EVSEs of the location is NOT_ALLOWED here', async () => {
    const result = await authorizeAtCpo(
      input(undefined, allowedFor({ location_id: 'LOC1', evse_uids: ['3257'] })),
    );
    assert.equal(result.authorized, false);
    assert.equal(result.allowed, 'NOT_ALLOWED');
    assert.match(result.reason, /3257.*not 3256/);
  });

  it('ALLOWED for another location is NOT_ALLOWED here', async () => {
    const result = await authorizeAtCpo(
      input(undefined, allowedFor({ location_id: 'LOC9', evse_uids: ['3256'] })),
    );
    assert.equal(result.allowed, 'NOT_ALLOWED');
  });

  it('EVSE and location ids compare without case (CiString); an empty EVSE list means the whole location', async () => {
    const mixedCase = await authorizeAtCpo(
      input(undefined, allowedFor({ location_id: 'loc1', evse_uids: ['3257', '3256'] })),
    );
    assert.equal(mixedCase.authorized, true);
    const empty = await authorizeAtCpo(input(undefined, allowedFor({ location_id: 'LOC1', evse_uids: [] })));
    assert.equal(empty.authorized, true);
    const none = await authorizeAtCpo(input(undefined, allowedFor({ location_id: 'LOC1' })));
    assert.equal(none.authorized, true);
  });

  it('a call that throws synchronously counts as unreachable', async () => {
    const realTime = () => {
      throw new TypeError('no peer endpoint for tokens');
    };
    const result = await authorizeAtCpo(input(cached('ALLOWED_OFFLINE', true), realTime));
    assert.deepEqual(
      [result.source, result.realTime, result.authorized],
      ['offline-fallback', 'unreachable', true],
    );
    assert.match(result.reason, /no peer endpoint for tokens/);
  });

  it('an answer that is none of the three kinds counts as unreachable', async () => {
    const realTime = async () => null as unknown as RealTimeAnswer;
    const result = await authorizeAtCpo(input(cached('NEVER', true), realTime));
    assert.deepEqual(
      [result.source, result.realTime, result.authorized],
      ['real-time', 'unreachable', false],
    );
  });

  it('a slow call that ignores the signal: the timeout still decides, the late ALLOWED changes nothing', async () => {
    let signal: AbortSignal | undefined;
    let answeredLate = false;
    const realTime = async (s: AbortSignal): Promise<RealTimeAnswer> => {
      signal = s;
      await sleep(150);
      answeredLate = true;
      return { kind: 'info', info: { allowed: 'ALLOWED' } };
    };
    const result = await authorizeAtCpo(input(cached('NEVER', true), realTime));
    assert.deepEqual([result.authorized, result.realTime], [false, 'timeout']);
    assert.equal(signal?.aborted, true);
    assert.equal(answeredLate, false, 'decided before the late answer');
    await sleep(200);
    assert.equal(answeredLate, true);
  });

  it('a fast answer clears the timer: the signal is never aborted afterwards', async () => {
    const { calls, realTime } = emsp('allowed');
    await authorizeAtCpo(input(cached('NEVER', true), realTime));
    await sleep(TIMEOUT_MS * 2);
    assert.equal(calls[0]!.signal.aborted, false);
  });

  it('a timeout that is not a positive number is refused', async () => {
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assert.rejects(
        authorizeAtCpo({ ...input(undefined, emsp('allowed').realTime), timeoutMs }),
        RangeError,
      );
    }
  });
});

describe('authorizeAtCpo: the spec example tokens in our cache', () => {
  const never = async (): Promise<RealTimeAnswer> => assert.fail('must not be asked');

  for (const file of [
    '2.1.1/mod_tokens_01.json.txt',
    '2.2.1/token_put_example.json',
    '2.3.0/token_put_example.json',
  ]) {
    it(`${file} (ALWAYS, valid): allowed from the cache`, async () => {
      const result = await authorizeAtCpo(input(specToken(file), never));
      assert.deepEqual([result.authorized, result.source, result.allowed], [true, 'whitelist', 'ALLOWED']);
    });
  }

  for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
    it(`${version} PUT example after the PATCH example (ALWAYS, valid=false): blocked without asking`, async () => {
      const result = await authorizeAtCpo(input(invalidated(version), never));
      assert.deepEqual([result.authorized, result.source, result.allowed], [false, 'whitelist', 'BLOCKED']);
    });
  }

  for (const file of [
    '2.1.1/mod_tokens_03.json.txt',
    '2.2.1/token_example_1_app_user.json',
    '2.3.0/token_example_1_app_user.json',
    '2.3.0/token_example_2_full_rfid.json',
  ]) {
    it(`${file} (ALLOWED, valid): allowed from the cache`, async () => {
      const result = await authorizeAtCpo(input(specToken(file), never));
      assert.deepEqual([result.authorized, result.source], [true, 'whitelist']);
    });
  }
});

describe('planAuthorization', () => {
  it('says what the whitelist rule does before anything is asked', () => {
    assert.deepEqual(
      [
        planAuthorization(undefined),
        planAuthorization(cached('ALWAYS', false)),
        planAuthorization(cached('ALLOWED', true)),
        planAuthorization(cached('ALLOWED', true), { whitelistAllowed: 'real-time' }),
        planAuthorization(cached('ALLOWED_OFFLINE', false)),
        planAuthorization(cached('NEVER', true)),
      ].map((p) => (p.kind === 'whitelist' ? `cache:${p.allowed}` : `ask, offline ${p.whenUnreachable}`)),
      [
        'ask, offline refuse',
        'cache:BLOCKED',
        'cache:ALLOWED',
        'ask, offline ALLOWED',
        'ask, offline BLOCKED',
        'ask, offline refuse',
      ],
    );
  });
});

describe('both sides wired together (the eMSP decides, the CPO asks)', () => {
  // The eMSP knows the RFID card; its contract excludes EVSE 3256 at LOC1.
  const emspToken = cached('NEVER', true);
  const policy: EmspAuthorizationPolicy = {
    mayChargeAt: (_t, place) => place.evse_uid !== '3256',
    newAuthorizationReference: () => 'EMSP-REF-42',
  };
  const realTime = async (_signal: AbortSignal, request: RealTimeRequest): Promise<RealTimeAnswer> => {
    const token = request.uid === emspToken.uid && request.type === emspToken.type ? emspToken : undefined;
    const answer = authorizeToken(token, { now: NOW, locationReferences: request.location }, policy);
    if (answer.kind === 'info') return { kind: 'info', info: answer.info };
    if (answer.kind === 'unknown') return { kind: 'unknown' };
    return { kind: 'unreachable', reason: `2002: ${answer.reason}` };
  };

  it("at an allowed EVSE: ALLOWED with the eMSP's reference", async () => {
    const result = await authorizeAtCpo({
      ...input(emspToken, realTime),
      location: { location_id: 'LOC1', evse_uid: '3257' },
    });
    assert.deepEqual(
      [result.authorized, result.allowed, result.authorization_reference, result.location],
      [true, 'ALLOWED', 'EMSP-REF-42', { location_id: 'LOC1', evse_uids: ['3257'] }],
    );
  });

  it('at the excluded EVSE: NOT_ALLOWED with the eMSP text', async () => {
    const result = await authorizeAtCpo(input(emspToken, realTime));
    assert.deepEqual([result.authorized, result.allowed, result.source], [false, 'NOT_ALLOWED', 'real-time']);
    assert.equal(result.info?.language, 'en');
  });

  it('a card the eMSP does not know: refused as unknown', async () => {
    const result = await authorizeAtCpo({ ...input(undefined, realTime), uid: '04A1B2C3D4' });
    assert.deepEqual([result.authorized, result.realTime, result.allowed], [false, 'unknown', undefined]);
  });
});
