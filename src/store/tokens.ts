/**
 * Credentials tokens. Tokens peers present to us are kept only as SHA-256 hashes (`hashToken`);
 * `newToken` makes the ones we hand out (token A, and the token given in a credentials exchange).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of randomness in a token: 256 bits, beyond guessing. */
export const TOKEN_BYTES = 32;

/**
 * A fresh random token: 32 random bytes as base64url, 43 characters of [A-Za-z0-9_-]. That fits
 * every version's token field (string(64)), is printable non-whitespace ASCII as 2.1.1 asks, and
 * needs no escaping in a header, URL or shell.
 */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** SHA-256 of the token's UTF-8 bytes, lowercase hex: what `peers.incoming_token_hash` holds. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const HASH = /^[0-9a-f]{64}$/;

/** Whether the value has the shape `hashToken` returns (guards against storing a token in clear). */
export function isTokenHash(value: string): boolean {
  return HASH.test(value);
}

/** Whether `token` hashes to `hash`, compared in constant time. */
export function tokenMatchesHash(token: string, hash: string): boolean {
  if (!isTokenHash(hash)) return false;
  return timingSafeEqual(Buffer.from(hashToken(token), 'hex'), Buffer.from(hash, 'hex'));
}
