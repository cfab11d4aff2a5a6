/**
 * A version's schema registry: every class and enum of the spec, by its spec name.
 *
 * Built by collecting the exported schemas of the version's module files, keyed by their
 * `ocpiType` annotation, so adding a schema to a module file is all it takes to register it.
 */
import type { TSchema } from '@sinclair/typebox';
import { ocpiTypeOf } from './primitives.js';

const PRIMITIVES = new Set(['CiString', 'string', 'DateTime', 'URL', 'number', 'int', 'boolean']);

export type SchemaRegistry = ReadonlyMap<string, TSchema>;

/** Collects every exported class/enum schema of the given module namespaces. */
export function collectSchemas(...modules: Record<string, unknown>[]): SchemaRegistry {
  const registry = new Map<string, TSchema>();
  for (const mod of modules) {
    for (const value of Object.values(mod)) {
      if (value === null || typeof value !== 'object') continue;
      const name = ocpiTypeOf(value as TSchema);
      if (name === undefined || PRIMITIVES.has(name)) continue;
      const existing = registry.get(name);
      if (existing !== undefined && existing !== value) {
        throw new Error(`two different schemas are registered as ${name}`);
      }
      registry.set(name, value as TSchema);
    }
  }
  return registry;
}

/** Case-insensitive lookup of a spec object name (`evse`, `EVSE`, `Evse` all find EVSE). */
export function findSchema(registry: SchemaRegistry, name: string): TSchema | undefined {
  const exact = registry.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const [key, schema] of registry) if (key.toLowerCase() === lower) return schema;
  return undefined;
}
