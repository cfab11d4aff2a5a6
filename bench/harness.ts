/**
 * A small benchmark harness. The machine is shared and noisy, so every benchmark is measured
 * beside a baseline in the same run and reported as a ratio; absolute figures are for reference.
 * Each case runs in interleaved rounds (case, baseline, case, baseline, …) so that a burst of
 * noise hits both sides, and the median round is reported.
 */

import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export interface BenchCase {
  name: string;
  fn: () => unknown;
}

export interface BenchResult {
  name: string;
  opsPerSec: number;
  baseline: string;
  baselineOpsPerSec: number;
  /** How many times slower than the baseline (case time / baseline time). */
  ratio: number;
}

let sink: unknown;

/** Operations per second of `fn` over about `ms` milliseconds. */
function measure(fn: () => unknown, ms: number): number {
  // Calibrate a batch that takes about 10 ms, so the clock's resolution does not matter.
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) sink = fn();
    if (performance.now() - t0 >= 10 || batch >= 1 << 24) break;
    batch *= 2;
  }
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) sink = fn();
    ops += batch;
    elapsed = performance.now() - start;
  }
  return (ops / elapsed) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function compare(subject: BenchCase, baseline: BenchCase, { rounds = 5, ms = 300 } = {}): BenchResult {
  measure(subject.fn, 100); // warm up both so the JIT has settled
  measure(baseline.fn, 100);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(measure(subject.fn, ms));
    b.push(measure(baseline.fn, ms));
  }
  const opsPerSec = median(a);
  const baselineOpsPerSec = median(b);
  return {
    name: subject.name,
    opsPerSec,
    baseline: baseline.name,
    baselineOpsPerSec,
    ratio: baselineOpsPerSec / opsPerSec,
  };
}

export function formatResults(results: BenchResult[]): string {
  const rows = results.map((r) => [
    r.name,
    Math.round(r.opsPerSec).toLocaleString('en-US'),
    r.baseline,
    Math.round(r.baselineOpsPerSec).toLocaleString('en-US'),
    `${r.ratio.toFixed(2)}x`,
  ]);
  const header = ['benchmark', 'ops/s', 'baseline (same run)', 'ops/s', 'time vs baseline'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Keeps results observable so the JIT cannot drop the work. */
export function consume(): unknown {
  return sink;
}

/**
 * Runs a bench file's benchmarks when the file itself is the program (`node dist/bench/X.js`),
 * printing the table and its notes; does nothing when bench/run.ts imports it.
 */
export async function runIfMain(
  moduleUrl: string,
  run: () => Promise<{ results: BenchResult[]; notes: string[] }>,
): Promise<void> {
  const main = process.argv[1];
  if (main === undefined || realpathSync(main) !== fileURLToPath(moduleUrl)) return;
  const { results, notes } = await run();
  console.log(formatResults(results));
  for (const note of notes) console.log(note);
}
