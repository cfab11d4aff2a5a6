/**
 * `npm start`: the demo. Two Roamkit nodes on 127.0.0.1 (free ports), a CPO (NL:CPO:CPO) and an
 * eMSP (NL:MSP:EMSP), each with its own SQLite file under ./data/demo/ (fresh each run). Through
 * their admin APIs the eMSP invites the CPO and the CPO registers with it: the credentials
 * handshake over real HTTP. Then the CPO seeds locations and tariffs, which reach the eMSP by push
 * (the delivery worker), an EVSE status change goes as a PATCH, and the eMSP pulls the CPO's list
 * (the recovery path after an outage). It prints the negotiated version, both sides' peers, what
 * arrived, and curl commands with the tokens this run made, and keeps serving until Ctrl-C
 * (`npm start -- --once`: exits 0 right after).
 *
 * The tokens printed are demo tokens of throwaway local databases; showing them is the point.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadServeSettings } from '../src/cli/config-file.js';
import { adminPeerActions, formatPeerTable } from '../src/cli/peers.js';
import { logStarted, type RunningServer, startServer, waitForShutdownSignal } from '../src/cli/serve.js';
import { createLogger } from '../src/http/logger.js';
import type { PeerView } from '../src/platform/peers.js';
import { generateSeed } from '../src/platform/seed/index.js';
import { encodeAuthorization, type OcpiVersion } from '../src/protocol/index.js';
import { newToken } from '../src/store/tokens.js';
import { exampleExpectations } from '../test/fixtures/expectations.js';
import { checkExample } from '../test/helpers/fixtures.js';

const DEMO_DIR = join('data', 'demo');
const once = process.argv.slice(2).includes('--once');

interface DemoNode {
  label: string;
  party: string;
  db: string;
  log: string;
  adminToken: string;
  server: RunningServer;
}

/** Removes what an earlier run left (only this demo's own files). */
function freshFiles(name: string): void {
  for (const suffix of ['.db', '.db-wal', '.db-shm', '.log']) {
    rmSync(join(DEMO_DIR, `${name}${suffix}`), { force: true });
  }
}

async function startDemoNode(label: string, name: string, party: string): Promise<DemoNode> {
  freshFiles(name);
  const dbPath = join(DEMO_DIR, `${name}.db`);
  const log = join(DEMO_DIR, `${name}.log`);
  const adminToken = newToken();
  // The same path as `roamkit serve --db … --host 127.0.0.1 --port 0 --party … --admin-token …`.
  const settings = loadServeSettings(
    { db: `sqlite:${dbPath}`, host: '127.0.0.1', port: '0', parties: [party], adminToken },
    {},
  );
  const logger = createLogger({ destination: pino.destination({ dest: log, sync: true, mkdir: true }) });
  const server = await startServer(settings, { logger });
  logStarted(server, settings);
  return { label, party, db: `sqlite:${dbPath}`, log, adminToken, server };
}

/** The spec examples check the old `npm start` ran, as one line. */
function examplesLine(): string {
  const counts = { valid: 0, errata: 0, unexpected: 0 };
  for (const e of exampleExpectations) {
    const issues = checkExample(e).issues.length;
    const ok = e.erratum === undefined ? issues === 0 : issues > 0;
    if (!ok) counts.unexpected++;
    else if (e.erratum) counts.errata++;
    else counts.valid++;
  }
  return (
    `${exampleExpectations.length} spec examples checked: ${counts.valid} valid, ` +
    `${counts.errata} known errata rejected as expected, ${counts.unexpected} unexpected ` +
    '(details: npm test, or npx roamkit validate).'
  );
}

function printPeers(title: string, peers: PeerView[]): void {
  console.log(`\n${title}`);
  for (const line of formatPeerTable(peers)) console.log(`  ${line}`);
  for (const peer of peers) {
    for (const e of peer.endpoints) console.log(`    endpoint ${e.identifier} (${e.role}): ${e.url}`);
  }
}

