/**
 * `roamkit serve`'s settings: flag > ROAMKIT_* environment > config file (JSON or YAML) > default,
 * and a bad configuration refused with exit 2 and a message naming the key and its source.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  checkServeSettings,
  loadServeSettings,
  parseConfigText,
  resolveSettings,
  SETTINGS,
  ServeConfigError,
} from '../../src/cli/config-file.js';
import { run } from '../../src/cli/main.js';

const tmp = mkdtempSync(join(tmpdir(), 'roamkit-config-'));
function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

/** The issues of a refused configuration, as `key (source)`. */
function refused(fn: () => unknown): { where: string[]; messages: string[] } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ServeConfigError, String(error));
    return {
      where: error.issues.map((i) => `${i.key} (${i.source})`),
      messages: error.issues.map((i) => i.message),
    };
  }
  assert.fail('the configuration was accepted');
}

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('serve settings: precedence', () => {
  const yaml = file(
    'node.yaml',
    [
      'db: sqlite:./from-file.db',
      'host: 127.0.0.2',
      'port: 7000',
      'public_url: http://127.0.0.1:7000',
      'parties:',
      '  - NL:FIL:CPO',
      '  - { country_code: NL, party_id: FIL, role: EMSP, business_details: { name: From File } }',
      'versions: [2.2.1]',
      'admin-token: file-admin-token-0123',
      'logLevel: warn',
    ].join('\n'),
  );

  test('the file alone: every key read (snake, kebab and camel case alike)', () => {
    const s = loadServeSettings({ config: yaml }, {});
    assert.equal(s.db, 'sqlite:./from-file.db');
    assert.equal(s.host, '127.0.0.2');
    assert.equal(s.port, 7000);
    assert.equal(s.config.publicUrl, 'http://127.0.0.1:7000');
    assert.deepEqual(
      s.config.parties.map((p) => `${p.country_code}:${p.party_id}:${p.role}:${p.business_details.name}`),
      ['NL:FIL:CPO:NL FIL', 'NL:FIL:EMSP:From File'],
    );
    assert.deepEqual(s.config.versions, ['2.2.1']);
    assert.equal(s.config.adminToken, 'file-admin-token-0123');
    assert.equal(s.logLevel, 'warn');
    assert.equal(s.publicUrlDerived, false);
  });

  test('environment over file, flags over environment; lists replace, never merge', () => {
    const env = {
      ROAMKIT_CONFIG: yaml,
      ROAMKIT_PORT: '7100',
      ROAMKIT_PARTIES: 'DE:ENV:CPO, DE:ENV:EMSP',
      ROAMKIT_VERSIONS: '2.1.1,2.3.0',
      ROAMKIT_ADMIN_TOKEN: 'env-admin-token-01234',
    };
    const fromEnv = loadServeSettings({}, env);
    assert.equal(fromEnv.port, 7100);
    assert.equal(fromEnv.host, '127.0.0.2', 'still from the file');
    assert.deepEqual(
      fromEnv.config.parties.map((p) => p.party_id + p.role),
      ['ENVCPO', 'ENVEMSP'],
    );
    assert.deepEqual(fromEnv.config.versions, ['2.1.1', '2.3.0']);
    assert.equal(fromEnv.config.adminToken, 'env-admin-token-01234');

    const fromFlags = loadServeSettings(
      { port: '7200', parties: ['BE:FLG:CPO'], versions: '2.3.0', adminToken: 'flag-admin-token-0123' },
      env,
    );
    assert.equal(fromFlags.port, 7200);
    assert.deepEqual(
      fromFlags.config.parties.map((p) => p.party_id),
      ['FLG'],
    );
    assert.deepEqual(fromFlags.config.versions, ['2.3.0']);
    assert.equal(fromFlags.config.adminToken, 'flag-admin-token-0123');
    assert.equal(fromFlags.db, 'sqlite:./from-file.db');
  });

  test('--config wins over ROAMKIT_CONFIG; an empty variable counts as unset', () => {
    const other = file('other.json', JSON.stringify({ parties: ['NL:JSN:CPO'], port: 7300 }));
    const s = loadServeSettings({ config: other }, { ROAMKIT_CONFIG: yaml, ROAMKIT_PORT: '' });
    assert.equal(s.port, 7300);
    assert.equal(s.config.parties[0]?.party_id, 'JSN');
  });

  test('defaults: SQLite file, 127.0.0.1:8080, public URL derived from them, dev on, admin off', () => {
    const resolved = resolveSettings({ parties: ['NL:RMK:CPO'] }, {}, undefined);
    assert.equal(resolved.db.source, 'default');
    assert.equal(resolved.parties.source, '--party');
    const s = checkServeSettings(resolved);
    assert.equal(s.db, 'sqlite:./data/roamkit.db');
    assert.equal(s.host, '127.0.0.1');
    assert.equal(s.port, 8080);
    assert.equal(s.config.publicUrl, 'http://127.0.0.1:8080');
    assert.equal(s.publicUrlDerived, true);
    assert.equal(s.config.dev, true);
    assert.equal(s.config.adminToken, undefined);
    assert.equal(s.logLevel, 'info');
  });

  test('every single-value setting has a flag and a ROAMKIT_ variable named after it; groups are file-only', () => {
    const single = SETTINGS.filter((s) => s.flag !== undefined);
    for (const s of single) {
      assert.match(s.flag ?? '', /^--[a-z-]+$/);
      assert.equal(s.env?.startsWith('ROAMKIT_'), true);
    }
    assert.deepEqual(
      single.map((s) => s.env),
      single.map((s) =>
        s.key === 'parties'
          ? 'ROAMKIT_PARTIES'
          : `ROAMKIT_${(s.flag ?? '').slice(2).replace(/-/g, '_').toUpperCase()}`,
      ),
    );
    assert.deepEqual(
      SETTINGS.filter((s) => s.flag === undefined).map((s) => [s.key, s.env]),
      [
        ['pagination', undefined],
        ['delivery', undefined],
        ['sync', undefined],
        ['authorization', undefined],
      ],
    );
  });

  test('groups of settings come from the config file', () => {
    const path = file(
      'groups.yaml',
      'parties: [NL:RMK:CPO]\npagination: {maxLimit: 250}\ndelivery: {retryWindowMs: 5000}\nsync: {intervalMs: 600000}\nmodules: [locations]\n',
    );
    const s = loadServeSettings({ config: path }, {});
    assert.equal(s.config.pagination.maxLimit, 250);
    assert.equal(s.config.delivery.retryWindowMs, 5000);
    assert.equal(s.config.sync.intervalMs, 600_000);
    assert.deepEqual(s.config.modules, ['credentials', 'locations', 'versions']);
  });
});

