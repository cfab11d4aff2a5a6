/**
 * The generated OpenAPI documents: valid OpenAPI 3.1 (checked by a real validator), one
 * operation per endpoint-table row with the table's method, parameters and objects, every $ref
 * resolving, every component a valid JSON Schema 2020-12 that judges the spec's examples as the
 * TypeBox schemas do; and `roamkit openapi` run in-process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { run } from '../../src/cli/main.js';
import { OCPI_VERSIONS, type OcpiVersion, rowsFor, schemasByVersion } from '../../src/protocol/index.js';
import {
  buildOpenApi,
  DEFAULT_SERVER_URL,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
  type OpenApiResponse,
  openApiPath,
  openApiTag,
} from '../../src/protocol/openapi.js';
import { exampleExpectations } from '../fixtures/expectations.js';
import { checkExample, readExample } from '../helpers/fixtures.js';

const docs = Object.fromEntries(OCPI_VERSIONS.map((v) => [v, buildOpenApi(v)])) as Record<
  OcpiVersion,
  OpenApiDocument
>;

/** Follows a local `#/…` JSON pointer; undefined when it does not resolve. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Every value of a `$ref` key anywhere in the document, and every key of any object. */
function walk(node: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(node)) for (const item of node) walk(item, visit);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      visit(key, value);
      walk(value, visit);
    }
  }
}

function deref<T>(doc: OpenApiDocument, value: T | { $ref: string }): T {
  if (value !== null && typeof value === 'object' && '$ref' in value) {
    const target = resolvePointer(doc, value.$ref);
    assert.ok(target !== undefined, `${value.$ref} resolves`);
    return target as T;
  }
  return value as T;
}

function operationOf(doc: OpenApiDocument, path: string, method: string): OpenApiOperation {
  const op = doc.paths[path]?.[method.toLowerCase() as 'get'];
  assert.ok(op !== undefined, `${method} ${path} exists`);
  return op;
}

function parametersOf(doc: OpenApiDocument, op: OpenApiOperation): OpenApiParameter[] {
  return (op.parameters ?? []).map((p) => deref(doc, p));
}

function bodyRef(op: OpenApiOperation): JsonSchema | undefined {
  return op.requestBody?.content['application/json']?.schema;
}

/** The `data` schema of the 200 response: its $ref (or `[$ref]` for a list), or null for none. */
function dataRef(doc: OpenApiDocument, op: OpenApiOperation): string | string[] | null {
  const ok = deref<OpenApiResponse>(doc, op.responses['200'] as OpenApiResponse);
  const schema = ok.content?.['application/json']?.schema as JsonSchema;
  if (schema.$ref === '#/components/schemas/Response') return null;
  const allOf = schema.allOf as JsonSchema[];
  assert.deepEqual(allOf[0], { $ref: '#/components/schemas/Response' });
  const data = ((allOf[1] as JsonSchema).properties as Record<string, JsonSchema>).data as JsonSchema;
  return data.type === 'array' ? [(data.items as JsonSchema).$ref as string] : (data.$ref as string);
}

const schemaRef = (name: string) => `#/components/schemas/${name}`;

