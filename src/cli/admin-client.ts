/**
 * The command line's client of a running node's admin API (`--url` + `--admin-token`), shared by
 * `roamkit peers` and `roamkit outbox`: one call, the bearer token, no redirects, a timeout, the
 * JSON answer, and the failures that are about reaching the node (NodeAccessError) told apart from
 * a command's own errors (the caller's `toError`).
 */
import { ADMIN_BASE_PATH } from '../http/admin.js';
import { isLoopbackHost } from '../platform/config.js';

/** The node could not be reached or used (admin API, database); not an action's own error. */
export class NodeAccessError extends Error {
  override readonly name = 'NodeAccessError';
}

/** A non-OK answer of the admin API, its fields checked (AdminErrorBody as far as it is one). */
export interface AdminErrorAnswer {
  /** The HTTP status. */
  status: number;
  error?: string;
  /** The answer's message, else `HTTP <status>`. */
  message: string;
  field?: string;
  ocpi_status?: number;
}

/** What a caller of the admin API may choose (tests: their own fetch, a shorter timeout). */
export interface AdminClientOptions {
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** How long one call may take; default: the command's. */
  timeoutMs?: number;
}

/** What the command using the admin API brings. */
export interface AdminCommand {
  /** How long one call may take unless the caller says. */
  timeoutMs: number;
  /**
   * The command's own error for an answer (e.g. `bad_request` → its error class), or undefined:
   * then the call fails with a NodeAccessError naming the HTTP status.
   */
  toError: (answer: AdminErrorAnswer) => Error | undefined;
}

export type AdminCall = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<T>;

/** Calls of the admin API of the node at `baseUrl` (the node's URL, without /admin). */
export function adminApi(
  baseUrl: string,
  adminToken: string,
  options: AdminClientOptions,
  command: AdminCommand,
): AdminCall {
  const fetchImpl = options.fetch ?? fetch;
  const base = baseUrl.replace(/\/+$/, '');

  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${ADMIN_BASE_PATH}${path}`, {
        method,
        redirect: 'error', // the admin token must not follow a redirect anywhere
        signal: AbortSignal.timeout(options.timeoutMs ?? command.timeoutMs),
        headers: {
          authorization: `Bearer ${adminToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new NodeAccessError(`cannot reach the admin API at ${base}: ${unreachableReason(error)}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.ok) {
      if (json === undefined) throw new NodeAccessError(`the admin API at ${base} answered without JSON`);
      return json as T;
    }
    if (response.status === 401) {
      throw new NodeAccessError(`the node at ${base} refused the admin token (HTTP 401)`);
    }
    const answer = errorAnswer(response.status, json);
    // The admin API's 404 when it is off is not about what the command asked for: say so.
    if (answer.error === 'not_found' && /admin API is off/.test(answer.message)) {
      throw new NodeAccessError(answer.message);
    }
    const own = command.toError(answer);
    if (own !== undefined) throw own;
    throw new NodeAccessError(`the admin API at ${base} answered HTTP ${response.status}: ${answer.message}`);
  };
}

/** Why fetch failed: it says only "fetch failed"; the reason (ECONNREFUSED, bad port, …) is in its cause. */
function unreachableReason(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail =
    cause?.message === undefined
      ? cause?.code
      : cause.code === undefined || cause.message.includes(cause.code)
        ? cause.message
        : `${cause.code} ${cause.message}`;
  return detail ?? (error as Error).message;
}

function errorAnswer(status: number, json: unknown): AdminErrorAnswer {
  const body = (json ?? {}) as { error?: unknown; message?: unknown; field?: unknown; ocpi_status?: unknown };
  return {
    status,
    message: typeof body.message === 'string' ? body.message : `HTTP ${status}`,
    ...(typeof body.error === 'string' ? { error: body.error } : {}),
    ...(typeof body.field === 'string' ? { field: body.field } : {}),
    ...(typeof body.ocpi_status === 'number' ? { ocpi_status: body.ocpi_status } : {}),
  };
}

/** Warns (on `err`) before the admin token goes over plain http beyond loopback. */
export function warnIfPlainHttp(url: string, err: (line: string) => void): void {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    err(`warning: sending the admin token over plain http to ${parsed.host}; use https beyond loopback`);
  }
}
