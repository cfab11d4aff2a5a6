/** OCPI 2.3.0, chapter "Versions": the version information and version details endpoints. */
import type { Static } from '@sinclair/typebox';
import { DerivedClass, enumValues, OcpiClass, OcpiOpenEnum, OneOrMore } from '../common/primitives.js';
import * as v2_2_1 from '../v2_2_1/versions.js';

// Unchanged since 2.2.1.
export { InterfaceRole } from '../v2_2_1/versions.js';

/** 2.3.0: becomes an OpenEnum (a peer may list versions newer than ours) and adds 2.3.0. */
export const VersionNumber = OcpiOpenEnum('VersionNumber', [...enumValues(v2_2_1.VersionNumber), '2.3.0']);
export type VersionNumber = Static<typeof VersionNumber>;

/**
 * 2.3.0: becomes an OpenEnum (custom modules); the table's values are 2.2.1's. The Payments
 * chapter (`payments`) and the bookings branch's Bookings chapter (`Booking`) name module ids the
 * table leaves out; being an OpenEnum, those validate anyway, so they are not added as known values.
 */
export const ModuleID = OcpiOpenEnum('ModuleID', enumValues(v2_2_1.ModuleID));
export type ModuleID = Static<typeof ModuleID>;

/** 2.3.0: version is the 2.3.0 VersionNumber. */
export const Version = DerivedClass('Version', v2_2_1.Version, { version: VersionNumber });
export type Version = Static<typeof Version>;

/** `data` of GET on the versions endpoint (the spec gives it no class name; named after its heading). */
export const VersionInformation = OneOrMore(Version);
export type VersionInformation = Static<typeof VersionInformation>;

/** 2.3.0: identifier is the 2.3.0 ModuleID. */
export const Endpoint = DerivedClass('Endpoint', v2_2_1.Endpoint, { identifier: ModuleID });
export type Endpoint = Static<typeof Endpoint>;

/** `data` of GET on a version details endpoint; 2.3.0: redefined because its parts changed. */
export const VersionDetails = OcpiClass('VersionDetails', {
  version: VersionNumber,
  endpoints: OneOrMore(Endpoint),
});
export type VersionDetails = Static<typeof VersionDetails>;