describe('buildOpenApi', () => {
  for (const version of OCPI_VERSIONS) {
    describe(`OCPI ${version}`, () => {
      const doc = docs[version];
      const rows = rowsFor(version);

      it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
        const validator = new Validator();
        // A JSON round trip first: the validator must see exactly what the CLI prints.
        const result = await validator.validate(JSON.parse(JSON.stringify(doc)));
        assert.equal(validator.version, '3.1');
        assert.deepEqual(result.errors, undefined);
        assert.equal(result.valid, true);
      });

      it('resolves every $ref and carries no raw TypeBox annotation', () => {
        const refs: string[] = [];
        walk(doc, (key, value) => {
          if (key === '$ref') refs.push(value as string);
          assert.ok(key !== 'ocpiType' && key !== 'ocpiKnownValues', `no ${key} keyword left`);
        });
        assert.ok(refs.length > 100);
        for (const ref of new Set(refs)) assert.notEqual(resolvePointer(doc, ref), undefined, ref);
      });

      it('has one operation per endpoint-table row, nothing else', () => {
        const operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
        assert.equal(operations.length, rows.length);
        const ids = operations.map((op) => op.operationId);
        assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
      });

      it('gives every row its method, path parameters, query parameters and tag', () => {
        for (const row of rows) {
          const path = openApiPath(row);
          const op = operationOf(doc, path, row.method);
          const where = `${row.method} ${path}`;
          assert.equal(op['x-ocpi-path'], row.path, where);
          assert.equal(op['x-ocpi-module'], row.module, where);
          assert.equal(op['x-ocpi-interface'], row.interface, where);
          assert.deepEqual(op.tags, [openApiTag(row)], where);
          const params = parametersOf(doc, op);
          assert.deepEqual(
            params.filter((p) => p.in === 'path').map((p) => p.name),
            row.pathParams.map((p) => p.name),
            where,
          );
          assert.ok(params.filter((p) => p.in === 'path').every((p) => p.required));
          assert.deepEqual(
            params.filter((p) => p.in === 'query').map((p) => [p.name, p.required]),
            row.queryParams.map((p) => [p.name, p.required]),
            where,
          );
          if (row.response.paginated) {
            for (const name of ['offset', 'limit', 'date_from', 'date_to']) {
              assert.ok(
                params.some((p) => p.in === 'query' && p.name === name),
                `${where} has ${name}`,
              );
            }
          }
        }
      });

      it('refers to each row’s request body and response object by spec name', () => {
        const registry = schemasByVersion[version];
        for (const row of rows) {
          const op = operationOf(doc, openApiPath(row), row.method);
          const where = `${row.method} ${openApiPath(row)}`;
          const body = bodyRef(op);
          if (row.requestBody === undefined) {
            assert.equal(op.requestBody, undefined, where);
          } else {
            const { object, partial, list, optional } = row.requestBody;
            assert.ok(registry.has(object), `${object} is a spec name of ${version}`);
            const expected = { $ref: schemaRef(partial ? `${object}Patch` : object) };
            assert.deepEqual(list ? (body as JsonSchema).items : body, expected, where);
            assert.equal(op.requestBody?.required, !optional, where);
          }
          const data = dataRef(doc, op);
          if (row.response.object === null) assert.equal(data, null, where);
          else {
            const ref = schemaRef(row.response.object);
            assert.deepEqual(data, row.response.list ? [ref] : ref, where);
          }
          const ok = deref<OpenApiResponse>(doc, op.responses['200'] as OpenApiResponse);
          const headers = Object.keys(ok.headers ?? {});
          for (const name of ['Link', 'X-Total-Count', 'X-Limit']) {
            assert.equal(headers.includes(name), row.response.paginated === true, `${where} ${name}`);
          }
          assert.equal(headers.includes('Location'), row.response.locationHeader === true, where);
        }
      });

      it('declares exactly the parameters of each templated path, on no two equivalent paths', () => {
        const shapes = new Map<string, string>();
        for (const [path, item] of Object.entries(doc.paths)) {
          const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
          for (const op of Object.values(item)) {
            const declared = parametersOf(doc, op)
              .filter((p) => p.in === 'path')
              .map((p) => p.name);
            assert.deepEqual(declared, names, path);
          }
          const shape = path.replace(/\{[^}]+\}/g, '{}');
          assert.equal(
            shapes.get(shape),
            undefined,
            `${path} and ${shapes.get(shape)} are one templated path`,
          );
          shapes.set(shape, path);
        }
      });

      it('answers with the error envelopes the status chapter allows', () => {
        for (const row of rows) {
          const op = operationOf(doc, openApiPath(row), row.method);
          const codes = Object.keys(op.responses);
          const where = `${row.method} ${openApiPath(row)}`;
          assert.ok(codes.includes('200') && codes.includes('401'), where);
          assert.equal(codes.includes('400'), row.requestBody !== undefined, where);
          assert.equal(codes.includes('405'), row.module === 'credentials' && row.method !== 'GET', where);
          for (const code of ['400', '401', '404', '405']) {
            const response = op.responses[code];
            if (response === undefined) continue;
            const schema = deref(doc, response as OpenApiResponse).content?.['application/json']?.schema;
            assert.deepEqual(schema, { $ref: schemaRef('ErrorResponse') }, `${where} ${code}`);
          }
        }
        assert.ok(codesOf(doc, 'GET').includes('404'));
      });

      it('puts every referenced spec object in components.schemas under its spec name, sorted', () => {
        const registry = schemasByVersion[version];
        const names = Object.keys(doc.components.schemas);
        assert.deepEqual(names, [...names].sort());
        for (const name of names) {
          if (name === 'ErrorResponse') continue;
          const base = registry.has(name) ? name : name.replace(/Patch$/, '');
          assert.ok(registry.has(base), `${name} is a spec name (or its PATCH form)`);
          assert.equal(doc.components.schemas[name]?.['x-ocpi-type'], base, name);
        }
        for (const row of rows) {
          if (row.response.object !== null) assert.ok(names.includes(row.response.object));
          if (row.requestBody !== undefined) assert.ok(names.includes(row.requestBody.object));
        }
        assert.ok(names.includes('Response'));
      });

      it('makes every component a valid JSON Schema 2020-12', () => {
        const ajv = componentsAjv(doc, version);
        for (const name of Object.keys(doc.components.schemas)) {
          assert.ok(ajv.getSchema(`${componentsId(version)}#/components/schemas/${name}`), name);
        }
      });

      it('is deterministic', () => {
        assert.equal(JSON.stringify(buildOpenApi(version)), JSON.stringify(doc));
        const paths = Object.keys(doc.paths);
        assert.deepEqual(paths, [...paths].sort());
        assert.deepEqual(
          doc.tags.map((t) => t.name),
          doc.tags.map((t) => t.name).sort(),
        );
      });

      it('describes the Token authorization header for the version', () => {
        const scheme = doc.components.securitySchemes.OcpiToken;
        assert.equal(scheme?.type, 'apiKey');
        assert.equal(scheme?.in, 'header');
        assert.equal(scheme?.name, 'Authorization');
        assert.equal(/base64/i.test(scheme?.description ?? ''), version !== '2.1.1');
        assert.deepEqual(doc.security, [{ OcpiToken: [] }]);
      });
    });
  }

  it('uses serverUrl as the default of the server variable', () => {
    assert.equal(docs['2.2.1'].servers[0]?.variables.ocpiBaseUrl?.default, DEFAULT_SERVER_URL);
    const doc = buildOpenApi('2.2.1', { serverUrl: 'https://cpo.example.org/ocpi/' });
    assert.equal(doc.servers[0]?.url, '{ocpiBaseUrl}');
    assert.equal(doc.servers[0]?.variables.ocpiBaseUrl?.default, 'https://cpo.example.org/ocpi');
  });

  it('2.2.1: the PATCH of a Connector takes a partial Connector', () => {
    const doc = docs['2.2.1'];
    const op = operationOf(
      doc,
      '/2.2.1/locations/receiver/{country_code}/{party_id}/{location_id}/{evse_uid}/{connector_id}',
      'PATCH',
    );
    assert.deepEqual(bodyRef(op), { $ref: schemaRef('ConnectorPatch') });
    const full = doc.components.schemas.Connector as JsonSchema;
    const patch = doc.components.schemas.ConnectorPatch as JsonSchema;
    assert.ok((full.required as string[]).includes('id'));
    assert.equal(patch.required, undefined);
    assert.deepEqual(patch.properties, full.properties);
    assert.equal(patch['x-ocpi-partial'], true);
    // The PUT of the same URL takes the whole Connector, and a Location nests EVSEs by $ref.
    const put = operationOf(
      doc,
      '/2.2.1/locations/receiver/{country_code}/{party_id}/{location_id}/{evse_uid}/{connector_id}',
      'PUT',
    );
    assert.deepEqual(bodyRef(put), { $ref: schemaRef('Connector') });
    const evses = ((doc.components.schemas.Location as JsonSchema).properties as Record<string, JsonSchema>)
      .evses;
    assert.deepEqual(evses, { type: 'array', items: { $ref: schemaRef('EVSE') } });
  });

  it('2.1.1 uses none of the 2.2.1 headers; 2.2.1 routes functional modules only', () => {
    const names = (doc: OpenApiDocument, op: OpenApiOperation) => parametersOf(doc, op).map((p) => p.name);
    const v211 = docs['2.1.1'];
    assert.deepEqual(v211.components.parameters, {});
    for (const item of Object.values(v211.paths)) {
      for (const op of Object.values(item)) {
        assert.ok(names(v211, op).every((n) => !/^(OCPI-|X-Request-ID|X-Correlation-ID)/i.test(n)));
        assert.ok(parametersOf(v211, op).every((p) => p.in !== 'header'));
      }
    }
    walk(v211.components.headers, (key) => assert.ok(!/^(OCPI-|X-Request|X-Correlation)/.test(key), key));

    const v221 = docs['2.2.1'];
    const credentials = names(v221, operationOf(v221, '/2.2.1/credentials', 'POST'));
    assert.ok(credentials.includes('X-Request-ID') && credentials.includes('X-Correlation-ID'));
    assert.ok(!credentials.some((n) => n.startsWith('OCPI-')));
    const locations = names(v221, operationOf(v221, '/2.2.1/locations/sender', 'GET'));
    for (const header of [
      'OCPI-from-country-code',
      'OCPI-from-party-id',
      'OCPI-to-country-code',
      'OCPI-to-party-id',
    ]) {
      assert.ok(locations.includes(header), header);
    }
    assert.equal(v221.components.parameters['X-Request-ID']?.required, true);
    assert.equal(v221.components.parameters['OCPI-to-party-id']?.required, false);
  });

  it('2.3.0 has the payments and bookings paths; 2.2.1 has neither', () => {
    const doc = docs['2.3.0'];
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/2.3.0/payments/sender/terminals',
      '/2.3.0/payments/sender/terminals/activate',
      '/2.3.0/payments/sender/financial-advice-confirmations/{financial_advice_confirmation_id}',
      '/2.3.0/payments/receiver/terminals',
      '/2.3.0/bookings/sender',
      '/2.3.0/bookings/sender/booking_locations/{booking_location_id}/{calendar_id}',
      '/2.3.0/bookings/receiver/{country_code}/{party_id}/{booking_id}',
    ]) {
      assert.ok(paths.includes(path), path);
    }
    assert.deepEqual(bodyRef(operationOf(doc, '/2.3.0/payments/sender/terminals/{terminal_id}', 'PATCH')), {
      $ref: schemaRef('TerminalPatch'),
    });
    assert.deepEqual(bodyRef(operationOf(doc, '/2.3.0/bookings/sender', 'POST')), {
      $ref: schemaRef('BookingRequest'),
    });
    assert.ok(doc.tags.some((t) => t.name === 'bookings (RECEIVER)'));
    assert.ok(doc.tags.some((t) => t.name === 'payments (SENDER)'));
    // OpenEnums keep their known values as an extension.
    assert.ok(JSON.stringify(doc.components.schemas).includes('"x-ocpi-known-values"'));
    assert.ok(!Object.keys(docs['2.2.1'].paths).some((p) => /payments|bookings/.test(p)));
  });

  it('2.2.1+: an unknown Token on authorize is the 404 with status 2004', () => {
    const doc = docs['2.2.1'];
    const op = operationOf(doc, '/2.2.1/tokens/sender/{token_uid}/authorize', 'POST');
    assert.deepEqual(op.responses['404'], { $ref: '#/components/responses/UnknownToken' });
    const example = doc.components.responses.UnknownToken?.content?.['application/json']?.example;
    assert.equal((example as { status_code: number }).status_code, 2004);
    assert.equal(
      operationOf(docs['2.1.1'], '/2.1.1/tokens/sender/{token_uid}/authorize', 'POST').responses['404'],
      undefined,
    );
  });
});

