/** `roamkit convert`: converted JSON on stdout, every lossy mapping on stderr. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run } from '../../src/cli/main.js';
import { findSchema, schemasByVersion, validate } from '../../src/protocol/index.js';
import { examplesRoot } from '../helpers/fixtures.js';

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err };
}

describe('roamkit convert', () => {
  it('converts the 2.1.1 Location example to 2.3.0, valid there, and reports what it invented', async () => {
    const file = `${examplesRoot}/2.1.1/mod_locations_06.json.txt`;
    const r = await cli([
      'convert',
      '--from',
      '2.1.1',
      '--to',
      '2.3.0',
      '--type',
      'location',
      '--party',
      'BE/BEC',
      file,
    ]);
    assert.equal(r.code, 0);
    const location = JSON.parse(r.out);
    assert.equal(location.country_code, 'BE');
    assert.equal(location.party_id, 'BEC');
    const schema = findSchema(schemasByVersion['2.3.0'], 'Location');
    assert.ok(schema);
    assert.deepEqual(validate(schema, location).issues, []);
    assert.ok(
      r.err.some((line) => line.startsWith(`${file}: /party_id Location.party-from-context (invents)`)),
    );
  });

  it('exits 2 with a clear message when a 2.1.1 Location has no owner to be had', async () => {
    const file = `${examplesRoot}/2.1.1/mod_locations_06.json.txt`;
    const r = await cli(['convert', '--from', '2.1.1', '--to', '2.2.1', '--type', 'Location', file]);
    assert.equal(r.code, 2);
    assert.match(r.err.join('\n'), /party/i);
  });

  it('rejects a malformed --party and an object a version does not have', async () => {
    const file = `${examplesRoot}/2.3.0/payment_terminal_create.json`;
    assert.equal(
      (
        await cli([
          'convert',
          '--from',
          '2.3.0',
          '--to',
          '2.1.1',
          '--type',
          'Location',
          '--party',
          'Belgium',
          file,
        ])
      ).code,
      2,
    );
    const r = await cli(['convert', '--from', '2.3.0', '--to', '2.2.1', '--type', 'Terminal', file]);
    assert.equal(r.code, 2);
    assert.match(r.err.join('\n'), /2\.2\.1 has no Terminal|no converter for 'Terminal'/);
  });
});
