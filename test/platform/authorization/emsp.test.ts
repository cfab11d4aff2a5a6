/**
 * The eMSP's answer to POST tokens/{uid}/authorize: unknown, BLOCKED, EXPIRED, NOT_ALLOWED,
 * NO_CREDIT, ALLOWED with token and authorization_reference; 2002 when a policy needs a place;
 * what the answer becomes in 2.2.1 and 2.1.1.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromCanonical } from '../../../src/model/index.js';
import {
  type AuthorizationInfo,
  authorizeToken,
  type ChargingPlace,
  DEFAULT_DISPLAY_TEXTS,
  type EmspAuthorization,
  type LocationReferences,
  type Token,
} from '../../../src/platform/authorization/index.js';
import { assertValid, notReported, reported } from '../../helpers/convert.js';
import { invalidated, specToken, specTokens } from './spec-tokens.js';

const NOW = new Date('2026-11-25T10:00:00Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A Location of the 2.3.0 examples with two EVSEs. */
const AT_LOC1: LocationReferences = { location_id: 'LOC1', evse_uids: ['3256', '3257'] };

function infoOf(result: EmspAuthorization): AuthorizationInfo {
  assert.equal(result.kind, 'info');
  return (result as { kind: 'info'; info: AuthorizationInfo }).info;
}

const rfid = () => specToken('2.3.0/token_example_2_full_rfid.json');

describe('authorizeToken: the token', () => {
  it('a token the eMSP does not have is unknown (the handler answers 2004)', () => {
    assert.deepEqual(authorizeToken(undefined, { now: NOW }), { kind: 'unknown' });
    assert.deepEqual(authorizeToken(undefined, { now: NOW, locationReferences: AT_LOC1 }), {
      kind: 'unknown',
    });
  });

  for (const { file, token } of specTokens()) {
    it(`spec example ${file}: ALLOWED with the whole Token and a fresh UUID reference, valid 2.3.0`, () => {
      const info = infoOf(authorizeToken(token, { now: NOW }));
      assert.equal(info.allowed, 'ALLOWED');
      assert.deepEqual(info.token, token);
      assert.match(info.authorization_reference ?? '', UUID);
      assert.equal(info.location, undefined, 'no location asked, none answered');
      assert.equal(info.info, undefined, 'nothing to explain to the driver');
      assertValid('2.3.0', 'AuthorizationInfo', info);
    });
  }

  it('every ALLOWED answer has its own reference (the Session/CDR are matched by it)', () => {
    const refs = new Set(
      Array.from({ length: 50 }, () => infoOf(authorizeToken(rfid(), { now: NOW })).authorization_reference),
    );
    assert.equal(refs.size, 50);
  });

  for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
    it(`${version}: the PUT example invalidated by the PATCH example is BLOCKED, with a reason and no reference`, () => {
      const token = invalidated(version);
      assert.equal(token.valid, false);
      const info = infoOf(authorizeToken(token, { now: NOW, locationReferences: AT_LOC1 }));
      assert.deepEqual(info, { allowed: 'BLOCKED', token, info: DEFAULT_DISPLAY_TEXTS.BLOCKED });
      assertValid('2.3.0', 'AuthorizationInfo', info);
    });
  }

  it('the answer carries a copy: changing it does not change the eMSP token', () => {
    const token = rfid();
    const info = infoOf(authorizeToken(token, { now: NOW }));
    info.token.valid = false;
    (info.token.energy_contract as { supplier_name: string }).supplier_name = 'changed';
    assert.equal(token.valid, true);
    assert.equal(token.energy_contract?.supplier_name, 'Greenpeace Energy eG');
  });
});

describe('authorizeToken: expiry', () => {
  const expiresAt = (at: string) => ({ expiresAt: () => new Date(at) });

  it('EXPIRED from the expiry instant on, ALLOWED before it', () => {
    const token = rfid();
    assert.equal(
      infoOf(authorizeToken(token, { now: NOW }, expiresAt('2026-11-25T09:59:59Z'))).allowed,
      'EXPIRED',
    );
    assert.equal(
      infoOf(authorizeToken(token, { now: NOW }, expiresAt('2026-11-25T10:00:00Z'))).allowed,
      'EXPIRED',
    );
    assert.equal(
      infoOf(authorizeToken(token, { now: NOW }, expiresAt('2026-11-25T10:00:01Z'))).allowed,
      'ALLOWED',
    );
  });

  it('an expired answer explains itself and has no reference', () => {
    const info = infoOf(authorizeToken(rfid(), { now: NOW }, expiresAt('2026-01-01T00:00:00Z')));
    assert.deepEqual(info.info, DEFAULT_DISPLAY_TEXTS.EXPIRED);
    assert.equal(info.authorization_reference, undefined);
  });

  it('a token without an expiry (hook gives undefined) does not expire', () => {
    assert.equal(
      infoOf(authorizeToken(rfid(), { now: NOW }, { expiresAt: () => undefined })).allowed,
      'ALLOWED',
    );
  });

  it('an invalid token is BLOCKED even when also expired (blocking is the eMSP decision that wins)', () => {
    const info = infoOf(
      authorizeToken(invalidated('2.3.0'), { now: NOW }, expiresAt('2020-01-01T00:00:00Z')),
    );
    assert.equal(info.allowed, 'BLOCKED');
  });
});

