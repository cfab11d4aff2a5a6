/**
 * Token, AuthorizationInfo, LocationReferences, EnergyContract converters: every spec example
 * round-trips and converts validly; every lossy row of tokens.ts is hit (and not hit).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import {
  type AppliedLossyMapping,
  ConversionError,
  convert,
  fromCanonical,
  toCanonical,
} from '../../../src/model/convert/index.js';
import { converters, lossyMappings } from '../../../src/model/convert/tokens.js';
import {
  findSchema,
  type OcpiVersion,
  ocpiTypeOf,
  schemasByVersion,
  v2_1_1,
  v2_2_1,
  v2_3_0,
  validate,
} from '../../../src/protocol/index.js';
import { exampleExpectations } from '../../fixtures/expectations.js';
import { readExample } from '../../helpers/fixtures.js';

type Json = Record<string, unknown>;
const VERSIONS: OcpiVersion[] = ['2.1.1', '2.2.1', '2.3.0'];
/** The eMSP of the 2.1.1 examples (pushed to /tokens/NL/TNM/…). */
const party = { country_code: 'NL', party_id: 'TNM' };

function assertValid(version: OcpiVersion, type: string, value: unknown, partial = false): void {
  const schema = findSchema(schemasByVersion[version], type);
  assert.ok(schema, `${version} has ${type}`);
  assert.deepEqual(validate(schema, value, { partial }).issues, [], `valid ${version} ${type}`);
}

/** Freezes a document deeply: a converter that writes into its input then throws. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function reported(lossy: AppliedLossyMapping[], id: string, pointer: string): void {
  assert.ok(
    lossy.some((l) => l.id === id && l.pointer === pointer),
    `expected ${id} at ${pointer}, got ${JSON.stringify(lossy)}`,
  );
}

function notReported(lossy: AppliedLossyMapping[], id: string): void {
  assert.ok(!lossy.some((l) => l.id === id), `${id} should not be reported: ${JSON.stringify(lossy)}`);
}

/** The documents of an example: an envelope's data, a list's items, or the object. */
function documents(raw: unknown, form: string, list?: boolean): Json[] {
  if (form === 'envelope') {
    const data = (raw as Json).data;
    return list ? (data as Json[]) : [data as Json];
  }
  return form === 'list' ? (raw as Json[]) : [raw as Json];
}

describe('Token examples', () => {
  const examples = exampleExpectations.filter((e) => e.type === 'Token');

  it('there are examples in every version', () => {
    assert.deepEqual([...new Set(examples.map((e) => e.version))].sort(), VERSIONS);
  });

  for (const e of examples) {
    const partial = e.form === 'partial';
    documents(deepFreeze(readExample(e.file)), e.form, e.list).forEach((doc, index) => {
      it(`${e.file} #${index} round-trips through canonical`, () => {
        const up = toCanonical('Token', e.version, doc, { party, partial });
        assertValid('2.3.0', 'Token', up.value, partial);
        assert.deepEqual(fromCanonical('Token', e.version, up.value, { party, partial }).value, doc);
      });
      if (partial) return;
      for (const target of VERSIONS.filter((v) => v !== e.version)) {
        it(`${e.file} #${index} converts to a valid ${target} Token`, () => {
          assertValid(target, 'Token', convert('Token', e.version, target, doc, { party }).value);
        });
      }
    });
  }
});

// ---- small realistic documents ----

function token211(): Json {
  return structuredClone(readExample('2.1.1/mod_tokens_01.json.txt')) as Json;
}

function token230(): Json {
  return structuredClone(readExample('2.3.0/token_example_2_full_rfid.json')) as Json;
}

function info230(): Json {
  return {
    allowed: 'ALLOWED',
    token: readExample('2.3.0/token_example_1_app_user.json'),
    location: { location_id: 'LOC1', evse_uids: ['3256', '3257'] },
    authorization_reference: 'AUTH-1234',
    info: { language: 'en', text: 'Enjoy your charge' },
  };
}

const covered = new Set<string>();
function lossyCase(id: string, what: string, fn: () => void): void {
  covered.add(id);
  it(`${id}: ${what}`, fn);
}

