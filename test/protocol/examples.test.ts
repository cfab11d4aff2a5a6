/**
 * Every example the spec publishes is a fixture with a recorded expectation
 * (test/fixtures/expectations.ts): it validates as what it is, or it is a known erratum that
 * must still fail, at the recorded pointer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exampleExpectations } from '../fixtures/expectations.js';
import { checkExample, listExampleFiles, readExample } from '../helpers/fixtures.js';

describe('spec examples', () => {
  it('every example file has exactly one recorded expectation', () => {
    const files = listExampleFiles().filter((f) => !f.endsWith('.md'));
    assert.deepEqual(exampleExpectations.map((e) => e.file).sort(), files);
  });

  it('shapes match their form (lists are arrays, envelopes carry data, excerpts their key)', () => {
    for (const e of exampleExpectations) {
      const doc = readExample(e.file) as Record<string, unknown>;
      if (e.form === 'list') assert.ok(Array.isArray(doc), e.file);
      if (e.form === 'envelope')
        assert.ok('data' in doc && Array.isArray(doc.data) === (e.list ?? false), e.file);
      if (e.form === 'property') assert.ok(e.key !== undefined && e.key in doc, e.file);
    }
  });

  for (const e of exampleExpectations) {
    const what = e.erratum
      ? 'is a known erratum'
      : `is a valid ${e.form === 'partial' ? 'partial ' : ''}${e.type}`;
    it(`${e.version} ${e.file} ${what}`, () => {
      const report = checkExample(e);
      if (e.erratum === undefined) {
        assert.deepEqual(report.issues, [], `${e.file} should validate`);
        return;
      }
      assert.notEqual(
        report.issues.length,
        0,
        `erratum no longer fails (fixed upstream?): ${e.erratum.reason}`,
      );
      if (e.erratum.pointer !== undefined) {
        const pointers = report.issues.map((i) => i.pointer);
        assert.ok(
          pointers.includes(e.erratum.pointer),
          `expected an issue at ${e.erratum.pointer}, got ${pointers.join(', ')}`,
        );
      }
    });
  }
});
