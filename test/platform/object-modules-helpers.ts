/**
 * Helpers for the Locations and Tariffs module tests: a node (buildApp over a store) with the two
 * modules wired to a recording `onMissingObject` and a fixed clock, REGISTERED peers made directly
 * in the store, and one-line OCPI calls.
 */

import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { NodeConfigInput } from '../../src/platform/config.js';
import { locationsModule } from '../../src/platform/locations.js';
import type { ConversionCache } from '../../src/platform/published-objects/index.js';
import { tariffsModule } from '../../src/platform/tariffs.js';
import { modulePath } from '../../src/platform/urls.js';
import { encodeAuthorization, type InterfaceRole, type OcpiVersion } from '../../src/protocol/index.js';
import type { SqlStore } from '../../src/store/database.js';
import { hashToken } from '../../src/store/tokens.js';
import type { ObjectKey, ObjectModule, PeerRecord } from '../../src/store/types.js';
import { FIXED_NOW, memoryStore, testApp, testConfig } from '../http/helpers.js';

export type Json = Record<string, unknown>;
export const VERSIONS: readonly OcpiVersion[] = ['2.1.1', '2.2.1', '2.3.0'];

export interface ObjectNode {
  app: FastifyInstance;
  store: SqlStore;
  /** Every onMissingObject call: [peerId, module]. */
  missing: [string, ObjectModule][];
  close(): Promise<void>;
}

/** A node hosting NL/RMK (CPO) and NL/RME (eMSP), serving both interfaces of both modules. */
export async function objectNode(
  options: { config?: NodeConfigInput; store?: SqlStore; now?: () => Date; cache?: ConversionCache } = {},
): Promise<ObjectNode> {
  const store = options.store ?? (await memoryStore());
  const config = testConfig(options.config);
  const missing: [string, ObjectModule][] = [];
  const deps = {
    config,
    store,
    now: options.now ?? (() => FIXED_NOW),
    ...(options.cache === undefined ? {} : { cache: options.cache }),
    onMissingObject: (peerId: string, module: ObjectModule) => {
      missing.push([peerId, module]);
    },
  };
  const { app, close } = await testApp({
    config,
    store,
    modules: [locationsModule(deps), tariffsModule(deps)],
  });
  return { app, store, missing, close };
}

export const role = (name: string, country_code: string, party_id: string) => ({
  role: name,
  country_code,
  party_id,
  business_details: { name: `${country_code} ${party_id}` },
});

export interface TestPeer {
  record: PeerRecord;
  token: string;
  version: OcpiVersion;
}

let peerCount = 0;

/** A REGISTERED peer in `version` with these canonical CredentialsRoles. */
export async function addPeer(
  store: SqlStore,
  version: OcpiVersion,
  roles: Record<string, unknown>[],
  name = `peer-${++peerCount}`,
): Promise<TestPeer> {
  const token = `token-of-${name}-${peerCount}`;
  const record = await store.peers.create({
    name,
    status: 'REGISTERED',
    incomingTokenHash: hashToken(token),
    outgoingToken: `our-token-for-${name}`,
    versionsUrl: `http://127.0.0.1:1/${name}/versions`,
    version,
    roles,
    endpoints: [],
  });
  return { record, token, version };
}

/** Path of a module's interface in a version (2.1.1: /cpo/ and /emsp/; 2.2.1+: /sender/ and /receiver/). */
export const ifacePath = (version: OcpiVersion, module: ObjectModule, iface: InterfaceRole) =>
  modulePath(version, module, iface);

export interface Answer {
  http: number;
  body: Json;
  headers: Record<string, string | string[] | number | undefined>;
}

/** One OCPI call as `peer`, in the version of the URL (the peer's own unless given). */
export async function call(
  app: FastifyInstance,
  peer: TestPeer,
  method: 'GET' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  version: OcpiVersion = peer.version,
): Promise<Answer> {
  const res = await app.inject({
    method,
    url,
    headers: {
      authorization: encodeAuthorization(peer.token, version),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { http: res.statusCode, body: JSON.parse(res.body) as Json, headers: res.headers };
}

/** A deep copy (examples are shared between tests). */
export const clone = <T>(value: T): T => structuredClone(value);

/**
 * A Receiver suite's calls under one owner in `version`: `key(id)`; `stored(id)`, the record (which
 * must be there); `put(id, changes)`, a PUT of `docWith(id, changes)` (which must succeed). `state()`
 * gives the suite's node and the pushing peer, made in its `before`.
 */
export function ownerReceiver(
  module: ObjectModule,
  version: OcpiVersion,
  [cc, pid]: [string, string],
  docWith: (id: string, changes: Json) => Json,
  state: () => { node: ObjectNode; peer: TestPeer },
) {
  const base = `${ifacePath(version, module, 'RECEIVER')}/${cc}/${pid}`;
  const key = (id: string): ObjectKey => ({ countryCode: cc, partyId: pid, id });
  const stored = async (id: string) => {
    const record = await state().node.store.objects.get(module, key(id));
    assert.ok(record, `${module.slice(0, -1)} ${id} stored`);
    return record;
  };
  const put = async (id: string, changes: Json = {}) => {
    const { node, peer } = state();
    const answer = await call(node.app, peer, 'PUT', `${base}/${id}`, docWith(id, changes));
    assert.equal(answer.body.status_code, 1000, JSON.stringify(answer.body));
    return answer;
  };
  return { base, key, stored, put };
}