describe('Token lossy mappings', () => {
  lossyCase('Token.party-from-context', 'the eMSP comes from options.party', () => {
    const { value, lossy } = toCanonical('Token', '2.1.1', token211(), { party });
    assert.deepEqual([value.country_code, value.party_id], ['NL', 'TNM']);
    assert.equal(value.contract_id, 'DE8ACC12E46L89');
    reported(lossy, 'Token.party-from-context', '/party_id');
    assert.throws(() => toCanonical('Token', '2.1.1', token211()), ConversionError);
    const patch = toCanonical('Token', '2.1.1', { valid: false }, { partial: true });
    assert.deepEqual(patch.value, { valid: false });
    notReported(patch.lossy, 'Token.party-from-context');
  });

  lossyCase('Token.party-dropped', 'reported only for another owner than the connection', () => {
    const other = fromCanonical('Token', '2.1.1', token230(), { party });
    assert.ok(!('country_code' in other.value));
    reported(other.lossy, 'Token.party-dropped', '/party_id');
    const same = fromCanonical('Token', '2.1.1', token230(), {
      party: { country_code: 'DE', party_id: 'TNM' },
    });
    notReported(same.lossy, 'Token.party-dropped');
  });

  lossyCase('Token.type-to-other-2.1.1', 'APP_USER is OTHER in 2.1.1', () => {
    const app = readExample('2.3.0/token_example_1_app_user.json') as Json;
    const { value, lossy } = fromCanonical('Token', '2.1.1', app);
    assert.equal(value.type, 'OTHER');
    reported(lossy, 'Token.type-to-other-2.1.1', '/type');
    const rfid = fromCanonical('Token', '2.1.1', token230());
    assert.equal(rfid.value.type, 'RFID');
    notReported(rfid.lossy, 'Token.type-to-other-2.1.1');
  });

  lossyCase('Token.type-to-other-2.2.1', 'EMAID and unknown types are OTHER in 2.2.1', () => {
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
    const id = `Token.${field}-dropped-2.1.1`;
    lossyCase(id, `${field} is left out`, () => {
      const doc = token230();
      assert.ok(field in doc);
      const { value, lossy } = fromCanonical('Token', '2.1.1', doc, { party });
      assert.ok(!(field in value));
      assertValid('2.1.1', 'Token', value);
      reported(lossy, id, `/${field}`);
      const bare = { ...doc };
      delete bare[field];
      notReported(fromCanonical('Token', '2.1.1', bare, { party }).lossy, id);
    });
  }

  lossyCase('LocationReferences.connector_ids-dropped', '2.2 has no connector_ids', () => {
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

  lossyCase('AuthorizationInfo.token-dropped-2.1.1', 'the echoed Token is not sent', () => {
    const { value, lossy } = fromCanonical('AuthorizationInfo', '2.1.1', info230());
    assert.ok(!('token' in value));
    reported(lossy, 'AuthorizationInfo.token-dropped-2.1.1', '/token');
    const { token: _, ...noToken } = info230();
    notReported(
      fromCanonical('AuthorizationInfo', '2.1.1', noToken, { partial: true }).lossy,
      'AuthorizationInfo.token-dropped-2.1.1',
    );
  });

  lossyCase('AuthorizationInfo.authorization_reference-dropped-2.1.1', 'the reference is not sent', () => {
    const { value, lossy } = fromCanonical('AuthorizationInfo', '2.1.1', info230());
    assert.ok(!('authorization_reference' in value));
    assertValid('2.1.1', 'AuthorizationInfo', value);
    reported(lossy, 'AuthorizationInfo.authorization_reference-dropped-2.1.1', '/authorization_reference');
    const { authorization_reference: _, ...plain } = info230();
    notReported(
      fromCanonical('AuthorizationInfo', '2.1.1', plain).lossy,
      'AuthorizationInfo.authorization_reference-dropped-2.1.1',
    );
  });

  it('every lossy row of tokens.ts has a test here', () => {
    assert.deepEqual([...covered].sort(), lossyMappings.map((r) => r.id).sort());
  });
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
  /** The classes (not enums) a chapter file exports, by spec name. */
  const classesOf = (chapter: Record<string, unknown>) =>
    Object.values(chapter).flatMap((schema) => {
      const name = ocpiTypeOf(schema as TSchema);
      return name !== undefined && (schema as { type?: unknown }).type === 'object' ? [name] : [];
    });
  const chapters = { '2.1.1': v2_1_1.tokens, '2.2.1': v2_2_1.tokens } as const;
  /** Entries kept on purpose for a class the version does not define under that name. */
  const bridged: Record<string, string[]> = {};

  it('every class of the chapter has a converter for each older version defining it', () => {
    for (const name of classesOf(v2_3_0.tokens)) assert.ok(name in converters, name);
    for (const [version, chapter] of Object.entries(chapters)) {
      for (const name of classesOf(chapter))
        assert.ok(converters[name]?.[version as '2.1.1'], `${version} ${name}`);
    }
  });

  it('no converter for a version that lacks the class', () => {
    for (const [name, byVersion] of Object.entries(converters)) {
      for (const version of Object.keys(byVersion) as ('2.1.1' | '2.2.1')[]) {
        if (bridged[name]?.includes(version)) continue;
        assert.ok(classesOf(chapters[version]).includes(name), `${version} has no ${name}`);
      }
    }
  });
});
