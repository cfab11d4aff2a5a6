/** OCPI 2.2.1, chapter "Versions": the version information and version details endpoints. */
import type { Static } from '@sinclair/typebox';
import { DerivedClass, enumValues, OcpiClass, OcpiEnum, OneOrMore, Url } from '../common/primitives.js';
import * as v2_1_1 from '../v2_1_1/versions.js';

/** 2.2.1: adds 2.2 and 2.2.1. Closed as typed, though a peer's /versions may list newer ones. */
export const VersionNumber = OcpiEnum('VersionNumber', [...enumValues(v2_1_1.VersionNumber), '2.2', '2.2.1']);
export type VersionNumber = Static<typeof VersionNumber>;

/** Which side of a module an endpoint implements (new in 2.2). */
export const InterfaceRole = OcpiEnum('InterfaceRole', ['SENDER', 'RECEIVER']);
export type InterfaceRole = Static<typeof InterfaceRole>;

/**
 * 2.2: adds chargingprofiles and hubclientinfo. Custom ids are allowed by agreement; closed here
 * as the spec types it, so a custom id fails validation and must be handled before it.
 */
export const ModuleID = OcpiEnum('ModuleID', [
  ...enumValues(v2_1_1.ModuleID),
  'chargingprofiles',
  'hubclientinfo',
]);
export type ModuleID = Static<typeof ModuleID>;

/** Redefined because VersionNumber gained values. */
export const Version = DerivedClass('Version', v2_1_1.Version, { version: VersionNumber });
export type Version = Static<typeof Version>;

/** `data` of GET on the versions endpoint (the spec gives it no class name; named after its heading). */
export const VersionInformation = OneOrMore(Version);
export type VersionInformation = Static<typeof VersionInformation>;

/** 2.2: adds `role`; for `credentials` the role carries no meaning. */
export const Endpoint = OcpiClass('Endpoint', {
  identifier: ModuleID,
  role: InterfaceRole,
  url: Url(),
});
export type Endpoint = Static<typeof Endpoint>;

/** `data` of GET on a version details endpoint (no class name in the spec; named after its heading). */
export const VersionDetails = OcpiClass('VersionDetails', {
  version: VersionNumber,
  endpoints: OneOrMore(Endpoint),
});
export type VersionDetails = Static<typeof VersionDetails>;
