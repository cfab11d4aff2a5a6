/**
 * The OCPI protocol model: per version, every class and enum as a TypeBox schema, plus the
 * version-independent transport pieces in `common/`.
 */
import type { SchemaRegistry } from './common/registry.js';
import * as v2_1_1 from './v2_1_1/index.js';
import * as v2_2_1 from './v2_2_1/index.js';
import * as v2_3_0 from './v2_3_0/index.js';

export * from './common/auth.js';
export * from './common/datetime.js';
export * from './common/endpoints.js';
export * from './common/envelope.js';
export * from './common/headers.js';
export * from './common/pagination.js';
export * from './common/primitives.js';
export * from './common/registry.js';
export * from './common/status.js';
export * from './common/validator.js';
export { v2_1_1, v2_2_1, v2_3_0 };

/** The OCPI versions Roamkit speaks, oldest first. A new version is a new folder plus an entry here. */
export const OCPI_VERSIONS = ['2.1.1', '2.2.1', '2.3.0'] as const;
export type OcpiVersion = (typeof OCPI_VERSIONS)[number];

export function isOcpiVersion(value: string): value is OcpiVersion {
  return (OCPI_VERSIONS as readonly string[]).includes(value);
}

/** Each version's registry of classes and enums by spec name. */
export const schemasByVersion: Record<OcpiVersion, SchemaRegistry> = {
  '2.1.1': v2_1_1.schemas,
  '2.2.1': v2_2_1.schemas,
  '2.3.0': v2_3_0.schemas,
};
