/**
 * Credentials / CredentialsRole converters: every spec example round-trips and converts validly;
 * every lossy row of credentials.ts is hit (and not hit).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { converters, lossyMappings } from '../../../src/model/convert/credentials.js';
import { ConversionError, fromCanonical, toCanonical } from '../../../src/model/convert/index.js';
import {
  assertValid,
  converterEntryTests,
  example,
  exampleSamples,
  type Json,
  lossyRows,
  notReported,
  reported,
  sampleTests,
} from '../../helpers/convert.js';
import { readExample } from '../../helpers/fixtures.js';

describe('Credentials examples', () => {
  sampleTests(exampleSamples(['Credentials']), {
    inEveryVersion: true,
  });
});

// ---- small realistic documents ----

const credentials211 = () => example('2.1.1/credentials_01.json.txt');
const credentials230 = () => example('2.3.0/credentials_example2.json');

function hub221(): Json {
  return {
    token: 'ebf3b399-779f-4497-9b9d-ac6ad3cc44d2',
    url: 'https://hub.example.com/ocpi/versions',
    roles: [
      { role: 'HUB', party_id: 'HUB', country_code: 'NL', business_details: { name: 'Example Hub' } },
      { role: 'NSP', party_id: 'NSP', country_code: 'NL', business_details: { name: 'Example Maps' } },
    ],
  };
}

describe('Credentials lossy mappings', () => {
  const rows = lossyRows(lossyMappings);

  rows.case('CredentialsRole.role-from-url', 'a /cpo/ versions URL says CPO', () => {
    const { value, lossy } = toCanonical('Credentials', '2.1.1', credentials211());
    assert.deepEqual(value.roles, [
      {
        role: 'CPO',
        business_details: credentials211().business_details,
        party_id: 'EXA',
        country_code: 'NL',
      },
    ]);
    reported(lossy, 'CredentialsRole.role-from-url', '/roles/0/role');
    const emsp = toCanonical('Credentials', '2.1.1', {
      ...credentials211(),
      url: 'https://x.example/ocpi/emsp/versions',
    });
    assert.equal((emsp.value.roles as Json[])[0]?.role, 'EMSP');
    const neutral = toCanonical('Credentials', '2.1.1', {
      ...credentials211(),
      url: 'https://x.example/ocpi/versions',
    });
    notReported(neutral.lossy, 'CredentialsRole.role-from-url');
  });

  rows.case('CredentialsRole.role-unknown', 'no side in the URL: OTHER', () => {
    const doc = { ...credentials211(), url: 'https://ocpi.example.com/versions' };
    const { value, lossy } = toCanonical('Credentials', '2.1.1', doc);
    assert.equal((value.roles as Json[])[0]?.role, 'OTHER');
    assertValid('2.3.0', 'Credentials', value);
    reported(lossy, 'CredentialsRole.role-unknown', '/roles/0/role');
    notReported(toCanonical('Credentials', '2.1.1', credentials211()).lossy, 'CredentialsRole.role-unknown');
  });

  rows.case('CredentialsRole.role-dropped', 'a role the URL does not tell is lost', () => {
    const doc = readExample('2.3.0/credentials_example.json') as Json; // CPO at /ocpi/versions
    const { value, lossy } = fromCanonical('Credentials', '2.1.1', doc);
    assert.deepEqual(Object.keys(value).sort(), [
      'business_details',
      'country_code',
      'party_id',
      'token',
      'url',
    ]);
    reported(lossy, 'CredentialsRole.role-dropped', '/roles/0/role');
    const told = { ...doc, url: 'https://example.com/ocpi/cpo/versions' };
    notReported(fromCanonical('Credentials', '2.1.1', told).lossy, 'CredentialsRole.role-dropped');
  });

  rows.case('Credentials.roles-dropped', 'only the first role becomes the 2.1.1 party', () => {
    const { value, lossy } = fromCanonical('Credentials', '2.1.1', credentials230());
    assert.equal(value.party_id, 'EXA');
    assert.deepEqual(value.business_details, { name: 'Example Operator' });
    assertValid('2.1.1', 'Credentials', value);
    reported(lossy, 'Credentials.roles-dropped', '/roles/1');
    const single = readExample('2.3.0/credentials_example.json');
    notReported(fromCanonical('Credentials', '2.1.1', single).lossy, 'Credentials.roles-dropped');
  });

  rows.case('Credentials.hub-role', 'HUB becomes OTHER + hub_party_id, and back', () => {
    const { value, lossy } = toCanonical('Credentials', '2.2.1', hub221());
    assert.equal(value.hub_party_id, 'NLHUB');
    assert.deepEqual(
      (value.roles as Json[]).map((r) => r.role),
      ['OTHER', 'NSP'],
    );
    assertValid('2.3.0', 'Credentials', value);
    reported(lossy, 'Credentials.hub-role', '/roles/0/role');
    assert.deepEqual(fromCanonical('Credentials', '2.2.1', value).value, hub221());
    notReported(
      toCanonical('Credentials', '2.2.1', readExample('2.2.1/credentials_example.json')).lossy,
      'Credentials.hub-role',
    );
  });

  rows.case('CredentialsRole.hub-to-other', 'a HUB role nothing can restore', () => {
    const role = {
      role: 'HUB',
      party_id: 'HUB',
      country_code: 'NL',
      business_details: { name: 'Example Hub' },
    };
    const alone = toCanonical('CredentialsRole', '2.2.1', role);
    assert.equal(alone.value.role, 'OTHER');
    reported(alone.lossy, 'CredentialsRole.hub-to-other', '/role');
    // A second HUB role in one Credentials: only the first becomes hub_party_id.
    const doc = hub221();
    (doc.roles as Json[])[1] = { ...role, party_id: 'HB2' };
    const twice = toCanonical('Credentials', '2.2.1', doc);
    assert.equal(twice.value.hub_party_id, 'NLHUB');
    reported(twice.lossy, 'CredentialsRole.hub-to-other', '/roles/1/role');
    notReported(toCanonical('Credentials', '2.2.1', hub221()).lossy, 'CredentialsRole.hub-to-other');
  });

  rows.case('Credentials.hub_party_id-dropped-2.2.1', 'a Hub no role stands for', () => {
    const doc = { ...credentials230(), hub_party_id: 'DEHUB' };
    const { value, lossy } = fromCanonical('Credentials', '2.2.1', doc);
    assert.ok(!('hub_party_id' in value));
    assert.deepEqual(
      (value.roles as Json[]).map((r) => r.role),
      ['CPO', 'EMSP'],
    );
    reported(lossy, 'Credentials.hub_party_id-dropped-2.2.1', '/hub_party_id');
    // The Hub's own party as role OTHER: restored as HUB, nothing lost.
    const restorable = toCanonical('Credentials', '2.2.1', hub221()).value;
    notReported(
      fromCanonical('Credentials', '2.2.1', restorable).lossy,
      'Credentials.hub_party_id-dropped-2.2.1',
    );
  });

  rows.droppedCase('Credentials.hub_party_id-dropped-2.1.1', {
    type: 'Credentials',
    doc: credentials230,
    value: 'DEHUB',
  });

  rows.everyRowTested('credentials.ts');
});

describe('Credentials details', () => {
  it('a logo category an older version lacks becomes OTHER (Image.category-<version>)', () => {
    const doc = credentials230();
    const [role] = doc.roles as Json[];
    (role as Json).business_details = {
      name: 'Example Operator',
      logo: { url: 'https://example.com/logo.png', category: 'X_BRAND', type: 'png' },
    };
    for (const target of ['2.1.1', '2.2.1'] as const) {
      const { value, lossy } = fromCanonical('Credentials', target, doc);
      assertValid(target, 'Credentials', value);
      const logoAt = target === '2.1.1' ? '/business_details/logo' : '/roles/0/business_details/logo';
      reported(lossy, `Image.category-${target}`, `${logoAt}/category`);
    }
  });

  it('CredentialsRole does not exist in 2.1.1; unknown fields pass through', () => {
    assert.throws(() => toCanonical('CredentialsRole', '2.1.1', {}), ConversionError);
    const up = toCanonical('Credentials', '2.1.1', { ...credentials211(), x_note: 'n' }).value;
    assert.equal(up.x_note, 'n');
    assert.equal(fromCanonical('Credentials', '2.1.1', up).value.x_note, 'n');
  });
});

describe('credentials converter entries', () => {
  converterEntryTests('credentials', converters);
});
