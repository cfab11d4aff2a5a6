/**
 * The node's structured logs: pino (Fastify's own), JSON lines with the request id on every line
 * of a request. Tokens never reach a log line: request headers are not serialised at all
 * (Fastify's request serializer logs method, URL, host and remote address), and the paths where
 * a token could sit are redacted all the same, in case a later change logs them.
 */
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

/** Where a token could appear in a log object; every one is censored. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'headers.Authorization',
  'authorization',
  'Authorization',
  'token',
  '*.token',
  'outgoingToken',
  '*.outgoingToken',
  'incomingTokenHash',
  '*.incomingTokenHash',
  'adminToken',
  '*.adminToken',
];

export interface LoggerSettings {
  level?: LoggerOptions['level'];
  /** Default: standard output. Tests pass a stream they read. */
  destination?: DestinationStream;
}

export function loggerOptions(level: LoggerOptions['level'] = 'info'): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'roamkit' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options = loggerOptions(settings.level);
  return settings.destination === undefined ? pino(options) : pino(options, settings.destination);
}
