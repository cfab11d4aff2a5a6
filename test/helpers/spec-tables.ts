/**
 * Reads the property and value tables out of the OCPI specification chapters, so tests can
 * compare Roamkit's schemas with the text (the "spec census").
 *
 * Two source formats:
 * - 2.1.1: markdown. Headings `### 3.1 _Location_ Object`, `### 4.12 GeoLocation *class*`;
 *   tables are `| a | b |` lines, one row per line.
 * - 2.2.1 and 2.3.0: asciidoc. Headings `==== _Location_ Object`, `==== GeoLocation _class_`;
 *   tables sit between `|===` lines, usually after a `[cols="…"]` line; a cell starts at every
 *   unescaped `|` and may run over several lines, so rows are rebuilt from the column count.
 *
 * Every table belongs to the nearest heading above it. A table counts when that heading names a
 * class/object (and the table has Property/Type/Card. columns) or an enum (then the first column,
 * or the column named after the enum as in ModuleID, holds the values). Other tables (request
 * parameters, HTTP headers, examples) are ignored. Anything that looks odd inside a table that
 * counts goes into `warnings` instead of being guessed at.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Cardinality as the spec writes it: exactly one, optional, any number, at least one. */
export type Card = '1' | '?' | '*' | '+';

export interface Field {
  /** The property name (`country_code`). */
  name: string;
  /** The type name with links removed (`CiString`, `string`, `GeoLocation`, `DateTime`, …). */
  type: string;
  /** `CiString(2)` → 2; `CiString[1..255]` → 255. */
  maxLength?: number;
  /** `CiString[1..255]` → 1. */
  minLength?: number;
  card: Card;
  /**
   * 2.1.1 writes some alternatives as a "Choice: one of two" pseudo-row followed by `> field`
   * rows; such fields carry the choice label, and are optional whatever their card says.
   */
  choice?: string;
  /** The type cell as written, after link stripping (for messages). */
  rawType: string;
  /** 1-based line of the row in the chapter file. */
  line: number;
}

export interface ChapterTables {
  version: string;
  /** The chapter file name (`mod_locations.asciidoc`). */
  chapter: string;
  /** Class/object name → its properties, in table order. */
  objects: Map<string, Field[]>;
  /** Enum name → its values, in table order. */
  enums: Map<string, string[]>;
  /** The enums the chapter types as `OpenEnum` (2.3.0). */
  openEnums: Set<string>;
  /** Things the parser could not read cleanly (should stay empty). */
  warnings: string[];
}

/** What a heading introduces. */
type Section =
  | { kind: 'object'; name: string }
  | { kind: 'enum'; name: string; open: boolean }
  | { kind: 'other'; title: string };

/** A table as rows of plain-text cells, with the line each row starts on. */
interface Table {
  header: string[];
  rows: { cells: string[]; line: number }[];
}

/**
 * Removes markup from a cell: asciidoc cross references (`<<file#anchor,Label>>` → Label),
 * markdown links (`[Label](target)` → Label), inline anchors (`[[anchor]]`), backticks and
 * bold/italic markers around the whole text, and collapses whitespace.
 */
export function plainText(cell: string): string {
  return cell
    .replace(/<<[^,>]*,\s*([^>]*?)\s*>>/g, '$1')
    .replace(/<<([^>]*)>>/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[\[[^\]]*\]\]/g, '')
    .replace(/\\\|/g, '|')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[`*_]+(?=\S)/, '')
    .replace(/(?<=\S)[`*_]+$/, '')
    .trim();
}

/**
 * Classifies a heading's text (without the `#`/`=` marks). Section numbers (`4.12`) are dropped;
 * object names written with spaces (`_Financial Advice Confirmation_ Object`) are joined.
 */
