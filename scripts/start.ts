/**
 * `npm start`: the main job. Until the Roamkit node exists (issue 4), it runs the checks of
 * `roamkit validate` over every bundled spec example, and says so.
 */
import { exampleExpectations } from '../test/fixtures/expectations.js';
import { checkExample } from '../test/helpers/fixtures.js';

console.log('Roamkit: the OCPI node is not built yet, so `npm start` runs `roamkit validate`');
console.log(
  `over the ${exampleExpectations.length} examples the OCPI specification publishes (test/fixtures/ocpi-examples).\n`,
);

const counts = { valid: 0, errata: 0, unexpected: 0 };
for (const e of exampleExpectations) {
  const report = checkExample(e);
  const ok = e.erratum === undefined ? report.issues.length === 0 : report.issues.length > 0;
  if (!ok) counts.unexpected++;
  else if (e.erratum) counts.errata++;
  else counts.valid++;
  const verdict = e.erratum
    ? `known spec erratum (${report.issues.length} issues): ${e.erratum.reason}`
    : report.issues.length === 0
      ? 'valid'
      : 'INVALID';
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} OCPI ${e.version} ${e.type}${e.form === 'partial' ? ' (partial)' : ''}  ${e.file}: ${verdict}`,
  );
  if (!ok) for (const issue of report.issues) console.log(`       ${issue.pointer || '/'} ${issue.message}`);
}
console.log(
  `\n${counts.valid} valid, ${counts.errata} known errata rejected as expected, ${counts.unexpected} unexpected results.`,
);
console.log(
  'Try it yourself: npx roamkit validate --ocpi 2.2.1 --type Location test/fixtures/ocpi-examples/2.2.1/location_example.json',
);
process.exitCode = counts.unexpected === 0 ? 0 : 1;
