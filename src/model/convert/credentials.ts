/**
 * Converters of the Credentials chapter: Credentials and CredentialsRole.
 *
 * - 2.1.1 Credentials describe one party (party_id, country_code, business_details) with no role;
 *   2.2 lists the platform's roles (one or more CredentialsRole). Up: one role, whose Role is
 *   invented (from the URL's `cpo`/`emsp` segment, else OTHER). Down: the first role becomes the
 *   2.1.1 party; further roles cannot be carried.
 * - 2.3.0 drops Role HUB and adds `hub_party_id` (country code + party id of the Hub). A 2.2.1 HUB
 *   role becomes a role OTHER whose party is `hub_party_id`; the way back restores HUB from it.
 * - BusinessDetails (its logo's ImageCategory) is converted by the Locations converter.
 */
import { v2_3_0 } from '../../protocol/index.js';
import {
  child,
  ciEqual,
  convertNested,
  type DroppedField,
  dropFields,
  droppedFieldRows,
  isObject,
  type Json,
  mapObjects,
  ordered,
  row,
  withHubAsOther,
  withObject,
} from './common.js';
import { businessDetailsConverters } from './locations.js';
import type {
  ConversionContext,
  LossyMapping,
  ModuleConverters,
  ObjectConverters,
  VersionConverter,
} from './types.js';
import { sideFromUrl } from './versions.js';

const DROPPED: readonly DroppedField[] = [
  {
    object: 'Credentials',
    field: 'hub_party_id',
    to: '2.1.1',
    why: 'the receiver does not learn that the platform is reached through a Hub (nor which).',
  },
  {
    object: 'Credentials',
    field: 'hub_party_id',
    to: '2.2.1',
    why: "the receiver does not learn that the platform is reached through a Hub (nor which). Not reported when a role of the Hub's party carries it as role HUB.",
  },
];

/** The Role the way up gives a 2.1.1 party: from its versions URL, else OTHER (claims nothing). */
function inventedRole(url: unknown): 'CPO' | 'EMSP' | 'OTHER' {
  return sideFromUrl(url) ?? 'OTHER';
}

// ---- 2.1.1 ----

/**
 * The party of a 2.1.1 Credentials (= of the first canonical role): those of business_details,
 * party_id, country_code that `from` has, business_details converted (at `pointer`/business_details).
 */
function party211(
  from: Json,
  direction: keyof VersionConverter,
  ctx: ConversionContext,
  pointer: string,
): Json {
  const out: Json = {};
  if (from.business_details !== undefined) {
    const at = child(pointer, 'business_details');
    const converter = businessDetailsConverters['2.1.1'];
    out.business_details = convertNested(converter, direction, from.business_details, ctx, at);
  }
  if (from.party_id !== undefined) out.party_id = from.party_id;
  if (from.country_code !== undefined) out.country_code = from.country_code;
  return out;
}

function credentialsToCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const { business_details, party_id, country_code, ...rest } = value;
  if (ctx.partial && business_details === undefined && party_id === undefined && country_code === undefined) {
    return value;
  }
  const rolePointer = child(child(pointer, 'roles'), 0);
  const role: Json = {};
  if (!ctx.partial) {
    const invented = inventedRole(value.url);
    role.role = invented;
    ctx.report(
      invented === 'OTHER' ? 'CredentialsRole.role-unknown' : 'CredentialsRole.role-from-url',
      child(rolePointer, 'role'),
    );
  }
  const roles = [{ ...role, ...party211(value, 'toCanonical', ctx, rolePointer) }];
  return ordered({ ...rest, roles }, v2_3_0.credentials.Credentials);
}

function credentialsFromCanonical211(value: Json, ctx: ConversionContext, pointer: string): Json {
  const { roles, ...rest } = dropFields(value, DROPPED, 'Credentials', '2.1.1', ctx, pointer);
  if (!Array.isArray(roles)) return roles === undefined ? rest : { ...rest, roles };
  const rolesPointer = child(pointer, 'roles');
  roles.slice(1).forEach((_, index) => {
    ctx.report('Credentials.roles-dropped', child(rolesPointer, index + 1));
  });
  const first = roles[0];
  if (!isObject(first)) return rest;
  const { role, business_details: _b, party_id: _p, country_code: _c, ...unknown } = first;
  if (role !== undefined && role !== inventedRole(value.url)) {
    ctx.report('CredentialsRole.role-dropped', child(child(rolesPointer, 0), 'role'));
  }
  // Fields a peer added to the role object have nowhere to go but the Credentials object.
  return { ...rest, ...unknown, ...party211(first, 'fromCanonical', ctx, pointer) };
}

// ---- 2.2.1 ----

function credentialsRoleToCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  const out = withObject(
    value,
    'business_details',
    businessDetailsConverters['2.2.1'].toCanonical,
    ctx,
    pointer,
  );
  return withHubAsOther(out, ctx, 'CredentialsRole.hub-to-other', pointer);
}

function credentialsToCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  if (!Array.isArray(value.roles)) return value;
  let hubPartyId: string | undefined;
  const roles = mapObjects(value.roles, child(pointer, 'roles'), (item, at) => {
    if (item.role !== 'HUB')
      return withObject(item, 'business_details', businessDetailsConverters['2.2.1'].toCanonical, ctx, at);
    if (
      hubPartyId === undefined &&
      typeof item.country_code === 'string' &&
      typeof item.party_id === 'string'
    ) {
      // The first Hub role: its party becomes hub_party_id, which the way back turns into HUB again.
      hubPartyId = `${item.country_code}${item.party_id}`;
      ctx.report('Credentials.hub-role', child(at, 'role'));
      return {
        ...withObject(item, 'business_details', businessDetailsConverters['2.2.1'].toCanonical, ctx, at),
        role: 'OTHER',
      };
    }
    return credentialsRoleToCanonical221(item, ctx, at);
  });
  const out: Json = { ...value, roles };
  if (hubPartyId !== undefined && !('hub_party_id' in value)) out.hub_party_id = hubPartyId;
  return ordered(out, v2_3_0.credentials.Credentials);
}

function credentialsFromCanonical221(value: Json, ctx: ConversionContext, pointer: string): Json {
  const { hub_party_id, roles, ...rest } = value;
  let restored = false;
  const converted = mapObjects(roles, child(pointer, 'roles'), (item, at) => {
    const out = withObject(
      item,
      'business_details',
      businessDetailsConverters['2.2.1'].fromCanonical,
      ctx,
      at,
    );
    const isHub =
      !restored &&
      out.role === 'OTHER' &&
      typeof hub_party_id === 'string' &&
      ciEqual(`${String(out.country_code)}${String(out.party_id)}`, hub_party_id);
    if (!isHub) return out;
    restored = true;
    return { ...out, role: 'HUB' };
  });
  const out: Json = { ...rest };
  if (roles !== undefined) out.roles = converted;
  if (hub_party_id !== undefined && !restored) {
    return ordered(
      dropFields({ ...out, hub_party_id }, DROPPED, 'Credentials', '2.2.1', ctx, pointer),
      v2_3_0.credentials.Credentials,
    );
  }
  return ordered(out, v2_3_0.credentials.Credentials);
}

const credentialsRoleConverters: ObjectConverters = {
  '2.2.1': {
    toCanonical: credentialsRoleToCanonical221,
    fromCanonical: (value, ctx, pointer) =>
      withObject(value, 'business_details', businessDetailsConverters['2.2.1'].fromCanonical, ctx, pointer),
  },
};

// ---- the module ----

export const converters: ModuleConverters = {
  Credentials: {
    '2.1.1': { toCanonical: credentialsToCanonical211, fromCanonical: credentialsFromCanonical211 },
    '2.2.1': { toCanonical: credentialsToCanonical221, fromCanonical: credentialsFromCanonical221 },
  },
  CredentialsRole: credentialsRoleConverters,
};

export const lossyMappings: LossyMapping[] = [
  row(
    'CredentialsRole.role-from-url',
    'Credentials',
    'roles[0].role',
    '2.1.1',
    '2.3.0',
    'invents',
    '2.1.1 credentials have no role: the one role made from the 2.1.1 party gets CPO or EMSP from a ' +
      '`cpo` or `emsp`/`msp` segment of the versions URL path.',
  ),
  row(
    'CredentialsRole.role-unknown',
    'Credentials',
    'roles[0].role',
    '2.1.1',
    '2.3.0',
    'invents',
    "2.1.1 credentials have no role and the versions URL's path names no side: the one role made from " +
      'the 2.1.1 party is OTHER (which claims no module). A caller that knows the peer should correct it.',
  ),
  row(
    'CredentialsRole.role-dropped',
    'Credentials',
    'roles[0].role',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 credentials have no role. Reported when the role is not the one the way back would infer ' +
      'from the URL (or OTHER).',
  ),
  row(
    'Credentials.roles-dropped',
    'Credentials',
    'roles[1..]',
    '2.3.0',
    '2.1.1',
    'loses',
    '2.1.1 credentials carry a single party: the first role becomes it; every further role (other ' +
      'parties or roles of the platform) is dropped, reported at its index.',
  ),
  row(
    'Credentials.hub-role',
    'Credentials',
    'roles[].role, hub_party_id',
    '2.2.1',
    '2.3.0',
    'invents',
    '2.3.0 has no Role HUB: the first HUB role becomes a role OTHER and its country_code + party_id ' +
      'become hub_party_id. Converting back to 2.2.1 restores HUB for the role of that party.',
  ),
  row(
    'CredentialsRole.hub-to-other',
    'CredentialsRole',
    'role',
    '2.2.1',
    '2.3.0',
    'loses',
    '2.3.0 has no Role HUB: it becomes OTHER, and nothing tells the way back it was HUB (a further HUB ' +
      'role of Credentials, or a CredentialsRole converted on its own).',
  ),
  ...droppedFieldRows(DROPPED),
];