export function classifyHeading(raw: string): Section {
  const title = raw
    .replace(/^\d+(\.\d+)*\.?\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const typed = /^[_*]?([A-Za-z][\w ]*?)[_*]?\s+[_*](class|enum|OpenEnum|type)[_*]$/.exec(title);
  if (typed) {
    const name = (typed[1] as string).replace(/ /g, '');
    if (typed[2] === 'class') return { kind: 'object', name };
    if (typed[2] === 'type') return { kind: 'other', title };
    return { kind: 'enum', name, open: typed[2] === 'OpenEnum' };
  }
  const object = /^[_*]?([A-Za-z][\w ]*?)[_*]?\s+[Oo]bject$/.exec(title);
  if (object) return { kind: 'object', name: (object[1] as string).replace(/ /g, '') };
  return { kind: 'other', title };
}

const CARDS = new Set<string>(['1', '?', '*', '+']);

/** `CiString(2)`, `string(255)`, `CiString[1..255]`, `DateTime`, `EVSE`, … → name and lengths. */
export function parseTypeCell(cell: string): Pick<Field, 'type' | 'maxLength' | 'minLength'> | undefined {
  // `(n)` is the usual length; 2.3.0 also writes `[n]` and `[min..max]`.
  const m = /^([A-Za-z][\w]*)\s*(?:\(\s*(\d+)\s*\)|\[\s*(\d+)\s*\]|\[\s*(\d+)\s*\.\.\s*(\d+)\s*\])?$/.exec(
    cell,
  );
  if (!m) return undefined;
  const out: Pick<Field, 'type' | 'maxLength' | 'minLength'> = { type: m[1] as string };
  if (m[2] !== undefined) out.maxLength = Number(m[2]);
  if (m[3] !== undefined) out.maxLength = Number(m[3]);
  if (m[5] !== undefined) {
    out.minLength = Number(m[4]);
    out.maxLength = Number(m[5]);
  }
  return out;
}

/**
 * An asciidoc cell specifier written right before the `|` that opens a cell (`a|` asciidoc
 * content, `s|` strong, `2+|` span …), preceded by whitespace or the start of the text.
 */
const CELL_SPEC = /(^|\s)(\d+[+*])?[<^>]?(\.[<^>])?[adehlmsv]?$/;

/**
 * Splits a line (or a block of lines) at unescaped `|`. The text before the first `|` is dropped.
 * With `specs`, a cell specifier glued to the next `|` (asciidoc) is removed from the cell text.
 */
function splitCells(text: string, specs = false): string[] {
  const cells: string[] = [];
  let current: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\' && text[i + 1] === '|') {
      if (current !== undefined) current += '\\|';
      i++;
    } else if (ch === '|') {
      if (current !== undefined) {
        const prev = text[i - 1] ?? ' ';
        cells.push(specs && !/\s/.test(prev) ? current.replace(CELL_SPEC, '$1') : current);
      }
      current = '';
    } else if (current !== undefined) {
      current += ch;
    }
  }
  if (current !== undefined) cells.push(current);
  return cells;
}

/**
 * One markdown table starting at `lines[start]` (a `|` line). Returns the table and the index
 * after it. Markdown rows are single lines; the `|---|` line separates header and body. A row
 * whose first cell is empty continues the row above (a multi-row description) and is dropped.
 */
function readMarkdownTable(lines: string[], start: number): { table: Table; next: number } {
  let i = start;
  const raw: { cells: string[]; line: number }[] = [];
  while (i < lines.length && (lines[i] as string).trimStart().startsWith('|')) {
    const line = (lines[i] as string).trim();
    // Markdown rows end with a closing `|`; drop the empty cell after it.
    const cells = splitCells(line);
    if (line.endsWith('|') && !line.endsWith('\\|')) cells.pop();
    raw.push({ cells: cells.map(plainText), line: i + 1 });
    i++;
  }
  const header = raw[0]?.cells ?? [];
  const rows = raw
    .slice(1)
    .filter((r) => !r.cells.every((c) => /^:?-*:?$/.test(c)))
    .filter((r) => (r.cells[0] ?? '') !== '');
  return { table: { header, rows }, next: i };
}

/**
 * One asciidoc table: `lines[start]` is the opening `|===`. The column count comes from the
 * `[cols="…"]` line above (`cols` as passed), else from the number of cells on the first line.
 * Cells run over lines (`+` line breaks and plain continuation lines are just text), so the body
 * is split into cells as one text and regrouped in rows of that many cells.
 */
