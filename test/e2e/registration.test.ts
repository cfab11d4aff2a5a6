/**
 * End to end: real nodes on loopback ports register with each other over HTTP (the credentials
 * handshake), on SQLite and on PostgreSQL. Every version pair, all-versions against
 * single-version nodes, credentials update (token rotation, version upgrade) and unregister.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { HandshakeError, ourCredentials } from '../../src/platform/credentials.js';
import { OCPI_VERSIONS, type OcpiVersion } from '../../src/protocol/index.js';
import { hashToken } from '../../src/store/tokens.js';
import type { PeerRecord } from '../../src/store/types.js';
import { capturingLogger } from '../http/helpers.js';
import { pgRequired, pgUnreachableReason } from '../store/targets.js';
import {
  type Backend,
  ocpiCall,
  postgresBackend,
  type RunningNode,
  sqliteBackend,
  startNode,
} from './helpers.js';

const A_PARTIES = ['NL:CPA:CPO'];
const B_PARTIES = ['DE:EMB:EMSP', 'DE:CPB:CPO'];
const ALL = [...OCPI_VERSIONS];

/** Node A invites, node B registers with A's versions URL and token A. */
async function registerPair(
  backend: Backend,
  aVersions: OcpiVersion[],
  bVersions: OcpiVersion[],
  loggers: { a?: ReturnType<typeof capturingLogger>; b?: ReturnType<typeof capturingLogger> } = {},
) {
  const a = await startNode(backend, {
    label: 'A',
    versions: aVersions,
    parties: A_PARTIES,
    ...(loggers.a ? { logger: loggers.a.logger } : {}),
  });
  const b = await startNode(backend, {
    label: 'B',
    versions: bVersions,
    parties: B_PARTIES,
    ...(loggers.b ? { logger: loggers.b.logger } : {}),
  });
  const invite = await a.app.platform.credentials.invitePeer({ name: 'B' });
  let atB: PeerRecord | undefined;
  let error: unknown;
  try {
    atB = await b.app.platform.credentials.registerWithPeer({
      versionsUrl: invite.versionsUrl,
      token: invite.token,
      name: 'A',
    });
  } catch (e) {
    error = e;
  }
  return { a, b, invite, atB, error, close: () => Promise.all([a.close(), b.close()]) };
}

const credentialsUrl = (node: RunningNode, version: OcpiVersion) => `${node.url}/ocpi/${version}/credentials`;

/** Both sides registered in `version`, each holding a token that works at the other. */
async function assertRegistered(pair: Awaited<ReturnType<typeof registerPair>>, version: OcpiVersion) {
  const { a, b, invite, atB, error } = pair;
  assert.equal(error, undefined, `registration failed: ${String(error)}`);
  assert.ok(atB);
  const atA = await a.store.peers.findById(invite.peer.id);
  assert.ok(atA);

  for (const [side, peer] of [
    ['B', atB],
    ['A', atA],
  ] as const) {
    assert.equal(peer.status, 'REGISTERED', side);
    assert.equal(peer.version, version, side);
  }
  assert.equal(atA.versionsUrl, b.versionsUrl);
  assert.equal(atB.versionsUrl, a.versionsUrl);
  assert.equal(atA.endpoints.find((e) => e.identifier === 'credentials')?.url, credentialsUrl(b, version));
  assert.equal(atB.endpoints.find((e) => e.identifier === 'credentials')?.url, credentialsUrl(a, version));

  // 2.1.1 carries one party (B's first); 2.2.1+ every role.
  const partiesOf = (p: PeerRecord) => p.roles.map((r) => `${r.country_code}:${r.party_id}`);
  assert.deepEqual(partiesOf(atA), version === '2.1.1' ? ['DE:EMB'] : ['DE:EMB', 'DE:CPB']);
  assert.deepEqual(partiesOf(atB), ['NL:CPA']);

  // Each side's token for the other is the one the other stored the hash of.
  assert.equal(atA.incomingTokenHash, hashToken(atB.outgoingToken as string));
  assert.equal(atB.incomingTokenHash, hashToken(atA.outgoingToken as string));
  const bAtA = await ocpiCall('GET', credentialsUrl(a, version), atB.outgoingToken as string, version);
  assert.equal(bAtA.httpStatus, 200);
  assert.equal((bAtA.body.data as Record<string, unknown>).token, atB.outgoingToken);
  const aAtB = await ocpiCall('GET', credentialsUrl(b, version), atA.outgoingToken as string, version);
  assert.equal(aAtB.httpStatus, 200);

  const withTokenA = await ocpiCall('GET', a.versionsUrl, invite.token, version);
  assert.equal(withTokenA.httpStatus, 401, 'token A is void after registration');
  return { atA, atB };
}

