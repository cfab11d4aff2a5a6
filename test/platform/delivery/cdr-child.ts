/**
 * The CPO side of the CDR crash test (cdr-kill.test.ts), in a process of its own: on the CPO
 * node's database (a SQLite file or a PostgreSQL schema the test's CPO node uses too) it publishes
 * the CDRs of a file one by one, each committed with its delivery rows in one transaction by the
 * publisher, while a delivery worker POSTs them to the eMSP. The test SIGKILLs it at random points
 * and starts it again: a restarted child publishes only the CDRs not yet stored (a CDR is
 * immutable, and the test wants the burst to go on where it stopped), and its worker takes over
 * what the killed one had claimed once the lease runs out.
 *
 * It tells the test on stdout, a line each: `ready` (worker running), `published <id>` after each
 * commit, `all-published` once every CDR of the file is stored. SIGTERM stops it cleanly.
 * Imported (the test takes its types and PRNG), or with no options in the environment, it does nothing.
 */
import { readFileSync } from 'node:fs';
import { fromCanonical } from '../../../src/model/index.js';
import { validateNodeConfig } from '../../../src/platform/config.js';
import { defaultClientFactory } from '../../../src/platform/credentials.js';
import { createPublisher } from '../../../src/platform/delivery/publisher.js';
import { createDeliveryWorker } from '../../../src/platform/delivery/worker.js';
import { silentLogger } from '../../../src/platform/modules.js';
import { findSchema, precompile, schemasByVersion } from '../../../src/protocol/index.js';
import { openStore } from '../../../src/store/database.js';
import type { ObjectKey } from '../../../src/store/types.js';

/** The environment variable holding the child's options (JSON). */
export const CDR_CHILD_ENV = 'ROAMKIT_CDR_CHILD';

export interface CdrChildOptions {
  /** Store URL: `sqlite:/path/file.db` or a postgres:// URL. */
  db: string;
  /** PostgreSQL: the CPO node's schema. */
  schema?: string;
  /** A JSON file with the canonical (2.3.0) CDRs to publish, in order. */
  cdrsFile: string;
  /** The CPO's parties, `CC:PID:ROLE`. */
  parties: string[];
  /** Delivery settings (short leases and delays: the test restarts workers often). */
  delivery: Record<string, number>;
  workerId: string;
  /** Seeds the pauses between two CDRs. */
  seed: number;
  /** The longest pause between two CDRs, ms (a burst spread over time, so kills land inside it). */
  paceMs: number;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(options: CdrChildOptions): Promise<void> {
  const store = openStore(
    options.db,
    options.schema === undefined ? {} : { schema: options.schema, poolSize: 4 },
  );
  const config = validateNodeConfig({
    publicUrl: 'http://127.0.0.1:1',
    parties: options.parties,
    delivery: options.delivery,
  });
  const worker = createDeliveryWorker({
    config,
    store,
    clientFactory: defaultClientFactory(config),
    log: silentLogger,
    workerId: options.workerId,
  });
  // As the node does: a commit that made something owed wakes the worker, so a CDR goes out at once.
  const publisher = createPublisher({ config, store, onPublished: () => worker.wake() });
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
    void worker
      .stop()
      .then(() => store.close())
      .then(() => process.exit(0));
  });

  const cdrs = JSON.parse(readFileSync(options.cdrsFile, 'utf8')) as Record<string, unknown>[];
  const keyOf = (cdr: Record<string, unknown>): ObjectKey => ({
    countryCode: String(cdr.country_code),
    partyId: String(cdr.party_id),
    id: String(cdr.id),
  });
  const stored = new Set(
    (
      await store.objects.getMany(
        'cdrs',
        cdrs.map((cdr) => keyOf(cdr)),
      )
    ).map((record) => record.key.id),
  );
  // What a running node compiles at start-up (the CDR schema of the publisher's 2.3.0 and of each
  // peer's version, the converters), done before `ready`:
  // the test's kill timers then run while the burst goes, not while the first CDR compiles.
  const first = cdrs[0];
  const peers = await store.peers.list({ status: 'REGISTERED' });
  const versions = new Set([
    '2.3.0' as const,
    ...peers.flatMap((p) => (p.version === null ? [] : [p.version])),
  ]);
  for (const version of versions) {
    const schema = findSchema(schemasByVersion[version], 'CDR');
    if (schema !== undefined) precompile(schema);
    if (first !== undefined) fromCanonical('CDR', version, first);
  }
  worker.start();
  say('ready');

  const random = seededRandom(options.seed);
  for (const cdr of cdrs) {
    if (stopping) return;
    if (stored.has(String(cdr.id))) continue;
    await publisher.put('cdrs', cdr);
    say(`published ${String(cdr.id)}`);
    await sleep(random() * options.paceMs);
  }
  say('all-published');
}

const raw = process.env[CDR_CHILD_ENV];
if (raw !== undefined) {
  run(JSON.parse(raw) as CdrChildOptions).catch((error: unknown) => {
    process.stderr.write(`cdr-child: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
