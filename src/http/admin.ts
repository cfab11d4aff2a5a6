/**
 * The admin API: what operators do with peers (invite, register, list, update, unregister), with
 * our own Locations and Tariffs (publish, patch, remove: peers get them by push) and with the
 * outbox of those pushes (list, retry), over HTTP under `/admin`, for `roamkit peers --url`,
 * `roamkit outbox --url` and for scripts. Not OCPI: plain JSON, no
 * envelope, its own bearer token (`adminToken` in the configuration), its own not-found and error
 * answers. Without an admin token configured every `/admin` path answers 404: the API is off.
 *
 * The actions themselves (`peerActions`) work on a Platform and are shared with
 * `roamkit peers --db`, so both paths validate input and report errors the same way.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HandshakeError, PeerStateError } from '../platform/credentials.js';
import { canonicalDocument } from '../platform/delivery/input.js';
import { OutboxError, outboxActions } from '../platform/delivery/outbox.js';
import { OBJECT_TYPES, PublishError } from '../platform/delivery/publisher.js';
import { type PeerView, peerView } from '../platform/peers.js';
import type { Platform } from '../platform/platform.js';
import { tokensEqual } from '../protocol/index.js';
import {
  type ObjectKey,
  type ObjectModule,
  type OcpiObjectRecord,
  PEER_STATUSES,
  type PeerStatus,
} from '../store/types.js';
import { BodyNotJsonError } from './envelope.js';

export const ADMIN_BASE_PATH = '/admin';

// ---------------------------------------------------------------------------------------------
// The actions, shared by the admin API and `roamkit peers --db`.

/** Why an action failed; `kind` decides the HTTP status of the admin API and the CLI's exit code. */
export type PeerActionErrorKind = 'bad_request' | 'not_found' | 'conflict' | 'handshake_failed';

export class PeerActionError extends Error {
  override readonly name = 'PeerActionError';
  constructor(
    readonly kind: PeerActionErrorKind,
    message: string,
    readonly details: {
      /** bad_request: the input field at fault (`versions_url`). */
      field?: string;
      /** handshake_failed: the OCPI status that says why (3001, 3002, 3003 or the peer's). */
      ocpiStatus?: number;
    } = {},
  ) {
    super(message);
  }
}

export const ADMIN_HTTP_STATUS: Record<PeerActionErrorKind, number> = {
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  // The peer (another server) failed or refused: a gateway error, not ours and not the caller's.
  handshake_failed: 502,
};

export interface InviteResult {
  /** Token A, for the peer to register with. Shown once; only its hash is kept. */
  token: string;
  versions_url: string;
  peer: PeerView;
}

export interface UnregisterResult {
  peer: PeerView;
  /** Whether the peer accepted our DELETE (the connection ends here either way). */
  remote: { ok: true } | { ok: false; reason: string };
}

/** What operators can do with peers; both `--db` and `--url` offer exactly this. */
export interface PeerActions {
  invite(input?: unknown): Promise<InviteResult>;
  register(input: unknown): Promise<PeerView>;
  list(filter?: { status?: unknown }): Promise<PeerView[]>;
  update(id: string): Promise<PeerView>;
  unregister(id: string): Promise<UnregisterResult>;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const badRequest = (field: string, message: string) =>
  new PeerActionError('bad_request', `${field}: ${message}`, { field });

/** The body as an object with only `allowed` keys (a typo like `versionsUrl` is named, not ignored). */
function objectBody(body: unknown, allowed: readonly string[], optional: boolean): Record<string, unknown> {
  if (body === undefined || body === null) {
    if (optional) return {};
    throw badRequest('(body)', `a JSON object with ${allowed.join(', ')} is required`);
  }
  if (!isRecord(body)) throw badRequest('(body)', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw badRequest(key, `unknown field (expected ${allowed.join(', ')})`);
  }
  return body;
}

function optionalName(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw badRequest('name', 'must be a non-empty string of at most 200 characters');
  }
  return value.trim();
}

