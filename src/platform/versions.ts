/**
 * The Versions module on our side (what GET /ocpi/versions and GET /ocpi/{version} answer) and
 * the version negotiation with a peer. Pure functions over the configuration.
 */
import {
  type InterfaceRole,
  type ModuleId,
  OCPI_VERSIONS,
  type OcpiVersion,
  rowsFor,
} from '../protocol/index.js';
import type { NodeConfig } from './config.js';
import { type OcpiModule, success } from './modules.js';
import { ocpiUrls } from './urls.js';

/** `data` of GET /ocpi/versions: every offered version and its details URL. */
export function versionList(config: NodeConfig): { version: OcpiVersion; url: string }[] {
  const urls = ocpiUrls(config.publicUrl);
  return config.versions.map((version) => ({ version, url: urls.details(version) }));
}

/**
 * The interfaces of a module this node serves in a version: those whose rows name a role one of
 * our parties plays. Credentials is symmetric: one endpoint, listed as SENDER (the 2.2.1 Versions
 * chapter advises SENDER for one's own credentials endpoint; the role means nothing there).
 */
export function servedInterfaces(
  config: NodeConfig,
  version: OcpiVersion,
  module: ModuleId,
): InterfaceRole[] {
  if (module === 'versions') return [];
  if (module === 'credentials') return ['SENDER'];
  const roles = new Set<string>(config.parties.map((p) => p.role));
  const out: InterfaceRole[] = [];
  for (const iface of ['SENDER', 'RECEIVER'] as const) {
    if (rowsFor(version, module, iface).some((row) => row.roles.some((r) => roles.has(r)))) out.push(iface);
  }
  return out;
}

export type OurEndpoint = { identifier: ModuleId; role: InterfaceRole; url: string };

/** Our endpoints in a version: one per enabled module and served interface (canonical shape). */
export function ourEndpoints(config: NodeConfig, version: OcpiVersion): OurEndpoint[] {
  const urls = ocpiUrls(config.publicUrl);
  const out: OurEndpoint[] = [];
  for (const module of config.modules) {
    for (const role of servedInterfaces(config, version, module)) {
      out.push({ identifier: module, role, url: urls.module(version, module, role) });
    }
  }
  return out;
}

/**
 * `data` of GET /ocpi/{version}: exactly the enabled modules, in the version's own shape. 2.1.1's
 * Endpoint has no interface role (identifier and url only); 2.2.1 and 2.3.0 carry `role`.
 */
export function versionDetails(
  config: NodeConfig,
  version: OcpiVersion,
): { version: OcpiVersion; endpoints: Record<string, string>[] } {
  const endpoints = ourEndpoints(config, version).map(
    (e): Record<string, string> =>
      version === '2.1.1'
        ? { identifier: e.identifier, url: e.url }
        : { identifier: e.identifier, role: e.role, url: e.url },
  );
  return { version, endpoints };
}

/** A peer's offered version as we read it from its versions list. */
export interface PeerVersion {
  version: OcpiVersion;
  url: string;
}

/**
 * The versions a peer offers that we know, from the `data` of its GET versions. Entries we do not
 * understand (versions we do not speak, such as 2.0 or a newer one; malformed entries) are skipped:
 * a peer may well list more than we know.
 */
export function readPeerVersions(data: unknown): PeerVersion[] {
  if (!Array.isArray(data)) return [];
  const out: PeerVersion[] = [];
  for (const item of data) {
    if (item === null || typeof item !== 'object') continue;
    const { version, url } = item as Record<string, unknown>;
    if (typeof version !== 'string' || typeof url !== 'string') continue;
    const known = OCPI_VERSIONS.find((v) => v === version.trim());
    if (known !== undefined && !out.some((o) => o.version === known)) out.push({ version: known, url });
  }
  return out;
}

/** The highest version both we and the peer offer, or undefined when there is none. */
export function highestMutualVersion(
  ours: readonly OcpiVersion[],
  theirs: readonly PeerVersion[],
): PeerVersion | undefined {
  for (const version of [...OCPI_VERSIONS].reverse()) {
    if (!ours.includes(version)) continue;
    const match = theirs.find((t) => t.version === version);
    if (match !== undefined) return match;
  }
  return undefined;
}

/** The versions module: GET {base}/versions and GET {base}/{version}, open to a registration token. */
export function versionsModule(config: NodeConfig): OcpiModule {
  return {
    id: 'versions',
    acceptsRegistrationToken: true,
    handler: (row) =>
      row.path === 'versions'
        ? async () => success(versionList(config))
        : async () => success(versionDetails(config, row.version)),
  };
}
