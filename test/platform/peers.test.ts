import assert from 'node:assert/strict';
import { test } from 'node:test';
import { peerView } from '../../src/platform/peers.js';

test('peerView shows the connection and never its secrets', () => {
  const view = peerView({
    id: 'p1',
    name: 'Peer',
    status: 'REGISTERED',
    incomingTokenHash: 'a'.repeat(64),
    outgoingToken: 'secret-outgoing-token',
    versionsUrl: 'https://peer.example/ocpi/versions',
    version: '2.2.1',
    endpoints: [
      { identifier: 'credentials', role: 'SENDER', url: 'https://peer.example/ocpi/2.2.1/credentials' },
    ],
    roles: [{ role: 'EMSP', country_code: 'DE', party_id: 'PEE', business_details: { name: 'Peer' } }],
    createdAt: new Date('2025-01-01T00:00:00Z'),
    updatedAt: new Date('2025-01-02T00:00:00Z'),
  });
  assert.deepEqual(view.parties, ['DE:PEE:EMSP']);
  assert.equal(view.createdAt, '2025-01-01T00:00:00.000Z');
  const text = JSON.stringify(view);
  assert.ok(!text.includes('secret-outgoing-token'));
  assert.ok(!text.includes('a'.repeat(64)));
});
