/** Reading the spec's example files, which are printed as they appear in the chapters. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type DocumentReport, validateDocument } from '../../src/cli/validate.js';
import type { ExampleExpectation } from '../fixtures/expectations.js';
import { fixturesRoot } from './paths.js';

export const examplesRoot = join(fixturesRoot, 'ocpi-examples');

/**
 * Parses an example as printed. 2.1.1's blocks may start with a request line
 * (`PATCH To URL: …`) and may be a bare `"key": value` excerpt; both are normalised
 * to plain JSON (the excerpt becomes `{ "key": value }`).
 */
export function parseExampleText(text: string): unknown {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => /^\s*[[{"]/.test(line));
  if (start < 0) throw new Error('no JSON in example');
  const body = lines.slice(start).join('\n').trim();
  return JSON.parse(body.startsWith('"') ? `{${body}}` : body);
}

export function readExample(file: string): unknown {
  return parseExampleText(readFileSync(join(examplesRoot, file), 'utf8'));
}

/** Every example file below the fixtures folder, as paths relative to it. */
export function listExampleFiles(): string[] {
  const files: string[] = [];
  for (const folder of readdirSync(examplesRoot)) {
    const dir = join(examplesRoot, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) files.push(`${folder}/${file}`);
  }
  return files.sort();
}

/**
 * Checks one example as `roamkit validate` would (same code path), after normalising the
 * printed form: a `property` excerpt is checked by the value under its key.
 */
export function checkExample(expectation: ExampleExpectation): DocumentReport {
  const raw = readExample(expectation.file) as Record<string, unknown>;
  const value = expectation.form === 'property' && expectation.key !== undefined ? raw[expectation.key] : raw;
  return validateDocument(
    { name: expectation.file, value },
    { version: expectation.version, type: expectation.type, partial: expectation.form === 'partial' },
  );
}