function codesOf(doc: OpenApiDocument, method: string): string[] {
  return Object.values(doc.paths).flatMap((item) =>
    Object.keys(item[method.toLowerCase() as 'get']?.responses ?? {}),
  );
}

const componentsId = (version: OcpiVersion) => `urn:roamkit:openapi:${version}`;
const ajvs = new Map<OcpiVersion, Ajv2020>();

/** An Ajv 2020-12 instance (strict) that knows the document's components under componentsId. */
function componentsAjv(doc: OpenApiDocument, version: OcpiVersion): Ajv2020 {
  let ajv = ajvs.get(version);
  if (ajv === undefined) {
    ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
    // `components` is only a container here: the $refs point into it.
    ajv.addVocabulary(['components', 'x-ocpi-type', 'x-ocpi-known-values', 'x-ocpi-partial']);
    ajv.addSchema({ $id: componentsId(version), components: { schemas: doc.components.schemas } });
    ajvs.set(version, ajv);
  }
  return ajv;
}

describe('generated components judge the spec examples as the TypeBox schemas do', () => {
  let checked = 0;
  for (const expectation of exampleExpectations) {
    const { file, version, type, form } = expectation;
    const doc = docs[version];
    const name = form === 'partial' ? `${type}Patch` : type;
    // Only what the document holds: objects no row refers to (e.g. a class only nested) may be absent.
    if (doc.components.schemas[name] === undefined) continue;
    checked++;
    it(`${file} (${name}, ${form})`, () => {
      const validate = componentsAjv(doc, version).getSchema(
        `${componentsId(version)}#/components/schemas/${name}`,
      );
      assert.ok(validate);
      const raw = readExample(file) as Record<string, unknown>;
      let items: unknown[];
      if (form === 'property') items = [raw[expectation.key as string]];
      else if (form === 'envelope') {
        const data = raw.data;
        items = expectation.list ? (data as unknown[]) : [data];
      } else items = form === 'list' ? (raw as unknown as unknown[]) : [raw];
      const generated = items.every((item) => validate(item));
      const typebox = checkExample(expectation).issues.length === 0;
      assert.equal(generated, typebox, JSON.stringify(validate.errors?.slice(0, 3)));
    });
  }
  it('covers most examples', () => assert.ok(checked > 100, `${checked} examples checked`));
});