describe('serve settings: errors name the key and where it came from', () => {
  test('each source is named', () => {
    const bad = file('bad.yaml', 'versions: [2.0]\nport: 70000\n');
    const r = refused(() =>
      loadServeSettings({ config: bad, publicUrl: 'ftp://x' }, { ROAMKIT_PARTIES: 'NL:RMK:BOSS' }),
    );
    assert.deepEqual(r.where.sort(), [
      `parties[0].role (ROAMKIT_PARTIES)`,
      `port (config file ${bad})`,
      'publicUrl (--public-url)',
      `versions (config file ${bad})`,
    ]);
  });

  test('an unknown key in the file is named (a typo is not silently ignored)', () => {
    const r = refused(() =>
      parseConfigText('x.yaml', 'parties: [NL:RMK:CPO]\npublicURI: http://127.0.0.1:1\n'),
    );
    assert.deepEqual(r.where, ['publicURI (config file x.yaml)']);
    assert.match(r.messages[0] ?? '', /unknown setting/);
  });

  test('a key given twice in two spellings, a file that is not a mapping, a file that does not parse', () => {
    assert.deepEqual(refused(() => parseConfigText('a.yaml', 'port: 1\nPORT: 2\n')).where, [
      'PORT (config file a.yaml)',
    ]);
    assert.deepEqual(refused(() => parseConfigText('b.yaml', '- a\n- b\n')).where, [
      'config (config file b.yaml)',
    ]);
    assert.deepEqual(refused(() => parseConfigText('c.json', '{"port": ')).where, [
      'config (config file c.json)',
    ]);
    assert.deepEqual(refused(() => parseConfigText('d.yaml', 'port: [1\n')).where, [
      'config (config file d.yaml)',
    ]);
    assert.deepEqual(parseConfigText('e.yaml', '').values, {});
  });

  test('db, host, log level and the public URL of an all-interfaces host', () => {
    const r = refused(() =>
      checkServeSettings(
        resolveSettings(
          { db: 'mysql://x', host: '0.0.0.0', logLevel: 'loud', parties: ['NL:RMK:CPO'] },
          {},
          undefined,
        ),
      ),
    );
    assert.deepEqual(r.where, ['db (--db)', 'logLevel (--log-level)', 'publicUrl (default)']);
    assert.match(r.messages[2] ?? '', /all interfaces/);
  });

  test('a derived http URL on a non-loopback host needs https or dev mode', () => {
    const r = refused(() => loadServeSettings({ host: '10.1.2.3', parties: ['NL:RMK:CPO'] }, {}));
    assert.deepEqual(r.where, ['publicUrl (default: http://{host}:{port})']);
    const dev = loadServeSettings({ host: '10.1.2.3', parties: ['NL:RMK:CPO'] }, { ROAMKIT_DEV: 'true' });
    assert.equal(dev.config.publicUrl, 'http://10.1.2.3:8080');
    assert.equal(dev.config.dev, true);
  });

  test('a short admin token is refused without echoing it', () => {
    const r = refused(() =>
      loadServeSettings({ parties: ['NL:RMK:CPO'] }, { ROAMKIT_ADMIN_TOKEN: 'short-secret' }),
    );
    assert.deepEqual(r.where, ['adminToken (ROAMKIT_ADMIN_TOKEN)']);
    assert.ok(!r.messages.join(' ').includes('short-secret'));
  });
});

describe('roamkit serve: configuration errors exit 2 before anything starts', () => {
  test('a bad flag value', async () => {
    const r = await cli(['serve', '--party', 'NL:RMK', '--port', 'x']);
    assert.equal(r.code, 2);
    assert.match(r.err, /invalid configuration/);
    assert.match(r.err, /parties\[0\] \(--party\): 'NL:RMK' is not COUNTRY:PARTY:ROLE/);
    assert.match(r.err, /port \(--port\)/);
  });

  test('a missing config file, and one named by ROAMKIT_CONFIG', async () => {
    const missing = join(tmp, 'missing.yaml');
    const r = await cli(['serve', '--config', missing]);
    assert.equal(r.code, 2);
    assert.match(r.err, /config \(.*missing\.yaml\): cannot read the file \(ENOENT\)/);
    const viaEnv = await cli(['serve'], { ROAMKIT_CONFIG: missing });
    assert.equal(viaEnv.code, 2);
    assert.match(viaEnv.err, /missing\.yaml/);
  });

  test('no party at all', async () => {
    const r = await cli(['serve', '--db', 'sqlite::memory:']);
    assert.equal(r.code, 2);
    assert.match(r.err, /parties \(default\): at least one party is required/);
  });
});
