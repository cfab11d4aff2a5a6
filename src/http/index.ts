/** The node's HTTP server. */

export {
  ADMIN_BASE_PATH,
  type InviteResult,
  PeerActionError,
  type PeerActions,
  peerActions,
  registerAdminApi,
} from './admin.js';
export { type BuildAppOptions, buildApp } from './app.js';
export { createLogger, type LoggerSettings, loggerOptions, REDACT_PATHS } from './logger.js';
export { type OcpiAuth, type OcpiRouteInfo, type RouteTable, routePath } from './ocpi-routes.js';
