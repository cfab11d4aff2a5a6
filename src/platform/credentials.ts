/**
 * The Credentials module: both sides of the handshake.
 *
 * Receiver (a peer calls us): POST registers a peer that presents its token A, PUT updates a
 * registered peer (new version, new endpoints, new tokens), DELETE unregisters, GET returns our
 * credentials. Initiator (we call a peer): `registerWithPeer`, `updatePeer`, `unregisterPeer`.
 *
 * Rules of the chapter (2.1.1 credentials §1.2–1.4, §3.5, §3.6; 2.2.1/2.3.0 "Interfaces and
 * endpoints" and "Use cases"), and how they are met here:
 * - POST registers in the version of the endpoint it was sent to; the server fetches the client's
 *   versions and the details of that version with the token the client sent. A client not offering
 *   that version gets 3002 (Unsupported version); details without a credentials endpoint 3003 (no
 *   matching endpoints); a versions or details URL we cannot use 3001. Nothing is stored before
 *   every fetch succeeded, and the peer is updated in one transaction.
 * - The server then makes a new token and returns it in our credentials; the token A the client
 *   used is replaced (its hash is overwritten), so it is refused from then on.
 * - POST by a registered client: HTTP 405. PUT or DELETE by a client not registered: HTTP 405.
 * - 2.1.1 credentials carry one party (the first hosted party); 2.2.1+ list every hosted party
 *   as `roles`. Built once in the canonical shape and converted by src/model.
 *
 * Functions that talk to a peer never hold a database transaction across the network call.
 */

import { type CredentialsOf, OcpiClient } from '../client/client.js';
import { OcpiClientError, OcpiHttpError, OcpiStatusError, OcpiTransportError } from '../client/errors.js';
import type { VersionDetailsData } from '../client/readers.js';
import { UrlPolicyError } from '../client/url-policy.js';
import { fromCanonical, toCanonical } from '../model/index.js';
import { HTTP_ERRORS, type OcpiVersion, StatusCode } from '../protocol/index.js';
import { hashToken, newToken } from '../store/tokens.js';
import type { PeerRecord, Store } from '../store/types.js';
import type { NodeConfig } from './config.js';
import {
  failure,
  type OcpiModule,
  type OcpiOutcome,
  type OcpiRequestContext,
  type PlatformLogger,
  rowKey,
  success,
} from './modules.js';
import { ocpiUrls } from './urls.js';
import { highestMutualVersion, type PeerVersion, readPeerVersions } from './versions.js';

// ---------------------------------------------------------------------------------------------
// Pure parts.

type CanonicalRole = Record<string, unknown>;
export type PeerEndpoint = PeerRecord['endpoints'][number];

/** Our Credentials in the canonical (2.3.0) shape: every hosted party as a role. */
export function canonicalCredentials(config: NodeConfig, token: string): Record<string, unknown> {
  return {
    token,
    url: ocpiUrls(config.publicUrl).versions,
    roles: config.parties.map((p) => ({
      role: p.role,
      business_details: p.business_details,
      party_id: p.party_id,
      country_code: p.country_code,
    })),
  };
}

/**
 * Our Credentials object in `version`'s shape. 2.1.1 carries one party: the converter takes the
 * first role (the first configured party) and drops the others.
 */
export function ourCredentials(
  config: NodeConfig,
  version: OcpiVersion,
  token: string,
): Record<string, unknown> {
  return fromCanonical('Credentials', version, canonicalCredentials(config, token)).value;
}

/** A peer's Credentials (validated against its version's schema) in the canonical shape. */
export function readPeerCredentials(
  version: OcpiVersion,
  body: unknown,
): { token: string; url: string; roles: CanonicalRole[] } {
  const canonical = toCanonical('Credentials', version, body).value;
  return {
    token: String(canonical.token),
    url: String(canonical.url),
    roles: Array.isArray(canonical.roles) ? (canonical.roles as CanonicalRole[]) : [],
  };
}

