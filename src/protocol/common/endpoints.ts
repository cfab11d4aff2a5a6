/**
 * THE endpoint table: every endpoint of every module of every OCPI version Roamkit speaks, as
 * data. Routes, the version-details response, the typed client and the OpenAPI documents are
 * generated from it, so nothing is written once per version by hand.
 *
 * A row is one (version, module, interface, method, path). Where the spec gives one endpoint
 * several bodies chosen by the URL (Locations' `[/{evse_uid}][/{connector_id}]`, Commands'
 * `{command}`), each URL form is its own row with its own object, so a row's body is never a
 * "choice of". Objects are spec names, looked up in the version's schema registry with
 * `findSchema(schemasByVersion[version], name)`; this file imports no schema.
 *
 * Interfaces: 2.2.1+ name them SENDER/RECEIVER (InterfaceRole). 2.1.1 has a "CPO interface"
 * and an "eMSP interface" per module; each is mapped to the SENDER/RECEIVER interface that
 * plays the same part in 2.2.1 (Locations' CPO interface is the Sender; Tokens' CPO interface is
 * the Receiver; Commands' eMSP interface, which receives the results, is the Sender), and
 * `roles` keeps the 2.1.1 party ('CPO' or 'EMSP').
 */
import type { OcpiVersion } from '../index.js';

/** ModuleIDs of the spec, plus `versions` (the version information and details endpoints). */
export const MODULE_IDS = [
  'cdrs',
  'chargingprofiles',
  'commands',
  'credentials',
  'hubclientinfo',
  'locations',
  'sessions',
  'tariffs',
  'tokens',
  'payments',
  'bookings',
  'versions',
] as const;
export type ModuleId = (typeof MODULE_IDS)[number];

export type InterfaceRole = 'SENDER' | 'RECEIVER';
/** Party roles as the chapters name the typical implementers (a superset of each version's Role enum). */
export type PartyRole = 'CPO' | 'EMSP' | 'HUB' | 'NAP' | 'NSP' | 'OTHER' | 'PTP' | 'SCSP';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A path or query parameter: its spec type (`CiString`, `string`, `DateTime`, `int`, `URL` or an enum name). */
export interface ParamSpec {
  readonly name: string;
  readonly type: string;
  readonly length?: number;
  readonly required: boolean;
}

export interface BodySpec {
  /** Spec name of the object (registry key). */
  readonly object: string;
  /** PATCH: every field optional (the object's identifier and `last_updated` rules are the module's). */
  readonly partial?: boolean;
  readonly list?: boolean;
  /** The body may be absent (cardinality `?`: the Tokens authorize POST). */
  readonly optional?: boolean;
}

export interface ResponseSpec {
  /** Spec name of the `data` object, or null where the spec defines no data (leave `data` unset). */
  readonly object: string | null;
  readonly list?: boolean;
  /** A list GET with the pagination parameters and response headers. */
  readonly paginated?: boolean;
  /** The response carries a `Location` header with the URL of the created object (CDR POST). */
  readonly locationHeader?: boolean;
}

/**
 * Where a client gets the URL it calls:
 * - endpoint: the module's URL from the peer's version details, plus `path`.
 * - response_url: the URL the peer gave in an earlier request (command and charging profile
 *   results); `path` is the layout Roamkit serves it under, below its own module endpoint.
 * - location_header: the URL returned in the Location header of the POST that created the object
 *   (CDRs); `path` is Roamkit's layout.
 * - versions: the versions URL exchanged in the credentials, or a Version's `url`; `path` is
 *   Roamkit's layout below its OCPI base URL (the spec leaves both open).
 */
export type UrlSource = 'endpoint' | 'response_url' | 'location_header' | 'versions';

export interface EndpointRow {
  readonly version: OcpiVersion;
  readonly module: ModuleId;
  readonly interface: InterfaceRole;
  /** Party roles that typically implement this interface (2.1.1: the interface's own party). */
  readonly roles: readonly PartyRole[];
  readonly method: HttpMethod;
  /** Template relative to the URL given by `url`, no leading or trailing slash ('' = the URL itself). */
  readonly path: string;
  readonly pathParams: readonly ParamSpec[];
  readonly queryParams: readonly ParamSpec[];
  readonly requestBody: BodySpec | undefined;
  readonly response: ResponseSpec;
  readonly url: UrlSource;
}

// ---------------------------------------------------------------------------------------------
// Parameter types by version (from the request parameter tables of the module chapters).

type ParamType = { type: string; length?: number };

