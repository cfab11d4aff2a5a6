import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  ENDPOINTS,
  type EndpointRow,
  expandPath,
  interfacesOf,
  MODULE_IDS,
  matchPath,
  matchRow,
  modulesOf,
  normalizeModuleId,
  objectNames,
  pathParamNames,
  rowsFor,
} from '../../../src/protocol/common/endpoints.js';
import { specAvailable, specRoot } from '../../helpers/paths.js';

const VERSIONS = ['2.1.1', '2.2.1', '2.3.0'] as const;

/** The ModuleID values in the table of the version information chapter. */
function specModuleIdTable(version: string): string[] {
  const file = join(
    specRoot,
    version,
    version === '2.1.1' ? 'version_information_endpoint.md' : 'version_information_endpoint.asciidoc',
  );
  const text = readFileSync(file, 'utf8');
  const start = text.search(/ModuleID (\*enum\*|_enum_|_OpenEnum_)/);
  assert.ok(start >= 0, `no ModuleID table in ${file}`);
  const section = text.slice(start).split(/\n#|\n=/)[0] ?? '';
  const ids: string[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cell = line.split('|')[2]?.trim() ?? '';
    if (/^[a-z]+$/.test(cell)) ids.push(cell);
  }
  return ids;
}

/** The "Module Identifier: `x`" of every chapter in the given spec folders. */
function chapterModuleIds(...folders: string[]): string[] {
  const ids: string[] = [];
  for (const folder of folders) {
    const dir = join(specRoot, folder);
    for (const file of readdirSync(dir)) {
      const m = /Module Identifier: `([^`]+)`/.exec(readFileSync(join(dir, file), 'utf8'));
      if (m?.[1] !== undefined) ids.push(m[1]);
    }
  }
  return ids;
}

function find(version: string, module: string, iface: string, method: string, path: string): EndpointRow {
  const row = ENDPOINTS.find(
    (r) =>
      r.version === version &&
      r.module === module &&
      r.interface === iface &&
      r.method === method &&
      r.path === path,
  );
  assert.ok(row, `no row ${version} ${module} ${iface} ${method} '${path}'`);
  return row;
}

describe('endpoint table: against the spec', () => {
  for (const version of VERSIONS) {
    test(`${version}: modules equal the spec's ModuleIDs (+ versions)`, (t) => {
      if (!specAvailable) return t.skip('spec not available');
      const table = specModuleIdTable(version);
      // 2.3.0's ModuleID table lists neither payments nor bookings (both chapters name their
      // identifier: `payments`, and `Booking` which Roamkit reads as `bookings`).
      const folders = version === '2.3.0' ? ['2.3.0', '2.3.0-bookings'] : [version];
      const chapters = chapterModuleIds(...folders).map((id) => normalizeModuleId(id) ?? `unknown:${id}`);
      const expected = [...new Set([...table, ...chapters])].sort();
      const ours = modulesOf(version).filter((m) => m !== 'versions');
      assert.deepEqual([...ours].sort(), expected);
      if (version !== '2.3.0') assert.deepEqual([...ours].sort(), [...table].sort());
      else
        assert.deepEqual(
          expected.filter((m) => !table.includes(m)),
          ['bookings', 'payments'],
        );
      assert.ok(modulesOf(version).includes('versions'));
    });
  }

  test('every object name resolves in the registry of its version (needs the schemas)', async () => {
    const { schemasByVersion, findSchema } = await import('../../../src/protocol/index.js');
    const missing = new Set<string>();
    for (const row of ENDPOINTS) {
      for (const name of objectNames(row)) {
        if (findSchema(schemasByVersion[row.version], name) === undefined)
          missing.add(`${row.version} ${name}`);
      }
    }
    assert.deepEqual([...missing].sort(), [], 'object names not found in the schema registries');
  });
});