function readAsciidocTable(
  lines: string[],
  start: number,
  cols: number | undefined,
  hasHeader: boolean,
): { table: Table; next: number; leftover: number } {
  let end = start + 1;
  while (end < lines.length && (lines[end] as string).trim() !== '|===') end++;
  // Cells with the line each one starts on.
  const cells: { text: string; line: number }[] = [];
  for (let i = start + 1; i < end; i++) {
    const line = lines[i] as string;
    const parts = splitCells(line, true);
    const startsWithCell = line.trimStart().startsWith('|');
    if (!startsWithCell) {
      // A continuation line: belongs to the last cell (or is stray text before the first cell).
      const last = cells[cells.length - 1];
      const firstBar = line.search(/(?<!\\)\|/);
      const head = firstBar === -1 ? line : line.slice(0, firstBar);
      if (last !== undefined) last.text += `\n${head}`;
    }
    for (const p of parts) cells.push({ text: p, line: i + 1 });
  }
  const firstLineCells = splitCells(lines[start + 1] ?? '').length;
  const n = cols ?? (firstLineCells || 1);
  const rows: { cells: string[]; line: number }[] = [];
  for (let k = 0; k + n <= cells.length; k += n) {
    const slice = cells.slice(k, k + n);
    rows.push({ cells: slice.map((c) => plainText(c.text)), line: (slice[0] as { line: number }).line });
  }
  // Cells that do not fill a last row: only worth a warning when they hold text (a stray `|` at
  // the end of the last row makes one empty cell).
  const leftover = cells
    .slice(cells.length - (cells.length % n))
    .filter((c) => plainText(c.text) !== '').length;
  const header = hasHeader ? (rows.shift()?.cells ?? []) : [];
  return { table: { header, rows }, next: end + 1, leftover };
}

/**
 * Is this the header of a property table? `Property | Type | Card. | Description`, and in some
 * 2.1.1 classes `Field Name | Field Type | Card. | Description`.
 */
function isPropertyHeader(header: string[]): boolean {
  const h = header.map((c) => c.toLowerCase());
  return (
    (h[0] === 'property' || h[0] === 'field name') &&
    (h[1] === 'type' || h[1] === 'field type') &&
    (h[2] ?? '').startsWith('card')
  );
}

/** Sections whose tables describe request parameters or HTTP headers, never objects. */
const PARAMETER_SECTION = /request parameters|parameters$|headers?$/i;

/**
 * Parses one chapter. `version` is only carried into the result. The `Data` table of the version
 * details endpoint (a class the text never names) is reported as `VersionDetails`, the response
 * format table of the transport chapter as `Response`.
 */
