/**
 * `roamkit serve`: in-process (startServer from checked settings) and once as a real process that
 * logs its URLs, answers over HTTP and stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadServeSettings } from '../../src/cli/config-file.js';
import { META_KEYS, StartError, startServer } from '../../src/cli/serve.js';
import { openStore } from '../../src/store/database.js';
import { repoRoot } from '../helpers/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'roamkit-serve-'));
const ADMIN_TOKEN = 'serve-admin-token-0123';

describe('startServer', () => {
  test('listens on a free port, fills it into the derived public URL and records the node in node_meta', async () => {
    const db = `sqlite:${join(tmp, 'node.db')}`;
    const settings = loadServeSettings(
      { db, port: '0', parties: ['NL:RMK:CPO', 'NL:RMK:EMSP'], versions: '2.2.1,2.3.0' },
      {},
    );
    const server = await startServer(settings, { logger: false });
    try {
      assert.match(server.publicUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(server.publicUrl, 'http://127.0.0.1:0');
      const res = await fetch(`${server.publicUrl}/health`);
      assert.deepEqual(await res.json(), { status: 'ok', database: true });
      const versions = await fetch(server.versionsUrl);
      assert.equal(versions.status, 401, 'OCPI needs a token');
      assert.equal(await server.store.meta.get(META_KEYS.publicUrl), server.publicUrl);
      assert.deepEqual(await server.store.meta.get(META_KEYS.versions), ['2.2.1', '2.3.0']);
      assert.equal(await server.store.meta.get(META_KEYS.dev), true);
      assert.deepEqual(
        ((await server.store.meta.get(META_KEYS.parties)) as { role: string }[]).map((p) => p.role),
        ['CPO', 'EMSP'],
      );
    } finally {
      await server.close();
    }
    // Closed: the port is free and the file holds what was recorded.
    const store = openStore(db);
    try {
      assert.match(String(await store.meta.get(META_KEYS.publicUrl)), /^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await store.close();
    }
  });

  test('never records the admin token', async () => {
    const settings = loadServeSettings(
      { db: `sqlite:${join(tmp, 'admin.db')}`, port: '0', parties: ['NL:RMK:CPO'], adminToken: ADMIN_TOKEN },
      {},
    );
    const server = await startServer(settings, { logger: false });
    try {
      const rows = await server.store.db.selectFrom('node_meta').selectAll().execute();
      assert.ok(rows.length >= 4);
      assert.ok(!JSON.stringify(rows).includes(ADMIN_TOKEN));
    } finally {
      await server.close();
    }
  });

  test('a port in use is a StartError naming host and port', async () => {
    const first = await startServer(
      loadServeSettings({ db: 'sqlite::memory:', port: '0', parties: ['NL:RMK:CPO'] }, {}),
      { logger: false },
    );
    try {
      const port = new URL(first.publicUrl).port;
      await assert.rejects(
        startServer(loadServeSettings({ db: 'sqlite::memory:', port, parties: ['NL:RMK:CPO'] }, {}), {
          logger: false,
        }),
        (error: unknown) =>
          error instanceof StartError && error.message.includes(`127.0.0.1:${port}: the address is in use`),
      );
    } finally {
      await first.close();
    }
  });

  test('an unusable database is a StartError naming it (password redacted)', async () => {
    const settings = loadServeSettings(
      { db: 'postgres://u:secret@127.0.0.1:1/x', port: '0', parties: ['NL:RMK:CPO'] },
      {},
    );
    await assert.rejects(
      startServer(settings, { logger: false }),
      (error: unknown) =>
        error instanceof StartError &&
        /postgres:\/\/u:\*\*\*@127\.0\.0\.1:1/.test(error.message) &&
        !error.message.includes('secret'),
    );
  });

  test('a SQLite path that cannot be opened (a directory) is a StartError, not a crash', async () => {
    const dir = join(tmp, 'a-directory.db');
    mkdirSync(dir);
    await assert.rejects(
      startServer(loadServeSettings({ db: `sqlite:${dir}`, port: '0', parties: ['NL:RMK:CPO'] }, {}), {
        logger: false,
      }),
      (error: unknown) =>
        error instanceof StartError && error.message.includes('cannot use the database sqlite:'),
    );
  });
});

/** Collects a child's output and resolves when `pattern` shows up in it. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000) {
  let output = '';
  const seen = new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; output:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited before ${pattern}; output:\n${output}`));
    });
  });
  return { seen, output: () => output };
}

describe('roamkit serve (a real process)', () => {
  test('logs its URLs as JSON lines, serves, and exits 0 on SIGTERM; no token in its output', async () => {
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'dist', 'src', 'cli', 'main.js'),
        'serve',
        '--port',
        '0',
        '--db',
        `sqlite:${join(tmp, 'proc.db')}`,
      ],
      {
        env: {
          ...process.env,
          ROAMKIT_PARTIES: 'NL:RMK:CPO',
          ROAMKIT_ADMIN_TOKEN: ADMIN_TOKEN,
          ROAMKIT_CONFIG: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const watch = waitForOutput(child, /"versionsUrl":"(http:\/\/127\.0\.0\.1:\d+)\/ocpi\/versions"/);
      const [, base] = await watch.seen;
      const health = await fetch(`${base}/health`);
      assert.equal(health.status, 200);
      const peers = await fetch(`${base}/admin/peers`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      assert.deepEqual(await peers.json(), { peers: [] });
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      const output = watch.output();
      for (const line of output.trim().split('\n')) JSON.parse(line); // every line is a JSON log line
      assert.match(output, /"msg":"shutting down"/);
      assert.match(output, /"admin":"http:\/\/127\.0\.0\.1:\d+\/admin"/);
      assert.ok(!output.includes(ADMIN_TOKEN));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
