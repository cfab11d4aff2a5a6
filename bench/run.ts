/**
 * `npm run bench`: every benchmark beside its baseline, measured in the same run.
 * Figures and how to read them: docs/benchmarks.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from '../src/protocol/common/validator.js';
import { v2_2_1 } from '../src/protocol/index.js';
import { examplesRoot } from '../test/helpers/fixtures.js';
import { type BenchResult, compare, consume, formatResults } from './harness.js';

const locationText = readFileSync(join(examplesRoot, '2.2.1', 'location_example.json'), 'utf8');
const location = JSON.parse(locationText);
if (!validate(v2_2_1.locations.Location, location).valid)
  throw new Error('the 2.2.1 Location example must be valid');

const results: BenchResult[] = [
  compare(
    {
      name: 'validate 2.2.1 Location example',
      fn: () => validate(v2_2_1.locations.Location, location).valid,
    },
    { name: 'JSON.parse of its text', fn: () => JSON.parse(locationText) },
  ),
];

console.log(formatResults(results));
consume();
