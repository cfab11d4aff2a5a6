/**
 * Converters of the Versions chapter: Version, VersionDetails, Endpoint.
 *
 * - VersionNumber and ModuleID are closed enums before 2.3.0. A value the target version does not
 *   know has no form there: a Version or Endpoint naming one cannot be converted (ConversionError;
 *   a caller building a list leaves such entries out), and VersionDetails leaves such endpoints
 *   out (reported).
 * - 2.1.1 endpoints have no interface role. One is invented from which side of the module the
 *   endpoint serves: a `cpo` or `emsp`/`msp` segment in its URL path (the spec's own URL layout),
 *   else the CPO side is assumed. For `credentials` the role means nothing (the 2.2 text says so):
 *   SENDER, not reported.
 */
import { v2_1_1, v2_2_1, v2_3_0 } from '../../protocol/index.js';
import {
  child,
  complete,
  downOnly,
  enumValues,
  isObject,
  type Json,
  type OlderVersion,
  ordered,
  perOlderVersion,
  row,
  withObjects,
} from './common.js';
import { ConversionError } from './errors.js';
import type { ConversionContext, LossyMapping, ModuleConverters, VersionConverter } from './types.js';

const CHAPTERS = { '2.1.1': v2_1_1.versions, '2.2.1': v2_2_1.versions } as const;
const VERSION_NUMBERS = perOlderVersion((v) => enumValues(CHAPTERS[v].VersionNumber));
const MODULE_IDS = perOlderVersion((v) => enumValues(CHAPTERS[v].ModuleID));

/** `value` as it is, unless its `version` is one the target's closed VersionNumber lacks. */
function checkVersionNumber(value: Json, version: OlderVersion): Json {
  const number = value.version;
  if (typeof number === 'string' && !VERSION_NUMBERS[version].includes(number)) {
    throw new ConversionError(`OCPI ${version}'s VersionNumber has no '${number}'`);
  }
  return value;
}

export function knowsModule(identifier: unknown, version: OlderVersion): boolean {
  return typeof identifier !== 'string' || MODULE_IDS[version].includes(identifier);
}

// ---- which side of a module a 2.1.1 URL serves ----

export type PartySide = 'CPO' | 'EMSP';

/**
 * The side named by a URL's path (`/ocpi/cpo/2.1.1/locations`, `/ocpi/emsp/...`, `/ocpi/msp/...`):
 * the layout the spec's examples use. Undefined when the path names neither or both.
 */
export function sideFromUrl(url: unknown): PartySide | undefined {
  if (typeof url !== 'string') return undefined;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const segments = path.toLowerCase().split('/');
  const cpo = segments.includes('cpo');
  const emsp = segments.includes('emsp') || segments.includes('msp');
  if (cpo === emsp) return undefined;
  return cpo ? 'CPO' : 'EMSP';
}

/** Modules whose data the eMSP owns and sends (2.2 SENDER on the eMSP side). */
const EMSP_SENDS = ['tokens', 'commands'];

/** The 2.2 interface role of a module's endpoint on one side (credentials: SENDER, meaningless). */
function interfaceRole(identifier: unknown, side: PartySide): 'SENDER' | 'RECEIVER' {
  if (identifier === 'credentials') return 'SENDER';
  const emspSends = typeof identifier === 'string' && EMSP_SENDS.includes(identifier);
  return (side === 'EMSP') === emspSends ? 'SENDER' : 'RECEIVER';
}

/** The role the way up gives a 2.1.1 endpoint, and whether it came from its URL. */
function inventedRole(value: Json): { role: 'SENDER' | 'RECEIVER'; fromUrl: boolean } {
  const side = sideFromUrl(value.url);
  return { role: interfaceRole(value.identifier, side ?? 'CPO'), fromUrl: side !== undefined };
}

// ---- Endpoint ----

function endpointToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (ctx.partial || 'role' in value) return value;
  const { role, fromUrl } = inventedRole(value);
  if (value.identifier !== 'credentials') {
    ctx.report(fromUrl ? 'Endpoint.role-from-url' : 'Endpoint.role-assumed-cpo', child(pointer, 'role'));
  }
  return ordered({ ...value, role }, v2_3_0.versions.Endpoint);
}

function endpointFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (!knowsModule(value.identifier, '2.1.1')) {
    throw new ConversionError(`OCPI 2.1.1 has no module '${String(value.identifier)}'`);
  }
  const { role, ...rest } = value;
  // Lost only when the way up would invent another role (for credentials it means nothing).
  if (role !== undefined && value.identifier !== 'credentials' && role !== inventedRole(value).role) {
    ctx.report('Endpoint.role-dropped', child(pointer, 'role'));
  }
  return rest;
}

