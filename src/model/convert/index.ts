/**
 * Conversion between OCPI versions through the canonical model (the 2.3.0 shape, a superset).
 * `convert(type, from, to, value)` = `fromCanonical(to, toCanonical(from, value))`; every lossy
 * mapping applied on the way is reported with its pointer.
 */
import { findSchema, type OcpiVersion, ocpiTypeOf, schemasByVersion } from '../../protocol/index.js';
import { ConversionError } from './errors.js';
import { LOSSY_MAPPINGS } from './lossy.js';
import { converterRegistry } from './registry.js';
import type {
  AppliedLossyMapping,
  ConversionContext,
  ConversionOptions,
  ConversionResult,
  ObjectConverters,
} from './types.js';

export type * from './types.js';
export { ConversionError, LOSSY_MAPPINGS };

const CANONICAL = '2.3.0' as const;
const lossyIds = new Set(LOSSY_MAPPINGS.map((m) => m.id));

/** Converters by lower-cased spec name, built once (type names are case-insensitive). */
const byLowerName = new Map(
  Object.entries(converterRegistry).map(([name, c]) => [name.toLowerCase(), [name, c] as const]),
);

function convertersOf(type: string): readonly [string, ObjectConverters] {
  const found = byLowerName.get(type.toLowerCase());
  if (found !== undefined) return found;
  // An object only the canonical version has (Terminal, Booking, …) has no converters: it exists
  // in 2.3.0 alone, so converting it anywhere else is "that version has no such object".
  const canonical = findSchema(schemasByVersion[CANONICAL], type);
  const name = canonical === undefined ? undefined : ocpiTypeOf(canonical);
  if (name !== undefined) return [name, {}];
  throw new ConversionError(
    `no converter for '${type}'; known: ${Object.keys(converterRegistry).sort().join(', ')}`,
  );
}

function context(options: ConversionOptions, lossy: AppliedLossyMapping[]): ConversionContext {
  return {
    ...options,
    report(id, pointer) {
      // An id missing from the table is a programming error: the table is the documentation.
      if (!lossyIds.has(id)) throw new Error(`lossy mapping '${id}' is not in LOSSY_MAPPINGS`);
      lossy.push({ id, pointer });
    },
  };
}

function asObject(value: unknown, type: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConversionError(`a ${type} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Runs one direction of one object's converter for `version` (2.3.0, the canonical shape, is the identity). */
function run(
  direction: 'toCanonical' | 'fromCanonical',
  type: string,
  version: OcpiVersion,
  value: unknown,
  options: ConversionOptions,
): ConversionResult {
  const [name, converters] = convertersOf(type);
  const lossy: AppliedLossyMapping[] = [];
  const input = asObject(value, name);
  if (version === CANONICAL) return { value: input, lossy };
  const converter = converters[version];
  if (converter === undefined) throw new ConversionError(`OCPI ${version} has no ${name}`);
  return { value: converter[direction](input, context(options, lossy), ''), lossy };
}

/** A document of `version` in the canonical model. */
export function toCanonical(
  type: string,
  version: OcpiVersion,
  value: unknown,
  options: ConversionOptions = {},
) {
  return run('toCanonical', type, version, value, options);
}

/** A canonical document in `version`'s shape. */
export function fromCanonical(
  type: string,
  version: OcpiVersion,
  value: unknown,
  options: ConversionOptions = {},
) {
  return run('fromCanonical', type, version, value, options);
}

/** A document of version `from` in version `to`, through the canonical model. */
export function convert(
  type: string,
  from: OcpiVersion,
  to: OcpiVersion,
  value: unknown,
  options: ConversionOptions = {},
): ConversionResult {
  // The same version: nothing to convert (and nothing to lose).
  if (from === to) return { value: asObject(value, convertersOf(type)[0]), lossy: [] };
  const up = toCanonical(type, from, value, options);
  const down = fromCanonical(type, to, up.value, options);
  return { value: down.value, lossy: [...up.lossy, ...down.lossy] };
}

/** The spec objects that have converters. */
export function convertibleTypes(): string[] {
  return Object.keys(converterRegistry).sort();
}
