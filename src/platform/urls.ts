/**
 * Where this node serves OCPI: the URL layout, in one place. The spec leaves every URL to its
 * owner; Roamkit serves `{publicUrl}/ocpi/versions`, `{publicUrl}/ocpi/{version}` and each module
 * below its version. A module that has both interfaces (e.g. Locations for a node hosting a CPO
 * and an eMSP) would have clashing paths under one URL (`locations/{location_id}/{evse_uid}` of
 * the Sender against `locations/{country_code}/{party_id}/{location_id}` of the Receiver), so a
 * module's URL names its interface; credentials, symmetric, is served at `{version}/credentials`.
 */
import { type InterfaceRole, type ModuleId, type OcpiVersion, rowsFor } from '../protocol/index.js';

/** The path prefix of every OCPI route on the server. */
export const OCPI_BASE_PATH = '/ocpi';

/** Path (on this server) of a module's endpoint in a version. */
export function modulePath(version: OcpiVersion, module: ModuleId, iface: InterfaceRole): string {
  if (module === 'credentials') return `${OCPI_BASE_PATH}/${version}/credentials`;
  return `${OCPI_BASE_PATH}/${version}/${sideSegment(version, module, iface)}/${module}`;
}

/**
 * The segment naming a module's interface. 2.1.1 endpoints carry no role, so a peer can tell the
 * two sides of a module apart only by the URL: there the segment is the side's party (`cpo` or
 * `emsp`), the layout of the spec's own examples, which peers (and our Versions converter) read.
 * 2.2.1+ endpoints carry their role; the segment is the role (`sender` or `receiver`).
 */
function sideSegment(version: OcpiVersion, module: ModuleId, iface: InterfaceRole): string {
  if (version !== '2.1.1') return iface.toLowerCase();
  const party = rowsFor(version, module, iface)[0]?.roles[0];
  return party === undefined ? iface.toLowerCase() : party.toLowerCase();
}

export const versionsPath = (): string => `${OCPI_BASE_PATH}/versions`;
export const versionDetailsPath = (version: OcpiVersion): string => `${OCPI_BASE_PATH}/${version}`;

/** The URLs peers are given: the public URL plus the path. */
export function ocpiUrls(publicUrl: string) {
  return {
    versions: `${publicUrl}${versionsPath()}`,
    details: (version: OcpiVersion) => `${publicUrl}${versionDetailsPath(version)}`,
    module: (version: OcpiVersion, module: ModuleId, iface: InterfaceRole) =>
      `${publicUrl}${modulePath(version, module, iface)}`,
  };
}
