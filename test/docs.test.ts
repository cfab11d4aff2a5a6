/** The documents that are generated from code, or that name code, must stay true. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderVersionsDoc, versionsDocPath } from '../scripts/docs-tables.js';
import { LOSSY_MAPPINGS } from '../src/model/index.js';
import { repoRoot } from './helpers/paths.js';

describe('docs', () => {
  it('docs/versions.md carries the current lossy-mapping table and errata (run `npm run docs` after a change)', () => {
    const text = readFileSync(versionsDocPath, 'utf8');
    assert.equal(text, renderVersionsDoc(text));
    for (const row of LOSSY_MAPPINGS) assert.ok(text.includes(`\`${row.id}\``), row.id);
  });

  it('the README shows the two quick-start commands and the test command that .ci/run runs', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    assert.match(readme, /npm ci && npm start/);
    assert.match(readme, /npm test/);
    const ci = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8');
    assert.match(ci, /^npm ci\b/m);
    assert.match(ci, /^npm test$/m);
  });
});