/** Path parameters of 2.1.1: `string(n)`; location and EVSE ids are 39 long there. */
const PATH_PARAMS_2_1_1: Record<string, ParamType> = {
  country_code: { type: 'string', length: 2 },
  party_id: { type: 'string', length: 3 },
  location_id: { type: 'string', length: 39 },
  evse_uid: { type: 'string', length: 39 },
  connector_id: { type: 'string', length: 36 },
  session_id: { type: 'string', length: 36 },
  tariff_id: { type: 'string', length: 36 },
  token_uid: { type: 'string', length: 36 },
  // Roamkit's own URL layout (the spec leaves these URLs to their owner): typed as the id they carry.
  cdr_id: { type: 'string', length: 36 },
  command: { type: 'CommandType' },
  uid: { type: 'string', length: 36 },
};

/** Path parameters of 2.2.1 and 2.3.0: CiString. */
const PATH_PARAMS_2_2_1: Record<string, ParamType> = {
  country_code: { type: 'CiString', length: 2 },
  party_id: { type: 'CiString', length: 3 },
  location_id: { type: 'CiString', length: 36 },
  evse_uid: { type: 'CiString', length: 36 },
  connector_id: { type: 'CiString', length: 36 },
  session_id: { type: 'CiString', length: 36 },
  tariff_id: { type: 'CiString', length: 36 },
  token_uid: { type: 'CiString', length: 36 },
  terminal_id: { type: 'CiString', length: 36 },
  financial_advice_confirmation_id: { type: 'CiString', length: 36 },
  booking_location_id: { type: 'CiString', length: 36 },
  calendar_id: { type: 'CiString', length: 36 },
  booking_id: { type: 'CiString', length: 36 },
  // Roamkit's own URL layout (see UrlSource).
  cdr_id: { type: 'CiString', length: 39 },
  command: { type: 'CommandType' },
  uid: { type: 'CiString', length: 36 },
  request_id: { type: 'CiString', length: 36 },
};

const PATH_PARAMS: Record<OcpiVersion, Record<string, ParamType>> = {
  '2.1.1': PATH_PARAMS_2_1_1,
  '2.2.1': PATH_PARAMS_2_2_1,
  '2.3.0': PATH_PARAMS_2_2_1,
};

const q = (name: string, type: string, required = false): ParamSpec => ({ name, type, required });

/** The pagination parameters of every list GET. */
const paginationQuery = (dateFromRequired = false): ParamSpec[] => [
  q('date_from', 'DateTime', dateFromRequired),
  q('date_to', 'DateTime'),
  q('offset', 'int'),
  q('limit', 'int'),
];
const tokenTypeQuery = [q('type', 'TokenType')];

/** The parameters `{name}` of a path template, in order. */
export function pathParamNames(template: string): string[] {
  return [...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1] as string);
}

// ---------------------------------------------------------------------------------------------
// Row builders.

interface RowOptions {
  body?: BodySpec;
  /** Response data object; omitted = null (no data defined). */
  data?: string;
  list?: boolean;
  paginated?: boolean;
  dateFromRequired?: boolean;
  locationHeader?: boolean;
  query?: ParamSpec[];
  url?: UrlSource;
}

type RowMaker = (method: HttpMethod, path: string, options?: RowOptions) => EndpointRow;

function rowMaker(
  version: OcpiVersion,
  module: ModuleId,
  iface: InterfaceRole,
  roles: readonly PartyRole[],
): RowMaker {
  return (method, path, options = {}) => {
    const pathParams = pathParamNames(path).map((name): ParamSpec => {
      const type = PATH_PARAMS[version][name];
      if (type === undefined)
        throw new Error(`endpoint table: no type for path parameter {${name}} in ${version}`);
      return { name, ...type, required: true };
    });
    const response: ResponseSpec = {
      object: options.data ?? null,
      ...(options.list || options.paginated ? { list: true } : {}),
      ...(options.paginated ? { paginated: true } : {}),
      ...(options.locationHeader ? { locationHeader: true } : {}),
    };
    return {
      version,
      module,
      interface: iface,
      roles,
      method,
      path,
      pathParams,
      queryParams: options.paginated ? paginationQuery(options.dateFromRequired) : (options.query ?? []),
      requestBody: options.body,
      response,
      url: options.url ?? 'endpoint',
    };
  };
}

const body = (object: string, extra: Omit<BodySpec, 'object'> = {}): BodySpec => ({ object, ...extra });
const patch = (object: string): BodySpec => ({ object, partial: true });

