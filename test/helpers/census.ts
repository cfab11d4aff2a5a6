/**
 * The spec census: every class/object and enum of a version's spec chapters, compared with the
 * version's schema registry (fields: presence, required/optional, list/single, type, length;
 * enums: values and open/closed). Used by test/protocol/census.test.ts.
 */
import { join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { OCPI_KNOWN_VALUES, ocpiTypeOf } from '../../src/protocol/common/primitives.js';
import { type ChapterTables, type Field, parseSpecDir } from './spec-tables.js';

export type RoamkitVersion = '2.1.1' | '2.2.1' | '2.3.0';

export interface SpecObject {
  chapter: string;
  fields: Field[];
}
export interface SpecEnum {
  chapter: string;
  values: string[];
  open: boolean;
}

/** One version's spec tables, all chapters together. */
export interface VersionTables {
  version: RoamkitVersion;
  objects: Map<string, SpecObject>;
  enums: Map<string, SpecEnum>;
  warnings: string[];
  /** 2.3.0 only: what the bookings branch added to the core text, and where core won. */
  merge: string[];
}

/** Collects the chapters of one folder; a name defined twice must be defined the same way. */
function collect(version: RoamkitVersion, chapters: ChapterTables[]): VersionTables {
  const out: VersionTables = { version, objects: new Map(), enums: new Map(), warnings: [], merge: [] };
  for (const ch of chapters) {
    out.warnings.push(...ch.warnings);
    for (const [name, fields] of ch.objects) {
      const seen = out.objects.get(name);
      if (seen && JSON.stringify(seen.fields.map(strip)) !== JSON.stringify(fields.map(strip))) {
        out.warnings.push(`${version}: ${name} is defined differently in ${seen.chapter} and ${ch.chapter}`);
      }
      if (!seen) out.objects.set(name, { chapter: ch.chapter, fields });
    }
    for (const [name, values] of ch.enums) {
      const seen = out.enums.get(name);
      if (seen && seen.values.join() !== values.join()) {
        out.warnings.push(
          `${version}: enum ${name} is defined differently in ${seen.chapter} and ${ch.chapter}`,
        );
      }
      if (!seen) out.enums.set(name, { chapter: ch.chapter, values, open: ch.openEnums.has(name) });
    }
  }
  return out;
}

/** A field without its position, for comparing definitions. */
const strip = (f: Field) => ({ ...f, line: 0 });

/** Inserts `item` after the element named `after` (or at the end when that is absent). */
function insertAfter<T>(list: T[], item: T, after: string | undefined, nameOf: (x: T) => string): void {
  const at = after === undefined ? -1 : list.findIndex((x) => nameOf(x) === after);
  if (after !== undefined && at < 0) list.push(item);
  else list.splice(at + 1, 0, item);
}

/**
 * Roamkit's 2.3.0: the core text, plus the Bookings chapter and what the bookings branch adds
 * to other chapters (fields, enum values, whole enums/classes). Where both texts define the same
 * field or value differently, core wins (the bookings branch is older text there).
 */
function merge230(core: VersionTables, bookings: VersionTables): VersionTables {
  const out: VersionTables = {
    version: '2.3.0',
    objects: new Map([...core.objects].map(([k, v]) => [k, { ...v, fields: [...v.fields] }])),
    enums: new Map([...core.enums].map(([k, v]) => [k, { ...v, values: [...v.values] }])),
    warnings: [...core.warnings, ...bookings.warnings],
    merge: [],
  };
  for (const [name, obj] of bookings.objects) {
    const mine = out.objects.get(name);
    if (obj.chapter === 'mod_bookings.asciidoc' || mine === undefined) {
      if (mine !== undefined) out.merge.push(`${name}: taken from the bookings branch (Bookings chapter)`);
      else out.merge.push(`${name}: class only in the bookings branch (${obj.chapter}), added`);
      out.objects.set(name, obj);
      continue;
    }
    obj.fields.forEach((f, i) => {
      const coreField = mine.fields.find((c) => c.name === f.name);
      if (coreField === undefined) {
        insertAfter(mine.fields, f, obj.fields[i - 1]?.name, (x) => x.name);
        out.merge.push(`${name}.${f.name}: field only in the bookings branch, added`);
      } else if (
        JSON.stringify(strip(coreField)) !== JSON.stringify({ ...strip(f), rawType: coreField.rawType })
      ) {
        out.merge.push(
          `${name}.${f.name}: bookings branch says ${fmtField(f)}, core ${fmtField(coreField)}: core wins`,
        );
      }
    });
    for (const c of mine.fields) {
      if (!obj.fields.some((f) => f.name === c.name)) {
        out.merge.push(`${name}.${c.name}: not in the bookings branch, kept (core)`);
      }
    }
  }
  for (const [name, e] of bookings.enums) {
    const mine = out.enums.get(name);
    if (e.chapter === 'mod_bookings.asciidoc' || mine === undefined) {
      out.merge.push(`${name}: enum ${mine ? 'taken from' : 'only in'} the bookings branch (${e.chapter})`);
      out.enums.set(name, e);
      continue;
    }
    e.values.forEach((v, i) => {
      if (!mine.values.includes(v)) {
        insertAfter(mine.values, v, e.values[i - 1], (x) => x);
        out.merge.push(`${name}.${v}: value only in the bookings branch, added`);
      }
    });
    for (const v of mine.values) {
      if (!e.values.includes(v))
        out.merge.push(`${name}.${v}: value not in the bookings branch, kept (core)`);
    }
  }
  return out;
}

/** Reads the spec tables of a Roamkit version from the spec folder. */
export function specTables(specRoot: string, version: RoamkitVersion): VersionTables {
  const read = (folder: string) => collect(version, parseSpecDir(folder, join(specRoot, folder)));
  if (version !== '2.3.0') return read(version);
  return merge230(read('2.3.0'), read('2.3.0-bookings'));
}

// ---------------------------------------------------------------------------------------------

export type DiffKind =
  | 'missing-object' // in the spec, not in the registry
  | 'extra-object' // in the registry, not in the spec
  | 'kind' // class in one, enum in the other
  | 'missing-field'
  | 'extra-field'
  | 'required'
  | 'list'
  | 'min-items'
  | 'type'
  | 'length'
  | 'order'
  | 'missing-value'
  | 'extra-value'
  | 'open-enum'
  | 'nested'; // a field's class/enum is not the one this version's registry holds

export interface Diff {
  version: RoamkitVersion;
  object: string;
  /** The field, or the enum value, the difference is about. */
  field?: string;
  kind: DiffKind;
  message: string;
}

/** A recorded decision: a known difference that is not a bug (spec erratum, deliberate choice). */
export interface Decision {
  version: RoamkitVersion;
  object: string;
  /** The field or enum value; leave out for differences about the whole object. */
  field?: string;
  /** Narrows the decision to one kind of difference; leave out to cover all of them. */
  kind?: DiffKind;
  reason: string;
}

export interface CensusResult {
  version: RoamkitVersion;
  diffs: Diff[];
  figures: {
    specObjects: number;
    specEnums: number;
    specFields: number;
    specValues: number;
    registryEntries: number;
    objectsCompared: number;
    fieldsCompared: number;
    enumsCompared: number;
    valuesCompared: number;
  };
}

type Schema = TSchema & Record<string, unknown>;

const STRING_TYPES = new Set(['CiString', 'string', 'String']);

function fmtField(f: Pick<Field, 'type' | 'maxLength' | 'minLength' | 'card'>): string {
  const len =
    f.maxLength === undefined ? '' : `(${f.minLength === undefined ? '' : `${f.minLength}..`}${f.maxLength})`;
  return `${f.type}${len} card ${f.card}`;
}

/** `CiString(2)`, `GeoLocation`, `number`, or `<no ocpiType>` for a schema (not a list). */
function fmtSchemaType(s: Schema): string {
  const t = ocpiTypeOf(s) ?? '<no ocpiType>';
  const max = s.maxLength as number | undefined;
  const min = s.minLength as number | undefined;
  if (!STRING_TYPES.has(t) || max === undefined) return t;
  return `${t}(${min === undefined ? '' : `${min}..`}${max})`;
}

const isEnumSchema = (s: Schema) => Array.isArray(s.enum) || Array.isArray(s[OCPI_KNOWN_VALUES]);

/** Compares one version's spec tables with its registry. */
export function census(spec: VersionTables, registry: ReadonlyMap<string, TSchema>): CensusResult {
  const version = spec.version;
  const diffs: Diff[] = [];
  const add = (object: string, field: string | undefined, kind: DiffKind, message: string) =>
    diffs.push({ version, object, ...(field === undefined ? {} : { field }), kind, message });
  const figures = {
    specObjects: spec.objects.size,
    specEnums: spec.enums.size,
    specFields: [...spec.objects.values()].reduce((n, o) => n + o.fields.length, 0),
    specValues: [...spec.enums.values()].reduce((n, e) => n + e.values.length, 0),
    registryEntries: registry.size,
    objectsCompared: 0,
    fieldsCompared: 0,
    enumsCompared: 0,
    valuesCompared: 0,
  };

  for (const [name, obj] of spec.objects) {
    const schema = registry.get(name) as Schema | undefined;
    const where = `(${obj.chapter})`;
    if (schema === undefined) {
      add(name, undefined, 'missing-object', `class ${name} ${where} is not in the registry`);
      continue;
    }
    if (schema.type !== 'object' || typeof schema.properties !== 'object') {
      add(
        name,
        undefined,
        'kind',
        `${name} is a class in the spec ${where}, the registry holds a non-object schema`,
      );
      continue;
    }
    figures.objectsCompared++;
    const props = schema.properties as Record<string, Schema>;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const f of obj.fields) {
      const p = props[f.name];
      const at = `${name}.${f.name}`;
      if (p === undefined) {
        add(name, f.name, 'missing-field', `${at}: missing (spec: ${fmtField(f)})`);
        continue;
      }
      figures.fieldsCompared++;
      // Card 1 and + are required, ? and * optional; a 2.1.1 "Choice" member is optional.
      const specRequired = (f.card === '1' || f.card === '+') && f.choice === undefined;
      if (specRequired !== required.has(f.name)) {
        const why = f.choice === undefined ? `card ${f.card}` : `one of a choice (${f.choice})`;
        add(
          name,
          f.name,
          'required',
          `${at}: spec ${specRequired ? 'required' : 'optional'} (${why}), schema ${required.has(f.name) ? 'required' : 'optional'}`,
        );
      }
      // Spec type `any` (the envelope's data: array, object or string) is a schema without ocpiType.
      if (f.type === 'any') {
        if (ocpiTypeOf(p) !== undefined)
          add(
            name,
            f.name,
            'type',
            `${at}: spec allows any value ("${f.rawType}"), schema ${fmtSchemaType(p)}`,
          );
        continue;
      }
      const specList = f.card === '*' || f.card === '+';
      const isList = p.type === 'array';
      if (specList !== isList) {
        add(
          name,
          f.name,
          'list',
          `${at}: spec ${specList ? 'a list' : 'a single value'} (card ${f.card}), schema ${isList ? 'a list' : 'a single value'}`,
        );
      }
      if (isList && specList) {
        const minItems = (p.minItems as number | undefined) ?? 0;
        if ((f.card === '+') !== minItems >= 1) {
          add(name, f.name, 'min-items', `${at}: spec card ${f.card}, schema minItems ${minItems}`);
        }
      }
      const item = (isList ? (p.items as Schema) : p) ?? p;
      const t = ocpiTypeOf(item);
      const registered = t === undefined ? undefined : (registry.get(t) as Schema | undefined);
      if (
        t === f.type &&
        registered !== undefined &&
        registered !== item &&
        JSON.stringify(registered) !== JSON.stringify(item)
      ) {
        // E.g. a 2.3.0 class re-exported from 2.2.1 that still nests 2.2.1's EVSE while 2.3.0 changed EVSE.
        add(
          name,
          f.name,
          'nested',
          `${at}: its ${t} is not the ${version} registry's ${t} (a stale or older version's schema?)`,
        );
      }
      if (t !== f.type) {
        add(
          name,
          f.name,
          'type',
          `${at}: spec type ${f.type}${f.rawType === f.type ? '' : ` ("${f.rawType}")`}, schema ${fmtSchemaType(item)}`,
        );
      } else if (STRING_TYPES.has(f.type)) {
        if (f.maxLength !== item.maxLength || f.minLength !== item.minLength) {
          add(name, f.name, 'length', `${at}: spec ${fmtField(f)}, schema ${fmtSchemaType(item)}`);
        }
      } else if (f.type === 'int' && f.maxLength !== undefined) {
        // int(5): at most five digits, so the schema needs a maximum of 99999 or less.
        const max = 10 ** f.maxLength - 1;
        const maximum = item.maximum as number | undefined;
        if (maximum === undefined || maximum > max) {
          add(
            name,
            f.name,
            'length',
            `${at}: spec int(${f.maxLength}) (at most ${f.maxLength} digits), schema maximum ${String(maximum ?? 'none')} (expected ${max} or less)`,
          );
        }
      }
    }
    for (const key of Object.keys(props)) {
      if (!obj.fields.some((f) => f.name === key)) {
        add(name, key, 'extra-field', `${name}.${key}: in the schema, not in the spec ${where}`);
      }
    }
    const specOrder = obj.fields.map((f) => f.name).filter((n) => n in props);
    const schemaOrder = Object.keys(props).filter((k) => obj.fields.some((f) => f.name === k));
    if (specOrder.join() !== schemaOrder.join()) {
      add(
        name,
        undefined,
        'order',
        `${name}: field order differs from the spec: spec ${specOrder.join(', ')}; schema ${schemaOrder.join(', ')}`,
      );
    }
  }

  for (const [name, e] of spec.enums) {
    const schema = registry.get(name) as Schema | undefined;
    const where = `(${e.chapter})`;
    if (schema === undefined) {
      add(name, undefined, 'missing-object', `enum ${name} ${where} is not in the registry`);
      continue;
    }
    if (!isEnumSchema(schema)) {
      add(
        name,
        undefined,
        'kind',
        `${name} is an enum in the spec ${where}, the registry holds a non-enum schema`,
      );
      continue;
    }
    figures.enumsCompared++;
    const open = Array.isArray(schema[OCPI_KNOWN_VALUES]);
    if (open !== e.open) {
      add(
        name,
        undefined,
        'open-enum',
        `${name}: spec ${e.open ? 'OpenEnum' : 'enum (closed)'}, schema ${open ? 'OcpiOpenEnum' : 'OcpiEnum'}`,
      );
    }
    const values = ((open ? schema[OCPI_KNOWN_VALUES] : schema.enum) as unknown[]).map(String);
    for (const v of e.values) {
      if (values.includes(v)) figures.valuesCompared++;
      else add(name, v, 'missing-value', `${name}.${v}: value missing from the schema`);
    }
    for (const v of values) {
      if (!e.values.includes(v))
        add(name, v, 'extra-value', `${name}.${v}: value in the schema, not in the spec ${where}`);
    }
  }

  for (const [name, schema] of registry) {
    if (spec.objects.has(name) || spec.enums.has(name)) continue;
    const what = isEnumSchema(schema as Schema) ? 'enum' : 'class';
    add(name, undefined, 'extra-object', `${what} ${name} is in the registry, not in the spec`);
  }
  return { version, diffs, figures };
}

