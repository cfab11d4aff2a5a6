/**
 * The OCPI primitive types (the "Types" chapter of every version) as TypeBox builders.
 *
 * Every schema built here carries an `ocpiType` annotation naming the spec type it stands for
 * (`CiString`, `string`, `DateTime`, `URL`, `number`, `int`, `boolean`, or a class/enum name).
 * The spec census test reads it back to compare our schemas with the chapters' property tables,
 * and it costs nothing at validation time (Ajv treats it as an annotation).
 */
import {
  type SchemaOptions,
  type Static,
  type TObject,
  type TProperties,
  type TSchema,
  Type,
} from '@sinclair/typebox';

/** Annotation keyword every Roamkit schema carries; registered with Ajv as an annotation. */
export const OCPI_TYPE = 'ocpiType';
/** Annotation on OpenEnum schemas (2.3.0): the values the spec knows, not enforced. */
export const OCPI_KNOWN_VALUES = 'ocpiKnownValues';

/**
 * Printable characters only: no C0 control characters and no DEL. Applies to `string` in all
 * versions. 2.1.1 says "printable ASCII" for `string`; we accept printable UTF-8 there too
 * (decision D-STRING-UTF8 in docs/versions.md): real 2.1.1 traffic carries names like "Straße".
 */
const PRINTABLE = '^[^\\u0000-\\u001F\\u007F]*$';
/** CiString: printable ASCII only (space to tilde). */
const PRINTABLE_ASCII = '^[\\u0020-\\u007E]*$';
/** The two character-class patterns above, so error messages can tell them from format patterns. */
export const PRINTABLE_PATTERNS: ReadonlySet<string> = new Set([PRINTABLE, PRINTABLE_ASCII]);

/**
 * DateTime: RFC 3339 / ISO 8601 in UTC, `Z` optional (its absence implies UTC), fractional
 * seconds allowed. An explicit offset, even `+00:00`, is not the spec's format; the transport
 * layer's input tolerance normalises those before validation (see common/datetime.ts).
 */
export const DATETIME_PATTERN =
  '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?Z?$';

/** Case Insensitive String of at most `n` characters (printable ASCII). */
export const CiString = (n?: number, options: SchemaOptions = {}) =>
  Type.String({
    [OCPI_TYPE]: 'CiString',
    ...(n === undefined ? {} : { maxLength: n }),
    pattern: PRINTABLE_ASCII,
    ...options,
  });

/** Case sensitive string of at most `n` characters (code points, not bytes: decision D-STRING-LENGTH). */
export const OcpiString = (n?: number, options: SchemaOptions = {}) =>
  Type.String({
    [OCPI_TYPE]: 'string',
    ...(n === undefined ? {} : { maxLength: n }),
    pattern: PRINTABLE,
    ...options,
  });

/** DateTime, string(25) in UTC. */
export const DateTime = (options: SchemaOptions = {}) =>
  Type.String({ [OCPI_TYPE]: 'DateTime', maxLength: 25, pattern: DATETIME_PATTERN, ...options });

/** URL: string(255). */
export const Url = (options: SchemaOptions = {}) =>
  Type.String({ [OCPI_TYPE]: 'URL', maxLength: 255, pattern: PRINTABLE, ...options });

/** number: a JSON number (decimal; 4 decimals unless said otherwise, not enforced). */
export const OcpiNumber = (options: SchemaOptions = {}) => Type.Number({ [OCPI_TYPE]: 'number', ...options });

/** int: a JSON integer. */
export const OcpiInt = (options: SchemaOptions = {}) => Type.Integer({ [OCPI_TYPE]: 'int', ...options });

/** boolean. */
export const OcpiBoolean = (options: SchemaOptions = {}) =>
  Type.Boolean({ [OCPI_TYPE]: 'boolean', ...options });

/**
 * A closed enum. Built as one `enum` keyword (not a union of literals) so that an unknown value
 * yields one clear error, and the static type is the union of the values.
 */
export const OcpiEnum = <const V extends readonly string[]>(
  name: string,
  values: V,
  options: SchemaOptions = {},
) => Type.Unsafe<V[number]>({ type: 'string', enum: [...values], [OCPI_TYPE]: name, ...options });

