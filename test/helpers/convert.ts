/**
 * The scaffolding every converter test (test/model/convert/*.test.ts) shares, so that each test
 * file holds only what is particular to its module:
 * - documents: spec examples as `Sample`s (an envelope's or a list's items each on their own),
 *   fresh copies to change in a test, JSON-pointer reads;
 * - `sampleTests`: for every sample, the round trip through canonical and the conversion into
 *   every other version (valid there, or a ConversionError where the version has no form for it);
 * - lossy rows: `lossyRows(rows).case(id, …)` gives each row its own test, and the closing check
 *   asserts that every row has one, and that in it the row was asserted reported (at a pointer)
 *   AND asserted not reported where it does not apply;
 * - `converterEntryTests`: every class of a chapter has a converter for each version defining it,
 *   and none for a version that lacks it;
 * - `testContext`: a conversion context for calling converters directly.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import {
  type AppliedLossyMapping,
  type ConversionContext,
  ConversionError,
  type ConversionOptions,
  type ConversionResult,
  convert,
  fromCanonical,
  LOSSY_MAPPINGS,
  type LossyMapping,
  type ModuleConverters,
  toCanonical,
} from '../../src/model/index.js';
import {
  findSchema,
  type OcpiVersion,
  ocpiTypeOf,
  schemasByVersion,
  type ValidationIssue,
  v2_1_1,
  v2_2_1,
  v2_3_0,
  validate,
} from '../../src/protocol/index.js';
import { type ExampleExpectation, exampleExpectations } from '../fixtures/expectations.js';
import { readExample } from './fixtures.js';

export type Json = Record<string, unknown>;
export type OlderVersion = Exclude<OcpiVersion, '2.3.0'>;
export const VERSIONS: readonly OcpiVersion[] = ['2.1.1', '2.2.1', '2.3.0'];

// ---- documents ----

/** A spec example as a fresh copy, to change freely in a test. */
export function example(file: string): Json {
  return structuredClone(readExample(file)) as Json;
}

/** The CPO of the 2.1.1 CDR and Session examples (the Location is in Gent, the EVSE id says BE-BEC). */
export const PARTY_BE_BEC = { country_code: 'BE', party_id: 'BEC' };

/** The eMSP of the 2.1.1 Token examples (pushed to /tokens/NL/TNM/…), owner of the test documents. */
export const PARTY_NL_TNM = { country_code: 'NL', party_id: 'TNM' };

/** A 2.3.0 (canonical) spec example as a fresh copy. */
export function canonical(file: string): Json {
  return example(`2.3.0/${file}`);
}

/** The 2.1.1 Token example as a fresh copy (Tokens, and the Token inside commands). */
export function token211(): Json {
  return example('2.1.1/mod_tokens_01.json.txt');
}

/** Freezes a document deeply: a converter that writes into its input then throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The value at a JSON pointer (RFC 6901), undefined where there is none. */
export function at(value: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((v, key) => (v === null || typeof v !== 'object' ? undefined : (v as Json)[key]), value);
}

/** A copy of `value` without `keys`. */
export function without(value: Json, ...keys: string[]): Json {
  const out = { ...value };
  for (const key of keys) delete out[key];
  return out;
}

/** toCanonical on a copy of `value` (the test's document stays as it was). */
export function up(type: string, version: OcpiVersion, value: Json, options: ConversionOptions = {}) {
  return toCanonical(type, version, structuredClone(value), options);
}

/** fromCanonical on a copy of `value`. */
export function down(type: string, version: OcpiVersion, value: Json, options: ConversionOptions = {}) {
  return fromCanonical(type, version, structuredClone(value), options);
}

// ---- validity ----

export function schemaIssues(
  version: OcpiVersion,
  type: string,
  value: unknown,
  partial = false,
): ValidationIssue[] {
  const schema = findSchema(schemasByVersion[version], type);
  assert.ok(schema, `${version} has ${type}`);
  return validate(schema, value, { partial }).issues;
}

