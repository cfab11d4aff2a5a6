/**
 * End-to-end helpers: real nodes listening on 127.0.0.1 (port 0), each with its own database
 * (SQLite in memory, or a PostgreSQL schema of its own), talking real HTTP to each other.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from '../../src/http/app.js';
import { validateNodeConfig } from '../../src/platform/config.js';
import { encodeAuthorization, type OcpiVersion } from '../../src/protocol/index.js';
import { openStore, type SqlStore } from '../../src/store/database.js';
import type { PeerRecord } from '../../src/store/types.js';
import { dropTestSchemas, newTestSchema, pgTestUrl } from '../store/targets.js';

/** Where a node's database lives. */
export interface Backend {
  label: 'SQLite' | 'PostgreSQL';
  open(): Promise<SqlStore>;
  cleanup(): Promise<void>;
}

export function sqliteBackend(): Backend {
  return {
    label: 'SQLite',
    async open() {
      const store = openStore('sqlite::memory:');
      await store.migrate();
      return store;
    },
    cleanup: async () => {},
  };
}

export function postgresBackend(): Backend {
  const schemas: string[] = [];
  return {
    label: 'PostgreSQL',
    async open() {
      const schema = newTestSchema('e2e');
      schemas.push(schema);
      const store = openStore(pgTestUrl, { schema, poolSize: 4 });
      await store.migrate();
      return store;
    },
    cleanup: () => dropTestSchemas(schemas.splice(0)),
  };
}

export interface RunningNode {
  label: string;
  app: FastifyInstance;
  store: SqlStore;
  /** http://127.0.0.1:PORT */
  url: string;
  versionsUrl: string;
  /** Stops the server (the store stays open, see `close`). */
  stop(): Promise<void>;
  /** Stops the server and closes the store. */
  close(): Promise<void>;
}

export interface NodeOptions {
  label: string;
  versions: OcpiVersion[];
  parties: string[];
  /** Reuse a store (a node restarted with another configuration); default: a new one. */
  store?: SqlStore;
  logger?: Logger;
}

/** Starts a node on 127.0.0.1, port 0; its public URL is set once the port is known. */
export async function startNode(backend: Backend, options: NodeOptions): Promise<RunningNode> {
  const store = options.store ?? (await backend.open());
  const config = validateNodeConfig({
    publicUrl: 'http://127.0.0.1:1',
    parties: options.parties,
    versions: options.versions,
  });
  const app = buildApp({ config, store, logger: options.logger ?? false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  config.publicUrl = `http://127.0.0.1:${port}`;
  const url = config.publicUrl;
  return {
    label: options.label,
    app,
    store,
    url,
    versionsUrl: `${url}/ocpi/versions`,
    stop: () => app.close(),
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

export interface OcpiAnswer {
  httpStatus: number;
  body: Record<string, unknown>;
}

/** One OCPI call over real HTTP (the token encoded for the version). */
export async function ocpiCall(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  token: string,
  version: OcpiVersion,
  body?: unknown,
): Promise<OcpiAnswer> {
  const response = await fetch(url, {
    method,
    headers: {
      Authorization: encodeAuthorization(token, version),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { httpStatus: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** What connecting and delivering need of a node: its app (with the platform) and its store. */
export interface NodeHandle {
  app: FastifyInstance;
  store: SqlStore;
  label?: string;
}

/** Both sides' records of a connection made by `connectNodes`. */
export interface NodeConnection {
  /** The other node as a peer of the inviting node. */
  atInviter: PeerRecord;
  /** The inviting node as a peer of the other. */
  atOther: PeerRecord;
}

/**
 * `other` registers with `inviter` (which invites): the real credentials handshake over HTTP.
 * With `version`, both sides must have agreed on it.
 */
export async function connectNodes(
  inviter: NodeHandle,
  other: NodeHandle,
  options: { version?: OcpiVersion; name?: string } = {},
): Promise<NodeConnection> {
  const invite = await inviter.app.platform.credentials.invitePeer({
    name: options.name ?? other.label ?? 'peer',
  });
  const atOther = await other.app.platform.credentials.registerWithPeer({
    versionsUrl: invite.versionsUrl,
    token: invite.token,
    name: inviter.label ?? 'inviter',
  });
  const atInviter = await inviter.store.peers.findById(invite.peer.id);
  assert.equal(atInviter?.status, 'REGISTERED');
  assert.equal(atOther.status, 'REGISTERED');
  if (options.version !== undefined) {
    assert.equal(atInviter.version, options.version);
    assert.equal(atOther.version, options.version);
  }
  return { atInviter, atOther };
}

/**
 * Runs a node's delivery worker until nothing is owed; returns the messages sent. Every attempt
 * must succeed: a failure between two healthy nodes is a bug, reported with the rows' errors.
 */
export async function deliverAll(node: NodeHandle, rounds = 100): Promise<number> {
  let sent = 0;
  for (let round = 0; round < rounds; round++) {
    const result = await node.app.platform.delivery.runOnce();
    sent += result.sent;
    const open = await node.store.deliveries.list({ state: ['PENDING', 'PARKED', 'REFUSED'] });
    if (result.failed > 0 || open.some((d) => d.state !== 'PENDING')) {
      const errors = open.map((d) => `${d.peerId} ${d.module} ${d.key.id} ${d.state}: ${d.lastError}`);
      assert.fail(
        `${node.label ?? 'node'}: delivery failed between two healthy nodes:\n${errors.join('\n')}`,
      );
    }
    if (open.length === 0) return sent;
  }
  assert.fail(`${node.label ?? 'node'}: deliveries still pending after ${rounds} rounds`);
}
