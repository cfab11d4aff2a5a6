/**
 * OpenAPI 3.1 documents of each OCPI version, generated from the endpoint table (one operation
 * per row) and the version's schema registry (components.schemas by spec name). Pure: no I/O,
 * the same input gives byte-for-byte the same JSON (maps sorted, arrays in a fixed order).
 *
 * URL layout. In OCPI a client never builds a module URL: it takes the URL each party publishes
 * per module (and, from 2.2.1 on, per interface) in its version details and appends the row's path
 * template. An OpenAPI document needs one path per operation, so the paths show Roamkit's own
 * layout below one server URL (`{ocpiBaseUrl}`):
 *   /versions, /{version}                               versions and version details
 *   /{version}/{module}/{template}                      modules with one interface (credentials)
 *   /{version}/{module}/{sender|receiver}/{template}    modules with both interfaces
 * The interface segment keeps a party that implements both interfaces of a module (a hub, an
 * eMSP that is also an NSP) from having two operations on one templated path. Every operation
 * also carries `x-ocpi-module`, `x-ocpi-interface` and `x-ocpi-path` (the template relative to the
 * published module URL), so a client of any other layout can map an operation onto a peer's URLs.
 */
import type { TSchema } from '@sinclair/typebox';
import { encodesToken } from './common/auth.js';
import {
  type EndpointRow,
  type HttpMethod,
  interfacesOf,
  type ModuleId,
  type ParamSpec,
  pathParamNames,
  rowsFor,
} from './common/endpoints.js';
import { OCPI_HEADERS, usesRoutingHeaders } from './common/headers.js';
import {
  CiString,
  DateTime,
  OCPI_KNOWN_VALUES,
  OCPI_TYPE,
  OcpiInt,
  OcpiString,
  ocpiTypeOf,
  Url,
} from './common/primitives.js';
import { findSchema, type SchemaRegistry } from './common/registry.js';
import { HTTP_ERRORS, OCPI_STATUS } from './common/status.js';
import { type OcpiVersion, schemasByVersion } from './index.js';

// ---------------------------------------------------------------------------------------------
// Output types (the parts of OpenAPI 3.1 this generator writes; schemas are plain JSON).

export type JsonSchema = { [key: string]: unknown };

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}
export type Ref = { $ref: string };
export interface OpenApiHeader {
  description: string;
  required?: boolean;
  schema: JsonSchema;
}
export interface OpenApiResponse {
  description: string;
  headers?: Record<string, OpenApiHeader | Ref>;
  content?: Record<string, { schema: JsonSchema; example?: unknown }>;
}
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  parameters?: (OpenApiParameter | Ref)[];
  requestBody?: { description: string; required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse | Ref>;
  [extension: `x-${string}`]: unknown;
}
export type OpenApiPathItem = Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; summary: string; description: string };
  servers: {
    url: string;
    description: string;
    variables: Record<string, { default: string; description: string }>;
  }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, OpenApiPathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, OpenApiParameter>;
    headers: Record<string, OpenApiHeader>;
    responses: Record<string, OpenApiResponse>;
    securitySchemes: Record<string, { type: 'apiKey'; in: 'header'; name: string; description: string }>;
  };
  [extension: `x-${string}`]: unknown;
}

export interface OpenApiOptions {
  /** Default of the `ocpiBaseUrl` server variable: the URL the paths hang off (no trailing slash). */
  serverUrl?: string;
}

export const DEFAULT_SERVER_URL = 'https://ocpi.example.com/ocpi';
const JSON_TYPE = 'application/json';
const SECURITY_SCHEME = 'OcpiToken';
/** The generic envelope: the transport chapter's "Response format", registered as `Response`. */
const ENVELOPE = 'Response';
/** Roamkit's own component names; checked against the registry so they never shadow a spec name. */
const ERROR_ENVELOPE = 'ErrorResponse';
const PATCH_SUFFIX = 'Patch';
/** A fixed instant for the examples, so the output does not depend on the clock. */
const EXAMPLE_TIMESTAMP = '2024-01-01T00:00:00Z';
const METHOD_ORDER: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const PRIMITIVE_TYPES = new Set(['CiString', 'string', 'DateTime', 'URL', 'number', 'int', 'boolean']);

