/**
 * `roamkit convert`: a document of one OCPI version in another, through the canonical model.
 * The converted JSON goes to stdout; every lossy mapping applied goes to stderr, one per line.
 */
import { convert, LOSSY_MAPPINGS } from '../model/index.js';
import type { OcpiVersion } from '../protocol/index.js';
import type { InputDocument } from './read-documents.js';

export interface ConvertOptions {
  from: OcpiVersion;
  to: OcpiVersion;
  type: string;
  /** Owner of 2.1.1 objects, which carry none: `NL/TNM`. */
  party?: { country_code: string; party_id: string };
  partial?: boolean;
}

const describe = new Map(LOSSY_MAPPINGS.map((m) => [m.id, m]));

export function convertDocument(
  doc: InputDocument,
  options: ConvertOptions,
): { json: string; lossy: string[] } {
  const convertOne = (value: unknown) =>
    convert(options.type, options.from, options.to, value, {
      ...(options.party ? { party: options.party } : {}),
      partial: options.partial ?? false,
    });
  const lossy: string[] = [];
  const note = (prefix: string, result: ReturnType<typeof convertOne>) => {
    for (const applied of result.lossy) {
      const row = describe.get(applied.id);
      lossy.push(
        `${doc.name}: ${prefix}${applied.pointer || '/'} ${applied.id} (${row?.kind ?? 'lossy'}): ${row?.description ?? ''}`,
      );
    }
  };
  if (Array.isArray(doc.value)) {
    const converted = doc.value.map((item, index) => {
      const result = convertOne(item);
      note(`/${index}`, result);
      return result.value;
    });
    return { json: JSON.stringify(converted, null, 2), lossy };
  }
  const result = convertOne(doc.value);
  note('', result);
  return { json: JSON.stringify(result.value, null, 2), lossy };
}

/** `NL/TNM` or `NL-TNM` → { country_code, party_id }. */
export function parseParty(value: string): { country_code: string; party_id: string } | undefined {
  const match = /^([A-Za-z]{2})[/-]([A-Za-z0-9]{3})$/.exec(value.trim());
  return match
    ? { country_code: (match[1] ?? '').toUpperCase(), party_id: (match[2] ?? '').toUpperCase() }
    : undefined;
}