/** Polls `check` until it holds (every 50 ms, at most `ms`). */
async function waitFor(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The CPO's data reaching the eMSP: seeded locations and tariffs by push, an EVSE status change as
 * a PATCH, then a pull sync by the eMSP. Returns the id of a location to show in a curl command.
 */
async function exchangeLocations(
  cpo: DemoNode,
  emsp: DemoNode,
  emspAtCpo: string,
  cpoAtEmsp: string,
): Promise<string | undefined> {
  const cpoPlatform = cpo.server.app.platform;
  const emspStore = emsp.server.store;
  const fromCpo = (module: 'locations' | 'tariffs') => emspStore.objects.count({ module, peerId: cpoAtEmsp });

  const seed = generateSeed({
    locations: 20,
    seed: 'demo',
    party: { country_code: 'NL', party_id: 'CPO' },
    now: new Date(),
  });
  console.log(
    `\n3. The CPO publishes ${seed.locations.length} locations and ${seed.tariffs.length} tariffs (as \`roamkit seed\` does): ` +
      'each change is committed\n   with a delivery row per interested peer, and its delivery worker pushes them (PUT).',
  );
  await cpoPlatform.publisher.putMany('tariffs', seed.tariffs as unknown as Record<string, unknown>[]);
  await cpoPlatform.publisher.putMany('locations', seed.locations as unknown as Record<string, unknown>[]);
  const started = Date.now();
  await waitFor(
    'the pushed locations at the eMSP',
    async () =>
      (await fromCpo('locations')) === seed.locations.length &&
      (await fromCpo('tariffs')) === seed.tariffs.length,
  );
  console.log(
    `   The eMSP holds ${await fromCpo('locations')} locations and ${await fromCpo('tariffs')} tariffs of the CPO (${Date.now() - started} ms).`,
  );

  const first = seed.locations[0];
  const evse = first?.evses?.[0];
  if (first === undefined || evse === undefined) return undefined;
  const key = { countryCode: 'NL', partyId: 'CPO', id: first.id };
  const status = evse.status === 'CHARGING' ? 'AVAILABLE' : 'CHARGING';
  console.log(
    `\n4. EVSE ${evse.uid} at ${first.address}, ${first.city} becomes ${status} at the CPO: the eMSP holds the previous\n` +
      '   revision, so the worker sends a PATCH of that EVSE (status and last_updated), not the whole location.',
  );
  await cpoPlatform.publisher.patch('locations', key, [evse.uid], { status });
  await waitFor('the EVSE status at the eMSP', async () => {
    const held = await emspStore.objects.get('locations', key);
    const evses = (held?.data.evses ?? []) as { uid: string; status: string }[];
    return evses.find((e) => e.uid === evse.uid)?.status === status;
  });
  const outbox = await cpo.server.store.deliveries.list({ peerId: emspAtCpo });
  const done = outbox.filter((d) => d.state === 'DONE').length;
  console.log(
    `   Delivered. The CPO's outbox for the eMSP: ${done} of ${outbox.length} objects acknowledged.`,
  );

  console.log(
    "\n5. The eMSP pulls the CPO's locations (GET of every page, following Link): what a receiver does after an outage.",
  );
  // A sync reads up to the second it starts in (exclusive: DateTimes have whole seconds), so the
  // change just made would wait for the next sync; start in the next second.
  await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));
  const pulled = await emsp.server.app.platform.sync.sync(cpoAtEmsp, 'locations', {
    full: true,
    pageLimit: 8,
  });
  const ms = pulled.finishedAt.getTime() - pulled.startedAt.getTime();
  console.log(
    `   ${pulled.received} locations in ${pulled.pages} pages (X-Total-Count ${pulled.total ?? '?'}), in ${ms} ms; ` +
      'the same states again, so nothing changed at the eMSP.',
  );
  return first.id;
}