/** GET, PUT and PATCH of one Client Owned Object URL on a Receiver interface. */
function getPutPatch(r: RowMaker, path: string, object: string, query: ParamSpec[] = []): EndpointRow[] {
  return [
    r('GET', path, { data: object, query }),
    r('PUT', path, { body: body(object), query }),
    r('PATCH', path, { body: patch(object), query }),
  ];
}

const LOCATION_PATHS: [string, string][] = [
  ['{location_id}', 'Location'],
  ['{location_id}/{evse_uid}', 'EVSE'],
  ['{location_id}/{evse_uid}/{connector_id}', 'Connector'],
];
const OWNER = '{country_code}/{party_id}';

/** Every role of the version; 2.3.0's Role enum lost HUB and never got PTP, but its chapters name both. */
const ALL_ROLES: Record<OcpiVersion, readonly PartyRole[]> = {
  '2.1.1': ['CPO', 'EMSP'],
  '2.2.1': ['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'SCSP'],
  '2.3.0': ['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'PTP', 'SCSP'],
};

/** Versions and details endpoints (Roamkit serves them at `{base}/versions` and `{base}/{version}`). */
function versionsRows(version: OcpiVersion): EndpointRow[] {
  const r = rowMaker(version, 'versions', 'SENDER', ALL_ROLES[version]);
  return [
    r('GET', 'versions', { data: 'Version', list: true, url: 'versions' }),
    r('GET', version, { data: 'VersionDetails', url: 'versions' }),
  ];
}

/**
 * Credentials: symmetric, every party implements and calls it. Listed as SENDER, the role the
 * 2.2.1+ version details advise for one's own credentials endpoint.
 */
function credentialsRows(version: OcpiVersion): EndpointRow[] {
  const r = rowMaker(version, 'credentials', 'SENDER', ALL_ROLES[version]);
  return [
    r('GET', '', { data: 'Credentials' }),
    r('POST', '', { body: body('Credentials'), data: 'Credentials' }),
    r('PUT', '', { body: body('Credentials'), data: 'Credentials' }),
    r('DELETE', ''),
  ];
}

function rows2_1_1(): EndpointRow[] {
  const v = '2.1.1';
  const cpo: PartyRole[] = ['CPO'];
  const emsp: PartyRole[] = ['EMSP'];
  const out: EndpointRow[] = [...versionsRows(v), ...credentialsRows(v)];

  // Locations: CPO interface = Sender, eMSP interface = Receiver.
  let r = rowMaker(v, 'locations', 'SENDER', cpo);
  out.push(r('GET', '', { data: 'Location', paginated: true }));
  for (const [path, object] of LOCATION_PATHS) out.push(r('GET', path, { data: object }));
  r = rowMaker(v, 'locations', 'RECEIVER', emsp);
  for (const [path, object] of LOCATION_PATHS) out.push(...getPutPatch(r, `${OWNER}/${path}`, object));

  r = rowMaker(v, 'sessions', 'SENDER', cpo);
  out.push(r('GET', '', { data: 'Session', paginated: true, dateFromRequired: true }));
  r = rowMaker(v, 'sessions', 'RECEIVER', emsp);
  out.push(...getPutPatch(r, `${OWNER}/{session_id}`, 'Session'));

  r = rowMaker(v, 'cdrs', 'SENDER', cpo);
  out.push(r('GET', '', { data: 'CDR', paginated: true }));
  r = rowMaker(v, 'cdrs', 'RECEIVER', emsp);
  out.push(
    r('POST', '', { body: body('CDR'), locationHeader: true }),
    r('GET', `${OWNER}/{cdr_id}`, { data: 'CDR', url: 'location_header' }),
  );

  // 2.1.1 Tariffs still have PATCH on the eMSP interface (2.2.1 dropped it).
  r = rowMaker(v, 'tariffs', 'SENDER', cpo);
  out.push(r('GET', '', { data: 'Tariff', paginated: true }));
  r = rowMaker(v, 'tariffs', 'RECEIVER', emsp);
  out.push(...getPutPatch(r, `${OWNER}/{tariff_id}`, 'Tariff'), r('DELETE', `${OWNER}/{tariff_id}`));

  // Tokens: CPO interface = Receiver (the eMSP pushes), eMSP interface = Sender.
  r = rowMaker(v, 'tokens', 'RECEIVER', cpo);
  out.push(...getPutPatch(r, `${OWNER}/{token_uid}`, 'Token'));
  r = rowMaker(v, 'tokens', 'SENDER', emsp);
  out.push(
    r('GET', '', { data: 'Token', paginated: true }),
    r('POST', '{token_uid}/authorize', {
      body: body('LocationReferences', { optional: true }),
      data: 'AuthorizationInfo',
      query: tokenTypeQuery,
    }),
  );

  // Commands: CPO interface = Receiver; the eMSP interface receives the results (Sender).
  r = rowMaker(v, 'commands', 'RECEIVER', cpo);
  for (const [command, object] of [
    ['RESERVE_NOW', 'ReserveNow'],
    ['START_SESSION', 'StartSession'],
    ['STOP_SESSION', 'StopSession'],
    ['UNLOCK_CONNECTOR', 'UnlockConnector'],
  ] as const) {
    out.push(r('POST', command, { body: body(object), data: 'CommandResponse' }));
  }
  r = rowMaker(v, 'commands', 'SENDER', emsp);
  // 2.1.1 posts the Charge Point's answer as a CommandResponse (2.2.1: CommandResult).
  out.push(r('POST', '{command}/{uid}', { body: body('CommandResponse'), url: 'response_url' }));
  return out;
}

/** 2.2.1 and 2.3.0 share the interfaces of every module they both have (the chapters' interface text is the same). */
function rows2_2_1(v: '2.2.1' | '2.3.0'): EndpointRow[] {
  const out: EndpointRow[] = [...versionsRows(v), ...credentialsRows(v)];

  let r = rowMaker(v, 'locations', 'SENDER', ['CPO']);
  out.push(r('GET', '', { data: 'Location', paginated: true }));
  for (const [path, object] of LOCATION_PATHS) out.push(r('GET', path, { data: object }));
  // The chapters name eMSP and NSP "typically"; a NAP (2.3.0's AFIR context: locations, parking
  // and tariffs reported to National Access Points) receives them too.
  r = rowMaker(v, 'locations', 'RECEIVER', ['EMSP', 'NSP', 'NAP']);
  for (const [path, object] of LOCATION_PATHS) out.push(...getPutPatch(r, `${OWNER}/${path}`, object));

  r = rowMaker(v, 'sessions', 'SENDER', ['CPO']);
  out.push(
    r('GET', '', { data: 'Session', paginated: true, dateFromRequired: true }),
    r('PUT', '{session_id}/charging_preferences', {
      body: body('ChargingPreferences'),
      data: 'ChargingPreferencesResponse',
    }),
  );
  r = rowMaker(v, 'sessions', 'RECEIVER', ['EMSP', 'SCSP']);
  out.push(...getPutPatch(r, `${OWNER}/{session_id}`, 'Session'));

  r = rowMaker(v, 'cdrs', 'SENDER', ['CPO']);
  out.push(r('GET', '', { data: 'CDR', paginated: true }));
  r = rowMaker(v, 'cdrs', 'RECEIVER', ['EMSP']);
  out.push(
    r('POST', '', { body: body('CDR'), locationHeader: true }),
    r('GET', `${OWNER}/{cdr_id}`, { data: 'CDR', url: 'location_header' }),
  );

  r = rowMaker(v, 'tariffs', 'SENDER', ['CPO']);
  out.push(r('GET', '', { data: 'Tariff', paginated: true }));
  r = rowMaker(v, 'tariffs', 'RECEIVER', ['EMSP', 'NSP', 'NAP']);
  out.push(
    r('GET', `${OWNER}/{tariff_id}`, { data: 'Tariff' }),
    r('PUT', `${OWNER}/{tariff_id}`, { body: body('Tariff') }),
    r('DELETE', `${OWNER}/{tariff_id}`),
  );

  r = rowMaker(v, 'tokens', 'RECEIVER', ['CPO']);
  out.push(...getPutPatch(r, `${OWNER}/{token_uid}`, 'Token', tokenTypeQuery));
  r = rowMaker(v, 'tokens', 'SENDER', ['EMSP']);
  out.push(
    r('GET', '', { data: 'Token', paginated: true }),
    r('POST', '{token_uid}/authorize', {
      body: body('LocationReferences', { optional: true }),
      data: 'AuthorizationInfo',
      query: tokenTypeQuery,
    }),
  );

  r = rowMaker(v, 'commands', 'RECEIVER', ['CPO']);
  for (const [command, object] of [
    ['CANCEL_RESERVATION', 'CancelReservation'],
    ['RESERVE_NOW', 'ReserveNow'],
    ['START_SESSION', 'StartSession'],
    ['STOP_SESSION', 'StopSession'],
    ['UNLOCK_CONNECTOR', 'UnlockConnector'],
  ] as const) {
    out.push(r('POST', command, { body: body(object), data: 'CommandResponse' }));
  }
  r = rowMaker(v, 'commands', 'SENDER', ['EMSP']);
  out.push(r('POST', '{command}/{uid}', { body: body('CommandResult'), url: 'response_url' }));

  // Charging profiles: the three asynchronous results share one shape in part (set and clear
  // results are alike), so each gets its own callback path and thereby its own body type.
  const responseUrl = q('response_url', 'URL', true);
  r = rowMaker(v, 'chargingprofiles', 'RECEIVER', ['CPO']);
  out.push(
    r('GET', '{session_id}', {
      data: 'ChargingProfileResponse',
      query: [q('duration', 'int', true), responseUrl],
    }),
    r('PUT', '{session_id}', { body: body('SetChargingProfile'), data: 'ChargingProfileResponse' }),
    r('DELETE', '{session_id}', { data: 'ChargingProfileResponse', query: [responseUrl] }),
  );
  r = rowMaker(v, 'chargingprofiles', 'SENDER', ['SCSP']);
  out.push(
    r('POST', 'activechargingprofile/{request_id}', {
      body: body('ActiveChargingProfileResult'),
      url: 'response_url',
    }),
    r('POST', 'chargingprofile/{request_id}', { body: body('ChargingProfileResult'), url: 'response_url' }),
    r('POST', 'clearprofile/{request_id}', { body: body('ClearProfileResult'), url: 'response_url' }),
    r('PUT', '{session_id}', { body: body('ActiveChargingProfile') }),
  );

  r = rowMaker(
    v,
    'hubclientinfo',
    'RECEIVER',
    ALL_ROLES[v].filter((role) => role !== 'HUB'),
  );
  out.push(r('GET', OWNER, { data: 'ClientInfo' }), r('PUT', OWNER, { body: body('ClientInfo') }));
  r = rowMaker(v, 'hubclientinfo', 'SENDER', ['HUB']);
  out.push(r('GET', '', { data: 'ClientInfo', paginated: true }));
  return out;
}

/** 2.3.0 Payments: terminals and financial advice confirmations hang off the one `payments` endpoint. */
function paymentsRows(): EndpointRow[] {
  const v = '2.3.0';
  const fac = 'financial-advice-confirmations';
  let r = rowMaker(v, 'payments', 'SENDER', ['PTP']);
  const out = [
    r('GET', 'terminals', { data: 'Terminal', paginated: true }),
    r('GET', 'terminals/{terminal_id}', { data: 'Terminal' }),
    // A Terminal whose terminal_id may be missing (the PTP assigns it): its own schema.
    r('POST', 'terminals/activate', { body: body('TerminalActivationRequest') }),
    r('POST', 'terminals/{terminal_id}/deactivate'),
    r('PUT', 'terminals/{terminal_id}', { body: body('Terminal') }),
    r('PATCH', 'terminals/{terminal_id}', { body: patch('Terminal') }),
    r('GET', fac, { data: 'FinancialAdviceConfirmation', paginated: true }),
    r('GET', `${fac}/{financial_advice_confirmation_id}`, { data: 'FinancialAdviceConfirmation' }),
  ];
  r = rowMaker(v, 'payments', 'RECEIVER', ['CPO']);
  out.push(
    r('GET', 'terminals/{terminal_id}', { data: 'Terminal' }),
    r('POST', 'terminals', { body: body('Terminal') }),
    r('GET', `${fac}/{financial_advice_confirmation_id}`, { data: 'FinancialAdviceConfirmation' }),
    r('POST', fac, { body: body('FinancialAdviceConfirmation') }),
  );
  return out;
}

/** 2.3.0 Bookings (bookings branch). Paths follow the chapter's endpoint structure definitions. */
function bookingsRows(): EndpointRow[] {
  const v = '2.3.0';
  let r = rowMaker(v, 'bookings', 'SENDER', ['CPO']);
  const bookingLocationsList = r('GET', 'booking_locations', { data: 'BookingLocation', paginated: true });
  const out = [
    r('GET', '', { data: 'Booking', paginated: true }),
    r('POST', '', { body: body('BookingRequest'), data: 'Booking' }),
    {
      ...bookingLocationsList,
      queryParams: [
        ...bookingLocationsList.queryParams,
        q('timeslot_from', 'DateTime'),
        q('timeslot_to', 'DateTime'),
      ],
    },
    r('GET', 'booking_locations/{booking_location_id}', { data: 'BookingLocation' }),
    r('GET', 'booking_locations/{booking_location_id}/{calendar_id}', { data: 'Calendar' }),
  ];
  r = rowMaker(v, 'bookings', 'RECEIVER', ['EMSP']);
  out.push(
    ...getPutPatch(r, `${OWNER}/booking_locations/{booking_location_id}`, 'BookingLocation'),
    ...getPutPatch(r, `${OWNER}/booking_locations/{booking_location_id}/{calendar_id}`, 'Calendar'),
    ...getPutPatch(r, `${OWNER}/{booking_id}`, 'Booking'),
  );
  return out;
}

/** Every endpoint of every version. */
export const ENDPOINTS: readonly EndpointRow[] = Object.freeze([
  ...rows2_1_1(),
  ...rows2_2_1('2.2.1'),
  ...rows2_2_1('2.3.0'),
  ...paymentsRows(),
  ...bookingsRows(),
]);

// ---------------------------------------------------------------------------------------------
// Queries.

/** The rows of a version, optionally of one module and one interface. */
export function rowsFor(version: OcpiVersion, module?: ModuleId, iface?: InterfaceRole): EndpointRow[] {
  return ENDPOINTS.filter(
    (row) =>
      row.version === version &&
      (module === undefined || row.module === module) &&
      (iface === undefined || row.interface === iface),
  );
}

/** The modules of a version, in MODULE_IDS order (`versions` included). */
export function modulesOf(version: OcpiVersion): ModuleId[] {
  const present = new Set(rowsFor(version).map((row) => row.module));
  return MODULE_IDS.filter((id) => present.has(id));
}

/** The interfaces a module has in a version. */
export function interfacesOf(version: OcpiVersion, module: ModuleId): InterfaceRole[] {
  const present = new Set(rowsFor(version, module).map((row) => row.interface));
  return (['SENDER', 'RECEIVER'] as const).filter((i) => present.has(i));
}

/** Spec object names a row refers to (request body and response data). */
export function objectNames(row: EndpointRow): string[] {
  const names: string[] = [];
  if (row.requestBody !== undefined) names.push(row.requestBody.object);
  if (row.response.object !== null) names.push(row.response.object);
  return names;
}

/**
 * Reads a module identifier as a peer may write it: exact ids, any case, and the Bookings
 * chapter's `Booking` (its module identifier, unlike every other, is singular and capitalised;
 * its URLs use `bookings`, which is Roamkit's id).
 */
export function normalizeModuleId(identifier: string): ModuleId | undefined {
  const lower = identifier.trim().toLowerCase();
  if (lower === 'booking') return 'bookings';
  return (MODULE_IDS as readonly string[]).includes(lower) && lower !== 'versions'
    ? (lower as ModuleId)
    : undefined;
}

function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

/** Fills a path template; values are percent-encoded. Throws when a parameter is missing. */
export function expandPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '')
      throw new Error(`expandPath: no value for {${name}} in '${template}'`);
    return encodeURIComponent(value);
  });
}

