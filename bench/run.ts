/**
 * `npm run bench`: every benchmark beside its baseline, measured in the same run.
 * Figures and how to read them: docs/benchmarks.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromCanonical, toCanonical } from '../src/model/index.js';
import { validate } from '../src/protocol/common/validator.js';
import { v2_2_1, v2_3_0 } from '../src/protocol/index.js';
import { examplesRoot, readExample } from '../test/helpers/fixtures.js';
import { runChargingProfilesBenchmarks } from './charging-profiles.js';
import { runCommandsBenchmarks } from './commands.js';
import { type BenchResult, compare, consume, formatResults } from './harness.js';
import { runHttpBenchmarks } from './http.js';
import { runLocationsBenchmarks } from './locations.js';
import { runReceiverBenchmarks } from './receiver.js';
import { runSimulateBenchmarks } from './simulate.js';
import { runTariffBenchmarks } from './tariff.js';

// Validation: the complete 2.2.1 Location example, against JSON.parse of the same text.
const locationText = readFileSync(join(examplesRoot, '2.2.1', 'location_example.json'), 'utf8');
const location = JSON.parse(locationText);
if (!validate(v2_2_1.locations.Location, location).valid)
  throw new Error('the 2.2.1 Location example must be valid');

// Conversion: the 2.1.1 Location example, 2.1.1 -> canonical -> 2.3.0.
const location211 = readExample('2.1.1/mod_locations_06.json.txt');
const location211Text = JSON.stringify(location211);
const party = { country_code: 'BE', party_id: 'BEC' };
const to230 = () =>
  fromCanonical('Location', '2.3.0', toCanonical('Location', '2.1.1', location211, { party }).value).value;
if (!validate(v2_3_0.locations.Location, to230()).valid)
  throw new Error('the converted Location must be valid 2.3.0');

const results: BenchResult[] = [
  compare(
    {
      name: 'validate 2.2.1 Location example',
      fn: () => validate(v2_2_1.locations.Location, location).valid,
    },
    { name: 'JSON.parse of its text', fn: () => JSON.parse(locationText) },
  ),
  compare(
    { name: 'convert 2.1.1 Location -> canonical -> 2.3.0', fn: to230 },
    { name: 'JSON.parse of its text', fn: () => JSON.parse(location211Text) },
  ),
];

// HTTP: the app against a bare node:http server answering the same bytes (bench/http.ts, ~30 s).
results.push(...(await runHttpBenchmarks()));

// Locations (issue 5): the Sender list, pull sync 10k/100k, push fan-out (bench/locations.ts, a few minutes).
const locations = await runLocationsBenchmarks();
results.push(...locations.results);

// Receiver (issue 6): CDR ingest and Session PATCH at the eMSP, SQLite file and PostgreSQL (bench/receiver.ts, ~1 min).
const receiver = await runReceiverBenchmarks();
results.push(...receiver.results);

// Charging simulator (issue 6): 1,000 concurrent sessions between two nodes on SQLite (bench/simulate.ts, ~35 s).
const simulated = await runSimulateBenchmarks();
results.push(...simulated.results);

// Tariff engine (issue 7): pricings per second vs a plain energy × price loop (bench/tariff.ts, ~6 s).
const tariffBench = await runTariffBenchmarks();
results.push(...tariffBench.results);

// Commands (issue 8): commands through two nodes with the simulator, command to result (bench/commands.ts, ~20 s).
const commands = await runCommandsBenchmarks();
results.push(...commands.results);
const profiles = await runChargingProfilesBenchmarks();
results.push(...profiles.results);

console.log(formatResults(results));
console.log(
  '\n"time vs baseline" = time per operation / time of the baseline operation, both measured in this run.',
);
console.log(
  'HTTP rows: ops/s = requests/s (autocannon in a worker thread, 10 connections, 2 rounds of 3 s).',
);
for (const note of locations.notes) console.log(note);
for (const note of receiver.notes) console.log(note);
for (const note of commands.notes) console.log(note);
for (const note of profiles.notes) console.log(note);
for (const note of simulated.notes) console.log(note);
for (const note of tariffBench.notes) console.log(note);
consume();
