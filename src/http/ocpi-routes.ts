/**
 * The OCPI routes, generated from the endpoint table (src/protocol/common/endpoints.ts) for the
 * versions the node offers and the modules it has enabled: each row becomes one route with the
 * module's handler, behind authentication and body validation. No route is written by hand.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OcpiModule, OcpiRequestContext } from '../platform/modules.js';
import type { Platform } from '../platform/platform.js';
import { modulePath, versionDetailsPath, versionsPath } from '../platform/urls.js';
import { servedInterfaces } from '../platform/versions.js';
import {
  type EndpointRow,
  errorResponse,
  findSchema,
  HTTP_ERRORS,
  matchPath,
  type OcpiVersion,
  precompile,
  rowsFor,
  StatusCode,
  schemasByVersion,
  validate,
} from '../protocol/index.js';
import type { PeerRecord } from '../store/types.js';
import { sendEnvelope, sendHttpError, sendOutcome } from './envelope.js';

/** What each generated route knows about itself (route `config.ocpi`). */
export interface OcpiRouteInfo {
  /** Undefined for GET /ocpi/versions, which all versions share. */
  version: OcpiVersion | undefined;
  row: EndpointRow;
  module: OcpiModule;
}

/** The authenticated caller of a request, set by the auth hook. */
export interface OcpiAuth {
  peer: PeerRecord;
  token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    ocpiAuth: OcpiAuth | null;
  }
}

/** A template of the endpoint table as a Fastify path (`{location_id}` → `:location_id`). */
const fastifyPath = (template: string): string => template.replace(/\{([a-z_]+)\}/g, ':$1');

/** The server path of a row: versions rows at the fixed places, module rows below the module's URL. */
export function routePath(row: EndpointRow): string {
  if (row.module === 'versions')
    return row.path === 'versions' ? versionsPath() : versionDetailsPath(row.version);
  const base = modulePath(row.version, row.module, row.interface);
  return row.path === '' ? base : `${base}/${row.path}`;
}

const routeInfo = (request: FastifyRequest): OcpiRouteInfo =>
  (request.routeOptions.config as unknown as { ocpi: OcpiRouteInfo }).ocpi;

/** Path parameters longer than the spec's type allows (string(n)/CiString(n)): 2001 naming the parameter. */
function checkPathParams(row: EndpointRow, params: Record<string, string>): string | undefined {
  for (const spec of row.pathParams) {
    const value = params[spec.name];
    if (value === undefined || value === '') return `path parameter ${spec.name} is missing`;
    if (spec.length !== undefined && [...value].length > spec.length) {
      return `path parameter ${spec.name} is longer than ${spec.length} characters (${spec.type}(${spec.length}))`;
    }
  }
  return undefined;
}

export interface RouteTable {
  /** Every OCPI route: method and Fastify path. */
  routes: { method: string; path: string }[];
  /** The methods served at a concrete path, for 405 answers; undefined when nothing is served there. */
  allowedMethods(path: string): string[] | undefined;
}

