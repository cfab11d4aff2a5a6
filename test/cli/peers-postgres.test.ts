/**
 * `roamkit serve` and `roamkit peers --db` on PostgreSQL (each node in a schema of its own,
 * dropped afterwards): the node records itself, `peers invite --db postgres://…?schema=` and
 * `peers register --db …` work beside the running nodes. Skipped with one line when no PostgreSQL
 * answers, unless CI=true.
 */
import assert from 'node:assert/strict';
import { after, describe, it, test } from 'node:test';
import { loadServeSettings } from '../../src/cli/config-file.js';
import { run } from '../../src/cli/main.js';
import { META_KEYS, startServer } from '../../src/cli/serve.js';
import {
  dropTestSchemas,
  newTestSchema,
  pgRequired,
  pgTestUrl,
  pgUnreachableReason,
} from '../store/targets.js';

const unreachable = await pgUnreachableReason();

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The test URL with `?schema=` added (keeping any query it has). */
function schemaUrl(schema: string): string {
  const url = new URL(pgTestUrl);
  url.searchParams.set('schema', schema);
  return url.toString();
}

if (unreachable && pgRequired) {
  it('PostgreSQL is reachable (required with CI=true)', () => assert.fail(unreachable));
} else if (unreachable) {
  it('roamkit peers on PostgreSQL', { skip: `${unreachable}: PostgreSQL CLI tests skipped` }, () => {});
} else {
  describe('roamkit serve + peers --db on PostgreSQL', () => {
    const schemas = [newTestSchema('cli_a'), newTestSchema('cli_b')];
    after(() => dropTestSchemas(schemas));

    test('two nodes in their own schemas: invite --db at A, register --db at B, list --db at A', async () => {
      const [dbA, dbB] = schemas.map(schemaUrl) as [string, string];
      const a = await startServer(loadServeSettings({ db: dbA, port: '0', parties: ['NL:CPA:CPO'] }, {}), {
        logger: false,
      });
      const b = await startServer(
        loadServeSettings({ db: dbB, port: '0', parties: ['DE:EMB:EMSP'], versions: '2.1.1' }, {}),
        { logger: false },
      );
      try {
        assert.equal(await a.store.meta.get(META_KEYS.publicUrl), a.publicUrl);
        const invite = await cli(['peers', 'invite', '--json', '--name', 'B', '--db', dbA]);
        assert.equal(invite.code, 0, invite.err);
        const { token, versions_url } = JSON.parse(invite.out) as { token: string; versions_url: string };
        const register = await cli([
          'peers',
          'register',
          '--versions-url',
          versions_url,
          '--token',
          token,
          '--db',
          dbB,
        ]);
        assert.equal(register.code, 0, register.err);
        assert.match(register.out, /^Registered in OCPI 2\.1\.1: /);
        const list = await cli(['peers', 'list', '--json', '--db', dbA]);
        const peers = JSON.parse(list.out) as { name: string; status: string; version: string }[];
        assert.deepEqual(
          peers.map((p) => [p.name, p.status, p.version]),
          [['B', 'REGISTERED', '2.1.1']],
        );
        assert.ok(!list.out.includes(token));
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