describe('authorizeToken: location', () => {
  it('without a hook the requested location is allowed and echoed', () => {
    const info = infoOf(authorizeToken(rfid(), { now: NOW, locationReferences: AT_LOC1 }));
    assert.equal(info.allowed, 'ALLOWED');
    assert.deepEqual(info.location, AT_LOC1);
    assert.notEqual(info.location, AT_LOC1, 'a copy, not the request body');
    const locationOnly = infoOf(
      authorizeToken(rfid(), { now: NOW, locationReferences: { location_id: 'LOC1' } }),
    );
    assert.deepEqual(locationOnly.location, { location_id: 'LOC1' });
  });

  // Drivers of this token may charge at LOC1's EVSE 3256 only; LOC2 is not in the contract.
  const asked: ChargingPlace[] = [];
  const onlyEvse3256 = {
    mayChargeAt: (_token: Token, place: ChargingPlace) => {
      asked.push(place);
      return place.location_id === 'LOC1' && (place.evse_uid === undefined || place.evse_uid === '3256');
    },
  };

  it('only the allowed EVSEs are answered', () => {
    asked.length = 0;
    const info = infoOf(authorizeToken(rfid(), { now: NOW, locationReferences: AT_LOC1 }, onlyEvse3256));
    assert.equal(info.allowed, 'ALLOWED');
    assert.deepEqual(info.location, { location_id: 'LOC1', evse_uids: ['3256'] });
    assert.deepEqual(asked, [
      { location_id: 'LOC1' },
      { location_id: 'LOC1', evse_uid: '3256' },
      { location_id: 'LOC1', evse_uid: '3257' },
    ]);
  });

  it('NOT_ALLOWED when none of the requested EVSEs is allowed', () => {
    const request = { now: NOW, locationReferences: { location_id: 'LOC1', evse_uids: ['3257'] } };
    const info = infoOf(authorizeToken(rfid(), request, onlyEvse3256));
    assert.equal(info.allowed, 'NOT_ALLOWED');
    assert.equal(info.location, undefined);
    assert.equal(info.authorization_reference, undefined);
    assert.deepEqual(info.info, DEFAULT_DISPLAY_TEXTS.NOT_ALLOWED);
    assertValid('2.3.0', 'AuthorizationInfo', info);
  });

  it('NOT_ALLOWED when the location itself is not allowed (its EVSEs are not asked)', () => {
    asked.length = 0;
    const request = { now: NOW, locationReferences: { location_id: 'LOC2', evse_uids: ['3256'] } };
    assert.equal(infoOf(authorizeToken(rfid(), request, onlyEvse3256)).allowed, 'NOT_ALLOWED');
    assert.deepEqual(asked, [{ location_id: 'LOC2' }]);
  });

  it('an empty evse_uids list asks for the location as a whole', () => {
    const request = { now: NOW, locationReferences: { location_id: 'LOC1', evse_uids: [] } };
    const info = infoOf(authorizeToken(rfid(), request, onlyEvse3256));
    assert.equal(info.allowed, 'ALLOWED');
    assert.deepEqual(info.location, { location_id: 'LOC1', evse_uids: [] });
  });

  it('no location in the request: the location hook is not asked', () => {
    let called = false;
    const policy = {
      mayChargeAt: () => {
        called = true;
        return false;
      },
    };
    assert.equal(infoOf(authorizeToken(rfid(), { now: NOW }, policy)).allowed, 'ALLOWED');
    assert.equal(called, false);
  });

  it('a policy that needs a place answers 2002 without one, but still refuses what needs none', () => {
    const policy = { locationRequired: () => true };
    const result = authorizeToken(rfid(), { now: NOW }, policy);
    assert.equal(result.kind, 'not-enough-information');
    assert.equal(
      infoOf(authorizeToken(rfid(), { now: NOW, locationReferences: AT_LOC1 }, policy)).allowed,
      'ALLOWED',
    );
    assert.equal(infoOf(authorizeToken(invalidated('2.3.0'), { now: NOW }, policy)).allowed, 'BLOCKED');
  });
});