export function assertValid(version: OcpiVersion, type: string, value: unknown, partial = false): void {
  assert.deepEqual(schemaIssues(version, type, value, partial), [], `valid ${version} ${type}`);
}

// ---- lossy reports ----

/** What the running lossy case asserted: ids seen reported, ids seen not reported. */
interface Sightings {
  ids: readonly string[];
  reported: Set<string>;
  notReported: Set<string>;
}
let running: Sightings | undefined;

export function pointersOf(lossy: readonly AppliedLossyMapping[], id: string): string[] {
  return lossy.filter((l) => l.id === id).map((l) => l.pointer);
}

/** Asserts that `id` was reported at `pointer` (among others, maybe). */
export function reported(lossy: readonly AppliedLossyMapping[], id: string, pointer: string): void {
  assert.ok(
    lossy.some((l) => l.id === id && l.pointer === pointer),
    `expected ${id} at ${pointer}, got ${JSON.stringify(lossy)}`,
  );
  running?.reported.add(id);
}

/** Asserts that `id` was not reported anywhere. */
export function notReported(lossy: readonly AppliedLossyMapping[], id: string): void {
  assert.ok(!lossy.some((l) => l.id === id), `${id} should not be reported: ${JSON.stringify(lossy)}`);
  running?.notReported.add(id);
}

/** Asserts that `id` was reported at exactly `pointers`, in that order ([]: not at all). */
export function reportedAt(lossy: readonly AppliedLossyMapping[], id: string, pointers: string[]): void {
  assert.deepEqual(pointersOf(lossy, id), pointers, id);
  (pointers.length > 0 ? running?.reported : running?.notReported)?.add(id);
}

/** Asserts the whole report; an id it does not name is thereby asserted not reported. */
export function lossyIs(lossy: readonly AppliedLossyMapping[], expected: AppliedLossyMapping[]): void {
  assert.deepEqual(lossy, expected);
  for (const id of running?.ids ?? []) {
    (expected.some((l) => l.id === id) ? running?.reported : running?.notReported)?.add(id);
  }
}

/**
 * One test per row of a module's lossy table. `case(ids, what, fn)` registers the test of a row
 * (or of rows that one document shows together); `everyRowTested(file)`, the last test of the
 * file, fails unless every row has a case in which the row was asserted reported (`reported`,
 * `reportedAt`, `lossyIs`) and asserted not reported where it does not apply (`notReported`,
 * `reportedAt(…, [])`, `lossyIs`). What value the document gets, each case asserts itself.
 */
