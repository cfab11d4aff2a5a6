/**
 * The generated parts of docs/versions.md: the lossy-mapping table (from LOSSY_MAPPINGS) and the
 * spec errata (from the fixture expectations). `npm run docs` rewrites them between their
 * markers; a test fails when the document and the code disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOSSY_MAPPINGS } from '../src/model/index.js';
import { exampleExpectations } from '../test/fixtures/expectations.js';
import { repoRoot } from '../test/helpers/paths.js';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function lossyTableMarkdown(): string {
  const rows = [...LOSSY_MAPPINGS].sort(
    (a, b) => a.object.localeCompare(b.object) || a.id.localeCompare(b.id),
  );
  return [
    '| id | field | direction | kind | what happens |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (m) => `| \`${m.id}\` | ${cell(m.field)} | ${m.from} → ${m.to} | ${m.kind} | ${cell(m.description)} |`,
    ),
  ].join('\n');
}

export function errataMarkdown(): string {
  const errata = exampleExpectations.filter((e) => e.erratum !== undefined);
  return [
    '| example | checked as | what is wrong |',
    '| --- | --- | --- |',
    ...errata.map(
      (e) =>
        `| \`${e.file}\` | ${e.version} ${e.type}${e.form === 'partial' ? ' (partial)' : ''} | ${cell(e.erratum?.reason ?? '')} |`,
    ),
  ].join('\n');
}

const SECTIONS = { 'lossy-table': lossyTableMarkdown, errata: errataMarkdown } as const;

/** docs/versions.md with every generated section replaced by what the code says now. */
export function renderVersionsDoc(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs/versions.md lacks the markers ${start} … ${end}`);
    out = `${out.slice(0, from + start.length)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}

export const versionsDocPath = join(repoRoot, 'docs', 'versions.md');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(versionsDocPath, renderVersionsDoc(readFileSync(versionsDocPath, 'utf8')));
  console.log(`updated ${versionsDocPath}`);
}