/** Does this decision cover this difference? */
export function covers(d: Decision, diff: Diff): boolean {
  return (
    d.version === diff.version &&
    d.object === diff.object &&
    d.field === diff.field &&
    (d.kind === undefined || d.kind === diff.kind)
  );
}

/** Splits differences into decided and open ones, and finds decisions that matched nothing. */
export function triage(diffs: Diff[], decisions: readonly Decision[], version: RoamkitVersion) {
  const open: Diff[] = [];
  const decided: { diff: Diff; decision: Decision }[] = [];
  const used = new Set<Decision>();
  for (const diff of diffs) {
    const decision = decisions.find((d) => covers(d, diff));
    if (decision === undefined) open.push(diff);
    else {
      decided.push({ diff, decision });
      used.add(decision);
    }
  }
  const stale = decisions.filter((d) => d.version === version && !used.has(d));
  return { open, decided, stale };
}

/** A readable report of one version's census (for the failure message and the notes file). */
export function formatReport(
  result: CensusResult,
  spec: VersionTables,
  t: ReturnType<typeof triage>,
  verbose: boolean,
): string {
  const f = result.figures;
  const lines = [
    `== OCPI ${result.version}`,
    `spec: ${f.specObjects} classes (${f.specFields} fields), ${f.specEnums} enums (${f.specValues} values); registry: ${f.registryEntries} entries`,
    `compared: ${f.objectsCompared} classes, ${f.fieldsCompared} fields, ${f.enumsCompared} enums, ${f.valuesCompared} values`,
    `differences: ${result.diffs.length} (${t.decided.length} covered by decisions, ${t.open.length} open)`,
  ];
  if (t.open.length > 0) {
    lines.push('', 'open differences:');
    for (const d of t.open) lines.push(`  ${d.version} ${d.message}`);
  }
  if (verbose && t.decided.length > 0) {
    lines.push('', 'covered by decisions:');
    for (const { diff, decision } of t.decided)
      lines.push(`  ${diff.message}  [decision: ${decision.reason}]`);
  }
  if (t.stale.length > 0) {
    lines.push('', 'decisions that matched no difference (remove them?):');
    for (const d of t.stale)
      lines.push(`  ${d.object}${d.field ? `.${d.field}` : ''}${d.kind ? ` (${d.kind})` : ''}: ${d.reason}`);
  }
  if (spec.warnings.length > 0) {
    lines.push('', 'spec parser warnings:');
    for (const w of spec.warnings) lines.push(`  ${w}`);
  }
  if (verbose && spec.merge.length > 0) {
    lines.push('', 'core 2.3.0 + bookings branch merge:');
    for (const m of spec.merge) lines.push(`  ${m}`);
  }
  return lines.join('\n');
}