function endpointFromCanonical221(value: Json): Json {
  if (!knowsModule(value.identifier, '2.2.1')) {
    throw new ConversionError(`OCPI 2.2.1 has no module '${String(value.identifier)}'`);
  }
  return value;
}

const endpointConverters: Record<OlderVersion, VersionConverter> = {
  '2.1.1': { toCanonical: endpointToCanonical211, fromCanonical: endpointFromCanonical211 },
  '2.2.1': downOnly(endpointFromCanonical221),
};

// ---- VersionDetails ----

function versionDetailsFromCanonical(version: OlderVersion) {
  return (value: Json, ctx: ConversionContext, pointer: string): Json => {
    checkVersionNumber(value, version);
    if (!Array.isArray(value.endpoints)) return value;
    const at = child(pointer, 'endpoints');
    const inner = complete(ctx);
    const endpoints: unknown[] = [];
    const seen = new Set<unknown>();
    value.endpoints.forEach((endpoint: unknown, index: number) => {
      const p = child(at, index);
      if (!isObject(endpoint)) {
        endpoints.push(endpoint);
        return;
      }
      if (!knowsModule(endpoint.identifier, version)) {
        ctx.report(`VersionDetails.endpoint-dropped-${version}`, p);
        return;
      }
      // 2.1.1 has one endpoint per module; a second one (the other interface) is ambiguous there.
      if (version === '2.1.1' && seen.has(endpoint.identifier)) {
        ctx.report('VersionDetails.duplicate-module-2.1.1', p);
      }
      seen.add(endpoint.identifier);
      endpoints.push(endpointConverters[version].fromCanonical(endpoint, inner, p));
    });
    return { ...value, endpoints };
  };
}

// ---- the module ----

export const converters: ModuleConverters = {
  Version: perOlderVersion((version) => downOnly((value) => checkVersionNumber(value, version))),
  VersionDetails: perOlderVersion((version) => ({
    toCanonical: (value, ctx, pointer) =>
      withObjects(value, 'endpoints', endpointConverters[version].toCanonical, ctx, pointer),
    fromCanonical: versionDetailsFromCanonical(version),
  })),
  Endpoint: endpointConverters,
};

export const lossyMappings: LossyMapping[] = [
  row(
    'Endpoint.role-from-url',
    'Endpoint',
    'role',
    '2.1.1',
    '2.3.0',
    'invents',
    '2.1.1 endpoints have no interface role. A `cpo` or `emsp`/`msp` segment of the URL path tells which ' +
      "side's interface it is; the role follows from the module (CPO side: SENDER of locations, tariffs, " +
      'sessions, cdrs, RECEIVER of tokens, commands; eMSP side the reverse). Not reported for credentials ' +
      '(SENDER: the role means nothing there).',
  ),
  row(
    'Endpoint.role-assumed-cpo',
    'Endpoint',
    'role',
    '2.1.1',
    '2.3.0',
    'invents',
    "2.1.1 endpoints have no interface role and this URL's path names no side: the CPO side is assumed " +
      '(SENDER of locations, tariffs, sessions, cdrs; RECEIVER of tokens, commands). A caller that knows the ' +
      "peer's role should correct it.",
  ),
  row(
    'Endpoint.role-dropped',
    'Endpoint',
    'role',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 endpoints have no role. Reported when the role is not the one the way back would infer from ' +
      'the URL (or the CPO-side default), i.e. when a 2.1.1 reader would take it for the other interface; ' +
      'never for credentials, where the role means nothing.',
  ),
  row(
    'VersionDetails.endpoint-dropped-2.1.1',
    'VersionDetails',
    'endpoints[]',
    '2.3.0',
    '2.1.1',
    'loses',
    'An endpoint of a module 2.1.1 does not have (chargingprofiles, hubclientinfo, payments, custom ' +
      'modules) is left out of the list.',
  ),
  row(
    'VersionDetails.endpoint-dropped-2.2.1',
    'VersionDetails',
    'endpoints[]',
    '2.3.0',
    '2.2.1',
    'loses',
    "An endpoint of a module 2.2.1's closed ModuleID does not have (payments, custom modules) is left out " +
      'of the list.',
  ),
  row(
    'VersionDetails.duplicate-module-2.1.1',
    'VersionDetails',
    'endpoints[].identifier',
    '2.3.0',
    '2.1.1',
    'loses',
    'A platform with both interfaces of a module (SENDER and RECEIVER) lists it twice; 2.1.1 expects one ' +
      'endpoint per module and, without roles, cannot tell them apart. Both are kept; the later one is ' +
      'reported.',
  ),
];
