/**
 * Version, VersionDetails, Endpoint converters: every spec example round-trips and converts into
 * the other versions (validly, or with a ConversionError where the target's closed VersionNumber
 * cannot name the version); every lossy row of versions.ts is hit (and not hit).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConversionError, fromCanonical, toCanonical } from '../../../src/model/convert/index.js';
import { converters, lossyMappings, sideFromUrl } from '../../../src/model/convert/versions.js';
import type { OcpiVersion } from '../../../src/protocol/index.js';
import {
  assertValid,
  converterEntryTests,
  exampleSamples,
  type Json,
  lossyIs,
  lossyRows,
  notReported,
  reported,
  sampleTests,
} from '../../helpers/convert.js';
import { readExample } from '../../helpers/fixtures.js';

const NUMBERS: Record<OcpiVersion, string[]> = {
  '2.1.1': ['2.0', '2.1', '2.1.1'],
  '2.2.1': ['2.0', '2.1', '2.1.1', '2.2', '2.2.1'],
  '2.3.0': ['2.0', '2.1', '2.1.1', '2.2', '2.2.1', '2.3.0'],
};

describe('Version and VersionDetails examples', () => {
  const types = ['Version', 'VersionDetails'];
  // The recorded erratum: version "1.9", which no VersionNumber has. Left out.
  const samples = exampleSamples(types).filter((s) => s.erratum === undefined);
  sampleTests(samples, {
    inEveryVersion: true,
    converts: (s, target) => NUMBERS[target].includes(String(s.doc.version)),
  });
});

// ---- small realistic documents ----

function details230(): Json {
  return {
    version: '2.1.1',
    endpoints: [
      { identifier: 'credentials', role: 'RECEIVER', url: 'https://ocpi.example.com/2.1.1/credentials' },
      { identifier: 'locations', role: 'SENDER', url: 'https://ocpi.example.com/cpo/2.1.1/locations' },
      { identifier: 'tokens', role: 'RECEIVER', url: 'https://ocpi.example.com/cpo/2.1.1/tokens' },
      { identifier: 'commands', role: 'RECEIVER', url: 'https://ocpi.example.com/cpo/2.1.1/commands' },
    ],
  };
}

describe('Versions lossy mappings', () => {
  const rows = lossyRows(lossyMappings);

  rows.case('Endpoint.role-from-url', 'the side in the URL and the module give the role', () => {
    const cases: [string, string, string][] = [
      ['locations', 'https://x.example/ocpi/cpo/2.1.1/locations', 'SENDER'],
      ['tokens', 'https://x.example/ocpi/cpo/2.1.1/tokens', 'RECEIVER'],
      ['commands', 'https://x.example/ocpi/cpo/2.1.1/commands', 'RECEIVER'],
      ['cdrs', 'https://x.example/ocpi/emsp/2.1.1/cdrs', 'RECEIVER'],
      ['tokens', 'https://x.example/ocpi/emsp/2.1.1/tokens', 'SENDER'],
      ['commands', 'https://x.example/ocpi/msp/2.1.1/commands', 'SENDER'],
    ];
    for (const [identifier, url, role] of cases) {
      const { value, lossy } = toCanonical('Endpoint', '2.1.1', { identifier, url });
      assert.equal(value.role, role, `${identifier} at ${url}`);
      reported(lossy, 'Endpoint.role-from-url', '/role');
    }
    // credentials: the role means nothing, SENDER, not reported.
    const cred = toCanonical('Endpoint', '2.1.1', {
      identifier: 'credentials',
      url: 'https://x.example/ocpi/cpo/2.1.1/credentials',
    });
    assert.equal(cred.value.role, 'SENDER');
    lossyIs(cred.lossy, []);
    // In a VersionDetails: at the endpoint's pointer.
    const doc = readExample('2.1.1/version_information_endpoint_02.json.txt');
    reported(
      toCanonical('VersionDetails', '2.1.1', doc).lossy,
      'Endpoint.role-from-url',
      '/endpoints/1/role',
    );
  });

  rows.case('Endpoint.role-assumed-cpo', 'no side in the URL: the CPO side', () => {
    const { value, lossy } = toCanonical('Endpoint', '2.1.1', {
      identifier: 'tokens',
      url: 'https://ocpi.example.com/2.1.1/tokens',
    });
    assert.equal(value.role, 'RECEIVER');
    assertValid('2.3.0', 'Endpoint', value);
    reported(lossy, 'Endpoint.role-assumed-cpo', '/role');
    notReported(
      toCanonical('Endpoint', '2.1.1', { identifier: 'tokens', url: 'https://x.example/ocpi/cpo/tokens' })
        .lossy,
      'Endpoint.role-assumed-cpo',
    );
    // Never in a PATCH-like partial conversion.
    const partial = toCanonical(
      'Endpoint',
      '2.1.1',
      { url: 'https://ocpi.example.com/2.1.1/tokens' },
      { partial: true },
    );
    assert.ok(!('role' in partial.value));
  });

  rows.case('Endpoint.role-dropped', 'a role the URL would not give back', () => {
    const eMspSide = {
      identifier: 'locations',
      role: 'RECEIVER',
      url: 'https://ocpi.example.com/2.1.1/locations',
    };
    const { value, lossy } = fromCanonical('Endpoint', '2.1.1', eMspSide);
    assert.deepEqual(value, { identifier: 'locations', url: eMspSide.url });
    reported(lossy, 'Endpoint.role-dropped', '/role');
    const told = { ...eMspSide, url: 'https://ocpi.example.com/emsp/2.1.1/locations' };
    notReported(fromCanonical('Endpoint', '2.1.1', told).lossy, 'Endpoint.role-dropped');
    notReported(fromCanonical('VersionDetails', '2.1.1', details230()).lossy, 'Endpoint.role-dropped');
  });

  rows.case('VersionDetails.endpoint-dropped-2.1.1', 'modules 2.1.1 lacks are left out', () => {
    const doc = details230();
    (doc.endpoints as Json[]).splice(1, 0, {
      identifier: 'chargingprofiles',
      role: 'RECEIVER',
      url: 'https://ocpi.example.com/cpo/2.1.1/chargingprofiles',
    });
    const { value, lossy } = fromCanonical('VersionDetails', '2.1.1', doc);
    assert.deepEqual(
      (value.endpoints as Json[]).map((e) => e.identifier),
      ['credentials', 'locations', 'tokens', 'commands'],
    );
    assertValid('2.1.1', 'VersionDetails', value);
    reported(lossy, 'VersionDetails.endpoint-dropped-2.1.1', '/endpoints/1');
    notReported(
      fromCanonical('VersionDetails', '2.1.1', details230()).lossy,
      'VersionDetails.endpoint-dropped-2.1.1',
    );
    // On its own, such an Endpoint has no 2.1.1 form.
    assert.throws(
      () =>
        fromCanonical('Endpoint', '2.1.1', {
          identifier: 'hubclientinfo',
          role: 'RECEIVER',
          url: 'https://x.example/h',
        }),
      ConversionError,
    );
  });

  rows.case('VersionDetails.endpoint-dropped-2.2.1', 'payments and custom modules are not 2.2.1', () => {
    const doc: Json = { ...details230(), version: '2.2.1' };
    (doc.endpoints as Json[]).push({
      identifier: 'payments',
      role: 'SENDER',
      url: 'https://ocpi.example.com/payments',
    });
    const { value, lossy } = fromCanonical('VersionDetails', '2.2.1', doc);
    assert.equal((value.endpoints as Json[]).length, 4);
    assertValid('2.2.1', 'VersionDetails', value);
    reported(lossy, 'VersionDetails.endpoint-dropped-2.2.1', '/endpoints/4');
    notReported(
      fromCanonical('VersionDetails', '2.2.1', details230()).lossy,
      'VersionDetails.endpoint-dropped-2.2.1',
    );
    assert.throws(
      () =>
        fromCanonical('Endpoint', '2.2.1', {
          identifier: 'payments',
          role: 'SENDER',
          url: 'https://x.example/p',
        }),
      ConversionError,
    );
  });

  rows.case('VersionDetails.duplicate-module-2.1.1', 'both interfaces of a module', () => {
    const doc = { ...(readExample('2.2.1/version_details_example2.json') as Json), version: '2.1.1' };
    const { value, lossy } = fromCanonical('VersionDetails', '2.1.1', doc);
    assert.equal((value.endpoints as Json[]).length, 5);
    reported(lossy, 'VersionDetails.duplicate-module-2.1.1', '/endpoints/3');
    reported(lossy, 'VersionDetails.duplicate-module-2.1.1', '/endpoints/4');
    notReported(
      fromCanonical('VersionDetails', '2.1.1', details230()).lossy,
      'VersionDetails.duplicate-module-2.1.1',
    );
  });

  rows.everyRowTested('versions.ts');
});

describe('Versions details', () => {
  it('a version number the target lacks is a ConversionError, never a rewritten number', () => {
    assert.throws(
      () => fromCanonical('Version', '2.1.1', { version: '2.2.1', url: 'https://x.example/2.2.1' }),
      ConversionError,
    );
    assert.throws(
      () => fromCanonical('Version', '2.2.1', { version: '2.3.0', url: 'https://x.example/2.3.0' }),
      ConversionError,
    );
    assert.throws(
      () => fromCanonical('VersionDetails', '2.2.1', { ...details230(), version: '2.3.0' }),
      ConversionError,
    );
    const ok = fromCanonical('Version', '2.1.1', { version: '2.1.1', url: 'https://x.example/2.1.1' });
    assert.deepEqual(ok, { value: { version: '2.1.1', url: 'https://x.example/2.1.1' }, lossy: [] });
  });

  it('the side of a URL is read from its path segments only', () => {
    assert.equal(sideFromUrl('https://cpo.example.com/ocpi/2.1.1/locations'), undefined);
    assert.equal(sideFromUrl('https://x.example/ocpi/CPO/2.1.1/locations'), 'CPO');
    assert.equal(sideFromUrl('https://x.example/ocpi/cpo/emsp/locations'), undefined);
    assert.equal(sideFromUrl('not a url'), undefined);
  });
});

describe('versions converter entries', () => {
  converterEntryTests('versions', converters);
});
