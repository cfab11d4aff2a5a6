/**
 * Token, AuthorizationInfo, LocationReferences, EnergyContract converters: every spec example
 * round-trips and converts validly; every lossy row of tokens.ts is hit (and not hit).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConversionError, convert, fromCanonical, toCanonical } from '../../../src/model/convert/index.js';
import { converters, lossyMappings } from '../../../src/model/convert/tokens.js';
import {
  assertValid,
  converterEntryTests,
  example,
  exampleSamples,
  type Json,
  lossyRows,
  notReported,
  PARTY_NL_TNM as party,
  reported,
  sampleTests,
  token211,
} from '../../helpers/convert.js';
import { readExample } from '../../helpers/fixtures.js';

describe('Token examples', () => {
  sampleTests(exampleSamples(['Token']), {
    inEveryVersion: true,
    options: { party },
  });
});

// ---- small realistic documents ----

const token230 = () => example('2.3.0/token_example_2_full_rfid.json');

function info230(): Json {
  return {
    allowed: 'ALLOWED',
    token: readExample('2.3.0/token_example_1_app_user.json'),
    location: { location_id: 'LOC1', evse_uids: ['3256', '3257'] },
    authorization_reference: 'AUTH-1234',
    info: { language: 'en', text: 'Enjoy your charge' },
  };
}

describe('Token lossy mappings', () => {
  const rows = lossyRows(lossyMappings);

  rows.case('Token.party-from-context', 'the eMSP comes from options.party', () => {
    const { value, lossy } = toCanonical('Token', '2.1.1', token211(), { party });
    assert.deepEqual([value.country_code, value.party_id], ['NL', 'TNM']);
    assert.equal(value.contract_id, 'DE8ACC12E46L89');
    reported(lossy, 'Token.party-from-context', '/party_id');
    assert.throws(() => toCanonical('Token', '2.1.1', token211()), ConversionError);
    const patch = toCanonical('Token', '2.1.1', { valid: false }, { partial: true });
    assert.deepEqual(patch.value, { valid: false });
    notReported(patch.lossy, 'Token.party-from-context');
  });

  rows.case('Token.party-dropped', 'reported only for another owner than the connection', () => {
    const other = fromCanonical('Token', '2.1.1', token230(), { party });
    assert.ok(!('country_code' in other.value));
    reported(other.lossy, 'Token.party-dropped', '/party_id');
    const same = fromCanonical('Token', '2.1.1', token230(), {
      party: { country_code: 'DE', party_id: 'TNM' },
    });
    notReported(same.lossy, 'Token.party-dropped');
  });

  rows.case('Token.type-to-other-2.1.1', 'APP_USER is OTHER in 2.1.1', () => {
    const app = readExample('2.3.0/token_example_1_app_user.json') as Json;
    const { value, lossy } = fromCanonical('Token', '2.1.1', app);
    assert.equal(value.type, 'OTHER');
    reported(lossy, 'Token.type-to-other-2.1.1', '/type');
    const rfid = fromCanonical('Token', '2.1.1', token230());
    assert.equal(rfid.value.type, 'RFID');
    notReported(rfid.lossy, 'Token.type-to-other-2.1.1');
  });

  rows.case('Token.type-to-other-2.2.1', 'EMAID and unknown types are OTHER in 2.2.1', () => {
    for (const type of ['EMAID', 'X_VENDOR_KEYFOB']) {
      const { value, lossy } = fromCanonical('Token', '2.2.1', { ...token230(), type });
      assert.equal(value.type, 'OTHER');
      assertValid('2.2.1', 'Token', value);
      reported(lossy, 'Token.type-to-other-2.2.1', '/type');
    }
    const app = fromCanonical('Token', '2.2.1', readExample('2.3.0/token_example_1_app_user.json'));
    assert.equal(app.value.type, 'APP_USER');
    notReported(app.lossy, 'Token.type-to-other-2.2.1');
  });

  for (const field of ['group_id', 'default_profile_type', 'energy_contract']) {
    rows.droppedCase(`Token.${field}-dropped-2.1.1`, { type: 'Token', doc: token230, options: { party } });
  }

  rows.case('LocationReferences.connector_ids-dropped', '2.2 has no connector_ids', () => {
    const refs = { location_id: 'LOC1', evse_uids: ['3256'], connector_ids: ['1', '2'] };
    const { value, lossy } = toCanonical('LocationReferences', '2.1.1', refs);
    assert.deepEqual(value, { location_id: 'LOC1', evse_uids: ['3256'] });
    reported(lossy, 'LocationReferences.connector_ids-dropped', '/connector_ids');
    const empty = toCanonical('LocationReferences', '2.1.1', { ...refs, connector_ids: [] });
    notReported(empty.lossy, 'LocationReferences.connector_ids-dropped');
    // Inside an AuthorizationInfo: at its pointer there.
    const info = { allowed: 'ALLOWED', location: refs, token: token230() };
    reported(
      toCanonical('AuthorizationInfo', '2.1.1', info).lossy,
      'LocationReferences.connector_ids-dropped',
      '/location/connector_ids',
    );
  });

  rows.droppedCase('AuthorizationInfo.token-dropped-2.1.1', { type: 'AuthorizationInfo', doc: info230 });

  rows.droppedCase('AuthorizationInfo.authorization_reference-dropped-2.1.1', {
    type: 'AuthorizationInfo',
    doc: info230,
  });

  rows.everyRowTested('tokens.ts');
});

describe('AuthorizationInfo', () => {
  it('a 2.1.1 answer has no token: the caller adds the canonical Token, else ConversionError', () => {
    const answer = { allowed: 'BLOCKED', info: { language: 'en', text: 'Card blocked' } };
    assert.throws(() => toCanonical('AuthorizationInfo', '2.1.1', answer), ConversionError);
    const token = token230();
    const { value, lossy } = toCanonical('AuthorizationInfo', '2.1.1', { ...answer, token });
    assert.deepEqual(value, { allowed: 'BLOCKED', token, info: answer.info });
    assert.deepEqual(lossy, []);
    assertValid('2.3.0', 'AuthorizationInfo', value);
  });

  it('canonical -> 2.2.1 converts the embedded Token', () => {
    const doc = { ...info230(), token: { ...token230(), type: 'EMAID' } };
    const { value, lossy } = fromCanonical('AuthorizationInfo', '2.2.1', doc);
    assertValid('2.2.1', 'AuthorizationInfo', value);
    reported(lossy, 'Token.type-to-other-2.2.1', '/token/type');
  });

  it('2.2.1 and 2.3.0 share LocationReferences and EnergyContract', () => {
    const refs = { location_id: 'LOC1', evse_uids: ['3256'] };
    assert.deepEqual(convert('LocationReferences', '2.3.0', '2.2.1', refs), { value: refs, lossy: [] });
    const contract = { supplier_name: 'Greenpeace Energy eG', contract_id: '0123456789' };
    assert.deepEqual(convert('EnergyContract', '2.2.1', '2.3.0', contract), { value: contract, lossy: [] });
    assert.throws(() => toCanonical('EnergyContract', '2.1.1', contract), ConversionError);
  });

  it('unknown fields pass through', () => {
    const up = toCanonical('Token', '2.1.1', { ...token211(), x_fleet: 'F1' }, { party }).value;
    assert.equal(up.x_fleet, 'F1');
    assert.equal(fromCanonical('Token', '2.1.1', up, { party }).value.x_fleet, 'F1');
  });
});

describe('tokens converter entries', () => {
  converterEntryTests('tokens', converters);
});
