/** Reading the JSON documents the CLI is given: a file path or `-` for standard input. */
import { readFileSync } from 'node:fs';

export interface InputDocument {
  /** The name errors are reported under (the path, or `-`). */
  name: string;
  value: unknown;
}

export class InputError extends Error {}

export function readDocument(
  path: string,
  stdin: () => string = () => readFileSync(0, 'utf8'),
): InputDocument {
  let text: string;
  try {
    text = path === '-' ? stdin() : readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: cannot read: ${(error as Error).message}`);
  }
  try {
    return { name: path, value: JSON.parse(text) };
  } catch (error) {
    throw new InputError(`${path}: not JSON: ${(error as Error).message}`);
  }
}

/** A full OCPI response envelope: the payload is `data`. */
export function isEnvelope(
  value: unknown,
): value is { data?: unknown; status_code: number; timestamp: string } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    'status_code' in value &&
    'timestamp' in value
  );
}
