/** `roamkit validate`, run in-process through the same entry point as the bin, and once as a real process. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run } from '../../src/cli/main.js';
import { examplesRoot } from '../helpers/fixtures.js';
import { repoRoot } from '../helpers/paths.js';

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const tmp = mkdtempSync(join(tmpdir(), 'roamkit-cli-'));
const example = (file: string) => join(examplesRoot, file);
function writeJson(name: string, value: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('roamkit validate', () => {
  it('exits 0 and prints nothing for valid documents', async () => {
    const r = await cli([
      'validate',
      '--ocpi',
      '2.2.1',
      '--type',
      'Location',
      example('2.2.1/location_example.json'),
    ]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.out, []);
  });

  it('takes the object name case-insensitively', async () => {
    const r = await cli([
      'validate',
      '--ocpi',
      '2.3.0',
      '--type',
      'evse',
      example('2.3.0/location_patch_example_status.json'),
      '--partial',
    ]);
    assert.equal(r.code, 0);
  });

  it('exits 1 with one `FILE: /pointer message` line per violation of a mutated example', async () => {
    const location = JSON.parse(readFileSync(example('2.2.1/location_example.json'), 'utf8'));
    delete location.address;
    location.evses[0].status = 'BROKEN';
    location.last_updated = '29-06-2015';
    const file = writeJson('bad-location.json', location);
    const r = await cli(['validate', '--ocpi', '2.2.1', '--type', 'Location', file]);
    assert.equal(r.code, 1);
    assert.deepEqual(r.out.sort(), [
      `${file}: /address required field 'address' is missing`,
      `${file}: /evses/0/status must be one of "AVAILABLE", "BLOCKED", "CHARGING", "INOPERATIVE", "OUTOFORDER", "PLANNED", "REMOVED", "RESERVED", "UNKNOWN"`,
      `${file}: /last_updated must be an OCPI DateTime in UTC, e.g. 2015-06-29T20:39:09Z`,
    ]);
  });

  it('checks every element of an array and the data of an envelope, with pointers into the document', async () => {
    const tokens = JSON.parse(
      readFileSync(example('2.2.1/transport_and_format_get_token_list_example.json'), 'utf8'),
    );
    tokens.data[1].whitelist = 'SOMETIMES';
    const envelope = writeJson('envelope.json', tokens);
    const list = writeJson('list.json', tokens.data);
    const r = await cli(['validate', '--ocpi', '2.2.1', '--type', 'Token', envelope, list]);
    assert.equal(r.code, 1);
    assert.equal(r.out.length, 2);
    assert.match(r.out[0] ?? '', new RegExp(`^${envelope}: /data/1/whitelist must be one of`));
    assert.match(r.out[1] ?? '', new RegExp(`^${list}: /1/whitelist must be one of`));
  });

  it('validates an error envelope itself as --type Response', async () => {
    const r = await cli([
      'validate',
      '--ocpi',
      '2.1.1',
      '--type',
      'Response',
      writeJson('err.json', { status_code: 2001, timestamp: 'yesterday' }),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.out[0] ?? '', /\/timestamp must be an OCPI DateTime/);
  });

  it('exits 2 on an unknown object name, an unknown version, or a file that is not JSON', async () => {
    const unknownType = await cli([
      'validate',
      '--ocpi',
      '2.2.1',
      '--type',
      'Charger',
      example('2.2.1/location_example.json'),
    ]);
    assert.equal(unknownType.code, 2);
    assert.match(unknownType.err.join('\n'), /no object named 'Charger'.*Location/s);
    const unknownVersion = await cli([
      'validate',
      '--ocpi',
      '3.0',
      '--type',
      'Location',
      example('2.2.1/location_example.json'),
    ]);
    assert.equal(unknownVersion.code, 2);
    const notJson = await cli([
      'validate',
      '--ocpi',
      '2.2.1',
      '--type',
      'Location',
      join(repoRoot, 'README.md'),
    ]);
    assert.equal(notJson.code, 2);
    assert.match(notJson.err.join('\n'), /not JSON/);
  });

  it('works as a real process, reading standard input for -', () => {
    const bin = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
    const bad = JSON.stringify({ language: 'english', text: 'Hi' });
    const r = spawnSync(
      process.execPath,
      [bin, 'validate', '--ocpi', '2.2.1', '--type', 'DisplayText', '-'],
      { input: bad, encoding: 'utf8' },
    );
    assert.equal(r.status, 1);
    assert.equal(r.stdout.trim(), '-: /language must NOT have more than 2 characters');
    const ok = execFileSync(
      process.execPath,
      [bin, 'validate', '--ocpi', '2.2.1', '--type', 'DisplayText', '-'],
      {
        input: JSON.stringify({ language: 'en', text: 'Hi' }),
        encoding: 'utf8',
      },
    );
    assert.equal(ok, '');
  });
});