export function lossyRows(rows: readonly LossyMapping[]) {
  const known = new Set(rows.map((r) => r.id));
  const seen = new Map<string, { reported: boolean; notReported: boolean }>();
  return {
    case(ids: string | readonly string[], what: string, fn: () => void): void {
      const list = typeof ids === 'string' ? [ids] : ids;
      for (const id of list) {
        assert.ok(known.has(id), `${id} is a row of this module`);
        if (!seen.has(id)) seen.set(id, { reported: false, notReported: false });
      }
      it(`${list.join(' and ')}: ${what}`, () => {
        running = { ids: list, reported: new Set(), notReported: new Set() };
        try {
          fn();
          for (const id of list) {
            const s = seen.get(id)!;
            s.reported ||= running.reported.has(id);
            s.notReported ||= running.notReported.has(id);
          }
        } finally {
          running = undefined;
        }
      });
    },
    /**
     * The case of a row that drops a field on the way down (the row's `field`, to its `to`):
     * `doc()` with the field (set to `value`, else its own) converts without it, valid there, the
     * row reported at the field's pointer; without the field, or with a `silent` value (one that
     * carries nothing), the row is not reported.
     */
    droppedCase(
      id: string,
      spec: {
        type: string;
        doc: () => Json;
        value?: unknown;
        silent?: unknown[];
        options?: ConversionOptions;
        /** The schema the result is checked against, where it is not `type`'s. */
        schema?: string;
      },
    ): void {
      const row = rows.find((r) => r.id === id);
      assert.ok(row && row.to !== '2.3.0', `${id} is a row of this module, to an older version`);
      const { field, to } = row;
      this.case(id, `${field} is left out`, () => {
        const doc = spec.doc();
        const withField = 'value' in spec ? { ...doc, [field]: spec.value } : doc;
        assert.ok(withField[field] !== undefined, `the document has ${field}`);
        const { value, lossy } = fromCanonical(spec.type, to, withField, spec.options);
        assert.ok(!(field in value), `${field} is left out`);
        assertValid(to, spec.schema ?? spec.type, value);
        reported(lossy, id, `/${field}`);
        for (const silent of [undefined, ...(spec.silent ?? [])]) {
          const other = silent === undefined ? without(withField, field) : { ...withField, [field]: silent };
          notReported(fromCanonical(spec.type, to, other, spec.options).lossy, id);
        }
      });
    },
    everyRowTested(file: string): void {
      it(`every lossy row of ${file} is in THE table and has a test here, asserting it reported and not`, () => {
        for (const row of rows) {
          assert.equal(
            LOSSY_MAPPINGS.filter((m) => m.id === row.id).length,
            1,
            `${row.id} once in LOSSY_MAPPINGS`,
          );
          assert.notEqual(row.from, row.to, row.id);
          assert.ok(row.description.length > 20, row.id);
        }
        assert.deepEqual([...seen.keys()].sort(), [...known].sort(), 'rows with a case');
        const missing = [...seen].flatMap(([id, s]) => [
          ...(s.reported ? [] : [`${id}: its case does not assert it reported`]),
          ...(s.notReported
            ? []
            : [`${id}: its case does not assert it not reported where it does not apply`]),
        ]);
        assert.deepEqual(missing, []);
      });
    },
  };
}

/** A context like convert()'s, for calling a converter directly: it refuses ids not in THE table. */
export function testContext(options: ConversionOptions = {}): {
  ctx: ConversionContext;
  lossy: AppliedLossyMapping[];
} {
  const known = new Set(LOSSY_MAPPINGS.map((m) => m.id));
  const lossy: AppliedLossyMapping[] = [];
  const ctx: ConversionContext = {
    ...options,
    report(id, pointer) {
      assert.ok(known.has(id), `${id} is a row of LOSSY_MAPPINGS`);
      lossy.push({ id, pointer });
    },
  };
  return { ctx, lossy };
}

// ---- samples: the documents every conversion is checked on ----

export interface Sample {
  /** How the tests name it: the file (`#i` for an item of a list), and the object. */
  name: string;
  version: OcpiVersion;
  type: string;
  /** Frozen. */
  doc: Json;
  partial: boolean;
  file?: string;
  /** The example's recorded erratum, where it concerns this document (pointer relative to it). */
  erratum?: { reason: string; pointer?: string };
}

/** The erratum of an example as it concerns document `index` of it (`prefix`: where the documents are). */
function erratumOf(e: ExampleExpectation, prefix: string, index?: number): Sample['erratum'] {
  if (e.erratum === undefined) return undefined;
  const { reason, pointer } = e.erratum;
  if (pointer === undefined) return { reason };
  const base = index === undefined ? prefix : `${prefix}/${index}`;
  if (pointer !== base && !pointer.startsWith(`${base}/`)) return index === undefined ? e.erratum : undefined;
  return { reason, pointer: pointer.slice(base.length) };
}