// ---------------------------------------------------------------------------------------------
// Paths and names.

/** Whether the version's URLs of a module need an interface segment (the module has both). */
function hasInterfaceSegment(row: EndpointRow): boolean {
  return interfacesOf(row.version, row.module).length > 1;
}

/** The OpenAPI path of a row in Roamkit's layout (see the header comment), relative to the server URL. */
export function openApiPath(row: EndpointRow): string {
  const prefix =
    row.url === 'versions'
      ? []
      : [row.version, row.module, ...(hasInterfaceSegment(row) ? [row.interface.toLowerCase()] : [])];
  const segments = [...prefix, ...row.path.split('/').filter((s) => s !== '')];
  return `/${segments.join('/')}`;
}

/** The tag grouping a row: module and interface, e.g. `locations (SENDER)`. */
export function openApiTag(row: Pick<EndpointRow, 'module' | 'interface'>): string {
  return `${row.module} (${row.interface})`;
}

/** A unique, identifier-friendly operation id: `locations_receiver_patch_country_code_party_id_location_id`. */
export function openApiOperationId(row: EndpointRow): string {
  const parts = [row.module, row.interface, row.method, ...row.path.split('/')];
  return parts
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

// ---------------------------------------------------------------------------------------------
// Schema conversion: TypeBox → JSON Schema 2020-12 (the OpenAPI 3.1 dialect).

/** Keywords whose value is one subschema, a list of them, or a map of them. */
const SUBSCHEMA = new Set(['items', 'not', 'additionalProperties', 'if', 'then', 'else', 'contains']);
const SUBSCHEMA_LIST = new Set(['anyOf', 'allOf', 'oneOf', 'prefixItems']);
const SUBSCHEMA_MAP = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);

