/**
 * The CPO side: a token is presented at an EVSE; may the session start?
 *
 * The token's `whitelist` (pushed by the eMSP, kept in our cache) says whether we may decide from
 * the cache or must ask the eMSP in real time (POST tokens/{uid}/authorize). `planAuthorization`
 * is that rule as data; `authorizeAtCpo` carries it out, calling the injected `realTime` with an
 * AbortSignal it aborts after `timeoutMs`. docs/authorization.md has the whole table.
 *
 * Where the chapter leaves room, our choices:
 * - ALLOWED, valid: decided from the cache without asking (the chapter lets the CPO choose; a
 *   real-time round trip delays the driver at the charge point, and an eMSP that wants to be asked
 *   says so with ALLOWED_OFFLINE or NEVER). `whitelistAllowed: 'real-time'` asks instead, falling
 *   back to the cache when the eMSP cannot be reached.
 * - ALLOWED, invalid: asked in real time (the chapter says validity must not stop a real-time
 *   authorization where one is due, since the token's state may have changed; for ALLOWED one is
 *   permitted, and a refusal is where a stale cache hurts the driver). Unreachable: refused.
 * - ALWAYS, invalid: refused from the cache; real-time authorization is not permitted for ALWAYS.
 * - ALLOWED_OFFLINE, invalid: asked (as the chapter requires); unreachable: refused, the offline
 *   whitelist lets a token through, not an invalidated one.
 * - A whitelist value we do not know: treated as NEVER (ask; never let through unasked).
 * - The eMSP answers ALLOWED but its `location` lists EVSEs without ours: refused as NOT_ALLOWED
 *   (only the allowed EVSEs are returned). An absent or empty list allows the whole location.
 * - The eMSP does not know the token (2004): refused, even when our cache has it; the eMSP owns
 *   the token and has answered, so this is no offline situation.
 */
import { formatDateTime } from '../../protocol/index.js';
import type {
  AllowedType,
  AuthorizationInfo,
  DisplayText,
  LocationReferences,
  Token,
  TokenType,
  WhitelistType,
} from './types.js';
import { sameId } from './types.js';

/**
 * The eMSP's answer as the caller got it. A 2.1.1 AuthorizationInfo has no `token` (and no
 * authorization_reference), and a token we never cached has no canonical Token to add, so the
 * token is optional here.
 */
export type RealTimeAuthorizationInfo = Omit<AuthorizationInfo, 'token'> & { token?: Token };

/**
 * What the real-time call gave: `info` (an AuthorizationInfo), `unknown` (the eMSP said 2004, or
 * HTTP 404 — the chapter names both), `unreachable` (transport error, 5xx, 3xxx, a malformed
 * answer: anything that is not an answer about the token). A rejected promise counts as
 * unreachable too.
 */
export type RealTimeAnswer =
  | { kind: 'info'; info: RealTimeAuthorizationInfo }
  | { kind: 'unknown' }
  | { kind: 'unreachable'; reason: string };

/** What to send: the caller's client posts `location` as the body to `{uid}/authorize?type={type}`. */
export interface RealTimeRequest {
  uid: string;
  type: TokenType;
  location: LocationReferences;
}

export interface CpoAuthorizationInput {
  /** Our cached copy of the Token (pushed or pulled from the eMSP), undefined when not cached. */
  token: Token | undefined;
  /** As read at the charge point. */
  uid: string;
  type: TokenType;
  location: { location_id: string; evse_uid: string };
  /** Calls the eMSP; must stop when `signal` aborts. */
  realTime: (signal: AbortSignal, request: RealTimeRequest) => Promise<RealTimeAnswer>;
  /** How long the driver may wait for the eMSP; then the call is aborted and counts as unreachable. */
  timeoutMs: number;
  now: Date;
  /** Whitelist ALLOWED and valid: decide from the cache (default) or ask first. */
  whitelistAllowed?: 'cache' | 'real-time';
}

/** Which path decided: the cache alone, the eMSP's answer, or the cache because the eMSP was unreachable. */
export type AuthorizationSource = 'whitelist' | 'real-time' | 'offline-fallback';

/** What became of the real-time call (absent when none was made). */
export type RealTimeOutcome = 'answered' | 'unknown' | 'unreachable' | 'timeout';

