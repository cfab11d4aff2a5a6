/**
 * Helpers for the object module tests (Locations, Tariffs, Tokens, Sessions, CDRs): a node
 * (buildApp over a store) with the modules wired to a recording `onMissingObject` and a fixed
 * clock, REGISTERED peers made directly in the store, and one-line OCPI calls.
 */

import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { NodeConfigInput } from '../../src/platform/config.js';
import { locationsModule } from '../../src/platform/locations.js';
import type { OcpiModule } from '../../src/platform/modules.js';
import type { ConversionCache, ObjectModuleDeps } from '../../src/platform/published-objects/index.js';
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

export interface ObjectNodeOptions {
  config?: NodeConfigInput;
  store?: SqlStore;
  now?: () => Date;
  cache?: ConversionCache;
}

/**
 * testConfig's node (our CPO NL/RMK first, our eMSP NL/RME) serving `modules(deps)`, whose deps
 * have a fixed clock (unless `now` is given) and record every onMissingObject call.
 */
export async function moduleNode(
  modules: (deps: ObjectModuleDeps) => OcpiModule[],
  options: ObjectNodeOptions = {},
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
  const { app, close } = await testApp({ config, store, modules: modules(deps) });
  return { app, store, missing, close };
}

/** A node hosting NL/RMK (CPO) and NL/RME (eMSP), serving both interfaces of Locations and Tariffs. */
export const objectNode = (options: ObjectNodeOptions = {}): Promise<ObjectNode> =>
  moduleNode((deps) => [locationsModule(deps), tariffsModule(deps)], options);

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
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
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

/** A POST as `peer` in its version; a body only when given. */
export const post = (app: FastifyInstance, peer: TestPeer, url: string, body?: unknown): Promise<Answer> =>
  call(app, peer, 'POST', url, body);

/** The ids of a list answer's objects, in order. */
export const idsOf = (answer: Answer) => (answer.body.data as Json[]).map((object) => object.id);

/** The path of a list answer's Link rel="next" (which must be there), for inject. */
export function nextPath(answer: Answer): string {
  const next = /^<http:\/\/127\.0\.0\.1:8080([^>]+)>; rel="next"$/.exec(answer.headers.link as string)?.[1];
  assert.ok(next, String(answer.headers.link));
  return next;
}

/**
 * Two eMSP peers in each version, `msp` (DE/MSP) and `oth` (DE/OTH): a Sender list's audience,
 * each of which must see only the objects of its own tokens.
 */
export async function emspPeersByVersion(store: SqlStore) {
  const msp = {} as Record<OcpiVersion, TestPeer>;
  const oth = {} as Record<OcpiVersion, TestPeer>;
  for (const version of VERSIONS) {
    msp[version] = await addPeer(store, version, [role('EMSP', 'DE', 'MSP')]);
    oth[version] = await addPeer(store, version, [role('EMSP', 'DE', 'OTH')]);
  }
  return { msp, oth };
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