describe('endpoint table: consistency', () => {
  test('no duplicate (version, module, interface, method, path)', () => {
    const seen = new Map<string, number>();
    for (const r of ENDPOINTS) {
      const key = `${r.version} ${r.module} ${r.interface} ${r.method} '${r.path}'`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    assert.deepEqual(
      [...seen].filter(([, n]) => n > 1).map(([k]) => k),
      [],
    );
  });

  test('paths: relative, no slash at either end, params typed and in order', () => {
    for (const r of ENDPOINTS) {
      assert.doesNotMatch(r.path, /^\/|\/$/, r.path);
      assert.deepEqual(
        r.pathParams.map((p) => p.name),
        pathParamNames(r.path),
      );
      for (const p of r.pathParams) assert.ok(p.required && p.type.length > 0, `${r.path} {${p.name}}`);
    }
  });

  test('bodies: PATCH partial, PUT/POST whole; GET and DELETE without body', () => {
    for (const r of ENDPOINTS) {
      const where = `${r.version} ${r.module} ${r.method} '${r.path}'`;
      if (r.method === 'PATCH') assert.equal(r.requestBody?.partial, true, where);
      else if (r.requestBody !== undefined) assert.notEqual(r.requestBody.partial, true, where);
      if (r.method === 'GET' || r.method === 'DELETE') assert.equal(r.requestBody, undefined, where);
      if (r.method === 'PUT' || r.method === 'PATCH') assert.ok(r.requestBody, where);
    }
  });

  test('paginated rows are list GETs with the four pagination parameters', () => {
    const paginated = ENDPOINTS.filter((r) => r.response.paginated);
    assert.ok(paginated.length >= 20);
    for (const r of paginated) {
      assert.equal(r.method, 'GET');
      assert.equal(r.response.list, true);
      const names = r.queryParams.map((p) => p.name);
      for (const p of ['date_from', 'date_to', 'offset', 'limit'])
        assert.ok(names.includes(p), `${r.module} ${p}`);
    }
    // Sessions make date_from required in every version.
    for (const v of VERSIONS) {
      const sessions = find(v, 'sessions', 'SENDER', 'GET', '');
      assert.equal(sessions.queryParams.find((p) => p.name === 'date_from')?.required, true);
      const locations = find(v, 'locations', 'SENDER', 'GET', '');
      assert.equal(locations.queryParams.find((p) => p.name === 'date_from')?.required, false);
    }
  });

  test('2.1.1 interfaces keep their party: CPO or eMSP', () => {
    for (const r of rowsFor('2.1.1')) {
      if (r.module === 'credentials' || r.module === 'versions') assert.deepEqual(r.roles, ['CPO', 'EMSP']);
      else assert.equal(r.roles.length, 1);
    }
    assert.deepEqual(
      find('2.1.1', 'tokens', 'RECEIVER', 'PUT', '{country_code}/{party_id}/{token_uid}').roles,
      ['CPO'],
    );
    assert.deepEqual(find('2.1.1', 'locations', 'SENDER', 'GET', '').roles, ['CPO']);
  });
});

describe('endpoint table: spot checks', () => {
  test('2.2.1 Locations Receiver PATCH of a Connector', () => {
    const r = find(
      '2.2.1',
      'locations',
      'RECEIVER',
      'PATCH',
      '{country_code}/{party_id}/{location_id}/{evse_uid}/{connector_id}',
    );
    assert.deepEqual(r.requestBody, { object: 'Connector', partial: true });
    assert.deepEqual(r.response, { object: null });
    assert.deepEqual(
      r.pathParams.map((p) => [p.name, p.type, p.length]),
      [
        ['country_code', 'CiString', 2],
        ['party_id', 'CiString', 3],
        ['location_id', 'CiString', 36],
        ['evse_uid', 'CiString', 36],
        ['connector_id', 'CiString', 36],
      ],
    );
    assert.deepEqual(r.roles, ['EMSP', 'NSP', 'NAP']);
    assert.equal(r.url, 'endpoint');
  });

  test('Locations GET object: one row per URL form, each with its object', () => {
    assert.equal(find('2.3.0', 'locations', 'SENDER', 'GET', '{location_id}').response.object, 'Location');
    assert.equal(
      find('2.3.0', 'locations', 'SENDER', 'GET', '{location_id}/{evse_uid}').response.object,
      'EVSE',
    );
    const list = find('2.1.1', 'locations', 'SENDER', 'GET', '');
    assert.deepEqual(list.response, { object: 'Location', list: true, paginated: true });
    // 2.1.1 ids are string(39), not CiString(36).
    assert.deepEqual(find('2.1.1', 'locations', 'SENDER', 'GET', '{location_id}').pathParams[0], {
      name: 'location_id',
      type: 'string',
      length: 39,
      required: true,
    });
  });

  test('Tariffs: PATCH on the receiver in 2.1.1 only', () => {
    const methods = (v: (typeof VERSIONS)[number]) =>
      rowsFor(v, 'tariffs', 'RECEIVER')
        .map((r) => r.method)
        .sort();
    assert.deepEqual(methods('2.1.1'), ['DELETE', 'GET', 'PATCH', 'PUT']);
    assert.deepEqual(methods('2.2.1'), ['DELETE', 'GET', 'PUT']);
    assert.deepEqual(methods('2.3.0'), ['DELETE', 'GET', 'PUT']);
  });

  test('Tokens: real-time authorization with an optional body and the type parameter', () => {
    for (const v of VERSIONS) {
      const r = find(v, 'tokens', 'SENDER', 'POST', '{token_uid}/authorize');
      assert.deepEqual(r.requestBody, { object: 'LocationReferences', optional: true });
      assert.equal(r.response.object, 'AuthorizationInfo');
      assert.deepEqual(r.queryParams, [{ name: 'type', type: 'TokenType', required: false }]);
    }
    assert.deepEqual(
      find('2.1.1', 'tokens', 'RECEIVER', 'GET', '{country_code}/{party_id}/{token_uid}').queryParams,
      [],
    );
    assert.equal(
      find('2.2.1', 'tokens', 'RECEIVER', 'PUT', '{country_code}/{party_id}/{token_uid}').queryParams[0]
        ?.name,
      'type',
    );
  });

  test('Commands: one row per command, and the result callback on the Sender', () => {
    const commands = (v: (typeof VERSIONS)[number]) =>
      rowsFor(v, 'commands', 'RECEIVER').map((r) => [r.path, r.requestBody?.object, r.response.object]);
    assert.deepEqual(commands('2.1.1'), [
      ['RESERVE_NOW', 'ReserveNow', 'CommandResponse'],
      ['START_SESSION', 'StartSession', 'CommandResponse'],
      ['STOP_SESSION', 'StopSession', 'CommandResponse'],
      ['UNLOCK_CONNECTOR', 'UnlockConnector', 'CommandResponse'],
    ]);
    assert.deepEqual(commands('2.2.1')[0], ['CANCEL_RESERVATION', 'CancelReservation', 'CommandResponse']);
    const callback = find('2.2.1', 'commands', 'SENDER', 'POST', '{command}/{uid}');
    assert.equal(callback.url, 'response_url');
    assert.equal(callback.requestBody?.object, 'CommandResult');
    assert.equal(
      find('2.1.1', 'commands', 'SENDER', 'POST', '{command}/{uid}').requestBody?.object,
      'CommandResponse',
    );
  });

  test('Charging profiles: each asynchronous result has its own path and body', () => {
    const callbacks = rowsFor('2.2.1', 'chargingprofiles', 'SENDER').filter((r) => r.url === 'response_url');
    assert.deepEqual(
      callbacks.map((r) => [r.method, r.path, r.requestBody?.object]),
      [
        ['POST', 'activechargingprofile/{request_id}', 'ActiveChargingProfileResult'],
        ['POST', 'chargingprofile/{request_id}', 'ChargingProfileResult'],
        ['POST', 'clearprofile/{request_id}', 'ClearProfileResult'],
      ],
    );
    const get = find('2.2.1', 'chargingprofiles', 'RECEIVER', 'GET', '{session_id}');
    assert.deepEqual(get.queryParams, [
      { name: 'duration', type: 'int', required: true },
      { name: 'response_url', type: 'URL', required: true },
    ]);
    assert.equal(
      find('2.3.0', 'chargingprofiles', 'SENDER', 'PUT', '{session_id}').requestBody?.object,
      'ActiveChargingProfile',
    );
    assert.deepEqual(rowsFor('2.1.1', 'chargingprofiles'), []);
  });

  test('CDRs: POST answers with a Location header, the GET uses that URL', () => {
    const post = find('2.2.1', 'cdrs', 'RECEIVER', 'POST', '');
    assert.equal(post.response.locationHeader, true);
    assert.equal(
      find('2.2.1', 'cdrs', 'RECEIVER', 'GET', '{country_code}/{party_id}/{cdr_id}').url,
      'location_header',
    );
  });

  test('Sessions: charging preferences answer with an enum', () => {
    const r = find('2.2.1', 'sessions', 'SENDER', 'PUT', '{session_id}/charging_preferences');
    assert.equal(r.response.object, 'ChargingPreferencesResponse');
    assert.deepEqual(
      rowsFor('2.1.1', 'sessions', 'SENDER').map((x) => x.method),
      ['GET'],
    );
  });

  test('Hub client info and credentials', () => {
    assert.deepEqual(find('2.2.1', 'hubclientinfo', 'SENDER', 'GET', '').roles, ['HUB']);
    assert.equal(
      find('2.2.1', 'hubclientinfo', 'RECEIVER', 'PUT', '{country_code}/{party_id}').requestBody?.object,
      'ClientInfo',
    );
    for (const v of VERSIONS) {
      assert.deepEqual(
        rowsFor(v, 'credentials').map((r) => r.method),
        ['GET', 'POST', 'PUT', 'DELETE'],
      );
    }
    assert.deepEqual(interfacesOf('2.2.1', 'credentials'), ['SENDER']);
    assert.deepEqual(interfacesOf('2.2.1', 'locations'), ['SENDER', 'RECEIVER']);
  });

  test('2.3.0 Payments: terminals and financial advice confirmations under one module', () => {
    const sender = rowsFor('2.3.0', 'payments', 'SENDER').map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(sender, [
      'GET terminals',
      'GET terminals/{terminal_id}',
      'POST terminals/activate',
      'POST terminals/{terminal_id}/deactivate',
      'PUT terminals/{terminal_id}',
      'PATCH terminals/{terminal_id}',
      'GET financial-advice-confirmations',
      'GET financial-advice-confirmations/{financial_advice_confirmation_id}',
    ]);
    assert.equal(
      find('2.3.0', 'payments', 'SENDER', 'POST', 'terminals/activate').requestBody?.object,
      'TerminalActivationRequest',
    );
    assert.deepEqual(find('2.3.0', 'payments', 'SENDER', 'GET', 'terminals').roles, ['PTP']);
    assert.equal(
      find('2.3.0', 'payments', 'RECEIVER', 'POST', 'financial-advice-confirmations').requestBody?.object,
      'FinancialAdviceConfirmation',
    );
    assert.deepEqual(rowsFor('2.2.1', 'payments'), []);
  });

  test('2.3.0 Bookings', () => {
    const post = find('2.3.0', 'bookings', 'SENDER', 'POST', '');
    assert.equal(post.requestBody?.object, 'BookingRequest');
    assert.equal(post.response.object, 'Booking');
    const locations = find('2.3.0', 'bookings', 'SENDER', 'GET', 'booking_locations');
    assert.deepEqual(
      locations.queryParams.map((p) => p.name),
      ['date_from', 'date_to', 'offset', 'limit', 'timeslot_from', 'timeslot_to'],
    );
    assert.equal(
      find('2.3.0', 'bookings', 'SENDER', 'GET', 'booking_locations/{booking_location_id}/{calendar_id}')
        .response.object,
      'Calendar',
    );
    const patch = find(
      '2.3.0',
      'bookings',
      'RECEIVER',
      'PATCH',
      '{country_code}/{party_id}/booking_locations/{booking_location_id}/{calendar_id}',
    );
    assert.deepEqual(patch.requestBody, { object: 'Calendar', partial: true });
    assert.equal(
      find('2.3.0', 'bookings', 'RECEIVER', 'PUT', '{country_code}/{party_id}/{booking_id}').requestBody
        ?.object,
      'Booking',
    );
  });

  test('versions: list and details', () => {
    assert.deepEqual(find('2.2.1', 'versions', 'SENDER', 'GET', 'versions').response, {
      object: 'Version',
      list: true,
    });
    assert.equal(find('2.3.0', 'versions', 'SENDER', 'GET', '2.3.0').response.object, 'VersionDetails');
  });
});

describe('path helpers', () => {
  test('expandPath encodes values and refuses missing ones', () => {
    assert.equal(
      expandPath('{country_code}/{party_id}/{location_id}', {
        country_code: 'NL',
        party_id: 'TNM',
        location_id: 'LOC 1/a',
      }),
      'NL/TNM/LOC%201%2Fa',
    );
    assert.throws(() => expandPath('{location_id}/{evse_uid}', { location_id: 'L' }), /evse_uid/);
  });

  test('matchPath decodes, ignores slashes at the ends, needs every segment', () => {
    assert.deepEqual(matchPath('{location_id}/{evse_uid}', '/LOC%201/3256/'), {
      location_id: 'LOC 1',
      evse_uid: '3256',
    });
    assert.equal(matchPath('{location_id}/{evse_uid}', 'LOC1'), undefined);
    assert.equal(matchPath('{token_uid}/authorize', '123/authorise'), undefined);
    assert.deepEqual(matchPath('', '/'), {});
    assert.equal(matchPath('{a}', '%E0%A4%A'), undefined);
  });

  test('matchRow: literal segments win over parameters', () => {
    const activate = matchRow('2.3.0', 'payments', 'SENDER', 'POST', 'terminals/activate');
    assert.equal(activate?.row.path, 'terminals/activate');
    const got = matchRow('2.3.0', 'payments', 'SENDER', 'GET', 'terminals/T-1');
    assert.deepEqual(got?.params, { terminal_id: 'T-1' });
    const evse = matchRow('2.2.1', 'locations', 'RECEIVER', 'PUT', 'NL/TNM/1012/3256');
    assert.equal(evse?.row.requestBody?.object, 'EVSE');
    assert.equal(matchRow('2.2.1', 'locations', 'RECEIVER', 'POST', 'NL/TNM/1012'), undefined);
    assert.equal(
      matchRow('2.2.1', 'commands', 'RECEIVER', 'POST', 'START_SESSION')?.row.requestBody?.object,
      'StartSession',
    );
  });

  test('normalizeModuleId', () => {
    assert.equal(normalizeModuleId('Booking'), 'bookings');
    assert.equal(normalizeModuleId('LOCATIONS'), 'locations');
    assert.equal(normalizeModuleId('nltnm-tokens'), undefined);
    assert.equal(normalizeModuleId('versions'), undefined);
    assert.equal(MODULE_IDS.length, 12);
  });
});

test('spec folders needed by the table tests exist when the spec is available', (t) => {
  if (!specAvailable) return t.skip('spec not available');
  assert.ok(existsSync(join(specRoot, '2.3.0-bookings', 'mod_bookings.asciidoc')));
});
