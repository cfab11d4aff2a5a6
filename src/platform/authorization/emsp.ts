/**
 * The eMSP side of real-time authorization: what we answer when a CPO calls
 * POST {tokens_endpoint_url}/{token_uid}/authorize[?type=…] (Tokens chapter, Sender interface).
 *
 * Pure: the caller looks the Token up (by uid and type) and passes it with the request body and
 * the clock; operators' rules come in as optional policy hooks. The handler turns the result into
 * the response:
 * - `unknown` -> no data, status 2004 (Unknown Token, 2.2.1+; sent with HTTP 404, see
 *   StatusCode.UNKNOWN_TOKEN). 2.1.1 has no 2004: the handler has to pick its own answer there.
 * - `not-enough-information` -> status 2002 (only when the policy says a location is needed).
 * - `info` -> the AuthorizationInfo, converted to the peer's version (src/model/convert/tokens.ts;
 *   going to 2.1.1 `token` and `authorization_reference` are dropped and reported).
 *
 * Order of the checks, each one answering for the token everywhere before the next looks at the
 * place: unknown, invalid (BLOCKED), expired (EXPIRED), location needed but absent (2002), location
 * or EVSEs not allowed (NOT_ALLOWED), credit (NO_CREDIT), else ALLOWED.
 *
 * The chapter says the eMSP must not judge a location by opening hours or EVSE status (that data
 * may be stale) and that a location it does not know (a private charger) should usually be
 * ALLOWED: both are the `mayChargeAt` hook's business, whose default allows everything.
 */
import { randomUUID } from 'node:crypto';
import type {
  AllowedType,
  AuthorizationInfo,
  ChargingPlace,
  DisplayText,
  LocationReferences,
  Token,
} from './types.js';

/** The body of the POST (optional in every version) and the clock. */
export interface EmspAuthorizationRequest {
  /** Where the driver wants to charge; canonical LocationReferences (2.1.1's connector_ids dropped). */
  locationReferences?: LocationReferences;
  now: Date;
}

/** What the handler answers: see the file comment for the status of each kind. */
export type EmspAuthorization =
  | { kind: 'unknown' }
  | { kind: 'not-enough-information'; reason: string }
  | { kind: 'info'; info: AuthorizationInfo };

/** An operator's rules. Every hook is optional; without any, a known valid token is ALLOWED. */
export interface EmspAuthorizationPolicy {
  /** When the token's contract ends; from that instant on the answer is EXPIRED. */
  expiresAt?: (token: Token) => Date | undefined;
  /**
   * May the token charge at this place? Asked once for the location (no `evse_uid`) and, when the
   * request names EVSEs, once per EVSE. Not allowed -> NOT_ALLOWED; only the allowed EVSEs are
   * returned in `location` (the chapter's rule for the answer).
   */
  mayChargeAt?: (token: Token, place: ChargingPlace) => boolean;
  /** Has the account enough credit? `location` is what will be allowed (when a location was given). */
  hasCredit?: (token: Token, location: LocationReferences | undefined) => boolean;
  /**
   * Answer 2002 (not enough information) to a request without LocationReferences, for operators
   * whose `mayChargeAt` cannot decide without a place. Asked after the checks that need no place.
   */
  locationRequired?: (token: Token) => boolean;
  /**
   * The text shown to the driver. Without the hook: `DEFAULT_DISPLAY_TEXTS` (English, nothing
   * for ALLOWED); with it, its answer is used as it is (undefined = no `info`).
   */
  displayText?: (allowed: AllowedType, token: Token) => DisplayText | undefined;
  /**
   * A new authorization_reference for an ALLOWED answer (CiString(36), unique: the CPO echoes it
   * in the Session and CDR, which is how they are matched to this authorization). Default: a
   * random UUID (36 characters).
   */
  newAuthorizationReference?: () => string;
}