/**
 * An OpenEnum (2.3.0): any string is valid; the known values are carried as an annotation.
 * The static type keeps editor completion for the known values.
 */
export const OcpiOpenEnum = <const V extends readonly string[]>(
  name: string,
  values: V,
  options: SchemaOptions = {},
) =>
  Type.Unsafe<V[number] | (string & {})>({
    type: 'string',
    [OCPI_TYPE]: name,
    [OCPI_KNOWN_VALUES]: [...values],
    pattern: PRINTABLE,
    ...options,
  });

/**
 * A class or object of the spec. Unknown properties are allowed on purpose: a peer's fields
 * the spec does not define are kept and passed on (parse permissively, validate explicitly).
 */
export const OcpiClass = <P extends TProperties>(
  name: string,
  properties: P,
  options: SchemaOptions = {},
): TObject<P> => Type.Object(properties, { [OCPI_TYPE]: name, ...options });

/**
 * A class of a newer version derived from the older version's class, so that what did not change
 * is written once. Fields keep the base's order; `changes` replaces fields of the same name in
 * place and adds the new ones, each placed after the field `after` names (else at the end, in the
 * order given); `remove` drops fields. `options` (e.g. a cross-field rule) is NOT inherited: pass
 * it again when the derived class keeps the rule.
 */
export function DerivedClass<B extends TProperties, C extends TProperties, R extends keyof B = never>(
  name: string,
  base: TObject<B>,
  changes: C,
  how: { remove?: readonly R[]; after?: Partial<Record<keyof C, string>>; options?: SchemaOptions } = {},
): TObject<Omit<B, R | keyof C> & C> {
  const removed = new Set<PropertyKey>(how.remove ?? []);
  const after = (how.after ?? {}) as Record<string, string>;
  const properties: TProperties = {};
  const placed = new Set<string>();
  const placeAfter = (anchor: string) => {
    for (const key of Object.keys(changes)) {
      if (after[key] === anchor && !placed.has(key)) {
        properties[key] = changes[key] as TSchema;
        placed.add(key);
        placeAfter(key);
      }
    }
  };
  for (const key of Object.keys(base.properties)) {
    if (removed.has(key)) continue;
    properties[key] = (key in changes ? changes[key] : base.properties[key]) as TSchema;
    placed.add(key);
    placeAfter(key);
  }
  for (const key of Object.keys(changes)) {
    if (placed.has(key)) continue;
    if (after[key] !== undefined)
      throw new Error(`${name}: cannot place ${key} after ${after[key]}, no such field`);
    properties[key] = changes[key] as TSchema;
  }
  return OcpiClass(name, properties, how.options) as unknown as TObject<Omit<B, R | keyof C> & C>;
}

/** Cardinality `+`: a required list with at least one element. */
export const OneOrMore = <T extends TSchema>(items: T) => Type.Array(items, { minItems: 1 });

/** Cardinality `*`: an optional list. */
export const ZeroOrMore = <T extends TSchema>(items: T) => Type.Optional(Type.Array(items));

/** Cardinality `?`. */
export const Optional = <T extends TSchema>(schema: T) => Type.Optional(schema);

/**
 * The values of an enum schema (closed: its `enum`; open: its known values), typed as the enum,
 * so a newer version's enum can be built from the older one's: `[...enumValues(v2_2_1.X), 'NEW']`.
 */
export function enumValues<T extends TSchema>(schema: T): Static<T>[] {
  const record = schema as Record<string, unknown>;
  const values = record.enum ?? record[OCPI_KNOWN_VALUES];
  if (!Array.isArray(values)) throw new Error(`${ocpiTypeOf(schema) ?? 'schema'} is not an enum`);
  return values as Static<T>[];
}

/** The spec name a schema stands for (its `ocpiType`), if any. */
export function ocpiTypeOf(schema: TSchema): string | undefined {
  const value = (schema as Record<string, unknown>)[OCPI_TYPE];
  return typeof value === 'string' ? value : undefined;
}

export type { Static, TSchema };
