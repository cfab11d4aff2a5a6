/** OCPI 2.1.1, chapter "Version information endpoint" and "Version details endpoint". */
import type { Static } from '@sinclair/typebox';
import { OcpiClass, OcpiEnum, OneOrMore, Url } from '../common/primitives.js';

/**
 * The versions this chapter knows. Closed as the spec types it (an enum), though a peer's
 * versions list may well name newer versions: callers reading /versions should not reject on it.
 */
export const VersionNumber = OcpiEnum('VersionNumber', ['2.0', '2.1', '2.1.1']);
export type VersionNumber = Static<typeof VersionNumber>;

/**
 * The modules of 2.1.1. The spec lets parties add custom module ids by agreement; closed here
 * as the spec types it, so a custom id fails validation and must be handled before it.
 */
export const ModuleID = OcpiEnum('ModuleID', [
  'cdrs',
  'commands',
  'credentials',
  'locations',
  'sessions',
  'tariffs',
  'tokens',
]);
export type ModuleID = Static<typeof ModuleID>;

export const Version = OcpiClass('Version', {
  version: VersionNumber,
  url: Url(),
});
export type Version = Static<typeof Version>;

/** `data` of GET on the versions endpoint (the spec gives it no class name; named after its heading). */
export const VersionInformation = OneOrMore(Version);
export type VersionInformation = Static<typeof VersionInformation>;

/** 2.1.1 has no interface role: one endpoint per module. */
export const Endpoint = OcpiClass('Endpoint', {
  identifier: ModuleID,
  url: Url(),
});
export type Endpoint = Static<typeof Endpoint>;

/** `data` of GET on a version details endpoint (no class name in the spec; named after its heading). */
export const VersionDetails = OcpiClass('VersionDetails', {
  version: VersionNumber,
  endpoints: OneOrMore(Endpoint),
});
export type VersionDetails = Static<typeof VersionDetails>;