function suite(backend: Backend) {
  after(() => backend.cleanup());

  describe('every version pair: a node offering only X registers with a node offering only Y', () => {
    for (const x of OCPI_VERSIONS) {
      for (const y of OCPI_VERSIONS) {
        const same = x === y;
        test(`${x} invites, ${y} registers: ${same ? `registered in ${x}` : 'no mutual version (3002) on both sides, nothing stored'}`, async () => {
          const pair = await registerPair(backend, [x], [y]);
          try {
            if (same) {
              await assertRegistered(pair, x);
              return;
            }
            const { a, b, invite, error } = pair;
            // B, the initiator, finds no version in common and sends nothing.
            assert.ok(error instanceof HandshakeError, String(error));
            assert.equal(error.statusCode, 3002);
            assert.deepEqual(await b.store.peers.list(), []);
            assert.deepEqual(await a.store.peers.findById(invite.peer.id), invite.peer);

            // A, as receiver, says the same when a client POSTs in a version it does not offer.
            const tokenForA = await b.app.platform.credentials.invitePeer({
              name: 'lets A read our versions',
            });
            const posted = await ocpiCall(
              'POST',
              credentialsUrl(a, x),
              invite.token,
              x,
              ourCredentials(b.app.platform.config, x, tokenForA.token),
            );
            assert.equal(posted.httpStatus, 200);
            assert.equal(posted.body.status_code, 3002);
            assert.deepEqual(await a.store.peers.findById(invite.peer.id), invite.peer, 'A stored nothing');
            assert.equal(
              (await ocpiCall('GET', a.versionsUrl, invite.token, x)).httpStatus,
              200,
              'token A still valid',
            );
          } finally {
            await pair.close();
          }
        });
      }
    }
  });

  describe('a node offering all versions and a single-version node register in that version', () => {
    for (const v of OCPI_VERSIONS) {
      test(`all-versions node invites, ${v}-only node registers: ${v}`, async () => {
        const pair = await registerPair(backend, ALL, [v]);
        try {
          await assertRegistered(pair, v);
        } finally {
          await pair.close();
        }
      });
      test(`${v}-only node invites, all-versions node registers: ${v}`, async () => {
        const pair = await registerPair(backend, [v], ALL);
        try {
          await assertRegistered(pair, v);
        } finally {
          await pair.close();
        }
      });
    }
  });

  test('two all-versions nodes register in 2.3.0', async () => {
    const pair = await registerPair(backend, ALL, ALL);
    try {
      await assertRegistered(pair, '2.3.0');
    } finally {
      await pair.close();
    }
  });

  test('update from either side rotates both tokens; the old ones are refused; unregister voids them; no token logged', async () => {
    const logs = { a: capturingLogger('debug'), b: capturingLogger('debug') };
    const pair = await registerPair(backend, ALL, ALL, logs);
    const { a, b, invite } = pair;
    const tokens: string[] = [invite.token];
    try {
      const { atA, atB } = await assertRegistered(pair, '2.3.0');
      tokens.push(atA.outgoingToken as string, atB.outgoingToken as string);

      // B (the side that registered) updates.
      const atB2 = await b.app.platform.credentials.updatePeer(atB.id);
      const atA2 = (await a.store.peers.findById(atA.id)) as PeerRecord;
      tokens.push(atA2.outgoingToken as string, atB2.outgoingToken as string);
      assert.notEqual(atB2.outgoingToken, atB.outgoingToken, 'B holds a new token for A');
      assert.notEqual(atA2.outgoingToken, atA.outgoingToken, 'A holds a new token for B');
      const at = (node: RunningNode, token: string | null) =>
        ocpiCall('GET', credentialsUrl(node, '2.3.0'), token as string, '2.3.0');
      assert.equal((await at(a, atB.outgoingToken)).httpStatus, 401, "B's old token is refused by A");
      assert.equal((await at(b, atA.outgoingToken)).httpStatus, 401, "A's old token is refused by B");
      assert.equal((await at(a, atB2.outgoingToken)).httpStatus, 200);
      assert.equal((await at(b, atA2.outgoingToken)).httpStatus, 200);

      // A (the side that was registered with) updates: the handshake is symmetric.
      const atA3 = await a.app.platform.credentials.updatePeer(atA.id);
      const atB3 = (await b.store.peers.findById(atB.id)) as PeerRecord;
      tokens.push(atA3.outgoingToken as string, atB3.outgoingToken as string);
      assert.equal((await at(a, atB2.outgoingToken)).httpStatus, 401);
      assert.equal((await at(b, atA2.outgoingToken)).httpStatus, 401);
      assert.equal((await at(a, atB3.outgoingToken)).httpStatus, 200);
      assert.equal((await at(b, atA3.outgoingToken)).httpStatus, 200);

      // B unregisters: A is told, and neither token opens anything any more.
      const { peer: atB4, remote } = await b.app.platform.credentials.unregisterPeer(atB.id);
      assert.deepEqual(remote, { ok: true });
      assert.equal(atB4.status, 'UNREGISTERED');
      const atA4 = (await a.store.peers.findById(atA.id)) as PeerRecord;
      assert.equal(atA4.status, 'UNREGISTERED');
      assert.equal(atA4.incomingTokenHash, null);
      assert.equal(atA4.outgoingToken, null);
      assert.equal((await at(a, atB3.outgoingToken)).httpStatus, 401);
      assert.equal((await at(b, atA3.outgoingToken)).httpStatus, 401);
    } finally {
      await pair.close();
    }
    const text = logs.a.text() + logs.b.text();
    assert.match(text, /peer registered/);
    assert.match(text, /"reqId"/);
    for (const token of tokens) {
      assert.ok(!text.includes(token), 'a token appears in the logs');
      assert.ok(
        !text.includes(Buffer.from(token).toString('base64')),
        'an encoded token appears in the logs',
      );
    }
  });

  test('updating to a newer version: a node upgraded from 2.1.1+2.2.1 to all versions moves the connection to 2.3.0', async () => {
    const pair = await registerPair(backend, ALL, ['2.1.1', '2.2.1']);
    const { a, b } = pair;
    let upgraded: RunningNode | undefined;
    try {
      const { atA, atB } = await assertRegistered(pair, '2.2.1');
      // B restarts on the same database with all versions (and a new port, so a new versions URL).
      await b.stop();
      upgraded = await startNode(backend, { label: 'B2', versions: ALL, parties: B_PARTIES, store: b.store });
      const atB2 = await upgraded.app.platform.credentials.updatePeer(atB.id);
      const atA2 = (await a.store.peers.findById(atA.id)) as PeerRecord;
      assert.equal(atB2.version, '2.3.0');
      assert.equal(atA2.version, '2.3.0');
      assert.equal(atA2.versionsUrl, upgraded.versionsUrl, "A follows B's new versions URL");
      assert.equal(
        atA2.endpoints.find((e) => e.identifier === 'credentials')?.url,
        credentialsUrl(upgraded, '2.3.0'),
      );
      assert.deepEqual(
        atA2.roles.map((r) => r.party_id),
        ['EMB', 'CPB'],
      );
      const ok = await ocpiCall('GET', credentialsUrl(a, '2.3.0'), atB2.outgoingToken as string, '2.3.0');
      assert.equal(ok.httpStatus, 200);
    } finally {
      await a.close();
      if (upgraded) await upgraded.close();
      else await b.close();
    }
  });
}

describe('registration end to end on SQLite', () => suite(sqliteBackend()));

const pgReason = await pgUnreachableReason();
if (pgReason === undefined) {
  describe('registration end to end on PostgreSQL', () => suite(postgresBackend()));
} else if (pgRequired) {
  test('registration end to end on PostgreSQL', () => assert.fail(`CI=true but ${pgReason}`));
} else {
  describe('registration end to end on PostgreSQL', { skip: `skipped: ${pgReason}` }, () => {});
}