describe('roamkit openapi', () => {
  async function cli(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  }

  it('prints the document of the version as JSON, valid OpenAPI 3.1', async () => {
    const r = await cli(['openapi', '--ocpi', '2.2.1']);
    assert.equal(r.code, 0);
    assert.deepEqual(r.err, []);
    const doc = JSON.parse(r.out.join('\n'));
    assert.deepEqual(doc, JSON.parse(JSON.stringify(docs['2.2.1'])));
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
  });

  it('--out FILE writes the document there and prints nothing; --server sets the base URL', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'roamkit-openapi-')), 'ocpi-2.3.0.json');
    const r = await cli([
      'openapi',
      '--ocpi',
      '2.3.0',
      '--out',
      file,
      '--server',
      'https://emsp.example.org/ocpi',
    ]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.out, []);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.endsWith('}\n'));
    assert.ok(text.startsWith('{\n  "openapi": "3.1.0",'), 'pretty-printed');
    const doc = JSON.parse(text);
    assert.equal(doc.servers[0].variables.ocpiBaseUrl.default, 'https://emsp.example.org/ocpi');
    assert.ok('/2.3.0/bookings/sender' in doc.paths);
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
  });

  it('exits 2 on a bad version, a missing --ocpi, a bad --server or an unwritable --out', async () => {
    assert.equal((await cli(['openapi', '--ocpi', '2.0'])).code, 2);
    assert.equal((await cli(['openapi'])).code, 2);
    assert.equal((await cli(['openapi', '--ocpi', '2.2.1', '--server', 'not a url'])).code, 2);
    const r = await cli([
      'openapi',
      '--ocpi',
      '2.2.1',
      '--out',
      join(tmpdir(), 'no-such-dir-roamkit', 'x.json'),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.err.join('\n'), /cannot write/);
  });
});