/**
 * A peer's endpoints in the canonical shape (2.3.0 Endpoint: identifier, role, url). 2.1.1
 * endpoints have no role; the Versions converter infers it. Entries without a usable role are
 * dropped (a 2.2+ peer that sends none gives us nothing to route by).
 */
export function readPeerEndpoints(version: OcpiVersion, details: VersionDetailsData): PeerEndpoint[] {
  const canonical = toCanonical('VersionDetails', version, details).value;
  const endpoints = Array.isArray(canonical.endpoints) ? canonical.endpoints : [];
  const out: PeerEndpoint[] = [];
  for (const e of endpoints as Record<string, unknown>[]) {
    const role = e.identifier === 'credentials' && e.role === undefined ? 'SENDER' : e.role;
    if (typeof e.identifier !== 'string' || typeof e.url !== 'string') continue;
    if (role !== 'SENDER' && role !== 'RECEIVER') continue;
    out.push({ identifier: e.identifier, role, url: e.url });
  }
  return out;
}

/** The URL of the peer's credentials endpoint among its endpoints. */
export function credentialsEndpoint(endpoints: readonly PeerEndpoint[]): string | undefined {
  return endpoints.find((e) => e.identifier === 'credentials')?.url;
}

// ---------------------------------------------------------------------------------------------
// Errors.

/**
 * A handshake step that failed, with the OCPI status that says why: 3001 (the peer's API could
 * not be used), 3002 (no version in common), 3003 (no credentials endpoint), or the status the
 * peer answered with. `httpStatus` is set when the peer's answer carried an HTTP error.
 */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The peer is not in a state the action needs (update an unregistered peer, …). */
export class PeerStateError extends Error {
  override readonly name = 'PeerStateError';
}