export function parseChapter(version: string, file: string): ChapterTables {
  const text = readFileSync(file, 'utf8');
  const chapter = basename(file);
  const markdown = file.endsWith('.md');
  const lines = text.split(/\r?\n/);
  const result: ChapterTables = {
    version,
    chapter,
    objects: new Map(),
    enums: new Map(),
    openEnums: new Set(),
    warnings: [],
  };
  const warn = (line: number, msg: string) => result.warnings.push(`${version} ${chapter}:${line}: ${msg}`);

  // Headings seen so far, by level (to find the parent of a `Data` heading).
  const trail: string[] = [];
  let section: Section = { kind: 'other', title: '' };
  // Object/enum headings that got no table: reported at the end.
  const pending = new Map<string, number>();
  let inFence = false;
  let cols: number | undefined;
  let hasHeader = false;

  const take = (table: Table, at: number) => {
    if (section.kind === 'other' || PARAMETER_SECTION.test(trail[trail.length - 1] ?? '')) return;
    if (section.kind === 'object') {
      if (!isPropertyHeader(table.header)) return; // e.g. a second, explanatory table
      const fields = result.objects.get(section.name) ?? [];
      let choice: string | undefined;
      for (const row of table.rows) {
        const [first = '', type = ''] = row.cells;
        let card = row.cells[2] ?? '';
        // 2.1.1: `*Choice: one of two*` opens a group of `> field` rows.
        const label = /^Choice:\s*(.*)$/i.exec(first);
        if (label) {
          choice = (label[1] as string).trim();
          continue;
        }
        const member = first.startsWith('>');
        if (!member) choice = undefined;
        const name = first.replace(/^>\s*/, '');
        // The response envelope's `data` is "Array or Object or String", card "* or ?": any
        // value, optional. Such a field gets type `any` and card `?`.
        const alternatives = / or /.test(type);
        const parsed = alternatives ? { type: 'any' } : parseTypeCell(type);
        if (alternatives && card.split(' or ').every((c) => c === '?' || c === '*')) card = '?';
        if (name === '' || !/^[a-z][a-z0-9_]*$/.test(name)) {
          warn(row.line, `${section.name}: odd field name "${name}"`);
          continue;
        }
        if (!CARDS.has(card)) warn(row.line, `${section.name}.${name}: odd cardinality "${card}"`);
        if (parsed === undefined) warn(row.line, `${section.name}.${name}: odd type "${type}"`);
        fields.push({
          name,
          ...(parsed ?? { type }),
          card: (CARDS.has(card) ? card : '1') as Card,
          ...(member && choice !== undefined ? { choice } : {}),
          rawType: type,
          line: row.line,
        });
      }
      result.objects.set(section.name, fields);
      pending.delete(section.name);
    } else {
      const h = table.header.map((c) => c.toLowerCase());
      // The ModuleID table lists `Module | ModuleID | Remark`: the values are in the named column.
      const named = h.indexOf(section.name.toLowerCase());
      const col = Math.max(named, 0);
      if (named < 0 && h[0] !== 'value' && h[0] !== 'property') {
        warn(at, `${section.name}: enum table with header "${table.header.join(' | ')}"`);
        return;
      }
      const values = result.enums.get(section.name) ?? [];
      for (const row of table.rows) {
        const value = row.cells[col] ?? '';
        if (!/^[A-Za-z0-9_./-]+$/.test(value)) {
          warn(row.line, `${section.name}: odd enum value "${value}"`);
          continue;
        }
        values.push(value);
      }
      result.enums.set(section.name, values);
      if (section.open) result.openEnums.add(section.name);
      pending.delete(section.name);
    }
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    // Skip code blocks: json examples must not be read as headings or tables.
    if (markdown ? /^\s*```/.test(line) : /^(----|\.\.\.\.)\s*$/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;

    const heading = markdown ? /^(#{1,6})\s+(.*\S)\s*$/.exec(line) : /^(={1,6})\s+(.*\S)\s*$/.exec(line);
    if (heading) {
      const level = (heading[1] as string).length;
      const title = (heading[2] as string).trim();
      trail.length = level - 1;
      trail[level - 1] = title;
      section = classifyHeading(title);
      if (
        section.kind === 'other' &&
        /^data$/i.test(section.title) &&
        trail.some((t) => /version details/i.test(t ?? ''))
      ) {
        section = { kind: 'object', name: 'VersionDetails' };
      }
      // The transport chapter's "Response format" table: the envelope of every response, which
      // the text never names; Roamkit registers it as `Response`.
      if (section.kind === 'other' && /^response format$/i.test(section.title)) {
        section = { kind: 'object', name: 'Response' };
      }
      if (section.kind !== 'other') pending.set(section.name, i + 1);
      cols = undefined;
      continue;
    }

    if (markdown) {
      if (line.trimStart().startsWith('|')) {
        const { table, next } = readMarkdownTable(lines, i);
        take(table, i + 1);
        i = next - 1;
      }
      continue;
    }

    const attrs = /^\[(.*)\]\s*$/.exec(line);
    if (attrs && /cols\s*=/.test(attrs[1] as string)) {
      const spec = /cols\s*=\s*"([^"]*)"/.exec(attrs[1] as string)?.[1] ?? '';
      cols = spec.split(',').length;
      hasHeader = /options\s*=\s*"[^"]*header/.test(attrs[1] as string);
      continue;
    }
    if (line.trim() === '|===') {
      const { table, next, leftover } = readAsciidocTable(lines, i, cols, hasHeader || cols === undefined);
      if (leftover !== 0 && section.kind !== 'other') {
        warn(i + 1, `table under "${section.name}": ${leftover} cells left over (column count?)`);
      }
      take(table, i + 1);
      i = next - 1;
      cols = undefined;
      hasHeader = false;
    }
  }
  for (const [name, line] of pending) warn(line, `"${name}" has no table`);
  return result;
}

/** Every chapter of one spec folder (`2.1.1/`, `2.2.1/`, …), template files left out. */
export function parseSpecDir(version: string, dir: string): ChapterTables[] {
  return readdirSync(dir)
    .filter((f) => /\.(md|asciidoc)$/.test(f) && !f.startsWith('template') && !f.startsWith('changelog'))
    .sort()
    .map((f) => parseChapter(version, join(dir, f)));
}
