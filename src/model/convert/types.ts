/**
 * The shape every converter has. A converter moves one spec object between one version and the
 * canonical model (the 2.3.0 shape), in both directions, as plain functions over plain data.
 */
import type { OcpiVersion } from '../../protocol/index.js';

/** Where a lossy mapping changed or invented information, reported to the caller. */
export interface AppliedLossyMapping {
  /** The id of the row in the lossy-mapping table (src/model/convert/lossy.ts). */
  id: string;
  /** JSON pointer into the converted document. */
  pointer: string;
}

/** One row of the lossy-mapping table: a place where conversion loses or invents information. */
export interface LossyMapping {
  /** Stable id, `<object>.<what>`, e.g. `Location.party-from-context`. */
  id: string;
  /** The spec object and field(s) concerned. */
  object: string;
  field: string;
  /** The direction of conversion in which it applies. 2.3.0 stands for the canonical model. */
  from: OcpiVersion;
  to: OcpiVersion;
  /** `loses`: information of the source is dropped or coarsened; `invents`: the target needs a value the source lacks. */
  kind: 'loses' | 'invents';
  /** What happens, in our words. */
  description: string;
}

export interface ConversionOptions {
  /**
   * The party owning the object, where the source version does not carry it (2.1.1 objects have no
   * `country_code`/`party_id`): taken from the peer's credentials.
   */
  party?: { country_code: string; party_id: string };
  /**
   * A PATCH body: only the fields present are converted, and nothing is invented for absent
   * required fields.
   */
  partial?: boolean;
}

/** Passed down through a conversion: the options, and where lossy mappings are reported. */
export interface ConversionContext extends ConversionOptions {
  report(id: string, pointer: string): void;
}

export type ConvertFn = (
  value: Record<string, unknown>,
  ctx: ConversionContext,
  pointer: string,
) => Record<string, unknown>;

/** One object's converters for one older version: up to canonical, down from canonical. */
export interface VersionConverter {
  toCanonical: ConvertFn;
  fromCanonical: ConvertFn;
}

/**
 * The converters of one object, by the older version they serve. A version missing here means the
 * object does not exist in that version. 2.3.0 is the canonical shape: no converter needed.
 */
export type ObjectConverters = Partial<Record<Exclude<OcpiVersion, '2.3.0'>, VersionConverter>>;

/** The converters a module file contributes, by spec object name. */
export type ModuleConverters = Record<string, ObjectConverters>;

export interface ConversionResult {
  value: Record<string, unknown>;
  lossy: AppliedLossyMapping[];
}
