/**
 * The node's HTTP server: a Fastify app with the OCPI routes of the enabled modules (generated
 * from the endpoint table), authentication, the envelope on every answer, message-id headers,
 * GET /health, and structured logs without tokens.
 *
 *   const app = buildApp({ config, store });
 *   await app.listen({ host: '127.0.0.1', port: 8080 });
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { NodeConfig } from '../platform/config.js';
import type { ClientFactory } from '../platform/credentials.js';
import type { OcpiModule } from '../platform/modules.js';
import { createPlatform, type Platform, type PlatformOptions } from '../platform/platform.js';
import { errorResponse, StatusCode } from '../protocol/index.js';
import type { Store } from '../store/types.js';
import { registerAdminApi } from './admin.js';
import {
  genReqId,
  installErrorHandlers,
  installJsonParser,
  installMessageIdHeaders,
  sendEnvelope,
} from './envelope.js';
import { createLogger } from './logger.js';
import { type RouteTable, registerOcpiRoutes } from './ocpi-routes.js';

export interface BuildAppOptions {
  config: NodeConfig;
  store: Store;
  /** Makes the OCPI client for a peer; default: OcpiClient under the node's URL policy. */
  clientFactory?: ClientFactory;
  /** A pino logger (see createLogger, which redacts tokens); false for none. Default: createLogger(). */
  logger?: Logger | false;
  /** The clock of response timestamps (tests pin it). */
  now?: () => Date;
  /** Further module implementations (see PlatformOptions.modules). */
  modules?: readonly OcpiModule[];
  /** See PlatformOptions.onMissingObject (default: pull the peer's objects). */
  onMissingObject?: PlatformOptions['onMissingObject'];
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  bodyLimit?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The node behind the routes: config, store, modules, credentials service. */
    platform: Platform;
    /** The generated OCPI routes. */
    ocpiRoutes: RouteTable;
  }
}

export function buildApp(options: BuildAppOptions): FastifyInstance {
  const now = options.now ?? (() => new Date());
  const logger = options.logger === undefined ? createLogger() : options.logger;
  const app = Fastify({
    ...(logger === false ? { logger: false } : { loggerInstance: logger }),
    genReqId,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Peers write URLs with and without a trailing slash (the spec's own examples do both).
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    // Errors Fastify raises before any route runs (a URL that is not valid percent-encoding):
    // HTTP 400 with the envelope and 2001, like any other bad input, never Fastify's own body.
    frameworkErrors: (error, _request, reply) =>
      sendEnvelope(
        reply,
        400,
        errorResponse(
          StatusCode.INVALID_OR_MISSING_PARAMETERS,
          now(),
          `the request URL is not valid: ${error.message}`,
        ),
      ),
  }) as unknown as FastifyInstance;

  const platform = createPlatform({
    config: options.config,
    store: options.store,
    ...(options.clientFactory === undefined ? {} : { clientFactory: options.clientFactory }),
    ...(options.modules === undefined ? {} : { modules: options.modules }),
    ...(options.onMissingObject === undefined ? {} : { onMissingObject: options.onMissingObject }),
    log: app.log,
  });
  app.decorate('platform', platform);

  installJsonParser(app);
  installMessageIdHeaders(app);
  const table = registerOcpiRoutes(app, platform, now);
  app.decorate('ocpiRoutes', table);
  installErrorHandlers(app, now, (path) => table.allowedMethods(path), options.config.versions);

  // Not OCPI: for load balancers and operators. No auth, and it says nothing but up or down.
  app.get('/health', async (_request, reply) => {
    let database = false;
    try {
      database = await options.store.ping();
    } catch {
      database = false;
    }
    return reply.code(database ? 200 : 503).send({ status: database ? 'ok' : 'unavailable', database });
  });

  // Operators' API under /admin (plain JSON, its own token; off without one): src/http/admin.ts.
  registerAdminApi(app);

  return app;
}
