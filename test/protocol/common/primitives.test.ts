/** The schema builders: what they emit, and how a derived class keeps its base's shape. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CiString,
  DerivedClass,
  OcpiClass,
  OcpiEnum,
  OcpiString,
  Optional,
  ocpiTypeOf,
} from '../../../src/protocol/common/primitives.js';
import { validate } from '../../../src/protocol/common/validator.js';

const Base = OcpiClass('Thing', {
  id: CiString(36),
  name: Optional(OcpiString(10)),
  kind: OcpiEnum('Kind', ['A', 'B']),
  legacy: Optional(OcpiString()),
});

describe('DerivedClass', () => {
  const Derived = DerivedClass(
    'Thing',
    Base,
    { kind: OcpiEnum('Kind', ['A', 'B', 'C']), alias: Optional(OcpiString(5)), tail: Optional(OcpiString()) },
    { remove: ['legacy'], after: { alias: 'id' } },
  );

  it('keeps the base order, replaces in place, inserts after the named field, drops removed fields', () => {
    assert.deepEqual(Object.keys(Derived.properties), ['id', 'alias', 'name', 'kind', 'tail']);
    assert.equal(ocpiTypeOf(Derived), 'Thing');
  });

  it('keeps required and optional as declared', () => {
    assert.deepEqual([...(Derived.required ?? [])].sort(), ['id', 'kind']);
    assert.equal(validate(Derived, { id: 'x', kind: 'C' }).valid, true);
    assert.equal(validate(Base, { id: 'x', kind: 'C' }).valid, false);
    assert.equal(validate(Derived, { id: 'x', kind: 'A', alias: 'toolong' }).valid, false);
  });

  it('refuses to place a field after one that does not exist', () => {
    assert.throws(
      () => DerivedClass('Thing', Base, { x: OcpiString() }, { after: { x: 'nope' } }),
      /no such field/,
    );
  });
});

describe('builders', () => {
  it('CiString rejects non-ASCII and control characters, string accepts printable UTF-8 only', () => {
    assert.equal(validate(CiString(10), 'ABC-12').valid, true);
    assert.equal(validate(CiString(10), 'Straße').valid, false);
    assert.equal(validate(OcpiString(10), 'Straße').valid, true);
    assert.equal(validate(OcpiString(10), 'a\nb').valid, false);
  });

  it('string(n) counts code points, not bytes or UTF-16 units', () => {
    assert.equal(validate(OcpiString(3), '€€€').valid, true);
    assert.equal(validate(OcpiString(2), '😀😀').valid, true);
    assert.equal(validate(OcpiString(2), '😀😀😀').valid, false);
  });
});

describe('precompileRegistry', () => {
  it('compiles every schema of a version and the PATCH form of every class, once', async () => {
    const { schemasByVersion } = await import('../../../src/protocol/index.js');
    const { isCompiled, precompileRegistry } = await import('../../../src/protocol/common/validator.js');
    const registry = schemasByVersion['2.1.1'];
    const classes = [...registry.values()].filter((s) => (s as { type?: unknown }).type === 'object').length;
    assert.equal(precompileRegistry(registry), registry.size + classes);
    for (const schema of registry.values()) assert.ok(isCompiled(schema));
    const location = registry.get('Location');
    assert.ok(location && isCompiled(location, { partial: true }));
  });
});

describe('enumValues', () => {
  it('reads closed and open enums, and refuses what is not an enum', async () => {
    const { enumValues, OcpiOpenEnum } = await import('../../../src/protocol/common/primitives.js');
    const Kind = OcpiEnum('Kind', ['A', 'B']);
    const Wider = OcpiOpenEnum('Kind', [...enumValues(Kind), 'C']);
    assert.deepEqual(enumValues(Kind), ['A', 'B']);
    assert.deepEqual(enumValues(Wider), ['A', 'B', 'C']);
    assert.throws(() => enumValues(OcpiString(3)), /not an enum/);
  });
});
