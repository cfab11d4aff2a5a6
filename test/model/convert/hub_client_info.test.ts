/**
 * ClientInfo converter (2.2.1 <-> 2.3.0; 2.1.1 has no HubClientInfo module). The spec prints no
 * ClientInfo example: realistic documents are built here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import { converters, lossyMappings } from '../../../src/model/convert/hub_client_info.js';
import {
  type AppliedLossyMapping,
  ConversionError,
  convert,
  fromCanonical,
  toCanonical,
} from '../../../src/model/convert/index.js';
import {
  findSchema,
  type OcpiVersion,
  ocpiTypeOf,
  schemasByVersion,
  v2_2_1,
  v2_3_0,
  validate,
} from '../../../src/protocol/index.js';

function assertValid(version: OcpiVersion, value: unknown): void {
  const schema = findSchema(schemasByVersion[version], 'ClientInfo');
  assert.ok(schema);
  assert.deepEqual(validate(schema, value).issues, [], `valid ${version} ClientInfo`);
}

function reported(lossy: AppliedLossyMapping[], id: string, pointer: string): void {
  assert.ok(
    lossy.some((l) => l.id === id && l.pointer === pointer),
    `expected ${id} at ${pointer}, got ${JSON.stringify(lossy)}`,
  );
}

const cpo = Object.freeze({
  party_id: 'EXA',
  country_code: 'NL',
  role: 'CPO',
  status: 'CONNECTED',
  last_updated: '2024-03-01T12:00:00Z',
});

describe('ClientInfo', () => {
  it('round-trips in 2.2.1 and converts validly both ways', () => {
    for (const [from, to] of [
      ['2.2.1', '2.3.0'],
      ['2.3.0', '2.2.1'],
    ] as const) {
      const { value, lossy } = convert('ClientInfo', from, to, cpo);
      assert.deepEqual(value, cpo);
      assert.deepEqual(lossy, []);
      assertValid(to, value);
    }
    assert.deepEqual(
      fromCanonical('ClientInfo', '2.2.1', toCanonical('ClientInfo', '2.2.1', cpo).value).value,
      cpo,
    );
  });

  it('does not exist in 2.1.1', () => {
    assert.throws(() => toCanonical('ClientInfo', '2.1.1', cpo), ConversionError);
  });

  it('ClientInfo.role-hub-to-other: a Hub is OTHER in 2.3.0', () => {
    const hub = { ...cpo, role: 'HUB', party_id: 'HUB' };
    const { value, lossy } = toCanonical('ClientInfo', '2.2.1', hub);
    assert.equal(value.role, 'OTHER');
    assertValid('2.3.0', value);
    reported(lossy, 'ClientInfo.role-hub-to-other', '/role');
    assert.ok(
      !toCanonical('ClientInfo', '2.2.1', cpo).lossy.some((l) => l.id === 'ClientInfo.role-hub-to-other'),
    );
  });

  it('every lossy row of hub_client_info.ts has a test here', () => {
    assert.deepEqual(
      lossyMappings.map((r) => r.id),
      ['ClientInfo.role-hub-to-other'],
    );
  });
});

describe('hub_client_info converter entries', () => {
  /** The classes (not enums) a chapter file exports, by spec name. */
  const classesOf = (chapter: Record<string, unknown>) =>
    Object.values(chapter).flatMap((schema) => {
      const name = ocpiTypeOf(schema as TSchema);
      return name !== undefined && (schema as { type?: unknown }).type === 'object' ? [name] : [];
    });
  // 2.1.1 has no such chapter.
  const chapters = { '2.1.1': {}, '2.2.1': v2_2_1.hubClientInfo } as const;
  /** Entries kept on purpose for a class the version does not define under that name. */
  const bridged: Record<string, string[]> = {};

  it('every class of the chapter has a converter for each older version defining it', () => {
    for (const name of classesOf(v2_3_0.hubClientInfo)) assert.ok(name in converters, name);
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
