import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashToken, isTokenHash, newToken, tokenMatchesHash } from '../../src/store/tokens.js';

describe('tokens', () => {
  it('newToken gives 32 random bytes as 43 URL-safe characters, different every time', () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const token = newToken();
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(token, 'base64url').length, 32);
      tokens.add(token);
    }
    assert.equal(tokens.size, 1000);
  });

  it('hashToken is SHA-256 of the UTF-8 bytes in lowercase hex', () => {
    assert.equal(hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // Non-ASCII: the UTF-8 bytes (c3 a9), not UTF-16 or Latin-1.
    assert.equal(
      hashToken('é'),
      createHash('sha256')
        .update(Buffer.from([0xc3, 0xa9]))
        .digest('hex'),
    );
    assert.ok(isTokenHash(hashToken(newToken())));
  });

  it('isTokenHash accepts only the shape hashToken returns', () => {
    assert.equal(isTokenHash('a'.repeat(64)), true);
    assert.equal(isTokenHash('A'.repeat(64)), false);
    assert.equal(isTokenHash('a'.repeat(63)), false);
    assert.equal(isTokenHash(newToken()), false);
  });

  it('tokenMatchesHash compares a token with a stored hash', () => {
    const token = newToken();
    const hash = hashToken(token);
    assert.equal(tokenMatchesHash(token, hash), true);
    assert.equal(tokenMatchesHash(`${token}x`, hash), false);
    assert.equal(tokenMatchesHash(token, 'not a hash'), false);
  });
});