/**
 * Matches a path (relative to the module URL; leading/trailing slashes ignored) against a
 * template. Returns the decoded parameters, or undefined when it does not match.
 */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = splitPath(template);
  const got = splitPath(path);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    let g: string;
    try {
      g = decodeURIComponent(got[i] as string);
    } catch {
      return undefined;
    }
    const param = /^\{([a-z_]+)\}$/.exec(w);
    if (param !== null) {
      if (g === '') return undefined;
      params[param[1] as string] = g;
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}

/**
 * The row a request addresses, with its path parameters. When several templates match, the one
 * with the most literal segments wins (`terminals/activate` over `terminals/{terminal_id}`).
 */
export function matchRow(
  version: OcpiVersion,
  module: ModuleId,
  iface: InterfaceRole,
  method: HttpMethod,
  path: string,
): { row: EndpointRow; params: Record<string, string> } | undefined {
  let best: { row: EndpointRow; params: Record<string, string>; literals: number } | undefined;
  for (const row of rowsFor(version, module, iface)) {
    if (row.method !== method) continue;
    const params = matchPath(row.path, path);
    if (params === undefined) continue;
    const literals = splitPath(row.path).length - row.pathParams.length;
    if (best === undefined || literals > best.literals) best = { row, params, literals };
  }
  return best === undefined ? undefined : { row: best.row, params: best.params };
}
