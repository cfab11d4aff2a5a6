/**
 * `roamkit serve` and `roamkit peers --db` on PostgreSQL (each node in a schema of its own,
 * dropped afterwards): the node records itself, `peers invite --db postgres://…?schema=` and
 * `peers register --db …` work beside the running nodes. Skipped with one line when no PostgreSQL
 * answers, unless CI=true.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadServeSettings } from '../../src/cli/config-file.js';
import { META_KEYS, startServer } from '../../src/cli/serve.js';
import { dropTestSchemas, newTestSchema, pgTestUrl, whenPostgres } from '../store/targets.js';
import { runCli as cli, inviteThenRegisterWithDb } from './helpers.js';

/** The test URL with `?schema=` added (keeping any query it has). */
function schemaUrl(schema: string): string {
  const url = new URL(pgTestUrl);
  url.searchParams.set('schema', schema);
  return url.toString();
}

await whenPostgres('roamkit peers on PostgreSQL', 'PostgreSQL CLI tests skipped', () => {
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
        const { invitation, register } = await inviteThenRegisterWithDb(['--name', 'B', '--db', dbA], dbB);
        assert.equal(register.code, 0, register.err);
        assert.match(register.out, /^Registered in OCPI 2\.1\.1: /);
        const list = await cli(['peers', 'list', '--json', '--db', dbA]);
        const peers = JSON.parse(list.out) as { name: string; status: string; version: string }[];
        assert.deepEqual(
          peers.map((p) => [p.name, p.status, p.version]),
          [['B', 'REGISTERED', '2.1.1']],
        );
        assert.ok(!list.out.includes(invitation.token));
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
