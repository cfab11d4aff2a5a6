/**
 * The Authorization header: `Token <credentials token>` in 2.1.1, `Token <base64(utf8(token))>`
 * in 2.2.1 and 2.3.0. Encoding is strict; decoding accepts the known deviations, each named,
 * and returns the token readings to try in order (the spec itself tells implementers to find
 * the right reading "by trial and error or configuration": many 2.1.1 and 2.2 peers do not encode).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { OcpiVersion } from '../index.js';

/**
 * Deviations accepted on input:
 * - SCHEME_CASE: `token`/`TOKEN` instead of `Token` (HTTP auth schemes are case-insensitive).
 * - EXTRA_WHITESPACE: leading/trailing whitespace, or more than one space/tab after the scheme.
 * - UNENCODED_TOKEN: 2.2.1+, the raw token where the Base64 encoding is required (common with
 *   peers that implemented 2.2 before 2.2-d2 made the encoding explicit).
 * - ENCODED_TOKEN: 2.1.1, a Base64-encoded token where the raw one is expected (peers that
 *   encode for every version).
 * - UNPADDED_BASE64: Base64 without its trailing `=` padding.
 * - TRAILING_NEWLINE: the decoded token ends in a line break, as produced by `echo token | base64`
 *   (the spec's own examples carry one: `ZXhhbXBsZS10b2tlbgo=` is "example-token\n"); stripped.
 */
export const AUTH_TOLERANCES = [
  'SCHEME_CASE',
  'EXTRA_WHITESPACE',
  'UNENCODED_TOKEN',
  'ENCODED_TOKEN',
  'UNPADDED_BASE64',
  'TRAILING_NEWLINE',
] as const;
export type AuthTolerance = (typeof AUTH_TOLERANCES)[number];

/** One reading of the header's credential: the token, and the tolerances that reading needs. */
export interface TokenCandidate {
  token: string;
  encoding: 'base64' | 'raw';
  tolerances: AuthTolerance[];
}

export type AuthorizationParseResult =
  | {
      ok: true;
      /** Readings to look up, the version's own format first. Non-empty. */
      candidates: TokenCandidate[];
    }
  | { ok: false; reason: 'MISSING' | 'WRONG_SCHEME' | 'EMPTY_TOKEN' | 'INVALID_TOKEN'; message: string };

export interface DecodeAuthorizationOptions {
  /** Tolerances to accept (default: all). A reading needing any other is not offered. */
  allow?: readonly AuthTolerance[];
}

/** Whether the version sends the token Base64-encoded. */
export function encodesToken(version: OcpiVersion): boolean {
  return version !== '2.1.1';
}

/** The Authorization header value to send a credentials token with, for the version. */
export function encodeAuthorization(token: string, version: OcpiVersion): string {
  if (token.length === 0) throw new RangeError('encodeAuthorization: empty token');
  return `Token ${encodesToken(version) ? Buffer.from(token, 'utf8').toString('base64') : token}`;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** A usable token: printable characters, no whitespace (2.1.1: "printable, non-whitespace ASCII"). */
const TOKEN_CHARS = /^[^\s\p{Cc}]+$/u;

/** Base64 → UTF-8 text, or undefined when the text is not canonical Base64 of valid UTF-8. */
function decodeBase64(value: string): { text: string; unpadded: boolean } | undefined {
  if (!BASE64.test(value)) return undefined;
  const unpadded = value.length % 4 !== 0;
  if (unpadded && value.includes('=')) return undefined;
  if (value.length % 4 === 1) return undefined;
  const bytes = Buffer.from(value, 'base64');
  // Canonical check: re-encoding must give the input back (rules out stray bits in the last char).
  const again = bytes.toString('base64');
  if ((unpadded ? again.replace(/=+$/, '') : again) !== value) return undefined;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), unpadded };
  } catch {
    return undefined;
  }
}

/**
 * Parses an Authorization header value (or undefined when the header is absent) for a peer of
 * `version`. A server looks up each candidate in turn (with `tokensEqual`) and records the
 * tolerances of the one that matched.
 */