/** The documents of one spec example: an envelope's data or a list's items each on its own. */
export function samplesOf(e: ExampleExpectation): Sample[] {
  const raw = readExample(e.file) as unknown;
  const one = (doc: unknown, prefix: string, index?: number): Sample => ({
    name: `${e.file}${index === undefined ? '' : ` #${index}`} (${e.type})`,
    version: e.version,
    type: e.type,
    doc: deepFreeze(doc as Json),
    partial: e.form === 'partial',
    file: e.file,
    ...(erratumOf(e, prefix, index) === undefined ? {} : { erratum: erratumOf(e, prefix, index) }),
  });
  const many = (docs: unknown, prefix: string) =>
    Array.isArray(docs) ? docs.map((doc, index) => one(doc, prefix, index)) : [one(docs, prefix)];
  switch (e.form) {
    case 'property':
      return [one((raw as Json)[e.key ?? ''], `/${e.key}`)];
    case 'list':
      return many(raw, '');
    case 'envelope':
      return many((raw as Json).data, '/data');
    default:
      return [one(raw, '')];
  }
}

/** The samples of every spec example of `types`. */
export function exampleSamples(types: readonly string[]): Sample[] {
  return exampleExpectations.filter((e) => types.includes(e.type)).flatMap(samplesOf);
}

/** Samples of documents a test builds (for objects the spec prints no example of). */
export function builtSamples(documents: Record<string, Partial<Record<OcpiVersion, Json>>>): Sample[] {
  return Object.entries(documents).flatMap(([type, byVersion]) =>
    (Object.entries(byVersion) as [OcpiVersion, Json][]).map(([version, doc]) => ({
      name: `${version} ${type}`,
      version,
      type,
      doc: deepFreeze(doc),
      partial: false,
    })),
  );
}

/** Asserts that each of `types` has samples in every version. */
export function assertInEveryVersion(samples: readonly Sample[], types: readonly string[]): void {
  for (const type of types) {
    const versions = new Set(samples.filter((s) => s.type === type).map((s) => s.version));
    assert.deepEqual([...versions].sort(), [...VERSIONS], type);
  }
}

type RoundTripCheck = (sample: Sample, up: ConversionResult, back: ConversionResult) => void;

/**
 * A round trip that is exact but for `key`, which comes back rebuilt (e.g. 2.1.1's embedded
 * Location): equal at `paths`, and the rebuild reported both ways (`[id, pointer]`).
 */
export function exactButRebuilt(
  key: string,
  paths: readonly string[],
  upReport: [string, string],
  backReport: [string, string],
): RoundTripCheck {
  return (sample, up, back) => {
    assert.deepEqual(without(back.value, key), without(sample.doc, key));
    for (const path of paths) assert.deepEqual(at(back.value, path), at(sample.doc, path), path);
    reported(up.lossy, ...upReport);
    reported(back.lossy, ...backReport);
  };
}

export interface SampleChecks {
  /** Options of every conversion (e.g. the party of 2.1.1 documents); `partial` comes from the sample. */
  options?: ConversionOptions;
  /** The schema a `type` is checked against in `version`, where it is not `type` itself. */
  schemaType?: (type: string, version: OcpiVersion) => string;
  /** Check each document against its own version first (documents a test builds). */
  checkSource?: boolean;
  /** The round trip where it is not exact (a documented exception); undefined: exact. */
  roundTrip?: (sample: Sample) => RoundTripCheck | undefined;
  /** Whether the document has a form in `target` (default: yes); if not, ConversionError is asserted. */
  converts?: (sample: Sample, target: OcpiVersion) => boolean;
  /** The conversions change nothing and lose nothing (objects that are the same in every version). */
  unchanged?: boolean;
  /** What a document with a recorded erratum may still show once converted; default: nothing. */
  erratum?: (sample: Sample, target: OcpiVersion, issues: ValidationIssue[]) => void;
  /** Assert first that every object among the samples has samples in every version. */
  inEveryVersion?: boolean;
}

/**
 * For every sample: the round trip through canonical (the canonical document valid, unless the
 * source is a recorded erratum), and the conversion into every other version, valid there (as a
 * partial for a PATCH body). A version without the object refuses it with a ConversionError.
 */