/** Invitation input: `{ name? }`. */
export function parseInviteInput(body: unknown): { name: string | null } {
  const input = objectBody(body, ['name'], true);
  return { name: optionalName(input.name) };
}

/** Registration input: `{ versions_url, token, name? }`. The URL policy is applied by the handshake. */
export function parseRegisterInput(body: unknown): {
  versionsUrl: string;
  token: string;
  name: string | null;
} {
  const input = objectBody(body, ['versions_url', 'token', 'name'], false);
  const url = input.versions_url;
  if (typeof url !== 'string' || url.trim() === '') {
    throw badRequest('versions_url', "is required: the peer's versions URL");
  }
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw badRequest('versions_url', 'is not an absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw badRequest('versions_url', 'must be an http:// or https:// URL');
  }
  const token = input.token;
  if (typeof token !== 'string' || token === '') {
    throw badRequest('token', 'is required: the token A the peer gave you');
  }
  // The credentials chapter: printable, non-whitespace ASCII (string(64); some peers use longer).
  if (!/^[\x21-\x7E]{1,255}$/.test(token)) {
    throw badRequest('token', 'must be 1 to 255 printable ASCII characters without spaces');
  }
  return { versionsUrl: parsed.href, token, name: optionalName(input.name) };
}

/** The `status` filter of a listing, when given. */
export function parseStatusFilter(value: unknown): PeerStatus | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !(PEER_STATUSES as readonly string[]).includes(value.toUpperCase())) {
    throw badRequest('status', `must be one of ${PEER_STATUSES.join(', ')}`);
  }
  return value.toUpperCase() as PeerStatus;
}

