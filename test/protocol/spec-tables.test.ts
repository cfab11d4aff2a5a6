/**
 * The spec table parser (test/helpers/spec-tables.ts) and the census engine
 * (test/helpers/census.ts) checked on their own, so that a quiet census means "schemas match the
 * spec" and not "the parser read nothing" or "the comparison looks at nothing".
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  CiString,
  OcpiClass,
  OcpiEnum,
  OcpiInt,
  OcpiOpenEnum,
  OcpiString,
  OneOrMore,
  Optional,
  ZeroOrMore,
} from '../../src/protocol/common/primitives.js';
import { census, type DiffKind, specTables, triage, type VersionTables } from '../helpers/census.js';
import { specAvailable, specRoot } from '../helpers/paths.js';
import {
  type ChapterTables,
  type Field,
  parseSpecDir,
  parseTypeCell,
  plainText,
} from '../helpers/spec-tables.js';

const skip = specAvailable ? false : `spec chapters not found at ${specRoot}`;

function chapters(folder: string): Map<string, ChapterTables> {
  return new Map(
    parseSpecDir(folder, join(specRoot, folder)).map((c) => [c.chapter.replace(/\..*$/, ''), c]),
  );
}
function field(fields: Field[] | undefined, name: string): Field {
  const f = fields?.find((x) => x.name === name);
  assert.ok(f, `field ${name} not found`);
  return f;
}

describe('spec table parser: cell helpers', () => {
  test('type cells: links stripped, lengths read', () => {
    assert.equal(plainText('<<types.asciidoc#types_cistring_type,CiString>>(2)'), 'CiString(2)');
    assert.equal(plainText('[string](types.md#15-string-type)(39)'), 'string(39)');
    assert.equal(
      plainText('[[mod_tariffs_preauthorize_amount_field]] preauthorize_amount'),
      'preauthorize_amount',
    );
    assert.deepEqual(parseTypeCell('CiString(2)'), { type: 'CiString', maxLength: 2 });
    assert.deepEqual(parseTypeCell('CiString[36]'), { type: 'CiString', maxLength: 36 });
    assert.deepEqual(parseTypeCell('CiString[1..255]'), { type: 'CiString', minLength: 1, maxLength: 255 });
    assert.deepEqual(parseTypeCell('GeoLocation'), { type: 'GeoLocation' });
    assert.equal(parseTypeCell('string or number'), undefined);
  });
});

describe('spec table parser: the chapters', { skip }, () => {
  test('2.2.1 Location: CiString(2) country_code, EVSE list, multi-line cells', () => {
    const loc = chapters('2.2.1').get('mod_locations')?.objects.get('Location');
    assert.deepEqual(
      { ...field(loc, 'country_code'), line: 0 },
      { name: 'country_code', type: 'CiString', maxLength: 2, card: '1', rawType: 'CiString(2)', line: 0 },
    );
    assert.equal(field(loc, 'evses').type, 'EVSE');
    assert.equal(field(loc, 'evses').card, '*');
    // `publish` has a description over three lines; the next row must still be read whole.
    assert.equal(field(loc, 'publish_allowed_to').type, 'PublishTokenType');
    assert.equal(loc?.length, 26);
    assert.equal(loc?.[loc.length - 1]?.name, 'last_updated');
  });

  test('2.2.1 enums: Capability, ModuleID (values in the ModuleID column)', () => {
    const ch = chapters('2.2.1');
    assert.equal(ch.get('mod_locations')?.enums.get('Capability')?.length, 13);
    assert.deepEqual(ch.get('version_information_endpoint')?.enums.get('ModuleID'), [
      'cdrs',
      'chargingprofiles',
      'commands',
      'credentials',
      'hubclientinfo',
      'locations',
      'sessions',
      'tariffs',
      'tokens',
    ]);
    // Request parameter tables are not objects.
    for (const c of ch.values()) for (const name of c.objects.keys()) assert.match(name, /^[A-Z]/);
  });

  test('2.1.1: markdown tables, "Field Name" headers, the Hours choice, VersionDetails, Response', () => {
    const ch = chapters('2.1.1');
    const hours = ch.get('mod_locations')?.objects.get('Hours');
    assert.deepEqual(
      hours?.map((f) => [f.name, f.card, f.choice]),
      [
        ['regular_hours', '*', 'one of two'],
        ['twentyfourseven', '1', 'one of two'],
        ['exceptional_openings', '*', undefined],
        ['exceptional_closings', '*', undefined],
      ],
    );
    assert.equal(field(ch.get('mod_locations')?.objects.get('Location'), 'id').maxLength, 39);
    assert.deepEqual(ch.get('mod_sessions')?.enums.get('SessionStatus'), [
      'ACTIVE',
      'COMPLETED',
      'INVALID',
      'PENDING',
    ]);
    assert.deepEqual(
      ch
        .get('version_information_endpoint')
        ?.objects.get('VersionDetails')
        ?.map((f) => f.name),
      ['version', 'endpoints'],
    );
    // The response format table: `data` is "Array or Object or String", card "* or ?".
    assert.deepEqual(
      ch
        .get('transport_and_format')
        ?.objects.get('Response')
        ?.map((f) => `${f.name}:${f.type}${f.card}`),
      ['data:any?', 'status_code:int1', 'status_message:string?', 'timestamp:DateTime1'],
    );
  });

  test('2.3.0: anchors in cells, `a|` cells, OpenEnum, length ranges, N/A', () => {
    const ch = chapters('2.3.0');
    const tariffs = ch.get('mod_tariffs');
    assert.equal(field(tariffs?.objects.get('Tariff'), 'preauthorize_amount').type, 'number');
    assert.deepEqual(tariffs?.enums.get('TaxIncluded'), ['YES', 'NO', 'N/A']);
    const loc = ch.get('mod_locations');
    assert.deepEqual(loc?.enums.get('EVSEPosition'), ['LEFT', 'RIGHT', 'CENTER']);
    assert.ok(loc?.openEnums.has('Capability'));
    assert.ok(!loc?.openEnums.has('ConnectorFormat'));
    const fac = ch.get('mod_payments')?.objects.get('FinancialAdviceConfirmation');
    assert.deepEqual(
      { ...field(fac, 'eft_data'), line: 0, rawType: '' },
      { name: 'eft_data', type: 'CiString', minLength: 1, maxLength: 255, card: '+', rawType: '', line: 0 },
    );
    // TariffRestrictions: descriptions run over many lines; all 14 rows are there.
    assert.equal(tariffs?.objects.get('TariffRestrictions')?.length, 14);
  });

  test('every chapter: at least the classes and enums counted when the census was written', () => {
    // [classes, enums] per chapter, as read from the spec copies in November 2026.
    const expected: Record<string, Record<string, [number, number]>> = {
      '2.1.1': {
        credentials: [1, 0],
        mod_cdrs: [3, 2],
        mod_commands: [5, 2],
        mod_locations: [14, 11],
        mod_sessions: [1, 1],
        mod_tariffs: [4, 2],
        mod_tokens: [3, 3],
        transport_and_format: [1, 0],
        types: [1, 0],
        version_information_endpoint: [3, 2],
      },
      '2.2.1': {
        credentials: [2, 0],
        mod_cdrs: [7, 2],
        mod_charging_profiles: [8, 3],
        mod_commands: [7, 3],
        mod_hub_client_info: [1, 1],
        mod_locations: [15, 11],
        mod_sessions: [2, 3],
        mod_tariffs: [4, 4],
        mod_tokens: [4, 3],
        transport_and_format: [1, 0],
        types: [2, 1],
        version_information_endpoint: [3, 3],
      },
      '2.3.0': {
        credentials: [2, 0],
        mod_cdrs: [7, 2],
        mod_charging_profiles: [8, 3],
        mod_commands: [7, 3],
        mod_hub_client_info: [1, 1],
        mod_locations: [17, 15],
        mod_payments: [2, 2],
        mod_sessions: [2, 3],
        mod_tariffs: [5, 5],
        mod_tokens: [4, 3],
        transport_and_format: [1, 0],
        types: [3, 1],
        version_information_endpoint: [3, 3],
      },
      '2.3.0-bookings': {
        mod_bookings: [13, 4],
        mod_cdrs: [7, 2],
        mod_locations: [17, 15],
        mod_tariffs: [5, 6],
      },
    };
    for (const [folder, counts] of Object.entries(expected)) {
      const ch = chapters(folder);
      for (const [name, [objects, enums]] of Object.entries(counts)) {
        const c = ch.get(name);
        assert.ok(c, `${folder}/${name} not parsed`);
        assert.ok(
          c.objects.size >= objects,
          `${folder}/${name}: ${c.objects.size} classes, expected ${objects}`,
        );
        assert.ok(c.enums.size >= enums, `${folder}/${name}: ${c.enums.size} enums, expected ${enums}`);
        assert.deepEqual(c.warnings, []);
      }
    }
  });

  test('2.3.0 = core + bookings branch additions, core wins where they differ', () => {
    const spec = specTables(specRoot, '2.3.0');
    const cdr = spec.objects.get('CDR')?.fields;
    assert.equal(field(cdr, 'booking_id').card, '?');
    assert.equal(
      cdr?.findIndex((f) => f.name === 'booking_id'),
      5,
    ); // after end_date_time, as in the branch
    assert.equal(field(spec.objects.get('Location')?.fields, 'address').maxLength, 255);
    assert.equal(field(spec.objects.get('SignedValue')?.fields, 'plain_data').maxLength, 5000);
    assert.ok(spec.objects.get('Tariff')?.fields.some((f) => f.name === 'preauthorize_amount'));
    assert.equal(
      field(spec.objects.get('TariffRestrictions')?.fields, 'booking').type,
      'BookingRestrictionType',
    );
    assert.ok(spec.enums.get('CdrDimensionType')?.values.includes('RESERVATION_EXPIRES'));
    assert.ok(spec.enums.has('BookingRestrictionType'));
    assert.ok(spec.objects.has('Booking'));
    assert.ok(spec.objects.has('Terminal'));
  });
});

describe('census engine', () => {
  /** A hand-made spec with one class and one enum. */
  const f = (name: string, type: string, card: Field['card'], maxLength?: number): Field => ({
    name,
    type,
    card,
    rawType: type,
    line: 0,
    ...(maxLength === undefined ? {} : { maxLength }),
  });
  const spec: VersionTables = {
    version: '2.2.1',
    objects: new Map([
      [
        'Thing',
        {
          chapter: 'x',
          fields: [
            f('id', 'CiString', '1', 36),
            f('name', 'string', '?', 10),
            f('tags', 'Colour', '*'),
            f('parts', 'Colour', '+'),
            f('count', 'int', '?', 2),
            f('gone', 'boolean', '1'),
            f('shade', 'Colour', '?'),
          ],
        },
      ],
      ['Absent', { chapter: 'x', fields: [] }],
    ]),
    enums: new Map([['Colour', { chapter: 'x', values: ['RED', 'BLUE'], open: false }]]),
    warnings: [],
    merge: [],
  };
  const Colour = OcpiOpenEnum('Colour', ['RED', 'GREEN']);
  const Thing = OcpiClass('Thing', {
    name: OcpiString(12), // required and too long
    id: CiString(36), // order differs
    tags: OneOrMore(Colour), // required, minItems
    parts: Colour, // not a list
    count: Optional(OcpiInt()), // int(2) without maximum
    extra: ZeroOrMore(CiString(3)),
    shade: Optional(OcpiOpenEnum('Colour', ['RED'])), // not the registry's Colour
  });
  const Unknown = OcpiEnum('Unknown', ['A']);
  const registry = new Map<string, never>([
    ['Thing', Thing as never],
    ['Colour', Colour as never],
    ['Unknown', Unknown as never],
  ]);

  test('finds every kind of difference', () => {
    const result = census(spec, registry);
    const kinds = (o: string, fld?: string) =>
      result.diffs.filter((d) => d.object === o && d.field === fld).map((d) => d.kind);
    const expect: [string, string | undefined, DiffKind[]][] = [
      ['Thing', 'name', ['required', 'length']],
      ['Thing', 'tags', ['required', 'min-items']],
      ['Thing', 'parts', ['list']],
      ['Thing', 'count', ['length']],
      ['Thing', 'gone', ['missing-field']],
      ['Thing', 'extra', ['extra-field']],
      ['Thing', 'shade', ['nested']],
      ['Thing', undefined, ['order']],
      ['Absent', undefined, ['missing-object']],
      ['Colour', undefined, ['open-enum']],
      ['Colour', 'BLUE', ['missing-value']],
      ['Colour', 'GREEN', ['extra-value']],
      ['Unknown', undefined, ['extra-object']],
    ];
    for (const [o, fld, k] of expect) assert.deepEqual(kinds(o, fld), k, `${o}.${fld}`);
    assert.equal(result.diffs.length, 15);
    assert.equal(result.figures.fieldsCompared, 6);
  });

  test('decisions cover differences by version, object, field and kind', () => {
    const { diffs } = census(spec, registry);
    const t = triage(
      diffs,
      [
        { version: '2.2.1', object: 'Thing', field: 'name', kind: 'length', reason: 'r' },
        { version: '2.2.1', object: 'Unknown', reason: 'r' },
        { version: '2.2.1', object: 'Nothing', reason: 'stale' },
        { version: '2.1.1', object: 'Thing', field: 'name', reason: 'other version' },
      ],
      '2.2.1',
    );
    assert.equal(t.decided.length, 2);
    assert.equal(t.open.length, 13);
    assert.deepEqual(
      t.stale.map((d) => d.object),
      ['Nothing'],
    );
  });
});