export function sampleTests(samples: readonly Sample[], checks: SampleChecks = {}): void {
  const schemaType = checks.schemaType ?? ((type: string) => type);
  const exists = (type: string, version: OcpiVersion) =>
    findSchema(schemasByVersion[version], schemaType(type, version)) !== undefined;
  if (checks.inEveryVersion) {
    const types = [...new Set(samples.map((s) => s.type))];
    it(`there are samples of ${types.join(', ')} in every version`, () =>
      assertInEveryVersion(samples, types));
  }
  for (const s of samples) {
    const options = { ...checks.options, partial: s.partial };
    const kind = `${s.partial ? 'partial ' : ''}${s.type}`;
    it(`${s.name} round-trips through canonical`, () => {
      if (checks.checkSource) assertValid(s.version, schemaType(s.type, s.version), s.doc, s.partial);
      const there = toCanonical(s.type, s.version, s.doc, options);
      if (s.erratum === undefined) assertValid('2.3.0', s.type, there.value, s.partial);
      const back = fromCanonical(s.type, s.version, there.value, options);
      const check = checks.roundTrip?.(s);
      if (check === undefined) assert.deepEqual(back.value, s.doc);
      else check(s, there, back);
    });
    for (const target of VERSIONS.filter((v) => v !== s.version)) {
      if (!exists(s.type, target)) {
        it(`${s.name} has no ${target} form, either way`, () => {
          assert.throws(() => convert(s.type, s.version, target, s.doc, options), ConversionError);
          assert.throws(() => toCanonical(s.type, target, s.doc, options), ConversionError);
        });
        continue;
      }
      if (checks.converts !== undefined && !checks.converts(s, target)) {
        it(`${s.name} has no ${target} ${kind}`, () => {
          assert.throws(() => convert(s.type, s.version, target, s.doc, options), ConversionError);
        });
        continue;
      }
      it(`${s.name} converts to a valid ${target} ${kind}${s.erratum ? ' (but for its erratum)' : ''}`, () => {
        const result = convert(s.type, s.version, target, s.doc, options);
        if (checks.unchanged) assert.deepEqual(result, { value: s.doc, lossy: [] });
        const issues = schemaIssues(target, schemaType(s.type, target), result.value, s.partial);
        if (s.erratum !== undefined && checks.erratum !== undefined) checks.erratum(s, target, issues);
        else assert.deepEqual(issues, []);
      });
    }
  }
}

// ---- converter entries ----

const CHAPTERS = { '2.1.1': v2_1_1, '2.2.1': v2_2_1, '2.3.0': v2_3_0 } as const;

/** The classes (not enums) a chapter file exports, by spec name. */
function classesOf(chapter: unknown): string[] {
  return Object.values(chapter as object).flatMap((schema) => {
    const name = ocpiTypeOf(schema as TSchema);
    return name !== undefined && (schema as { type?: unknown }).type === 'object' ? [name] : [];
  });
}

/**
 * Every class of the chapter (as `v2_3_0[chapter]` names it) has a converter for each older
 * version defining it, and no converter serves a version that lacks the class, but for the
 * entries `bridged` names (kept on purpose for a class the version defines under another name).
 */
export function converterEntryTests(
  chapter: keyof typeof v2_3_0,
  converters: ModuleConverters,
  bridged: Record<string, readonly OlderVersion[]> = {},
): void {
  // A chapter an older version does not have defines nothing there.
  const older = (v: OlderVersion) => classesOf((CHAPTERS[v] as Record<string, unknown>)[chapter] ?? {});

  it(`every class of ${chapter} has a converter for each older version defining it`, () => {
    for (const name of classesOf(v2_3_0[chapter] as object)) assert.ok(name in converters, name);
    for (const version of ['2.1.1', '2.2.1'] as const) {
      for (const name of older(version)) assert.ok(converters[name]?.[version], `${version} ${name}`);
    }
  });

  it(`no ${chapter} converter for a version that lacks the class`, () => {
    for (const [name, byVersion] of Object.entries(converters)) {
      for (const version of Object.keys(byVersion) as OlderVersion[]) {
        if (bridged[name]?.includes(version)) continue;
        assert.ok(older(version).includes(name), `${version} has no ${name}`);
      }
    }
  });
}