/** The peer actions over a node's platform (its store and credentials service). */
export function peerActions(platform: Platform): PeerActions {
  const { credentials, store } = platform;

  async function existing(id: string): Promise<void> {
    if ((await store.peers.findById(id)) === undefined) {
      throw new PeerActionError('not_found', `no peer with id ${JSON.stringify(id)}`);
    }
  }

  /** The service's errors as action errors; anything else is a bug and stays as it is. */
  function translate(error: unknown): unknown {
    if (error instanceof HandshakeError) {
      return new PeerActionError('handshake_failed', error.message, { ocpiStatus: error.statusCode });
    }
    if (error instanceof PeerStateError) return new PeerActionError('conflict', error.message);
    return error;
  }

  return {
    async invite(input) {
      const { name } = parseInviteInput(input);
      const { peer, token, versionsUrl } = await credentials.invitePeer({ name });
      return { token, versions_url: versionsUrl, peer: peerView(peer) };
    },
    async register(input) {
      const parsed = parseRegisterInput(input);
      try {
        return peerView(await credentials.registerWithPeer(parsed));
      } catch (error) {
        throw translate(error);
      }
    },
    async list(filter = {}) {
      const status = parseStatusFilter(filter.status);
      const peers = await store.peers.list(status === undefined ? {} : { status });
      return peers.map(peerView);
    },
    async update(id) {
      await existing(id);
      try {
        return peerView(await credentials.updatePeer(id));
      } catch (error) {
        throw translate(error);
      }
    },
    async unregister(id) {
      await existing(id);
      try {
        const { peer, remote } = await credentials.unregisterPeer(id);
        return { peer: peerView(peer), remote };
      } catch (error) {
        throw translate(error);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP.

/** The JSON of an admin error answer. */
export interface AdminErrorBody {
  error: PeerActionErrorKind | 'unauthorized' | 'payload_too_large' | 'internal_error';
  message: string;
  field?: string;
  ocpi_status?: number;
  /** An invalid document: every problem, by JSON pointer. */
  issues?: { pointer: string; message: string }[];
}

// ---------------------------------------------------------------------------------------------
// Our objects (the publisher) and the outbox.

/** One of our objects as the admin API answers it. */
export interface ObjectView {
  module: ObjectModule;
  countryCode: string;
  partyId: string;
  id: string;
  revision: number;
  lastUpdated: string;
  deleted: boolean;
  published: boolean;
  /** The canonical (2.3.0) document. */
  data: Record<string, unknown>;
}

export function objectView(record: OcpiObjectRecord): ObjectView {
  return {
    module: record.module,
    countryCode: record.key.countryCode,
    partyId: record.key.partyId,
    id: record.key.id,
    revision: record.revision,
    lastUpdated: record.lastUpdated.toISOString(),
    deleted: record.deleted,
    published: record.published,
    data: record.data,
  };
}

/** Path parameters of an object URL: `/:cc/:pid/:id[/:evse[/:connector]]`. */
interface ObjectParams {
  cc: string;
  pid: string;
  id: string;
  evse?: string;
  connector?: string;
}

const objectKey = (p: ObjectParams): ObjectKey => ({ countryCode: p.cc, partyId: p.pid, id: p.id });

/** The object type a location patch path names. */
const patchType = (module: ObjectModule, path: readonly string[]) =>
  module === 'locations' ? (['Location', 'EVSE', 'Connector'][path.length] as string) : OBJECT_TYPES[module];

function sendError(reply: FastifyReply, httpStatus: number, body: AdminErrorBody): FastifyReply {
  return reply.code(httpStatus).type('application/json; charset=utf-8').send(body);
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^[ \t]*Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Registers the admin API on the app (under /admin, in its own encapsulated context so its
 * not-found and error handlers replace the OCPI ones only there).
 */
export function registerAdminApi(app: FastifyInstance): void {
  app.register(
    async (admin) => {
      const platform = app.platform;
      const actions = peerActions(platform);

      // Runs for every request under /admin, matched or not, before the body is read: an
      // unauthenticated caller learns nothing about which paths exist.
      admin.addHook('onRequest', async (request, reply) => {
        reply.header('Cache-Control', 'no-store');
        const expected = platform.config.adminToken;
        if (expected === undefined) {
          return sendError(reply, 404, {
            error: 'not_found',
            message: 'the admin API is off: no admin token is configured',
          });
        }
        const given = bearerToken(request.headers.authorization);
        // tokensEqual hashes both sides first: constant time whatever the lengths.
        if (given === undefined || !tokensEqual(given, expected)) {
          reply.header('WWW-Authenticate', 'Bearer realm="roamkit-admin"');
          return sendError(reply, 401, {
            error: 'unauthorized',
            message: 'send the admin token as Authorization: Bearer <token>',
          });
        }
      });

      admin.setNotFoundHandler((request, reply) =>
        sendError(reply, 404, {
          error: 'not_found',
          message: `no admin endpoint at ${request.method} ${request.url.split('?')[0]}`,
        }),
      );

      admin.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
        if (error instanceof PeerActionError) {
          return sendError(reply, ADMIN_HTTP_STATUS[error.kind], {
            error: error.kind,
            message: error.message,
            ...(error.details.field === undefined ? {} : { field: error.details.field }),
            ...(error.details.ocpiStatus === undefined ? {} : { ocpi_status: error.details.ocpiStatus }),
          });
        }
        if (error instanceof PublishError) {
          return sendError(reply, error.kind === 'unknown_object' ? 404 : 400, {
            error: error.kind === 'unknown_object' ? 'not_found' : 'bad_request',
            message: error.message,
            ...(error.issues.length === 0 ? {} : { issues: error.issues }),
          });
        }
        if (error instanceof OutboxError) {
          return sendError(reply, error.kind === 'not_found' ? 404 : 400, {
            error: error.kind,
            message: error.message,
            ...(error.field === undefined ? {} : { field: error.field }),
          });
        }
        if (error instanceof BodyNotJsonError) {
          return sendError(reply, 400, { error: 'bad_request', message: error.message, field: '(body)' });
        }
        if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          return sendError(reply, 413, {
            error: 'payload_too_large',
            message: 'the request body is too large',
          });
        }
        if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
          return sendError(reply, error.statusCode, { error: 'bad_request', message: error.message });
        }
        request.log.error({ err: { type: error.name, message: error.message } }, 'admin request failed');
        return sendError(reply, 500, {
          error: 'internal_error',
          message: `internal error (request id ${request.id})`,
        });
      });

      const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
      const { publisher } = platform;
      const outbox = outboxActions(platform.store);

      admin.post('/peers/invite', async (request, reply) => {
        const result = await actions.invite(request.body);
        request.log.info({ peerId: result.peer.id }, 'admin: invited peer');
        return reply.code(201).send(result);
      });
      admin.post('/peers/register', async (request, reply) => {
        const peer = await actions.register(request.body);
        request.log.info({ peerId: peer.id, version: peer.version }, 'admin: registered with peer');
        return reply.code(201).send({ peer });
      });
      admin.get('/peers', async (request) => {
        const { status } = request.query as { status?: unknown };
        return { peers: await actions.list({ status }) };
      });
      admin.post('/peers/:id/update', async (request) => {
        const peer = await actions.update(idOf(request));
        request.log.info({ peerId: peer.id, version: peer.version }, 'admin: updated peer');
        return { peer };
      });
      admin.post('/peers/:id/unregister', async (request) => {
        const result = await actions.unregister(idOf(request));
        request.log.info({ peerId: result.peer.id, remoteOk: result.remote.ok }, 'admin: unregistered peer');
        return result;
      });

      // Our objects: peers get every change by push (the delivery worker). Tokens (an eMSP's) are
      // put and patched (valid: false blocks one); Sessions and CDRs come from charging sessions.
      for (const module of ['locations', 'tariffs', 'tokens'] as const) {
        const type = OBJECT_TYPES[module];
        admin.put(`/${module}`, async (request) => {
          const query = request.query as { ocpi?: unknown; party?: unknown };
          const record = await publisher.put(module, canonicalDocument(type, request.body, query));
          request.log.info({ module, object: record.key, revision: record.revision }, 'admin: published');
          return { object: objectView(record) };
        });
        const depths = module === 'locations' ? ['', '/:evse', '/:evse/:connector'] : [''];
        for (const tail of depths) {
          admin.patch(`/${module}/:cc/:pid/:id${tail}`, async (request) => {
            const params = request.params as ObjectParams;
            const path = [params.evse, params.connector].filter((p): p is string => p !== undefined);
            const query = request.query as { ocpi?: unknown; party?: unknown };
            const changes = canonicalDocument(patchType(module, path), request.body, query, {
              partial: true,
              owner: { country_code: params.cc.toUpperCase(), party_id: params.pid.toUpperCase() },
            });
            const record = await publisher.patch(module, objectKey(params), path, changes);
            request.log.info(
              { module, object: record.key, path, revision: record.revision },
              'admin: patched',
            );
            return { object: objectView(record) };
          });
        }
        if (module === 'tokens') continue;
        admin.delete(`/${module}/:cc/:pid/:id`, async (request) => {
          const params = request.params as ObjectParams;
          const record = await publisher.remove(module, objectKey(params));
          if (record === undefined) {
            throw new PublishError(
              'unknown_object',
              `no ${type} ${params.cc}/${params.pid}/${params.id} of ours`,
            );
          }
          request.log.info({ module, object: record.key, revision: record.revision }, 'admin: removed');
          return { object: objectView(record) };
        });
      }

      admin.get('/outbox', async (request) => {
        const { state, peer, limit } = request.query as { state?: unknown; peer?: unknown; limit?: unknown };
        return outbox.list({ state, peer, limit });
      });
      admin.post('/outbox/retry', async (request) => {
        const body = objectBody(request.body, ['peer'], true);
        const result = await outbox.retry({ peer: body.peer });
        request.log.info({ peerId: body.peer, retried: result.retried }, 'admin: retry parked deliveries');
        return result;
      });
    },
    { prefix: ADMIN_BASE_PATH },
  );
}
