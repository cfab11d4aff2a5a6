/**
 * `roamkit validate`: checks documents against one version's schema of one spec object.
 * A document is an object, an array of objects, or a response envelope (its `data` is checked).
 */
import {
  findSchema,
  type OcpiVersion,
  ocpiTypeOf,
  schemasByVersion,
  type ValidationIssue,
  validate,
} from '../protocol/index.js';
import { type InputDocument, isEnvelope } from './read-documents.js';

export interface ValidateOptions {
  version: OcpiVersion;
  /** The spec object name, case-insensitive. */
  type: string;
  /** Validate as a PATCH body: every top-level field optional. */
  partial?: boolean;
}

export interface DocumentReport {
  name: string;
  issues: ValidationIssue[];
}

export class UnknownTypeError extends Error {}

export function validateDocument(doc: InputDocument, options: ValidateOptions): DocumentReport {
  const schema = findSchema(schemasByVersion[options.version], options.type);
  if (schema === undefined) {
    const known = [...schemasByVersion[options.version].keys()].sort().join(', ');
    throw new UnknownTypeError(
      `OCPI ${options.version} has no object named '${options.type}'. Known: ${known}`,
    );
  }
  // An envelope's payload is its `data`, unless the envelope itself is what is asked for.
  const unwrap = isEnvelope(doc.value) && ocpiTypeOf(schema) !== 'Response';
  const payload = unwrap ? (doc.value as { data?: unknown }).data : doc.value;
  const prefix = unwrap ? '/data' : '';
  const items = Array.isArray(payload) ? payload : [payload];
  const issues: ValidationIssue[] = [];
  items.forEach((item, index) => {
    const at = Array.isArray(payload) ? `${prefix}/${index}` : prefix;
    for (const issue of validate(schema, item, { partial: options.partial ?? false }).issues) {
      issues.push({ ...issue, pointer: `${at}${issue.pointer}` });
    }
  });
  return { name: doc.name, issues };
}

/** One line per issue: `FILE: /json/pointer message`. */
export function formatIssues(report: DocumentReport): string[] {
  return report.issues.map((issue) => `${report.name}: ${issue.pointer || '/'} ${issue.message}`);
}