/** Why a refusal happened, told to the driver. No text for ALLOWED: nothing to explain. */
export const DEFAULT_DISPLAY_TEXTS: Readonly<Record<AllowedType, DisplayText | undefined>> = {
  ALLOWED: undefined,
  BLOCKED: { language: 'en', text: 'This card or app account is blocked. Please contact your provider.' },
  EXPIRED: { language: 'en', text: 'This card or contract has expired. Please contact your provider.' },
  NO_CREDIT: { language: 'en', text: 'Not enough credit on your account to charge here.' },
  NOT_ALLOWED: { language: 'en', text: 'Your contract does not allow charging at this charge point.' },
};

// CiString(36): printable ASCII, at most 36 characters (an empty reference would reference nothing).
const CI_STRING_36 = /^[\x20-\x7e]{1,36}$/;

/** The default reference: a random UUID, exactly 36 characters. */
export function randomAuthorizationReference(): string {
  return randomUUID();
}

/** Decides the answer to a real-time authorization request. */
export function authorizeToken(
  token: Token | undefined,
  request: EmspAuthorizationRequest,
  policy: EmspAuthorizationPolicy = {},
): EmspAuthorization {
  if (token === undefined) return { kind: 'unknown' };
  const refuse = (allowed: AllowedType): EmspAuthorization => ({
    kind: 'info',
    info: withInfo({ allowed, token: structuredClone(token) }, policy, token),
  });

  // An invalidated token is refused everywhere (the eMSP invalidates, it cannot delete).
  if (token.valid !== true) return refuse('BLOCKED');
  const expiry = policy.expiresAt?.(token);
  if (expiry !== undefined && request.now.getTime() >= expiry.getTime()) return refuse('EXPIRED');

  const asked = request.locationReferences;
  if (asked === undefined && policy.locationRequired?.(token) === true) {
    return {
      kind: 'not-enough-information',
      reason: 'this token can only be authorized for a given location (LocationReferences)',
    };
  }
  let location: LocationReferences | undefined;
  if (asked !== undefined) {
    location = allowedPart(token, asked, policy);
    if (location === undefined) return refuse('NOT_ALLOWED');
  }
  if (policy.hasCredit !== undefined && !policy.hasCredit(token, location)) return refuse('NO_CREDIT');

  const reference = (policy.newAuthorizationReference ?? randomAuthorizationReference)();
  if (!CI_STRING_36.test(reference)) {
    // A broken generator is a programming error, not a refusal of the driver.
    throw new Error(`authorization_reference must be a CiString(36), got ${JSON.stringify(reference)}`);
  }
  const info: AuthorizationInfo = { allowed: 'ALLOWED', token: structuredClone(token) };
  if (location !== undefined) info.location = location;
  info.authorization_reference = reference;
  return { kind: 'info', info: withInfo(info, policy, token) };
}

/**
 * The part of the requested place the token may use, or undefined when none: the location must
 * be allowed, and when EVSEs were named at least one of them. Without a hook everything asked is
 * allowed and echoed as asked.
 */
function allowedPart(
  token: Token,
  asked: LocationReferences,
  policy: EmspAuthorizationPolicy,
): LocationReferences | undefined {
  const may = policy.mayChargeAt;
  if (may !== undefined && !may(token, { location_id: asked.location_id })) return undefined;
  const out: LocationReferences = { location_id: asked.location_id };
  if (asked.evse_uids === undefined) return out;
  // An empty list names no EVSE: the request is for the location as a whole.
  if (asked.evse_uids.length === 0) return { ...out, evse_uids: [] };
  const evses =
    may === undefined
      ? [...asked.evse_uids]
      : asked.evse_uids.filter((evse_uid) => may(token, { location_id: asked.location_id, evse_uid }));
  return evses.length === 0 ? undefined : { ...out, evse_uids: evses };
}

function withInfo(info: AuthorizationInfo, policy: EmspAuthorizationPolicy, token: Token): AuthorizationInfo {
  const text =
    policy.displayText === undefined
      ? DEFAULT_DISPLAY_TEXTS[info.allowed]
      : policy.displayText(info.allowed, token);
  return text === undefined ? info : { ...info, info: { ...text } };
}
