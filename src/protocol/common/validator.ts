/**
 * Validation of OCPI documents: one Ajv instance for the whole process, each schema compiled
 * once (on first use, then cached), every violation reported with its JSON pointer.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { OCPI_KNOWN_VALUES, OCPI_TYPE, PRINTABLE_PATTERNS } from './primitives.js';

/** One violation: where (`/evses/0/uid`), which spec field (`uid`), and what is wrong. */
export interface ValidationIssue {
  /** JSON pointer into the document; for a missing field, the pointer the field would have. */
  pointer: string;
  /** The spec's name of the field concerned ('' for the document itself). */
  field: string;
  message: string;
  /** Ajv's keyword (`required`, `enum`, `maxLength`, `pattern`, `type`, …) for callers that branch on it. */
  keyword: string;
}

export type ValidationResult = { valid: true; issues: [] } | { valid: false; issues: ValidationIssue[] };

const ajv = new Ajv({
  allErrors: true,
  verbose: true,
  strict: true,
  strictTypes: false,
  unicodeRegExp: true,
});
ajv.addVocabulary([OCPI_TYPE, OCPI_KNOWN_VALUES]);

const compiled = new WeakMap<TSchema, ValidateFunction>();
const partials = new WeakMap<TSchema, TSchema>();

function compile(schema: TSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (fn === undefined) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/** The partial form of an object schema (every top-level field optional), as PATCH bodies are. */
export function partialOf(schema: TSchema): TSchema {
  let partial = partials.get(schema);
  if (partial === undefined) {
    partial = Type.Partial(schema as never) as TSchema;
    partials.set(schema, partial);
  }
  return partial;
}

/** Compiles the schema now (start-up), so the first request does not pay for it. */
export function precompile(schema: TSchema, options: { partial?: boolean } = {}): void {
  compile(options.partial ? partialOf(schema) : schema);
}

/** Validates `value` against `schema`, reporting every violation. */
export function validate(
  schema: TSchema,
  value: unknown,
  options: { partial?: boolean } = {},
): ValidationResult {
  const fn = compile(options.partial ? partialOf(schema) : schema);
  if (fn(value)) return { valid: true, issues: [] };
  return { valid: false, issues: (fn.errors ?? []).map(toIssue) };
}

/** Validates a list of documents, each error pointer prefixed with its index (`/3/uid`). */
export function validateList(
  schema: TSchema,
  values: unknown[],
  options: { partial?: boolean } = {},
): ValidationResult {
  const issues: ValidationIssue[] = [];
  values.forEach((value, index) => {
    const result = validate(schema, value, options);
    for (const issue of result.issues) issues.push({ ...issue, pointer: `/${index}${issue.pointer}` });
  });
  return issues.length === 0 ? { valid: true, issues: [] } : { valid: false, issues };
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function lastSegment(pointer: string): string {
  const parts = pointer.split('/');
  const last = parts[parts.length - 1] ?? '';
  // An array index names no field: use the field holding the array.
  if (/^\d+$/.test(last) && parts.length > 2)
    return (parts[parts.length - 2] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
  return last.replace(/~1/g, '/').replace(/~0/g, '~');
}

function toIssue(error: ErrorObject): ValidationIssue {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    const missing = String(params.missingProperty);
    return {
      pointer: `${error.instancePath}/${escapePointer(missing)}`,
      field: missing,
      message: `required field '${missing}' is missing`,
      keyword: 'required',
    };
  }
  const field = lastSegment(error.instancePath);
  let message = error.message ?? error.keyword;
  if (error.keyword === 'enum') {
    const allowed = params.allowedValues as unknown[];
    message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (
    error.keyword === 'pattern' &&
    (error.parentSchema as Record<string, unknown> | undefined)?.[OCPI_TYPE] === 'DateTime'
  ) {
    message = 'must be an OCPI DateTime in UTC, e.g. 2015-06-29T20:39:09Z';
  } else if (error.keyword === 'pattern') {
    // The printable-character rules of string/CiString are the common case; any other
    // pattern is a format the spec's text gives (coordinates, HH:MM, YYYY-MM-DD, …).
    message = PRINTABLE_PATTERNS.has(String(params.pattern))
      ? 'contains characters that are not printable'
      : `does not have the format the spec requires (${String(params.pattern)})`;
  }
  return { pointer: error.instancePath, field, message, keyword: error.keyword };
}

/**
 * Compiles every schema of a version's registry, and the partial (PATCH) form of every class, so
 * a server pays the compilation at start-up and never on a request. Returns how many were compiled.
 */
export function precompileRegistry(registry: ReadonlyMap<string, TSchema>): number {
  let count = 0;
  for (const schema of registry.values()) {
    precompile(schema);
    count++;
    if ((schema as { type?: unknown }).type === 'object') {
      precompile(schema, { partial: true });
      count++;
    }
  }
  return count;
}

/** Whether a schema (or its partial form) has been compiled already: for tests and start-up checks. */
export function isCompiled(schema: TSchema, options: { partial?: boolean } = {}): boolean {
  return compiled.has(options.partial ? partialOf(schema) : schema);
}