export function registerOcpiRoutes(app: FastifyInstance, platform: Platform, now: () => Date): RouteTable {
  const { config } = platform;
  const newest = config.versions[config.versions.length - 1] as OcpiVersion;
  const seen = new Set<string>();
  const templates = new Map<string, Set<string>>();

  app.decorateRequest('ocpiAuth', null);

  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const info = routeInfo(request);
    const result = await platform.authenticate(request.headers.authorization, info.version ?? newest);
    if (!result.ok) {
      reply.header('WWW-Authenticate', 'Token');
      return sendHttpError(reply, HTTP_ERRORS.UNAUTHORIZED, now(), result.message);
    }
    // A registration token (peer still INVITED) opens versions and credentials only (transport chapter).
    if (result.peer.status === 'INVITED' && !info.module.acceptsRegistrationToken) {
      reply.header('WWW-Authenticate', 'Token');
      return sendHttpError(
        reply,
        HTTP_ERRORS.UNAUTHORIZED,
        now(),
        'a registration token is accepted on the versions and credentials endpoints only',
      );
    }
    request.ocpiAuth = { peer: result.peer, token: result.token };
    request.log.debug({ peerId: result.peer.id, tolerances: result.tolerances }, 'authenticated');
    return undefined;
  };

  const checkInput = async (request: FastifyRequest, reply: FastifyReply) => {
    const { row } = routeInfo(request);
    const paramProblem = checkPathParams(row, request.params as Record<string, string>);
    if (paramProblem !== undefined) {
      return sendEnvelope(
        reply,
        200,
        errorResponse(StatusCode.INVALID_OR_MISSING_PARAMETERS, now(), paramProblem),
      );
    }
    const spec = row.requestBody;
    if (spec === undefined) return undefined;
    if (request.body === undefined) {
      if (spec.optional) return undefined;
      return sendHttpError(
        reply,
        HTTP_ERRORS.BODY_NOT_JSON,
        now(),
        `the request body is missing: a ${spec.object} object (JSON) is required`,
      );
    }
    const schema = findSchema(schemasByVersion[row.version], spec.object);
    if (schema === undefined) throw new Error(`no ${spec.object} schema in ${row.version}`);
    const result = validate(schema, request.body, { partial: spec.partial === true });
    if (result.valid) return undefined;
    const shown = result.issues
      .slice(0, 5)
      .map((i) => `${i.pointer || '/'}: ${i.message}`)
      .join('; ');
    const more = result.issues.length > 5 ? ` (and ${result.issues.length - 5} more)` : '';
    return sendEnvelope(
      reply,
      200,
      errorResponse(
        StatusCode.INVALID_OR_MISSING_PARAMETERS,
        now(),
        `invalid ${spec.object}: ${shown}${more}`,
        result.issues.map((i) => ({ pointer: i.pointer, field: i.field, message: i.message })),
      ),
    );
  };

  const register = (version: OcpiVersion | undefined, row: EndpointRow, module: OcpiModule) => {
    const handler = module.handler(row);
    if (handler === undefined) {
      throw new Error(
        `module ${module.id} is enabled but has no handler for ${row.version} ${row.method} '${row.path}'`,
      );
    }
    const path = routePath(row);
    const key = `${row.method} ${path}`;
    if (seen.has(key)) return;
    seen.add(key);
    const template = path.replace(/:([a-z_]+)/g, '{$1}');
    const methods = templates.get(template) ?? new Set<string>();
    methods.add(row.method);
    templates.set(template, methods);
    if (row.requestBody !== undefined) {
      const schema = findSchema(schemasByVersion[row.version], row.requestBody.object);
      if (schema !== undefined) precompile(schema, { partial: row.requestBody.partial === true });
    }
    const info: OcpiRouteInfo = { version, row, module };
    app.route({
      method: row.method,
      url: fastifyPath(path),
      config: { ocpi: info },
      onRequest: authenticate,
      preHandler: checkInput,
      handler: async (request, reply) => {
        const auth = request.ocpiAuth as OcpiAuth;
        const context: OcpiRequestContext = {
          version: row.version,
          row,
          peer: auth.peer,
          presentedToken: auth.token,
          params: request.params as Record<string, string>,
          query: request.query as Record<string, string | undefined>,
          body: request.body,
          log: request.log,
        };
        return sendOutcome(reply, await handler(context), now());
      },
    });
  };

  for (const version of config.versions) {
    for (const [id, module] of platform.modules) {
      const served = id === 'versions' ? ['SENDER', 'RECEIVER'] : servedInterfaces(config, version, id);
      for (const row of rowsFor(version, id)) {
        if (!served.includes(row.interface)) continue;
        // GET /ocpi/versions is one route for every version; it answers as the newest.
        const shared = row.module === 'versions' && row.path === 'versions';
        if (shared && version !== newest) continue;
        register(shared ? undefined : version, row, module);
      }
    }
  }

  return {
    routes: [...seen].map((key) => {
      const [method, path] = key.split(' ') as [string, string];
      return { method, path };
    }),
    allowedMethods(path: string) {
      const out = new Set<string>();
      for (const [template, methods] of templates) {
        if (matchPath(template, path) !== undefined) for (const m of methods) out.add(m);
      }
      return out.size === 0 ? undefined : [...out];
    },
  };
}