export function decodeAuthorization(
  header: string | undefined,
  version: OcpiVersion,
  options: DecodeAuthorizationOptions = {},
): AuthorizationParseResult {
  if (header === undefined || header.trim() === '') {
    return { ok: false, reason: 'MISSING', message: 'no Authorization header' };
  }
  const allow = options.allow ?? AUTH_TOLERANCES;
  const common: AuthTolerance[] = [];
  const m = /^([ \t]*)(\S+)([ \t]+)(.*?)([ \t]*)$/s.exec(header);
  if (m === null) {
    return header.trim().toLowerCase() === 'token'
      ? { ok: false, reason: 'EMPTY_TOKEN', message: 'the Authorization header has no token' }
      : { ok: false, reason: 'WRONG_SCHEME', message: "expected 'Token <token>'" };
  }
  const [, lead, scheme, gap, credential, trail] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (scheme.toLowerCase() !== 'token') {
    return { ok: false, reason: 'WRONG_SCHEME', message: `expected 'Token <token>', got scheme '${scheme}'` };
  }
  if (scheme !== 'Token') common.push('SCHEME_CASE');
  if (lead !== '' || trail !== '' || gap !== ' ') common.push('EXTRA_WHITESPACE');
  if (credential === '')
    return { ok: false, reason: 'EMPTY_TOKEN', message: 'the Authorization header has no token' };
  if (!TOKEN_CHARS.test(credential)) {
    return {
      ok: false,
      reason: 'INVALID_TOKEN',
      message: 'the token contains whitespace or control characters',
    };
  }

  const raw: TokenCandidate = { token: credential, encoding: 'raw', tolerances: [...common] };
  let decoded: TokenCandidate | undefined;
  const b64 = decodeBase64(credential);
  if (b64 !== undefined) {
    const tolerances = [...common];
    if (b64.unpadded) tolerances.push('UNPADDED_BASE64');
    let text = b64.text;
    const stripped = text.replace(/\r?\n$/, '');
    if (stripped !== text) {
      tolerances.push('TRAILING_NEWLINE');
      text = stripped;
    }
    if (text !== '' && TOKEN_CHARS.test(text)) decoded = { token: text, encoding: 'base64', tolerances };
  }

  const ordered: TokenCandidate[] = [];
  if (encodesToken(version)) {
    if (decoded !== undefined) ordered.push(decoded);
    ordered.push({ ...raw, tolerances: [...raw.tolerances, 'UNENCODED_TOKEN'] });
  } else {
    ordered.push(raw);
    if (decoded !== undefined)
      ordered.push({ ...decoded, tolerances: [...decoded.tolerances, 'ENCODED_TOKEN'] });
  }
  const candidates = ordered.filter((c) => c.tolerances.every((t) => allow.includes(t)));
  if (candidates.length === 0) {
    const needed = [...new Set(ordered.flatMap((c) => c.tolerances))].filter((t) => !allow.includes(t));
    return {
      ok: false,
      reason: 'INVALID_TOKEN',
      message: `the Authorization header is readable only with tolerances not allowed: ${needed.join(', ')}`,
    };
  }
  return { ok: true, candidates };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Compares two tokens in constant time. Both are hashed first so that neither the length of the
 * stored token nor the position of the first difference shows in the timing.
 */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * The first candidate equal to one of the known tokens (each comparison constant-time, every
 * pair compared so the number of known tokens and the position of a match do not show), or
 * undefined.
 */
export function matchToken(
  candidates: readonly TokenCandidate[],
  known: readonly string[],
): { candidate: TokenCandidate; index: number } | undefined {
  let found: { candidate: TokenCandidate; index: number } | undefined;
  for (const candidate of candidates) {
    for (let index = 0; index < known.length; index++) {
      const equal = tokensEqual(candidate.token, known[index] as string);
      if (equal && found === undefined) found = { candidate, index };
    }
  }
  return found;
}
