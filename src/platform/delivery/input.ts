/**
 * Documents operators give in an OCPI version other than the canonical one (`?ocpi=2.2.1` on the
 * admin API): checked against that version's schema, so the problems are named in the terms the
 * operator used, then converted up to the canonical (2.3.0) shape the publisher takes.
 */
import { ConversionError, toCanonical } from '../../model/index.js';
import {
  findSchema,
  isOcpiVersion,
  OCPI_VERSIONS,
  type OcpiVersion,
  schemasByVersion,
  validate,
} from '../../protocol/index.js';
import { isJsonObject } from './json.js';
import { PublishError } from './publisher.js';

export interface VersionedInput {
  /** The version of the document (`ocpi`); undefined: canonical. */
  ocpi?: unknown;
  /** `CC:PID`, the owner of a 2.1.1 document (2.1.1 objects carry none). */
  party?: unknown;
}

/** `CC:PID` (also `CC/PID`, `CC-PID`), upper-cased. */
export function parsePartyArgument(value: string): { country_code: string; party_id: string } | undefined {
  const match = /^([A-Za-z]{2})[:/-]([A-Za-z0-9]{3})$/.exec(value.trim());
  return match
    ? { country_code: (match[1] as string).toUpperCase(), party_id: (match[2] as string).toUpperCase() }
    : undefined;
}

/** The version named by `ocpi`, or undefined for a canonical document. */
export function inputVersion(ocpi: unknown): OcpiVersion | undefined {
  if (ocpi === undefined || ocpi === '') return undefined;
  if (typeof ocpi !== 'string' || !isOcpiVersion(ocpi)) {
    throw new PublishError('invalid', `ocpi: use one of ${OCPI_VERSIONS.join(', ')}`, [
      { pointer: '', message: `ocpi must be one of ${OCPI_VERSIONS.join(', ')}` },
    ]);
  }
  return ocpi;
}

/**
 * The canonical form of `body`, a `type` object (`Location`, `EVSE`, `Connector`, `Tariff`) in
 * the version `input.ocpi` (canonical when absent). `partial`: a patch (only the fields present).
 * `owner`: the party from the URL, used for 2.1.1 when `input.party` is not given.
 */
export function canonicalDocument(
  type: string,
  body: unknown,
  input: VersionedInput,
  options: { partial?: boolean; owner?: { country_code: string; party_id: string } } = {},
): Record<string, unknown> {
  if (!isJsonObject(body)) {
    throw new PublishError('invalid', `the body must be a ${type} object`, [
      { pointer: '', message: 'must be a JSON object' },
    ]);
  }
  const version = inputVersion(input.ocpi);
  if (version === undefined) return body;
  const schema = findSchema(schemasByVersion[version], type);
  if (schema === undefined) throw new Error(`no ${type} in the ${version} schemas`);
  const result = validate(schema, body, options.partial ? { partial: true } : {});
  if (!result.valid) {
    const issues = result.issues.map((i) => ({ pointer: i.pointer, message: i.message }));
    const shown = issues
      .slice(0, 3)
      .map((i) => `${i.pointer || '/'} ${i.message}`)
      .join('; ');
    throw new PublishError('invalid', `not a valid ${version} ${type}: ${shown}`, issues);
  }
  let party = options.owner;
  if (input.party !== undefined && input.party !== '') {
    party = typeof input.party === 'string' ? parsePartyArgument(input.party) : undefined;
    if (party === undefined) {
      throw new PublishError('invalid', 'party: use COUNTRY:PARTY, e.g. NL:RMK', [
        { pointer: '', message: 'party must be COUNTRY:PARTY' },
      ]);
    }
  }
  if (version === '2.1.1' && party === undefined && !options.partial) {
    throw new PublishError('invalid', 'party: a 2.1.1 document names no owner; give party=COUNTRY:PARTY', [
      { pointer: '', message: 'party is required with ocpi=2.1.1' },
    ]);
  }
  try {
    return toCanonical(type, version, body, {
      ...(party === undefined ? {} : { party }),
      ...(options.partial ? { partial: true } : {}),
    }).value;
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    throw new PublishError('invalid', `cannot convert the ${version} ${type}: ${error.message}`, [
      { pointer: '', message: error.message },
    ]);
  }
}
