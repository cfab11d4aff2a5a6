import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConfigError,
  DEFAULT_DELIVERY,
  isLoopbackHost,
  type NodeConfigInput,
  parsePartyFlag,
  validateNodeConfig,
} from '../../src/platform/config.js';

/** The keys of the issues a bad configuration is refused with. */
function issueKeys(input: NodeConfigInput): string[] {
  try {
    validateNodeConfig(input);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.issues.map((i) => i.key);
  }
  assert.fail('the configuration was accepted');
}

const base = { publicUrl: 'http://127.0.0.1:8080', parties: ['NL:RMK:CPO'] };

describe('validateNodeConfig', () => {
  test('defaults: all three versions, every implemented module, dev on for http loopback, no admin token', () => {
    const config = validateNodeConfig(base);
    assert.deepEqual(config, {
      publicUrl: 'http://127.0.0.1:8080',
      parties: [{ country_code: 'NL', party_id: 'RMK', role: 'CPO', business_details: { name: 'NL RMK' } }],
      versions: ['2.1.1', '2.2.1', '2.3.0'],
      modules: [
        'cdrs',
        'chargingprofiles',
        'commands',
        'credentials',
        'locations',
        'sessions',
        'tariffs',
        'tokens',
        'versions',
      ],
      dev: true,
      adminToken: undefined,
      pagination: { defaultLimit: 100, maxLimit: 1000 },
      delivery: DEFAULT_DELIVERY,
      sync: { intervalMs: null, peers: {} },
      authorization: { timeoutMs: 5000 },
    });
  });

  test('parties from flags or objects, codes upper-cased; versions sorted and de-duplicated; trailing slash dropped', () => {
    const config = validateNodeConfig({
      publicUrl: 'https://ocpi.example.com/prefix/',
      parties: [
        'nl:rmk:cpo',
        { country_code: 'de', party_id: 'abc', role: 'emsp', business_details: { name: 'ABC' } },
      ],
      versions: '2.3.0, 2.1.1,2.3.0',
    });
    assert.equal(config.publicUrl, 'https://ocpi.example.com/prefix');
    assert.deepEqual(
      config.parties.map((p) => [p.country_code, p.party_id, p.role, p.business_details.name]),
      [
        ['NL', 'RMK', 'CPO', 'NL RMK'],
        ['DE', 'ABC', 'EMSP', 'ABC'],
      ],
    );
    assert.deepEqual(config.versions, ['2.1.1', '2.3.0']);
    assert.equal(config.dev, false, 'https public URL: production mode');
  });

  test('development mode: on by default only for http loopback; explicit values win', () => {
    assert.equal(validateNodeConfig({ ...base, publicUrl: 'http://localhost:1' }).dev, true);
    assert.equal(validateNodeConfig({ ...base, publicUrl: 'http://[::1]:1' }).dev, true);
    assert.equal(validateNodeConfig({ ...base, publicUrl: 'https://127.0.0.1:1' }).dev, false);
    assert.equal(validateNodeConfig({ ...base, publicUrl: 'https://node.example', dev: true }).dev, true);
    assert.equal(validateNodeConfig({ ...base, publicUrl: 'http://10.0.0.5:8080', dev: 'true' }).dev, true);
    // http that is not loopback, without --dev: refused rather than silently insecure.
    assert.deepEqual(issueKeys({ ...base, publicUrl: 'http://10.0.0.5:8080' }), ['publicUrl']);
    assert.deepEqual(issueKeys({ ...base, dev: false }), ['publicUrl']);
  });

  test('every problem is reported with its key', () => {
    assert.deepEqual(issueKeys({}), ['publicUrl', 'parties']);
    assert.deepEqual(issueKeys({ ...base, publicUrl: 'not a url' }), ['publicUrl']);
    assert.deepEqual(issueKeys({ ...base, publicUrl: 'ftp://x.example' }), ['publicUrl']);
    assert.deepEqual(issueKeys({ ...base, publicUrl: 'https://x.example/?a=1' }), ['publicUrl']);
    assert.deepEqual(issueKeys({ ...base, parties: [] }), ['parties']);
    assert.deepEqual(issueKeys({ ...base, parties: ['NL:RMK'] }), ['parties[0]']);
    assert.deepEqual(issueKeys({ ...base, parties: ['NLD:RMK:CPO', 'NL:RM:CPO', 'NL:RMK:BOSS'] }), [
      'parties[0].country_code',
      'parties[1].party_id',
      'parties[2].role',
    ]);
    assert.deepEqual(issueKeys({ ...base, parties: ['NL:RMK:CPO', 'nl:rmk:cpo'] }), ['parties[1]']);
    assert.deepEqual(
      issueKeys({
        ...base,
        parties: [{ country_code: 'NL', party_id: 'RMK', role: 'CPO', business_details: {} }],
      }),
      ['parties[0].business_details.name'],
    );
    assert.deepEqual(issueKeys({ ...base, versions: ['2.2'] }), ['versions']);
    assert.deepEqual(issueKeys({ ...base, versions: [] }), ['versions']);
    assert.deepEqual(issueKeys({ ...base, modules: ['teleport'] }), ['modules']);
    assert.deepEqual(issueKeys({ ...base, dev: 'maybe' }), ['dev']);
    assert.deepEqual(issueKeys({ ...base, adminToken: 'short' }), ['adminToken']);
  });

  test('a module that exists but is not implemented yet is refused by name', () => {
    try {
      validateNodeConfig({ ...base, modules: ['hubclientinfo'] });
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /modules: module 'hubclientinfo' is not implemented/);
    }
  });

  test('pagination, delivery and sync settings: defaults filled in, numbers from text, every bad key named', () => {
    const config = validateNodeConfig({
      ...base,
      pagination: { maxLimit: '500' },
      delivery: { retryWindowMs: 2000 },
      sync: { intervalMs: 60_000, peers: { 'peer-a': null, 'peer-b': '5000' } },
    });
    assert.deepEqual(config.pagination, { defaultLimit: 100, maxLimit: 500 });
    assert.equal(config.delivery.retryWindowMs, 2000);
    assert.equal(config.delivery.baseDelayMs, DEFAULT_DELIVERY.baseDelayMs);
    assert.deepEqual(config.sync, { intervalMs: 60_000, peers: { 'peer-a': null, 'peer-b': 5000 } });
    assert.deepEqual(
      issueKeys({
        ...base,
        pagination: { defaultLimit: 50, maxLimit: 10, pageSize: 3 },
        delivery: { retryWindowMs: -1 },
        sync: { intervalMs: 10, peers: { x: 'soon' }, every: 1 },
      }).sort(),
      [
        'delivery.retryWindowMs',
        'pagination.defaultLimit',
        'pagination.pageSize',
        'sync.every',
        'sync.intervalMs',
        'sync.peers.x',
      ],
    );
  });

  test('HUB is refused with the reason (no message routing in this node)', () => {
    try {
      validateNodeConfig({ ...base, parties: ['NL:HUB:HUB'] });
      assert.fail('accepted');
    } catch (error) {
      assert.match((error as Error).message, /parties\[0\]\.role: HUB is not supported/);
    }
  });

  test('an admin token of 16 printable characters or more is kept', () => {
    assert.equal(
      validateNodeConfig({ ...base, adminToken: 'a-long-admin-token' }).adminToken,
      'a-long-admin-token',
    );
  });
});

describe('helpers', () => {
  test('parsePartyFlag', () => {
    assert.deepEqual(parsePartyFlag('NL:RMK:CPO'), { country_code: 'NL', party_id: 'RMK', role: 'CPO' });
    assert.equal(typeof parsePartyFlag('NL:RMK'), 'string');
    assert.equal(typeof parsePartyFlag('NL::CPO'), 'string');
  });

  test('isLoopbackHost', () => {
    for (const host of ['localhost', 'LOCALHOST', 'node.localhost', '127.0.0.1', '127.1.2.3', '[::1]']) {
      assert.ok(isLoopbackHost(host), host);
    }
    for (const host of ['10.0.0.1', 'example.com', '128.0.0.1', 'localhost.example.com']) {
      assert.ok(!isLoopbackHost(host), host);
    }
  });
});