async function main(): Promise<number> {
  console.log('Roamkit demo: two OCPI nodes on this machine, each with its own SQLite database.\n');
  const cpo = await startDemoNode('CPO', 'cpo', 'NL:CPO:CPO');
  const emsp = await startDemoNode('eMSP', 'emsp', 'NL:MSP:EMSP');
  const nodes = [cpo, emsp];
  const close = () => Promise.all(nodes.map((n) => n.server.close()));
  for (const n of nodes) {
    console.log(
      `  ${n.label.padEnd(4)} node ${n.party.padEnd(11)} ${n.server.publicUrl}   (${n.db}, log ${n.log})`,
    );
  }

  const atCpo = adminPeerActions(cpo.server.publicUrl, cpo.adminToken);
  const atEmsp = adminPeerActions(emsp.server.publicUrl, emsp.adminToken);
  let registered: PeerView;
  try {
    console.log(
      '\n1. The eMSP invites the CPO (POST /admin/peers/invite at the eMSP): a token A and its versions URL.',
    );
    const invitation = await atEmsp.invite({ name: 'CPO' });
    console.log(
      "2. The CPO registers with the eMSP (POST /admin/peers/register at the CPO): it fetches the eMSP's versions\n" +
        "   and details, POSTs its credentials; the eMSP fetches the CPO's in turn. All over HTTP.",
    );
    registered = await atCpo.register({
      versions_url: invitation.versions_url,
      token: invitation.token,
      name: 'eMSP',
    });
  } catch (error) {
    console.error(`\nThe registration failed: ${(error as Error).message}`);
    await close();
    return 1;
  }
  const version = registered.version as OcpiVersion;
  console.log(`\nNegotiated OCPI version: ${version}`);

  const cpoPeers = await atCpo.list();
  const emspPeers = await atEmsp.list();
  printPeers(`Peers of the CPO (${cpo.server.publicUrl}):`, cpoPeers);
  printPeers(`Peers of the eMSP (${emsp.server.publicUrl}):`, emspPeers);

  // The tokens each side now presents to the other (kept in clear by the side that presents them).
  const cpoToken = (await cpo.server.store.peers.findById(registered.id))?.outgoingToken;
  const emspPeerId = emspPeers.find((p) => p.status === 'REGISTERED')?.id;
  const emspToken =
    emspPeerId === undefined
      ? undefined
      : (await emsp.server.store.peers.findById(emspPeerId))?.outgoingToken;
  if (!cpoToken || !emspToken) {
    console.error('\nA registered side holds no token for the other: the handshake did not complete.');
    await close();
    return 1;
  }
  let sample: string | undefined;
  try {
    sample = await exchangeLocations(cpo, emsp, registered.id, emspPeerId as string);
  } catch (error) {
    console.error(`\nThe exchange of locations failed: ${(error as Error).message}`);
    await close();
    return 1;
  }

  const auth = (token: string) => `-H 'Authorization: ${encodeAuthorization(token, version)}'`;
  const e = emsp.server.publicUrl;
  const c = cpo.server.publicUrl;
  console.log(`\nTry it (demo tokens made for this run; ${version} sends them Base64-encoded):`);
  console.log('  # the eMSP, as the CPO (with the token the eMSP gave the CPO):');
  console.log(`  curl -s ${e}/ocpi/versions ${auth(cpoToken)}`);
  console.log(`  curl -s ${e}/ocpi/${version}/credentials ${auth(cpoToken)}`);
  console.log('  # the CPO, as the eMSP; then without a token (HTTP 401); then its health:');
  console.log(`  curl -s ${c}/ocpi/${version} ${auth(emspToken)}`);
  console.log(`  curl -s ${c}/ocpi/versions`);
  console.log(`  curl -s ${c}/health`);
  console.log(
    "  # the CPO's locations as the eMSP pulls them (paginated: see the Link and X-Total-Count headers):",
  );
  console.log(`  curl -si '${c}/ocpi/${version}/sender/locations?limit=5' ${auth(emspToken)}`);
  if (sample !== undefined) {
    console.log('  # one of them as the eMSP holds it (asked as the CPO, which owns it):');
    console.log(`  curl -s ${e}/ocpi/${version}/receiver/locations/NL/CPO/${sample} ${auth(cpoToken)}`);
  }
  console.log("  # the CPO's outbox (what each peer has acknowledged):");
  console.log(`  npx roamkit outbox list --url ${c} --admin-token ${cpo.adminToken}`);
  console.log("  # the CPO's admin API, directly and through the CLI; the eMSP's database through the CLI:");
  console.log(`  curl -s ${c}/admin/peers -H 'Authorization: Bearer ${cpo.adminToken}'`);
  console.log(`  npx roamkit peers list --url ${c} --admin-token ${cpo.adminToken}`);
  console.log(`  npx roamkit peers list --db ${emsp.db}`);
  console.log(`\n${examplesLine()}`);

  if (once) {
    await close();
    console.log('\n--once: both nodes stopped.');
    return 0;
  }
  console.log('\nBoth nodes keep running; Ctrl-C stops them.');
  await waitForShutdownSignal();
  await close();
  console.log('\nBoth nodes stopped.');
  return 0;
}

process.exitCode = await main();