describe('authorizeToken: credit', () => {
  it('NO_CREDIT when the account is short; the hook sees the location that would be allowed', () => {
    let seen: LocationReferences | undefined;
    const policy = {
      mayChargeAt: (_t: Token, place: ChargingPlace) => place.evse_uid !== '3257',
      hasCredit: (_t: Token, location: LocationReferences | undefined) => {
        seen = location;
        return false;
      },
    };
    const info = infoOf(authorizeToken(rfid(), { now: NOW, locationReferences: AT_LOC1 }, policy));
    assert.equal(info.allowed, 'NO_CREDIT');
    assert.deepEqual(seen, { location_id: 'LOC1', evse_uids: ['3256'] });
    assert.deepEqual(info.info, DEFAULT_DISPLAY_TEXTS.NO_CREDIT);
    assert.equal(info.location, undefined);
    assert.equal(info.authorization_reference, undefined);
  });

  it('a place that is not allowed is NOT_ALLOWED before credit is looked at', () => {
    let called = false;
    const policy = {
      mayChargeAt: () => false,
      hasCredit: () => {
        called = true;
        return false;
      },
    };
    assert.equal(
      infoOf(authorizeToken(rfid(), { now: NOW, locationReferences: AT_LOC1 }, policy)).allowed,
      'NOT_ALLOWED',
    );
    assert.equal(called, false);
  });

  it('enough credit: ALLOWED', () => {
    assert.equal(infoOf(authorizeToken(rfid(), { now: NOW }, { hasCredit: () => true })).allowed, 'ALLOWED');
  });
});

describe('authorizeToken: display text and reference', () => {
  it("a displayText hook replaces the defaults (e.g. in the token's language), undefined means none", () => {
    const token = rfid(); // language: it
    const policy = {
      displayText: (allowed: string, t: Token) =>
        allowed === 'BLOCKED' ? { language: t.language ?? 'en', text: 'Tessera bloccata' } : undefined,
    };
    const blocked = infoOf(authorizeToken({ ...token, valid: false }, { now: NOW }, policy));
    assert.deepEqual(blocked.info, { language: 'it', text: 'Tessera bloccata' });
    const expired = infoOf(authorizeToken(token, { now: NOW }, { ...policy, expiresAt: () => new Date(0) }));
    assert.equal(expired.allowed, 'EXPIRED');
    assert.equal(expired.info, undefined);
  });

  it('an injected reference generator is used; one giving no CiString(36) is a programming error', () => {
    const info = infoOf(
      authorizeToken(rfid(), { now: NOW }, { newAuthorizationReference: () => 'AUTH-0001' }),
    );
    assert.equal(info.authorization_reference, 'AUTH-0001');
    for (const bad of ['', 'x'.repeat(37), 'réf-1', 'line\nbreak']) {
      assert.throws(
        () => authorizeToken(rfid(), { now: NOW }, { newAuthorizationReference: () => bad }),
        /CiString\(36\)/,
      );
    }
    // A refusal needs no reference: a broken generator is not called.
    const blocked = authorizeToken(
      invalidated('2.3.0'),
      { now: NOW },
      { newAuthorizationReference: () => '' },
    );
    assert.equal(infoOf(blocked).allowed, 'BLOCKED');
  });
});

describe('authorizeToken: the answer in older versions', () => {
  const allowed = () =>
    infoOf(
      authorizeToken(
        rfid(),
        { now: NOW, locationReferences: AT_LOC1 },
        { newAuthorizationReference: () => 'R1' },
      ),
    );

  it('2.2.1 carries everything (an RFID token converts as it is)', () => {
    const { value, lossy } = fromCanonical('AuthorizationInfo', '2.2.1', allowed());
    assert.deepEqual(value, allowed());
    assert.deepEqual(lossy, []);
    assertValid('2.2.1', 'AuthorizationInfo', value);
  });

  it('2.2.1: an EMAID token goes as OTHER (closed TokenType)', () => {
    const token = { ...rfid(), type: 'EMAID' };
    const info = infoOf(authorizeToken(token, { now: NOW }));
    const { value, lossy } = fromCanonical('AuthorizationInfo', '2.2.1', info);
    assert.equal((value.token as Token).type, 'OTHER');
    reported(lossy, 'Token.type-to-other-2.2.1', '/token/type');
  });

  it('2.1.1 keeps allowed, location and info; token and authorization_reference are dropped (reported)', () => {
    const { value, lossy } = fromCanonical('AuthorizationInfo', '2.1.1', allowed());
    assert.deepEqual(value, { allowed: 'ALLOWED', location: AT_LOC1 });
    assertValid('2.1.1', 'AuthorizationInfo', value);
    reported(lossy, 'AuthorizationInfo.token-dropped-2.1.1', '/token');
    reported(lossy, 'AuthorizationInfo.authorization_reference-dropped-2.1.1', '/authorization_reference');
    const blocked = fromCanonical(
      'AuthorizationInfo',
      '2.1.1',
      infoOf(authorizeToken(invalidated('2.1.1'), { now: NOW })),
    );
    assert.deepEqual(blocked.value, { allowed: 'BLOCKED', info: DEFAULT_DISPLAY_TEXTS.BLOCKED });
    notReported(blocked.lossy, 'AuthorizationInfo.authorization_reference-dropped-2.1.1');
  });
});