/** Plain JSON copy (symbol keys, e.g. TypeBox's Kind, dropped). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = plain((value as Record<string, unknown>)[key]);
  return out;
}

class Components {
  readonly schemas = new Map<string, JsonSchema>();
  private readonly pending: string[] = [];
  private readonly fingerprints = new Map<string, string>();

  constructor(
    readonly version: OcpiVersion,
    readonly registry: SchemaRegistry,
  ) {
    for (const own of [ERROR_ENVELOPE]) {
      if (registry.has(own)) throw new Error(`openapi: ${own} is a spec name in ${version}`);
    }
  }

  /** The registry's key for a spec object name (the table's names are matched case-insensitively). */
  specName(name: string): string {
    const schema = findSchema(this.registry, name);
    const key = schema === undefined ? undefined : ocpiTypeOf(schema);
    if (key === undefined || this.registry.get(key) !== schema) {
      throw new Error(`openapi: OCPI ${this.version} has no object named ${name}`);
    }
    return key;
  }

  /** A $ref to a registry schema, queued for components.schemas. */
  ref(name: string): Ref {
    const key = this.specName(name);
    if (!this.schemas.has(key) && !this.pending.includes(key)) this.pending.push(key);
    return { $ref: `#/components/schemas/${key}` };
  }

  /** A $ref to the PATCH form of a registry object: every top-level field optional. */
  patchRef(name: string): Ref {
    const key = this.specName(name);
    const patchKey = `${key}${PATCH_SUFFIX}`;
    if (this.registry.has(patchKey))
      throw new Error(`openapi: ${patchKey} is a spec name in ${this.version}`);
    if (!this.schemas.has(patchKey)) {
      const { required: _required, ...rest } = this.convert(this.registry.get(key) as TSchema, true);
      this.schemas.set(patchKey, {
        ...rest,
        description: `${key} as a PATCH body: every top-level field optional; only the fields sent are updated.`,
        'x-ocpi-partial': true,
      });
    }
    return { $ref: `#/components/schemas/${patchKey}` };
  }

  /** Converts every queued registry schema (converting one may queue the classes it nests). */
  drain(): void {
    for (let key = this.pending.shift(); key !== undefined; key = this.pending.shift()) {
      if (!this.schemas.has(key))
        this.schemas.set(key, this.convert(this.registry.get(key) as TSchema, true));
    }
  }

  private fingerprint(key: string): string {
    let print = this.fingerprints.get(key);
    if (print === undefined) {
      print = JSON.stringify(plain(this.registry.get(key)));
      this.fingerprints.set(key, print);
    }
    return print;
  }

  /**
   * One schema to JSON Schema: `ocpiType` and `ocpiKnownValues` become `x-ocpi-type` and
   * `x-ocpi-known-values`; draft-07 `dependencies` becomes `dependentRequired`/`dependentSchemas`;
   * a nested class or enum that is the registry's own schema of its name becomes a $ref (one
   * that differs, e.g. with extra options, stays inline so nothing is lost).
   */
  convert(schema: TSchema | JsonSchema, root = false): JsonSchema {
    const name = ocpiTypeOf(schema as TSchema);
    if (!root && name !== undefined && !PRIMITIVE_TYPES.has(name)) {
      const registered = this.registry.get(name);
      if (
        registered !== undefined &&
        (registered === schema || JSON.stringify(plain(schema)) === this.fingerprint(name))
      ) {
        return this.ref(name);
      }
    }
    const source = schema as Record<string, unknown>;
    const out: JsonSchema = {};
    for (const key of Object.keys(source)) {
      const value = source[key];
      if (key === OCPI_TYPE) out['x-ocpi-type'] = value;
      else if (key === OCPI_KNOWN_VALUES) out['x-ocpi-known-values'] = plain(value);
      else if (key === 'dependencies' && value !== null && typeof value === 'object') {
        for (const [property, dependency] of Object.entries(value)) {
          const target = Array.isArray(dependency) ? 'dependentRequired' : 'dependentSchemas';
          const map = (out[target] ?? {}) as Record<string, unknown>;
          map[property] = Array.isArray(dependency)
            ? [...dependency]
            : this.convert(dependency as JsonSchema);
          out[target] = map;
        }
      } else if (SUBSCHEMA.has(key) && value !== null && typeof value === 'object') {
        out[key] = this.convert(value as JsonSchema);
      } else if (SUBSCHEMA_LIST.has(key) && Array.isArray(value)) {
        out[key] = value.map((v) => this.convert(v as JsonSchema));
      } else if (SUBSCHEMA_MAP.has(key) && value !== null && typeof value === 'object') {
        out[key] = Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, this.convert(v as JsonSchema)] as const),
        );
      } else out[key] = plain(value);
    }
    return out;
  }

  sorted(): Record<string, JsonSchema> {
    this.drain();
    return Object.fromEntries([...this.schemas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---------------------------------------------------------------------------------------------
// Parameters and headers.

/** The schema of a path/query parameter from its spec type in the table. */
function paramSchema(param: ParamSpec, components: Components): JsonSchema {
  switch (param.type) {
    case 'CiString':
      return components.convert(CiString(param.length));
    case 'string':
      return components.convert(OcpiString(param.length));
    case 'DateTime':
      return components.convert(DateTime());
    case 'URL':
      return components.convert(Url());
    case 'int':
      // Pagination bounds as Roamkit reads them (pagination.ts): offset from 0, limit from 1.
      return components.convert(
        OcpiInt(param.name === 'offset' ? { minimum: 0 } : param.name === 'limit' ? { minimum: 1 } : {}),
      );
    default:
      return components.ref(param.type);
  }
}

const PARAM_DESCRIPTIONS: Record<string, string> = {
  date_from: 'Only objects with last_updated at or after this time (inclusive).',
  date_to: 'Only objects with last_updated before this time (exclusive).',
  offset: 'Index of the first object to return (default 0).',
  limit: 'Most objects to return; the server may lower it (see X-Limit).',
  response_url: 'URL the result is to be POSTed to, asynchronously.',
  duration: 'Length of the requested schedule, in seconds.',
  type: 'Type of the token (default RFID).',
};

function parameter(param: ParamSpec, where: 'path' | 'query', components: Components): OpenApiParameter {
  const description = PARAM_DESCRIPTIONS[param.name];
  return {
    name: param.name,
    in: where,
    required: where === 'path' ? true : param.required,
    ...(description === undefined ? {} : { description }),
    schema: paramSchema(param, components),
  };
}

/** A non-empty printable-ASCII value (headers.ts): the message id headers. */
const MESSAGE_ID_SCHEMA: JsonSchema = { type: 'string', minLength: 1, pattern: '^[\\u0020-\\u007E]+$' };

const ID_HEADERS = [OCPI_HEADERS.requestId, OCPI_HEADERS.correlationId] as const;
const ROUTING_HEADERS = [
  OCPI_HEADERS.fromCountryCode,
  OCPI_HEADERS.fromPartyId,
  OCPI_HEADERS.toCountryCode,
  OCPI_HEADERS.toPartyId,
] as const;

/** The 2.2.1+ request headers, as reusable parameters. */
function headerParameters(components: Components): Record<string, OpenApiParameter> {
  const party = (side: 'from' | 'to', what: 'country code' | 'party id'): string =>
    side === 'from'
      ? `The ${what} of the party the message is sent from. Absent in peer-to-peer use of platforms with one party.`
      : `The ${what} of the party the message is for; both OCPI-to headers absent in an open routing request.`;
  return {
    [OCPI_HEADERS.requestId]: {
      name: OCPI_HEADERS.requestId,
      in: 'header',
      required: true,
      description: 'Unique id of this request (a UUID is advised); a hub forwards with a new one.',
      schema: MESSAGE_ID_SCHEMA,
    },
    [OCPI_HEADERS.correlationId]: {
      name: OCPI_HEADERS.correlationId,
      in: 'header',
      required: true,
      description: 'Id shared by every request and response of one conversation; kept when forwarded.',
      schema: MESSAGE_ID_SCHEMA,
    },
    [OCPI_HEADERS.fromCountryCode]: {
      name: OCPI_HEADERS.fromCountryCode,
      in: 'header',
      required: false,
      description: party('from', 'country code'),
      schema: components.convert(CiString(2)),
    },
    [OCPI_HEADERS.fromPartyId]: {
      name: OCPI_HEADERS.fromPartyId,
      in: 'header',
      required: false,
      description: party('from', 'party id'),
      schema: components.convert(CiString(3)),
    },
    [OCPI_HEADERS.toCountryCode]: {
      name: OCPI_HEADERS.toCountryCode,
      in: 'header',
      required: false,
      description: party('to', 'country code'),
      schema: components.convert(CiString(2)),
    },
    [OCPI_HEADERS.toPartyId]: {
      name: OCPI_HEADERS.toPartyId,
      in: 'header',
      required: false,
      description: party('to', 'party id'),
      schema: components.convert(CiString(3)),
    },
  };
}

/** Response headers: pagination, Location, and (2.2.1+) the message id and routing headers. */
function responseHeaders(version: OcpiVersion, components: Components): Record<string, OpenApiHeader> {
  const headers: Record<string, OpenApiHeader> = {
    Link: {
      description: 'Link to the next page: `<url>; rel="next"`. Absent on the last page.',
      schema: { type: 'string' },
    },
    'X-Total-Count': {
      description: 'Number of objects matching the request (without offset and limit); on success.',
      schema: { type: 'integer', minimum: 0 },
    },
    'X-Limit': {
      description: 'The most objects the server returns per page; on success.',
      schema: { type: 'integer', minimum: 0 },
    },
    Location: {
      description: 'URL of the stored object, for a later GET; on success.',
      schema: components.convert(Url()),
    },
  };
  if (version === '2.1.1') return headers;
  for (const param of Object.values(headerParameters(components))) {
    const isId = (ID_HEADERS as readonly string[]).includes(param.name);
    headers[param.name] = {
      description: isId
        ? `The ${param.name} of the request this answers.`
        : `Routing header, set as for a message from the responding party to the requester (${param.name}).`,
      ...(isId ? { required: true } : {}),
      schema: param.schema,
    };
  }
  return headers;
}

const headerRef = (name: string): Ref => ({ $ref: `#/components/headers/${name}` });
const parameterRef = (name: string): Ref => ({ $ref: `#/components/parameters/${name}` });
const responseRef = (name: string): Ref => ({ $ref: `#/components/responses/${name}` });

// ---------------------------------------------------------------------------------------------
// Responses.

/** The envelope's `data`: the row's object, a list of them, or nothing. */
function envelopeSchema(row: EndpointRow, components: Components): JsonSchema {
  const envelope = { $ref: `#/components/schemas/${ENVELOPE}` };
  if (row.response.object === null) return envelope;
  const item = components.ref(row.response.object);
  const data = row.response.list ? { type: 'array', items: item } : item;
  return { allOf: [envelope, { type: 'object', properties: { data } }] };
}

/** HTTP 200/201 answers reached the OCPI layer: success, or an OCPI error code in the envelope. */
function okResponse(row: EndpointRow, status: 200 | 201, components: Components): OpenApiResponse {
  const headers: Record<string, Ref> = {};
  if (row.response.paginated)
    for (const name of ['Link', 'X-Total-Count', 'X-Limit']) headers[name] = headerRef(name);
  if (row.response.locationHeader) headers.Location = headerRef('Location');
  if (row.version !== '2.1.1') {
    for (const name of ID_HEADERS) headers[name] = headerRef(name);
    if (usesRoutingHeaders(row.module)) for (const name of ROUTING_HEADERS) headers[name] = headerRef(name);
  }
  const data =
    row.response.object === null
      ? 'no `data`'
      : `\`data\`: ${row.response.list ? `a list of ${row.response.object}` : `the ${row.response.object}`}`;
  const description =
    status === 201
      ? `The object was newly created: status_code 1000, ${data}.`
      : `OCPI response: status_code 1000 with ${data}; or an OCPI error status_code (${
          row.version === '2.1.1' ? '2xxx, 3xxx' : '2xxx, 3xxx, 4xxx'
        }) without data, which is still sent with HTTP 200.`;
  return {
    description,
    ...(Object.keys(headers).length > 0 ? { headers: sortKeys(headers) } : {}),
    content: { [JSON_TYPE]: { schema: envelopeSchema(row, components) } },
  };
}

/** Rows that store an object the client sends: 200 when it was updated, 201 when created. */
function createsObject(row: EndpointRow): boolean {
  return (
    (row.method === 'PUT' || row.method === 'POST') &&
    row.requestBody !== undefined &&
    row.response.object === null &&
    row.url !== 'response_url'
  );
}

const ERROR_RESPONSES = {
  BadRequest: HTTP_ERRORS.BODY_NOT_JSON,
  Unauthorized: HTTP_ERRORS.UNAUTHORIZED,
  NotFound: HTTP_ERRORS.NOT_FOUND,
  MethodNotAllowed: HTTP_ERRORS.CREDENTIALS_WRONG_STATE,
} as const;

/** The HTTP error responses of the status chapter, each with an error envelope. */
function errorResponses(version: OcpiVersion): Record<string, OpenApiResponse> {
  const headers: Record<string, Ref> =
    version === '2.1.1' ? {} : Object.fromEntries(ID_HEADERS.map((name) => [name, headerRef(name)]));
  const response = (description: string, statusCode: number, message: string): OpenApiResponse => ({
    description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    content: {
      [JSON_TYPE]: {
        schema: { $ref: `#/components/schemas/${ERROR_ENVELOPE}` },
        example: { status_code: statusCode, status_message: message, timestamp: EXAMPLE_TIMESTAMP },
      },
    },
  });
  const out: Record<string, OpenApiResponse> = {};
  for (const [name, situation] of Object.entries(ERROR_RESPONSES)) {
    out[name] = response(
      `HTTP ${situation.http}: ${situation.description}`,
      situation.statusCode,
      situation.description,
    );
  }
  if (version !== '2.1.1') {
    const unknown = OCPI_STATUS.UNKNOWN_TOKEN;
    out.UnknownToken = response(
      `HTTP ${unknown.http}: ${unknown.description} status_code ${unknown.code}, no data.`,
      unknown.code,
      unknown.description,
    );
  }
  return out;
}

function operationResponses(row: EndpointRow, components: Components): Record<string, OpenApiResponse | Ref> {
  const responses: Record<string, OpenApiResponse | Ref> = { '200': okResponse(row, 200, components) };
  if (createsObject(row)) responses['201'] = okResponse(row, 201, components);
  if (row.requestBody !== undefined) responses['400'] = responseRef('BadRequest');
  responses['401'] = responseRef('Unauthorized');
  const ownerPath = row.pathParams.some((p) => p.name === 'country_code');
  if (row.module === 'tokens' && row.path.endsWith('/authorize') && row.version !== '2.1.1') {
    responses['404'] = responseRef('UnknownToken');
  } else if ((row.method === 'GET' && row.pathParams.length > 0) || ownerPath) {
    // GET of an unknown object; any method on another party's Client Owned Object URL.
    responses['404'] = responseRef('NotFound');
  }
  if (row.module === 'credentials' && row.method !== 'GET')
    responses['405'] = responseRef('MethodNotAllowed');
  return responses;
}

// ---------------------------------------------------------------------------------------------
// Operations.

function requestBody(row: EndpointRow, components: Components): OpenApiOperation['requestBody'] {
  const body = row.requestBody;
  if (body === undefined) return undefined;
  const item = body.partial ? components.patchRef(body.object) : components.ref(body.object);
  const schema = body.list ? { type: 'array', items: item } : item;
  const name = components.specName(body.object);
  const what = body.list
    ? `A list of ${name} objects`
    : body.partial
      ? `The fields of ${name} to update`
      : `The ${name}`;
  return {
    description: `${what}${body.optional ? ' (optional)' : ''}.`,
    required: !body.optional,
    content: { [JSON_TYPE]: { schema } },
  };
}

function summary(row: EndpointRow, components: Components): string {
  const body = row.requestBody === undefined ? undefined : components.specName(row.requestBody.object);
  const data = row.response.object === null ? undefined : components.specName(row.response.object);
  switch (row.method) {
    case 'GET':
      if (row.response.list) return `List ${data} objects${row.response.paginated ? ' (paginated)' : ''}`;
      return `Get ${data ?? row.module}`;
    case 'PATCH':
      return `Update ${body} (partial)`;
    case 'PUT':
      return `Store ${body}`;
    case 'POST':
      if (body === undefined) return `POST ${row.path}`;
      return row.path === '' ? `Send ${body}` : `POST ${row.path} (${body})`;
    case 'DELETE':
      return row.module === 'credentials' ? 'Delete credentials (unregister)' : `DELETE ${row.path}`;
  }
}

const URL_SOURCE_TEXT: Record<EndpointRow['url'], string> = {
  endpoint: "The client appends the path template to the module URL from the server's version details.",
  response_url:
    "Called on the response_url the client gave in its earlier request; the path is Roamkit's layout.",
  location_header:
    "Called on the URL of the Location header returned when the object was POSTed; the path is Roamkit's layout.",
  versions:
    "Called on the versions URL exchanged in the credentials, or on a Version's url; the path is Roamkit's layout.",
};

function operation(row: EndpointRow, components: Components): OpenApiOperation {
  const parameters: (OpenApiParameter | Ref)[] = [
    ...row.pathParams.map((p) => parameter(p, 'path', components)),
    ...row.queryParams.map((p) => parameter(p, 'query', components)),
  ];
  if (row.version !== '2.1.1') {
    parameters.push(...ID_HEADERS.map(parameterRef));
    if (usesRoutingHeaders(row.module)) parameters.push(...ROUTING_HEADERS.map(parameterRef));
  }
  const body = requestBody(row, components);
  const roles =
    row.version === '2.1.1'
      ? `the ${row.roles.join('/')} interface of 2.1.1`
      : `typically implemented by ${row.roles.join(', ')}`;
  return {
    operationId: openApiOperationId(row),
    summary: summary(row, components),
    description: `${row.module} module, ${row.interface} interface (${roles}). ${URL_SOURCE_TEXT[row.url]} Path template: ${row.path === '' ? 'none (the URL itself)' : `\`${row.path}\``}.`,
    tags: [openApiTag(row)],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body === undefined ? {} : { requestBody: body }),
    responses: operationResponses(row, components),
    'x-ocpi-module': row.module,
    'x-ocpi-interface': row.interface,
    'x-ocpi-roles': [...row.roles],
    'x-ocpi-path': row.path,
    'x-ocpi-url-source': row.url,
  };
}

function tagDescription(version: OcpiVersion, module: ModuleId, rows: EndpointRow[]): string {
  const first = rows[0] as EndpointRow;
  const roles = [...new Set(rows.flatMap((r) => r.roles))].join(', ');
  if (module === 'versions') return 'Version information and version details.';
  if (module === 'credentials') return 'Registration: exchanging credentials tokens and versions URLs.';
  if (version === '2.1.1') {
    return `${module}: the ${roles} interface of 2.1.1, in the part the ${first.interface} interface plays from 2.2.1 on.`;
  }
  return `${module}: the ${first.interface} interface, typically implemented by ${roles}.`;
}

// ---------------------------------------------------------------------------------------------
// The document.

function documentDescription(version: OcpiVersion): string {
  const token = encodesToken(version)
    ? 'the credentials token Base64-encoded (of its UTF-8 bytes), e.g. `Token ZXhhbXBsZS10b2tlbg==`'
    : 'the credentials token as it is, not encoded, e.g. `Token example-token`';
  return [
    `The OCPI ${version} interfaces Roamkit speaks, generated from its endpoint table and schema registry.`,
    '',
    "**URLs.** In OCPI a client does not build module URLs: it reads each module's URL" +
      (version === '2.1.1' ? '' : ' (per interface)') +
      " from the party's version details and appends the operation's path template (`x-ocpi-path`)." +
      ' The paths here show the layout Roamkit serves below its OCPI base URL (the `ocpiBaseUrl` server' +
      ' variable): `/versions`, `/{version}` (details), `/{version}/{module}` for modules with one interface' +
      ' and `/{version}/{module}/{sender|receiver}` for modules with both, so that one party implementing' +
      ' both interfaces has no two operations on one path.',
    '',
    `**Authorization.** Every request carries \`Authorization: Token …\` with ${token}.` +
      ' A missing or unknown token is answered with HTTP 401.',
    '',
    '**Responses.** Every response body is the OCPI envelope (`Response`: data, status_code, status_message,' +
      ' timestamp). A request that reaches the OCPI layer gets HTTP 200 (201 when a stored object was newly' +
      ' created) even when its status_code is an error; HTTP 400, 401, 404 and 405 are used only where the' +
      ' status codes and credentials chapters name them, still with an envelope.',
    '',
    '**Pagination.** List GETs take date_from, date_to, offset and limit, and answer with the' +
      ' X-Total-Count and X-Limit headers and a Link header to the next page.',
    ...(version === '2.1.1'
      ? []
      : [
          '',
          '**Headers.** Every request and response carries X-Request-ID and X-Correlation-ID; functional' +
            ' modules (not versions, credentials or hubclientinfo) also carry the routing headers' +
            ' OCPI-from-country-code, OCPI-from-party-id, OCPI-to-country-code and OCPI-to-party-id.',
        ]),
    '',
    '**Schemas.** components.schemas holds the spec classes and enums by their spec names; `x-ocpi-type`' +
      ' names the OCPI type of a schema, `x-ocpi-known-values` the known values of an OpenEnum, and `<Name>Patch`' +
      ' is a PATCH body (every top-level field optional). Classes allow properties the spec does not define.',
  ].join('\n');
}

/** The OpenAPI 3.1 document of one OCPI version. */
export function buildOpenApi(version: OcpiVersion, options: OpenApiOptions = {}): OpenApiDocument {
  const components = new Components(version, schemasByVersion[version]);
  const rows = rowsFor(version);

  const paths: Record<string, OpenApiPathItem> = {};
  const operationIds = new Set<string>();
  for (const row of rows) {
    const path = openApiPath(row);
    const names = pathParamNames(path);
    const declared = row.pathParams.map((p) => p.name);
    if (names.join('/') !== declared.join('/')) {
      throw new Error(`openapi: path parameters of ${path} differ from the table's (${declared.join(', ')})`);
    }
    const item = paths[path] ?? {};
    const method = row.method.toLowerCase() as Lowercase<HttpMethod>;
    if (item[method] !== undefined) throw new Error(`openapi: two rows for ${row.method} ${path}`);
    const op = operation(row, components);
    if (operationIds.has(op.operationId)) throw new Error(`openapi: duplicate operationId ${op.operationId}`);
    operationIds.add(op.operationId);
    item[method] = op;
    paths[path] = item;
  }
  // Methods in a fixed order within each path.
  for (const [path, item] of Object.entries(paths)) {
    const ordered: OpenApiPathItem = {};
    for (const method of METHOD_ORDER) {
      const key = method.toLowerCase() as Lowercase<HttpMethod>;
      if (item[key] !== undefined) ordered[key] = item[key];
    }
    paths[path] = ordered;
  }

  const tagRows = new Map<string, EndpointRow[]>();
  for (const row of rows) tagRows.set(openApiTag(row), [...(tagRows.get(openApiTag(row)) ?? []), row]);
  const tags = [...tagRows]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, list]) => ({
      name,
      description: tagDescription(version, (list[0] as EndpointRow).module, list),
    }));

  // Envelopes: the registry's Response, and the error form of it.
  components.ref(ENVELOPE);
  components.schemas.set(ERROR_ENVELOPE, {
    description: 'An OCPI response with an error status_code; data may carry details.',
    allOf: [
      { $ref: `#/components/schemas/${ENVELOPE}` },
      {
        type: 'object',
        properties: {
          status_code: { type: 'integer', minimum: 2000, maximum: version === '2.1.1' ? 3999 : 4999 },
        },
      },
    ],
  });

  const serverUrl = (options.serverUrl ?? DEFAULT_SERVER_URL).replace(/\/+$/, '');
  const tokenText = encodesToken(version)
    ? '`Token <base64 of the credentials token>` (2.2.1+ encode the token in Base64).'
    : '`Token <credentials token>` (2.1.1: the token as it is, not encoded).';

  const doc: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: `OCPI ${version}`,
      version,
      summary: `OCPI ${version} endpoints as implemented by Roamkit.`,
      description: documentDescription(version),
    },
    servers: [
      {
        url: '{ocpiBaseUrl}',
        description: 'The OCPI base URL; module URLs are what the party publishes in its version details.',
        variables: {
          ocpiBaseUrl: { default: serverUrl, description: 'OCPI base URL of the party (no trailing slash).' },
        },
      },
    ],
    security: [{ [SECURITY_SCHEME]: [] }],
    tags,
    paths: sortKeys(paths),
    components: {
      schemas: {},
      parameters: version === '2.1.1' ? {} : sortKeys(headerParameters(components)),
      headers: sortKeys(responseHeaders(version, components)),
      responses: sortKeys(errorResponses(version)),
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: `The Authorization header: ${tokenText}`,
        },
      },
    },
    'x-ocpi-version': version,
    'x-ocpi-token-base64': encodesToken(version),
  };
  doc.components.schemas = components.sorted();
  return doc;
}