/** A one-line reason from a client error, safe to show and log (the client redacts our token from them). */
export function describeClientError(error: unknown): string {
  if (error instanceof UrlPolicyError) return `URL refused by policy (${error.code}): ${error.message}`;
  if (error instanceof OcpiTransportError) return `${error.code}: ${error.message}`;
  if (error instanceof OcpiClientError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// ---------------------------------------------------------------------------------------------
// Talking to a peer.

/** Makes the client for one peer: a version (token encoding, headers) and the token we present. */
export type ClientFactory = (options: { version: OcpiVersion; token: string }) => OcpiClient;

/** The production factory: the node's URL policy (development mode or not) on every call. */
export function defaultClientFactory(
  config: Pick<NodeConfig, 'dev'>,
  overrides: { timeoutMs?: number } = {},
) {
  return ({ version, token }: { version: OcpiVersion; token: string }) =>
    new OcpiClient({ version, token, urlPolicy: { dev: config.dev }, ...overrides });
}

/** What the handshake learns from a peer's version details. */
interface Discovery {
  version: OcpiVersion;
  versionUrl: string;
  endpoints: PeerEndpoint[];
  credentialsUrl: string;
}

/** Fetches the peer's versions list; any failure is a HandshakeError 3001. */
async function fetchVersions(client: OcpiClient, versionsUrl: string): Promise<PeerVersion[]> {
  try {
    return readPeerVersions((await client.getVersions(versionsUrl)).data);
  } catch (error) {
    throw new HandshakeError(
      StatusCode.UNABLE_TO_USE_CLIENT_API,
      `could not fetch the versions at ${safeUrl(versionsUrl)}: ${describeClientError(error)}`,
      undefined,
      { cause: error },
    );
  }
}

/** Fetches one version's details; 3001 when that fails, 3003 when they list no credentials endpoint. */
async function fetchDetails(client: OcpiClient, version: PeerVersion): Promise<Discovery> {
  let details: VersionDetailsData;
  try {
    details = (await client.getVersionDetails(version.url)).data;
  } catch (error) {
    throw new HandshakeError(
      StatusCode.UNABLE_TO_USE_CLIENT_API,
      `could not fetch the ${version.version} details at ${safeUrl(version.url)}: ${describeClientError(error)}`,
      undefined,
      { cause: error },
    );
  }
  if (String(details.version).trim() !== version.version) {
    throw new HandshakeError(
      StatusCode.UNABLE_TO_USE_CLIENT_API,
      `the details at ${safeUrl(version.url)} describe version ${String(details.version)}, not ${version.version}`,
    );
  }
  const endpoints = readPeerEndpoints(version.version, details);
  const credentialsUrl = credentialsEndpoint(endpoints);
  if (credentialsUrl === undefined) {
    throw new HandshakeError(
      StatusCode.NO_MATCHING_ENDPOINTS,
      `the ${version.version} details at ${safeUrl(version.url)} list no credentials endpoint`,
    );
  }
  return { version: version.version, versionUrl: version.url, endpoints, credentialsUrl };
}

/** A URL for messages: never more than scheme, host and path (a query could carry anything). */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

const describeVersions = (list: readonly { version: string }[]) =>
  list.length === 0 ? 'none we know' : list.map((v) => v.version).join(', ');

// ---------------------------------------------------------------------------------------------
// The service.

export interface CredentialsDeps {
  config: NodeConfig;
  store: Store;
  clientFactory: ClientFactory;
  log?: PlatformLogger;
  /**
   * A peer was registered or its registration updated (either side started it): the node pulls
   * what the peer sends, since it cannot know what it missed. Called without waiting.
   */
  onConnected?: (peer: PeerRecord) => void;
}

/** 405 with the envelope: the credentials call does not fit the peer's registration state. */
function wrongState(message: string): OcpiOutcome {
  const situation = HTTP_ERRORS.CREDENTIALS_WRONG_STATE;
  return failure(situation.statusCode, message, situation.http);
}

/**
 * An INVITED peer with a versions URL is one we are registering with ourselves right now
 * (`registerWithPeer` stores it before its POST, so the peer can call our versions endpoint with
 * the token we are about to hand over). It is not a peer that may register with us.
 */
export const isOutgoingHandshake = (peer: PeerRecord): boolean =>
  peer.status === 'INVITED' && peer.versionsUrl !== null;

export function createCredentialsService(deps: CredentialsDeps) {
  const { config, store, clientFactory } = deps;

  /**
   * Receiver side of POST and PUT: fetch the client's versions and the details of `version` (the
   * version of the endpoint called) with the token it sent.
   */
  async function discoverClient(version: OcpiVersion, peerCredentials: { token: string; url: string }) {
    const client = clientFactory({ version, token: peerCredentials.token });
    const offered = await fetchVersions(client, peerCredentials.url);
    const match = offered.find((v) => v.version === version);
    if (match === undefined) {
      throw new HandshakeError(
        StatusCode.UNSUPPORTED_VERSION,
        `registration in ${version} needs version ${version} at both sides; your versions endpoint offers ${describeVersions(offered)}`,
      );
    }
    return fetchDetails(client, match);
  }

  function handshakeFailure(error: unknown, log: PlatformLogger, peer: PeerRecord): OcpiOutcome {
    if (!(error instanceof HandshakeError)) throw error;
    log.warn(
      { peerId: peer.id, statusCode: error.statusCode, reason: error.message },
      'credentials exchange failed',
    );
    return failure(error.statusCode, error.message);
  }

  /**
   * The exchange POST and PUT share: read the peer's credentials, fetch its versions and details
   * (before anything is stored), then store the result and a fresh token of ours in one
   * transaction that re-reads the peer, so a concurrent exchange with the same token loses cleanly.
   */
  async function exchange(
    ctx: OcpiRequestContext,
    expected: PeerRecord['status'],
    raceMessage: string,
  ): Promise<{ outcome: OcpiOutcome; stored: boolean }> {
    const { peer, version, log } = ctx;
    const theirs = readPeerCredentials(version, ctx.body);
    let discovery: Discovery;
    try {
      discovery = await discoverClient(version, theirs);
    } catch (error) {
      return { outcome: handshakeFailure(error, log, peer), stored: false };
    }
    const ourToken = newToken();
    const stored = await store.transaction(async (tx) => {
      const current = await tx.peers.findById(peer.id);
      if (current?.status !== expected || current.incomingTokenHash !== peer.incomingTokenHash)
        return undefined;
      return tx.peers.update(peer.id, {
        status: 'REGISTERED',
        incomingTokenHash: hashToken(ourToken),
        outgoingToken: theirs.token,
        versionsUrl: theirs.url,
        version,
        endpoints: discovery.endpoints,
        roles: theirs.roles,
      });
    });
    if (stored === undefined) return { outcome: wrongState(raceMessage), stored: false };
    deps.onConnected?.(stored);
    return { outcome: success(ourCredentials(config, version, ourToken)), stored: true };
  }

  /** POST /{version}/credentials: a peer holding our token A registers. */
  async function receivePost(ctx: OcpiRequestContext): Promise<OcpiOutcome> {
    const { peer, version, log } = ctx;
    if (peer.status === 'REGISTERED') {
      return wrongState('already registered: use PUT to update the credentials, or DELETE to unregister');
    }
    if (isOutgoingHandshake(peer)) {
      return wrongState('a registration with you is already under way from our side');
    }
    const { outcome, stored } = await exchange(
      ctx,
      'INVITED',
      'already registered (a concurrent registration completed first)',
    );
    if (stored) log.info({ peerId: peer.id, version }, 'peer registered');
    return outcome;
  }

  /** PUT /{version}/credentials: a registered peer updates (version switch, endpoints, tokens). */
  async function receivePut(ctx: OcpiRequestContext): Promise<OcpiOutcome> {
    const { peer, version, log } = ctx;
    if (peer.status !== 'REGISTERED') return wrongState('not registered: register with POST first');
    const { outcome, stored } = await exchange(
      ctx,
      'REGISTERED',
      'the registration changed meanwhile; retry',
    );
    if (stored)
      log.info({ peerId: peer.id, version, previousVersion: peer.version }, 'peer credentials updated');
    return outcome;
  }

  /** DELETE /{version}/credentials: the peer unregisters; both tokens become void. */
  async function receiveDelete(ctx: OcpiRequestContext): Promise<OcpiOutcome> {
    const { peer, log } = ctx;
    if (peer.status !== 'REGISTERED') return wrongState('not registered');
    await store.peers.update(peer.id, {
      status: 'UNREGISTERED',
      incomingTokenHash: null,
      outgoingToken: null,
    });
    log.info({ peerId: peer.id }, 'peer unregistered');
    return success();
  }

  /** GET /{version}/credentials: our credentials, with the token the caller uses with us. */
  async function receiveGet(ctx: OcpiRequestContext): Promise<OcpiOutcome> {
    return success(ourCredentials(config, ctx.version, ctx.presentedToken));
  }

  // -------------------------------------------------------------------------------------------
  // Initiator side.

  /**
   * Fetches a peer's versions with a token whose encoding we cannot know yet (the version is
   * not negotiated): our newest version's encoding first (Base64), then, on HTTP 401 and when
   * we offer 2.1.1, the raw 2.1.1 form. The transport chapter tells implementers to find the
   * right form by trial and error.
   */
  async function fetchVersionsAnyEncoding(versionsUrl: string, token: string): Promise<PeerVersion[]> {
    const newest = config.versions[config.versions.length - 1] as OcpiVersion;
    try {
      return await fetchVersions(clientFactory({ version: newest, token }), versionsUrl);
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      const unauthorized =
        (cause instanceof OcpiStatusError || cause instanceof OcpiHttpError) && cause.httpStatus === 401;
      if (!unauthorized || newest === '2.1.1' || !config.versions.includes('2.1.1')) throw error;
      return fetchVersions(clientFactory({ version: '2.1.1', token }), versionsUrl);
    }
  }

  /**
   * Registers with a peer that gave us its versions URL and a token A (out of band): chooses the
   * highest version both offer, fetches its details, POSTs our credentials with a fresh token and
   * stores the peer's. On any failure nothing is kept (the peer's row made for the exchange is
   * removed) and a HandshakeError says why; with no version in common nothing is even sent.
   */
  async function registerWithPeer(input: {
    versionsUrl: string;
    token: string;
    name?: string | null;
  }): Promise<PeerRecord> {
    const log = deps.log;
    const offered = await fetchVersionsAnyEncoding(input.versionsUrl, input.token);
    const mutual = highestMutualVersion(config.versions, offered);
    if (mutual === undefined) {
      throw new HandshakeError(
        StatusCode.UNSUPPORTED_VERSION,
        `no mutual version: we offer ${config.versions.join(', ')}, the peer offers ${describeVersions(offered)}`,
      );
    }
    const client = clientFactory({ version: mutual.version, token: input.token });
    const discovery = await fetchDetails(client, mutual);

    // Our token for the peer must work before the POST: the peer fetches our versions with it
    // while handling the POST. Stored as an INVITED peer with a versions URL (isOutgoingHandshake).
    const ourToken = newToken();
    const pending = await store.peers.create({
      name: input.name ?? null,
      status: 'INVITED',
      incomingTokenHash: hashToken(ourToken),
      versionsUrl: input.versionsUrl,
      version: discovery.version,
      endpoints: discovery.endpoints,
    });
    const theirs = await sendCredentials(client, discovery, ourToken, 'POST', async () => {
      await store.peers.delete(pending.id);
    });
    const peer = await store.peers.update(pending.id, {
      status: 'REGISTERED',
      outgoingToken: theirs.token,
      versionsUrl: theirs.url,
      roles: theirs.roles,
    });
    log?.info({ peerId: peer.id, version: peer.version }, 'registered with peer');
    deps.onConnected?.(peer);
    return peer;
  }

  /**
   * POSTs (registration) or PUTs (update) our credentials with `ourToken` and reads the peer's
   * from the answer. On failure `undo` takes back what was stored for the exchange first.
   */
  async function sendCredentials(
    client: OcpiClient,
    discovery: Discovery,
    ourToken: string,
    method: 'POST' | 'PUT',
    undo: () => Promise<void>,
  ): Promise<ReturnType<typeof readPeerCredentials>> {
    try {
      const credentials = ourCredentials(config, discovery.version, ourToken) as CredentialsOf<OcpiVersion>;
      const response =
        method === 'POST'
          ? await client.postCredentials(discovery.credentialsUrl, credentials)
          : await client.putCredentials(discovery.credentialsUrl, credentials);
      return readPeerCredentials(discovery.version, response.data);
    } catch (error) {
      await undo();
      throw postFailure(method === 'POST' ? 'registration' : 'credentials update', error);
    }
  }

  /** A failed POST/PUT at the peer as a HandshakeError carrying the peer's status when it gave one. */
  function postFailure(what: string, error: unknown): HandshakeError {
    if (error instanceof OcpiStatusError) {
      return new HandshakeError(
        error.code,
        `the peer refused the ${what}: ${describeClientError(error)}`,
        error.httpStatus,
        { cause: error },
      );
    }
    return new HandshakeError(
      StatusCode.UNABLE_TO_USE_CLIENT_API,
      `the ${what} at the peer failed: ${describeClientError(error)}`,
      error instanceof OcpiHttpError ? error.httpStatus : undefined,
      { cause: error },
    );
  }

  async function registeredPeer(
    id: string,
  ): Promise<PeerRecord & { outgoingToken: string; versionsUrl: string; version: OcpiVersion }> {
    const peer = await store.peers.findById(id);
    if (peer === undefined) throw new PeerStateError(`no peer with id ${id}`);
    if (
      peer.status !== 'REGISTERED' ||
      peer.outgoingToken === null ||
      peer.versionsUrl === null ||
      peer.version === null
    ) {
      throw new PeerStateError(`peer ${id} is ${peer.status}, not REGISTERED`);
    }
    return peer as PeerRecord & { outgoingToken: string; versionsUrl: string; version: OcpiVersion };
  }

  /**
   * Updates a registered peer (credentials chapter, "Updating to a newer version" and "Updating
   * the credentials"): fetches its versions again with the token it gave us, switches to the
   * highest mutual version, fetches its endpoints, PUTs our credentials with a new token and stores
   * the new token it answers with. Our previous token for the peer stops working when the PUT is
   * sent (we keep one token hash per peer); if the PUT fails it is restored.
   */
  async function updatePeer(id: string): Promise<PeerRecord> {
    const peer = await registeredPeer(id);
    const current = clientFactory({ version: peer.version, token: peer.outgoingToken });
    const offered = await fetchVersions(current, peer.versionsUrl);
    const mutual = highestMutualVersion(config.versions, offered);
    if (mutual === undefined) {
      throw new HandshakeError(
        StatusCode.UNSUPPORTED_VERSION,
        `no mutual version any more: we offer ${config.versions.join(', ')}, the peer offers ${describeVersions(offered)}`,
      );
    }
    const client = clientFactory({ version: mutual.version, token: peer.outgoingToken });
    const discovery = await fetchDetails(client, mutual);
    const ourToken = newToken();
    await store.peers.update(id, { incomingTokenHash: hashToken(ourToken) });
    const theirs = await sendCredentials(client, discovery, ourToken, 'PUT', async () => {
      await store.peers.update(id, { incomingTokenHash: peer.incomingTokenHash });
    });
    const updated = await store.peers.update(id, {
      outgoingToken: theirs.token,
      versionsUrl: theirs.url,
      version: discovery.version,
      endpoints: discovery.endpoints,
      roles: theirs.roles,
    });
    deps.log?.info(
      { peerId: id, version: updated.version, previousVersion: peer.version },
      'updated peer credentials',
    );
    deps.onConnected?.(updated);
    return updated;
  }

  /**
   * Ends the connection: DELETE at the peer's credentials endpoint, then both tokens are voided
   * here whatever the peer answered (we stop talking to it either way; the answer is reported).
   * An INVITED peer (an invitation never used) is simply revoked.
   */
  async function unregisterPeer(
    id: string,
  ): Promise<{ peer: PeerRecord; remote: { ok: true } | { ok: false; reason: string } }> {
    const found = await store.peers.findById(id);
    if (found === undefined) throw new PeerStateError(`no peer with id ${id}`);
    if (found.status === 'UNREGISTERED') throw new PeerStateError(`peer ${id} is already UNREGISTERED`);
    let remote: { ok: true } | { ok: false; reason: string } = { ok: true };
    if (found.status === 'REGISTERED') {
      const peer = await registeredPeer(id);
      const url = credentialsEndpoint(peer.endpoints);
      if (url === undefined) {
        remote = { ok: false, reason: 'the peer listed no credentials endpoint' };
      } else {
        try {
          await clientFactory({ version: peer.version, token: peer.outgoingToken }).deleteCredentials(url);
        } catch (error) {
          remote = { ok: false, reason: describeClientError(error) };
        }
      }
    }
    const peer = await store.peers.update(id, {
      status: 'UNREGISTERED',
      incomingTokenHash: null,
      outgoingToken: null,
    });
    deps.log?.info({ peerId: id, remoteOk: remote.ok }, 'unregistered peer');
    return { peer, remote };
  }

  /** Makes a token A for a peer to register with us, and the versions URL to give it. */
  async function invitePeer(input: { name?: string | null } = {}) {
    const token = newToken();
    const peer = await store.peers.create({
      name: input.name ?? null,
      status: 'INVITED',
      incomingTokenHash: hashToken(token),
    });
    return { peer, token, versionsUrl: ocpiUrls(config.publicUrl).versions };
  }

  return {
    receiveGet,
    receivePost,
    receivePut,
    receiveDelete,
    registerWithPeer,
    updatePeer,
    unregisterPeer,
    invitePeer,
  };
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;

/** The credentials module: its four endpoints in every version, open to a registration token. */
export function credentialsModule(service: CredentialsService): OcpiModule {
  const handlers: Record<string, (ctx: OcpiRequestContext) => Promise<OcpiOutcome>> = {
    'GET ': service.receiveGet,
    'POST ': service.receivePost,
    'PUT ': service.receivePut,
    'DELETE ': service.receiveDelete,
  };
  return {
    id: 'credentials',
    acceptsRegistrationToken: true,
    handler: (row) => handlers[rowKey(row)],
  };
}
