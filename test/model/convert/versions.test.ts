/**
 * Version, VersionDetails, Endpoint converters: every spec example round-trips and converts into
 * the other versions (validly, or with a ConversionError where the target's closed VersionNumber
 * cannot name the version); every lossy row of versions.ts is hit (and not hit).
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
import { converters, lossyMappings, sideFromUrl } from '../../../src/model/convert/versions.js';
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
const NUMBERS: Record<OcpiVersion, string[]> = {
  '2.1.1': ['2.0', '2.1', '2.1.1'],
  '2.2.1': ['2.0', '2.1', '2.1.1', '2.2', '2.2.1'],
  '2.3.0': ['2.0', '2.1', '2.1.1', '2.2', '2.2.1', '2.3.0'],
};

function assertValid(version: OcpiVersion, type: string, value: unknown): void {
  const schema = findSchema(schemasByVersion[version], type);
  assert.ok(schema, `${version} has ${type}`);
  assert.deepEqual(validate(schema, value).issues, [], `valid ${version} ${type}`);
}

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

function documents(raw: unknown, form: string): Json[] {
  if (form === 'envelope') {
    const data = (raw as Json).data;
    return Array.isArray(data) ? (data as Json[]) : [data as Json];
  }
  return form === 'list' ? (raw as Json[]) : [raw as Json];
}

describe('Version and VersionDetails examples', () => {
  const examples = exampleExpectations.filter((e) => e.type === 'Version' || e.type === 'VersionDetails');

  it('there are examples of both in every version', () => {
    for (const type of ['Version', 'VersionDetails']) {
      const versions = new Set(examples.filter((e) => e.type === type).map((e) => e.version));
      assert.deepEqual([...versions].sort(), VERSIONS, type);
    }
  });

  for (const e of examples) {
    documents(deepFreeze(readExample(e.file)), e.form).forEach((doc, index) => {
      // The recorded erratum: version "1.9", which no VersionNumber has. Left out.
      if (e.erratum?.pointer?.endsWith(`/${index}/version`)) return;
      it(`${e.file} #${index} round-trips through canonical`, () => {
        const up = toCanonical(e.type, e.version, doc);
        assertValid('2.3.0', e.type, up.value);
        assert.deepEqual(fromCanonical(e.type, e.version, up.value).value, doc);
      });
      for (const target of VERSIONS.filter((v) => v !== e.version)) {
        const known = NUMBERS[target].includes(String(doc.version));
        it(`${e.file} #${index} ${known ? 'converts to a valid' : 'has no'} ${target} ${e.type}`, () => {
          if (known) assertValid(target, e.type, convert(e.type, e.version, target, doc).value);
          else assert.throws(() => convert(e.type, e.version, target, doc), ConversionError);
        });
      }
    });
  }
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

const covered = new Set<string>();
function lossyCase(id: string, what: string, fn: () => void): void {
  covered.add(id);
  it(`${id}: ${what}`, fn);
}

describe('Versions lossy mappings', () => {
  lossyCase('Endpoint.role-from-url', 'the side in the URL and the module give the role', () => {
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
    assert.deepEqual(cred.lossy, []);
    // In a VersionDetails: at the endpoint's pointer.
    const doc = readExample('2.1.1/version_information_endpoint_02.json.txt');
    reported(
      toCanonical('VersionDetails', '2.1.1', doc).lossy,
      'Endpoint.role-from-url',
      '/endpoints/1/role',
    );
  });

  lossyCase('Endpoint.role-assumed-cpo', 'no side in the URL: the CPO side', () => {
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

  lossyCase('Endpoint.role-dropped', 'a role the URL would not give back', () => {
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

  lossyCase('VersionDetails.endpoint-dropped-2.1.1', 'modules 2.1.1 lacks are left out', () => {
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

  lossyCase('VersionDetails.endpoint-dropped-2.2.1', 'payments and custom modules are not 2.2.1', () => {
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

  lossyCase('VersionDetails.duplicate-module-2.1.1', 'both interfaces of a module', () => {
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

  it('every lossy row of versions.ts has a test here', () => {
    assert.deepEqual([...covered].sort(), lossyMappings.map((r) => r.id).sort());
  });
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
  /** The classes (not enums) a chapter file exports, by spec name. */
  const classesOf = (chapter: Record<string, unknown>) =>
    Object.values(chapter).flatMap((schema) => {
      const name = ocpiTypeOf(schema as TSchema);
      return name !== undefined && (schema as { type?: unknown }).type === 'object' ? [name] : [];
    });
  const chapters = { '2.1.1': v2_1_1.versions, '2.2.1': v2_2_1.versions } as const;
  /** Entries kept on purpose for a class the version does not define under that name. */
  const bridged: Record<string, string[]> = {};

  it('every class of the chapter has a converter for each older version defining it', () => {
    for (const name of classesOf(v2_3_0.versions)) assert.ok(name in converters, name);
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
