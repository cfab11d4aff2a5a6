/**
 * Lenient readers for the data of the two version endpoints, which a registration must read from
 * any peer. The spec types `version` and `identifier` as closed enums, but a peer may well list
 * versions newer than ours (3.0) or older (2.0, 2.1) and custom modules by agreement: validating
 * with the version's schema would refuse those peers outright, when what the handshake needs is
 * only "which versions, at which URLs" and "which modules, at which URLs". So these check the
 * structure (strings where strings are needed) and leave the values to the caller, keeping any
 * extra fields a peer sent.
 */
import type { ValidationIssue } from '../protocol/common/validator.js';

/** One entry of a peer's versions list. `version` is any string: unknown versions are kept. */
export interface VersionEntry {
  version: string;
  url: string;
}

/** One endpoint of a peer's version details. `role` is absent in 2.1.1. */
export interface EndpointEntry {
  identifier: string;
  role?: string;
  url: string;
}

export interface VersionDetailsData {
  version: string;
  endpoints: EndpointEntry[];
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

function issue(pointer: string, message: string, keyword = 'type'): ValidationIssue {
  const field =
    pointer
      .split('/')
      .filter((s) => s !== '' && !/^\d+$/.test(s))
      .pop() ?? '';
  return { pointer, field, message, keyword };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Requires the named fields to be non-empty strings (and the optional ones strings when present). */
function requireStrings(
  value: Record<string, unknown>,
  pointer: string,
  required: readonly string[],
  optional: readonly string[] = [],
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const name of required) {
    const field = value[name];
    if (field === undefined)
      issues.push(issue(`${pointer}/${name}`, `required field '${name}' is missing`, 'required'));
    else if (typeof field !== 'string' || field.trim() === '')
      issues.push(issue(`${pointer}/${name}`, 'must be a non-empty string'));
  }
  for (const name of optional) {
    const field = value[name];
    if (field !== undefined && typeof field !== 'string')
      issues.push(issue(`${pointer}/${name}`, 'must be a string'));
  }
  return issues;
}

/** The data of GET {versions URL}: a list of `{ version, url }`. */
export function readVersionList(data: unknown): ReadResult<VersionEntry[]> {
  if (!Array.isArray(data)) return { ok: false, issues: [issue('', 'must be a list of versions')] };
  const issues: ValidationIssue[] = [];
  data.forEach((entry, index) => {
    if (!isRecord(entry)) issues.push(issue(`/${index}`, 'must be an object'));
    else issues.push(...requireStrings(entry, `/${index}`, ['version', 'url']));
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: data as VersionEntry[] };
}

/** The data of GET {version details URL}: `{ version, endpoints: [{ identifier, role?, url }] }`. */
export function readVersionDetails(data: unknown): ReadResult<VersionDetailsData> {
  if (!isRecord(data)) return { ok: false, issues: [issue('', 'must be a version details object')] };
  const issues = requireStrings(data, '', ['version']);
  const endpoints = data.endpoints;
  if (!Array.isArray(endpoints)) {
    issues.push(
      endpoints === undefined
        ? issue('/endpoints', "required field 'endpoints' is missing", 'required')
        : issue('/endpoints', 'must be a list of endpoints'),
    );
  } else {
    endpoints.forEach((endpoint, index) => {
      const pointer = `/endpoints/${index}`;
      if (!isRecord(endpoint)) issues.push(issue(pointer, 'must be an object'));
      else issues.push(...requireStrings(endpoint, pointer, ['identifier', 'url'], ['role']));
    });
  }
  return issues.length > 0
    ? { ok: false, issues }
    : { ok: true, value: data as unknown as VersionDetailsData };
}
