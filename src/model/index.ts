/**
 * The canonical model: what Roamkit stores and handles. It is the newest version's shape
 * (OCPI 2.3.0 with Payments and Bookings), a superset of the older versions; documents in other
 * versions are converted to it on the way in and from it on the way out (`./convert`).
 */
import { v2_3_0 } from '../protocol/index.js';

export * from './convert/index.js';

/** The version whose shape the canonical model has. */
export const CANONICAL_VERSION = v2_3_0.version;

export type Location = v2_3_0.locations.Location;
export type Evse = v2_3_0.locations.EVSE;
export type Connector = v2_3_0.locations.Connector;
export type Tariff = v2_3_0.tariffs.Tariff;
export type Session = v2_3_0.sessions.Session;
export type Cdr = v2_3_0.cdrs.CDR;
export type Token = v2_3_0.tokens.Token;
export type Credentials = v2_3_0.credentials.Credentials;