export interface CpoAuthorization {
  /** May the session start. */
  authorized: boolean;
  /**
   * The AllowedType the decision amounts to: the eMSP's, or the cache's (ALLOWED, or BLOCKED for
   * an invalid token). Absent when nobody said: token unknown, or the eMSP unreachable with
   * nothing to fall back on.
   */
  allowed?: AllowedType;
  source: AuthorizationSource;
  realTime?: RealTimeOutcome;
  /** For logs and operators; not for the driver (that is `info`). */
  reason: string;
  /** Given by the eMSP (2.2+): to be echoed in the Session and CDR. */
  authorization_reference?: string;
  /** The eMSP's LocationReferences (the EVSEs it allowed). */
  location?: LocationReferences;
  /** The eMSP's text for the driver. */
  info?: DisplayText;
  /** The eMSP's current Token from the answer (2.2+), to refresh the cache with. */
  token?: Token;
  /** `now` as an OCPI DateTime. */
  decided_at: string;
}

/**
 * What the whitelist rule says before anything is asked: decide from the cache, or ask in real
 * time and, if the eMSP cannot be reached, fall back to the cache (ALLOWED or BLOCKED) or refuse.
 */
export type AuthorizationPlan =
  | { kind: 'whitelist'; allowed: 'ALLOWED' | 'BLOCKED'; why: string }
  | { kind: 'real-time'; whenUnreachable: 'ALLOWED' | 'BLOCKED' | 'refuse'; why: string };

const WHITELIST_TYPES: readonly string[] = ['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER'];

/** The whitelist rule for a cached token (or none). */
export function planAuthorization(
  token: Token | undefined,
  options: { whitelistAllowed?: 'cache' | 'real-time' } = {},
): AuthorizationPlan {
  if (token === undefined) {
    return { kind: 'real-time', whenUnreachable: 'refuse', why: 'the token is not in our cache' };
  }
  const whitelist: WhitelistType | 'NEVER' = WHITELIST_TYPES.includes(token.whitelist)
    ? token.whitelist
    : 'NEVER';
  const valid = token.valid === true;
  const cached = valid ? 'ALLOWED' : 'BLOCKED';
  const state = valid ? 'valid' : 'invalid (valid=false)';
  switch (whitelist) {
    case 'ALWAYS':
      return { kind: 'whitelist', allowed: cached, why: `whitelist ALWAYS, cached token ${state}` };
    case 'ALLOWED':
      if (valid && options.whitelistAllowed !== 'real-time') {
        return { kind: 'whitelist', allowed: 'ALLOWED', why: 'whitelist ALLOWED, cached token valid' };
      }
      return { kind: 'real-time', whenUnreachable: cached, why: `whitelist ALLOWED, cached token ${state}` };
    case 'ALLOWED_OFFLINE':
      return {
        kind: 'real-time',
        whenUnreachable: cached,
        why: `whitelist ALLOWED_OFFLINE, cached token ${state}`,
      };
    case 'NEVER': {
      const named =
        token.whitelist === 'NEVER' ? 'NEVER' : `${JSON.stringify(token.whitelist)} (unknown: as NEVER)`;
      return { kind: 'real-time', whenUnreachable: 'refuse', why: `whitelist ${named}` };
    }
  }
}

