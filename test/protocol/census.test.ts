/**
 * The spec census: every class and enum in the spec chapters of each version against the
 * version's schema registry. Each difference fails unless census-decisions.ts records why it is
 * accepted. Set CENSUS_REPORT=<file> to also write the full report (decided differences, the
 * 2.3.0 core/bookings merge) to a file.
 */
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { TSchema } from '@sinclair/typebox';
import { census, formatReport, type RoamkitVersion, specTables, triage } from '../helpers/census.js';
import { specAvailable, specRoot } from '../helpers/paths.js';
import { decisions } from './census-decisions.js';

/** Registries are imported lazily so that one broken version fails only its own test. */
const registries: Record<RoamkitVersion, () => Promise<{ schemas: ReadonlyMap<string, TSchema> }>> = {
  '2.1.1': () => import('../../src/protocol/v2_1_1/index.js'),
  '2.2.1': () => import('../../src/protocol/v2_2_1/index.js'),
  '2.3.0': () => import('../../src/protocol/v2_3_0/index.js'),
};

const reportFile = process.env.CENSUS_REPORT;
if (reportFile) {
  writeFileSync(
    reportFile,
    `Roamkit spec census (${new Date().toISOString()}); regenerate with\n` +
      `  npx tsc -p . && CENSUS_REPORT=${reportFile} node --test dist/test/protocol/census.test.js\n`,
  );
}

for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
  test(`spec census ${version}: every class and enum of the spec matches the registry`, async (t) => {
    if (!specAvailable) {
      t.skip(`spec chapters not found at ${specRoot} (set OCPI_SPEC_DIR to run the census)`);
      return;
    }
    const spec = specTables(specRoot, version);
    const { schemas } = await registries[version]();
    const result = census(spec, schemas);
    const triaged = triage(result.diffs, decisions, version);
    if (reportFile) appendFileSync(reportFile, `\n${formatReport(result, spec, triaged, true)}\n`);
    for (const d of triaged.stale)
      t.diagnostic(`decision matched nothing: ${d.object}${d.field ? `.${d.field}` : ''}`);
    assert.deepEqual(
      spec.warnings,
      [],
      `the spec parser could not read everything:\n${spec.warnings.join('\n')}`,
    );
    if (triaged.open.length > 0) {
      assert.fail(
        `${triaged.open.length} difference(s) between the ${version} spec and the registry ` +
          `(fix the schema, or record a decision in test/protocol/census-decisions.ts):\n` +
          triaged.open.map((d) => `  ${d.message}`).join('\n'),
      );
    }
  });
}
