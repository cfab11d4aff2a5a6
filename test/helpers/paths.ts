/** Where tests find the repository, its fixtures and the shared spec (compiled tests run from dist/test). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));
/** The project's own copy of the spec examples (test fixtures). */
export const fixturesRoot = join(repoRoot, 'test', 'fixtures');
/** The spec chapters: OCPI_SPEC_DIR, else ../shared/ocpi-spec beside the checkout. */
export const specRoot = resolve(process.env.OCPI_SPEC_DIR ?? join(repoRoot, '..', 'shared', 'ocpi-spec'));
export const specAvailable = existsSync(join(specRoot, '2.2.1'));