/** Decides whether a token presented at an EVSE may charge. Never rejects because of the eMSP. */
export async function authorizeAtCpo(input: CpoAuthorizationInput): Promise<CpoAuthorization> {
  if (!Number.isFinite(input.timeoutMs) || input.timeoutMs <= 0) {
    throw new RangeError(`timeoutMs must be a positive number, got ${input.timeoutMs}`);
  }
  const decided_at = formatDateTime(input.now);
  const plan = planAuthorization(input.token, { whitelistAllowed: input.whitelistAllowed });
  if (plan.kind === 'whitelist') {
    const authorized = plan.allowed === 'ALLOWED';
    return {
      authorized,
      allowed: plan.allowed,
      source: 'whitelist',
      reason: `${plan.why}: ${authorized ? 'allowed' : 'refused'} from the cache without asking the eMSP`,
      decided_at,
    };
  }

  const request: RealTimeRequest = {
    uid: input.uid,
    type: input.type,
    location: { location_id: input.location.location_id, evse_uids: [input.location.evse_uid] },
  };
  const outcome = await askWithTimeout(input.realTime, request, input.timeoutMs);

  if (outcome.kind === 'info') {
    return { ...fromAnswer(outcome.info, input.location.evse_uid, input.location.location_id), decided_at };
  }
  if (outcome.kind === 'unknown') {
    return {
      authorized: false,
      source: 'real-time',
      realTime: 'unknown',
      reason: `${plan.why}; the eMSP does not know token ${input.uid} (${input.type}): refused`,
      decided_at,
    };
  }
  const realTime: RealTimeOutcome = outcome.timedOut ? 'timeout' : 'unreachable';
  const failure = `the eMSP could not be reached (${outcome.reason})`;
  if (plan.whenUnreachable === 'refuse') {
    return {
      authorized: false,
      source: 'real-time',
      realTime,
      reason: `${plan.why}; ${failure}: refused, real-time authorization is required`,
      decided_at,
    };
  }
  const authorized = plan.whenUnreachable === 'ALLOWED';
  return {
    authorized,
    allowed: plan.whenUnreachable,
    source: 'offline-fallback',
    realTime,
    reason: `${plan.why}; ${failure}: ${authorized ? 'allowed' : 'refused'} from the cache`,
    decided_at,
  };
}

/** The eMSP's AuthorizationInfo as our decision; ALLOWED must include our EVSE when it lists EVSEs. */
function fromAnswer(
  info: RealTimeAuthorizationInfo,
  evse_uid: string,
  location_id: string,
): Omit<CpoAuthorization, 'decided_at'> {
  const out: Omit<CpoAuthorization, 'decided_at'> = {
    authorized: info.allowed === 'ALLOWED',
    allowed: info.allowed,
    source: 'real-time',
    realTime: 'answered',
    reason: `the eMSP answered ${info.allowed}`,
  };
  if (info.authorization_reference !== undefined) out.authorization_reference = info.authorization_reference;
  if (info.location !== undefined) out.location = info.location;
  if (info.info !== undefined) out.info = info.info;
  if (info.token !== undefined) out.token = info.token;
  if (info.info !== undefined) out.reason += ` ("${info.info.text}")`;
  if (out.authorized && info.location !== undefined) {
    const evses = info.location.evse_uids ?? [];
    const otherLocation = !sameId(info.location.location_id, location_id);
    if (otherLocation || (evses.length > 0 && !evses.some((e) => sameId(e, evse_uid)))) {
      out.authorized = false;
      out.allowed = 'NOT_ALLOWED';
      out.reason += otherLocation
        ? `, but for location ${info.location.location_id}, not ${location_id}: refused`
        : `, but only for EVSE(s) ${evses.join(', ')}, not ${evse_uid}: refused`;
    }
  }
  return out;
}

type AskOutcome =
  | { kind: 'info'; info: RealTimeAuthorizationInfo }
  | { kind: 'unknown' }
  | { kind: 'unreachable'; reason: string; timedOut: boolean };

/**
 * Calls the eMSP and waits at most `timeoutMs`: then the signal is aborted (the HTTP request
 * stops) and the answer is `unreachable`, whatever the call does afterwards.
 */
async function askWithTimeout(
  realTime: CpoAuthorizationInput['realTime'],
  request: RealTimeRequest,
  timeoutMs: number,
): Promise<AskOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<AskOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
      resolve({ kind: 'unreachable', reason: `no answer within ${timeoutMs} ms`, timedOut: true });
    }, timeoutMs);
  });
  // Through then(): a call that throws synchronously is a rejection like any other.
  const call = Promise.resolve()
    .then(() => realTime(controller.signal, request))
    .then(checkAnswer, (error: unknown) => ({
      kind: 'unreachable' as const,
      reason: error instanceof Error ? error.message : String(error),
      timedOut: false,
    }));
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Guards against a caller's answer that is not one of the three kinds (JavaScript callers, bugs). */
function checkAnswer(answer: RealTimeAnswer): AskOutcome {
  switch (answer?.kind) {
    case 'info':
      if (typeof answer.info?.allowed === 'string') return answer;
      break;
    case 'unknown':
      return answer;
    case 'unreachable':
      return { ...answer, timedOut: false };
  }
  return { kind: 'unreachable', reason: 'the real-time call gave no usable answer', timedOut: false };
}
