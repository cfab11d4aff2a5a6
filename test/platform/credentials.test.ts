/**
 * The credentials handshake from our side (registerWithPeer, updatePeer, unregisterPeer) against
 * scripted peers, and the pure parts of the credentials and versions logic.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OcpiClient } from '../../src/client/client.js';
import { validateNodeConfig } from '../../src/platform/config.js';
import {
  HandshakeError,
  ourCredentials,
  PeerStateError,
  readPeerEndpoints,
} from '../../src/platform/credentials.js';
import { createPlatform } from '../../src/platform/platform.js';
import { highestMutualVersion, readPeerVersions } from '../../src/platform/versions.js';
import {
  encodeAuthorization,
  type OcpiVersion,
  v2_1_1,
  v2_2_1,
  v2_3_0,
  validate,
} from '../../src/protocol/index.js';
import { hashToken } from '../../src/store/tokens.js';
import {
  clientFactoryWith,
  envelope,
  type FakeResponse,
  memoryStore,
  type RecordedRequest,
  scriptedPeer,
  testConfig,
} from '../http/helpers.js';

type Json = Record<string, unknown>;

async function platformWith(fetchImpl: typeof fetch, config = testConfig()) {
  const store = await memoryStore();
  const platform = createPlatform({ config, store, clientFactory: clientFactoryWith(fetchImpl) });
  return { store, platform, credentials: platform.credentials };
}

async function expectHandshakeError(
  promise: Promise<unknown>,
  code: number,
  message?: RegExp,
): Promise<HandshakeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HandshakeError, `expected a HandshakeError, got ${String(error)}`);
    assert.equal(error.statusCode, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail('no error');
}

describe('our credentials', () => {
  const config = testConfig();
  test('2.1.1: the first hosted party, inline; valid 2.1.1 Credentials', () => {
    const c = ourCredentials(config, '2.1.1', 'tok');
    assert.deepEqual(c, {
      token: 'tok',
      url: 'http://127.0.0.1:8080/ocpi/versions',
      business_details: { name: 'Roamkit CPO', website: 'https://cpo.example' },
      party_id: 'RMK',
      country_code: 'NL',
    });
    assert.ok(validate(v2_1_1.credentials.Credentials, c).valid);
  });

  test('2.2.1 and 2.3.0: every hosted party as a role; valid in each version', () => {
    for (const [version, schema] of [
      ['2.2.1', v2_2_1.credentials.Credentials],
      ['2.3.0', v2_3_0.credentials.Credentials],
    ] as const) {
      const c = ourCredentials(config, version, 'tok');
      assert.deepEqual(
        (c.roles as Json[]).map((r) => [r.role, r.country_code, r.party_id]),
        [
          ['CPO', 'NL', 'RMK'],
          ['EMSP', 'NL', 'RME'],
        ],
      );
      assert.ok(validate(schema, c).valid, version);
    }
  });
});

describe('version negotiation', () => {
  test('readPeerVersions keeps the versions we know, skips the rest and malformed entries', () => {
    assert.deepEqual(
      readPeerVersions([
        { version: '2.0', url: 'u0' },
        { version: '2.1.1', url: 'u1' },
        { version: '3.0', url: 'u3' },
        { version: '2.2.1' },
        'junk',
        { version: ' 2.3.0 ', url: 'u230' },
      ]),
      [
        { version: '2.1.1', url: 'u1' },
        { version: '2.3.0', url: 'u230' },
      ],
    );
    assert.deepEqual(readPeerVersions({ not: 'a list' }), []);
  });

  test('highestMutualVersion picks the newest version both offer, none when they share none', () => {
    const theirs = (...v: OcpiVersion[]) => v.map((version) => ({ version, url: version }));
    assert.equal(
      highestMutualVersion(['2.1.1', '2.2.1', '2.3.0'], theirs('2.1.1', '2.3.0'))?.version,
      '2.3.0',
    );
    assert.equal(
      highestMutualVersion(['2.1.1', '2.2.1'], theirs('2.1.1', '2.2.1', '2.3.0'))?.version,
      '2.2.1',
    );
    assert.equal(highestMutualVersion(['2.2.1'], theirs('2.1.1', '2.3.0')), undefined);
  });

  test('2.1.1 endpoints get the interface role their URL tells (no role in 2.1.1)', () => {
    const endpoints = readPeerEndpoints('2.1.1', {
      version: '2.1.1',
      endpoints: [
        { identifier: 'credentials', url: 'https://p/ocpi/emsp/2.1.1/credentials' },
        { identifier: 'tokens', url: 'https://p/ocpi/emsp/2.1.1/tokens' },
        { identifier: 'locations', url: 'https://p/ocpi/emsp/2.1.1/locations' },
      ],
    });
    assert.deepEqual(
      endpoints.map((e) => [e.identifier, e.role]),
      [
        ['credentials', 'SENDER'],
        ['tokens', 'SENDER'],
        ['locations', 'RECEIVER'],
      ],
    );
  });
});

describe('registerWithPeer', () => {
  test('negotiates, POSTs our credentials with a fresh token and stores the peer', async () => {
    const peer = scriptedPeer({ versions: ['2.1.1', '2.2.1'] });
    const { store, credentials } = await platformWith(peer.fetch);
    const registered = await credentials.registerWithPeer({
      versionsUrl: peer.versionsUrl,
      token: 'token-a',
      name: 'P',
    });

    const authA = encodeAuthorization('token-a', '2.2.1');
    assert.deepEqual(
      peer.requests.map((r) => [r.method, r.url, r.authorization]),
      [
        ['GET', peer.versionsUrl, encodeAuthorization('token-a', '2.3.0')],
        ['GET', `${peer.base}/2.2.1`, authA],
        ['POST', `${peer.base}/2.2.1/credentials`, authA],
      ],
    );
    const posted = peer.requests[2]?.body as Json;
    assert.ok(validate(v2_2_1.credentials.Credentials, posted).valid);
    assert.notEqual(posted.token, 'token-a');

    assert.equal(registered.status, 'REGISTERED');
    assert.equal(registered.name, 'P');
    assert.equal(registered.version, '2.2.1');
    assert.equal(registered.outgoingToken, peer.peerToken);
    assert.equal(registered.incomingTokenHash, hashToken(posted.token as string));
    assert.deepEqual(
      registered.roles.map((r) => r.party_id),
      ['PEE'],
    );
    assert.deepEqual((await store.peers.list()).length, 1);
    await store.close();
  });

  test('no mutual version: 3002 and nothing sent after the versions list, nothing stored', async () => {
    const peer = scriptedPeer({ versions: ['2.1.1'] });
    const { store, credentials } = await platformWith(
      peer.fetch,
      testConfig({ versions: ['2.2.1', '2.3.0'] }),
    );
    await expectHandshakeError(
      credentials.registerWithPeer({ versionsUrl: peer.versionsUrl, token: 'token-a' }),
      3002,
      /no mutual version: we offer 2\.2\.1, 2\.3\.0, the peer offers 2\.1\.1/,
    );
    assert.deepEqual(
      peer.requests.map((r) => r.method),
      ['GET'],
    );
    assert.deepEqual(await store.peers.list(), []);
    await store.close();
  });

  test('the peer lists no credentials endpoint: 3003, no POST, nothing stored', async () => {
    const peer = scriptedPeer({ withoutCredentials: true });
    const { store, credentials } = await platformWith(peer.fetch);
    await expectHandshakeError(
      credentials.registerWithPeer({ versionsUrl: peer.versionsUrl, token: 'a' }),
      3003,
    );
    assert.ok(peer.requests.every((r) => r.method === 'GET'));
    assert.deepEqual(await store.peers.list(), []);
    await store.close();
  });

  test('the versions URL does not answer: 3001, nothing stored', async () => {
    const peer = scriptedPeer();
    const { store, credentials } = await platformWith(peer.fetch);
    await expectHandshakeError(
      credentials.registerWithPeer({ versionsUrl: 'http://127.0.0.1:9999/other/versions', token: 'a' }),
      3001,
      /could not fetch the versions/,
    );
    assert.deepEqual(await store.peers.list(), []);
    await store.close();
  });

  for (const [label, answer, code, http] of [
    ['refuses with an OCPI status', { body: envelope(undefined, 3003, 'we need cdrs') }, 3003, 200],
    [
      'answers 405 (already registered)',
      { status: 405, body: envelope(undefined, 2000, 'already') },
      2000,
      405,
    ],
    ['answers a bare 500', { status: 500, text: 'oops' }, 3001, 500],
  ] as [string, FakeResponse, number, number][]) {
    test(`the peer ${label}: HandshakeError ${code}, the row made for the exchange is removed`, async () => {
      const peer = scriptedPeer({ postAnswer: () => answer });
      const { store, credentials } = await platformWith(peer.fetch);
      const error = await expectHandshakeError(
        credentials.registerWithPeer({ versionsUrl: peer.versionsUrl, token: 'a' }),
        code,
      );
      assert.equal(error.httpStatus, http);
      assert.deepEqual(await store.peers.list(), []);
      await store.close();
    });
  }

  test('a 2.1.1 peer that reads tokens raw only: the versions fetch retries with the 2.1.1 form after a 401', async () => {
    const peer = scriptedPeer({ versions: ['2.1.1'] });
    const strict = (inner: (r: RecordedRequest) => FakeResponse) => (r: RecordedRequest) =>
      r.authorization === 'Token token-a'
        ? inner(r)
        : { status: 401, body: envelope(undefined, 2000, 'unknown token') };
    for (const key of Object.keys(peer.routes)) peer.routes[key] = strict(peer.routes[key] as never);
    const { store, credentials } = await platformWith(peer.fetch);
    const registered = await credentials.registerWithPeer({
      versionsUrl: peer.versionsUrl,
      token: 'token-a',
    });
    assert.equal(registered.version, '2.1.1');
    assert.deepEqual(
      peer.requests.map((r) => r.authorization),
      [encodeAuthorization('token-a', '2.3.0'), 'Token token-a', 'Token token-a', 'Token token-a'],
    );
    await store.close();
  });

  test('a production-mode node refuses a peer on plain http or loopback: 3001, nothing sent or stored', async () => {
    const store = await memoryStore();
    const config = validateNodeConfig({ publicUrl: 'https://node.example', parties: ['NL:RMK:CPO'] });
    const calls: string[] = [];
    const spy = (async (input: string | URL) => {
      calls.push(String(input));
      return new Response('{}');
    }) as typeof fetch;
    const platform = createPlatform({
      config,
      store,
      clientFactory: ({ version, token }) =>
        new OcpiClient({ version, token, fetch: spy, urlPolicy: { dev: config.dev } }),
    });
    for (const url of [
      'http://127.0.0.1:8080/ocpi/versions',
      'https://127.0.0.1/ocpi/versions',
      'https://10.1.2.3/ocpi/versions',
    ]) {
      await expectHandshakeError(
        platform.credentials.registerWithPeer({ versionsUrl: url, token: 'a' }),
        3001,
        /refused/,
      );
    }
    assert.deepEqual(calls, [], 'no request left the node');
    assert.deepEqual(await store.peers.list(), []);
    await store.close();
  });
});

describe('updatePeer and unregisterPeer', () => {
  /** A peer we registered with in 2.2.1. */
  async function registeredWith(options: { versions?: OcpiVersion[] } = {}) {
    const peer = scriptedPeer({ versions: options.versions ?? ['2.2.1'] });
    const ctx = await platformWith(peer.fetch, testConfig({ versions: ['2.2.1'] }));
    const registered = await ctx.credentials.registerWithPeer({ versionsUrl: peer.versionsUrl, token: 'a' });
    return { ...ctx, peer, registered };
  }

  test('update: new version, new endpoints, our token and theirs rotated', async () => {
    const peer = scriptedPeer({ versions: ['2.2.1', '2.3.0'] });
    const store = await memoryStore();
    let config = testConfig({ versions: ['2.2.1'] });
    let platform = createPlatform({ config, store, clientFactory: clientFactoryWith(peer.fetch) });
    const registered = await platform.credentials.registerWithPeer({
      versionsUrl: peer.versionsUrl,
      token: 'a',
    });
    assert.equal(registered.version, '2.2.1');

    // We now offer 2.3.0 as well; the peer's PUT answer carries a new token.
    config = testConfig({ versions: ['2.2.1', '2.3.0'] });
    platform = createPlatform({ config, store, clientFactory: clientFactoryWith(peer.fetch) });
    peer.routes[`PUT ${peer.base}/2.3.0/credentials`] = () => ({
      body: envelope({
        token: 'rotated-peer-token',
        url: peer.versionsUrl,
        roles: [{ role: 'EMSP', party_id: 'PEE', country_code: 'DE', business_details: { name: 'Peer' } }],
      }),
    });
    peer.requests.length = 0;
    const updated = await platform.credentials.updatePeer(registered.id);
    assert.deepEqual(
      peer.requests.map((r) => [r.method, r.url, r.authorization]),
      [
        ['GET', peer.versionsUrl, encodeAuthorization(peer.peerToken, '2.2.1')],
        ['GET', `${peer.base}/2.3.0`, encodeAuthorization(peer.peerToken, '2.3.0')],
        ['PUT', `${peer.base}/2.3.0/credentials`, encodeAuthorization(peer.peerToken, '2.3.0')],
      ],
    );
    const sent = peer.requests[2]?.body as Json;
    assert.equal(updated.version, '2.3.0');
    assert.equal(updated.outgoingToken, 'rotated-peer-token');
    assert.equal(updated.incomingTokenHash, hashToken(sent.token as string));
    assert.notEqual(updated.incomingTokenHash, registered.incomingTokenHash);
    await store.close();
  });

  test('update refused by the peer: our previous token is restored, nothing else changes', async () => {
    const { store, credentials, peer, registered } = await registeredWith();
    peer.routes[`PUT ${peer.base}/2.2.1/credentials`] = () => ({
      body: envelope(undefined, 3001, 'cannot reach you'),
    });
    await expectHandshakeError(credentials.updatePeer(registered.id), 3001, /refused the credentials update/);
    const after = await store.peers.findById(registered.id);
    assert.deepEqual({ ...after, updatedAt: undefined }, { ...registered, updatedAt: undefined });
    await store.close();
  });

  test('update or unregister of a peer that is not registered: PeerStateError', async () => {
    const { store, credentials, registered } = await registeredWith();
    await assert.rejects(credentials.updatePeer('no-such-id'), PeerStateError);
    await credentials.unregisterPeer(registered.id);
    await assert.rejects(credentials.updatePeer(registered.id), PeerStateError);
    await assert.rejects(credentials.unregisterPeer(registered.id), PeerStateError);
    await store.close();
  });

  test('unregister: DELETE at the peer with its token, then both tokens void', async () => {
    const { store, credentials, peer, registered } = await registeredWith();
    peer.requests.length = 0;
    const { peer: after, remote } = await credentials.unregisterPeer(registered.id);
    assert.deepEqual(remote, { ok: true });
    assert.deepEqual(
      peer.requests.map((r) => [r.method, r.url, r.authorization]),
      [['DELETE', `${peer.base}/2.2.1/credentials`, encodeAuthorization(peer.peerToken, '2.2.1')]],
    );
    assert.equal(after.status, 'UNREGISTERED');
    assert.equal(after.incomingTokenHash, null);
    assert.equal(after.outgoingToken, null);
    await store.close();
  });

  test('unregister when the peer does not answer: voided here anyway, the failure reported', async () => {
    const { store, credentials, peer, registered } = await registeredWith();
    peer.routes[`DELETE ${peer.base}/2.2.1/credentials`] = () => ({ status: 502, text: 'bad gateway' });
    const { peer: after, remote } = await credentials.unregisterPeer(registered.id);
    assert.equal(remote.ok, false);
    assert.match((remote as { reason: string }).reason, /502/);
    assert.equal(after.status, 'UNREGISTERED');
    await store.close();
  });

  test('unregister an invitation never used: revoked without calling anyone', async () => {
    const peer = scriptedPeer();
    const { store, credentials } = await platformWith(peer.fetch);
    const invite = await credentials.invitePeer({ name: 'x' });
    const { peer: after, remote } = await credentials.unregisterPeer(invite.peer.id);
    assert.deepEqual(remote, { ok: true });
    assert.equal(after.status, 'UNREGISTERED');
    assert.equal(await store.peers.findByIncomingTokenHash(hashToken(invite.token)), undefined);
    assert.equal(peer.requests.length, 0);
    await store.close();
  });
});
