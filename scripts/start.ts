/**
 * `npm start`: the demo. Two Roamkit nodes on 127.0.0.1 (free ports), a CPO (NL:CPO:CPO) and an
 * eMSP (NL:MSP:EMSP), each with its own SQLite file under ./data/demo/ (fresh each run). Through
 * their admin APIs the eMSP invites the CPO and the CPO registers with it: the credentials
 * handshake over real HTTP. Then the CPO seeds locations and tariffs, which reach the eMSP by push
 * (the delivery worker), an EVSE status change goes as a PATCH, and the eMSP pulls the CPO's list
 * (the recovery path after an outage). Then the eMSP publishes its drivers' tokens through its
 * admin API; they reach the CPO, where simulated drivers present them at the EVSEs (the charging
 * simulator, src/simulate/): authorized sessions run, and the eMSP receives their Sessions and
 * CDRs; last, the eMSP starts and stops a session remotely (Commands). It prints the negotiated
 * version, both sides' peers, what arrived, a table of the sessions, and curl commands with the
 * tokens this run made, and keeps serving until Ctrl-C (`npm start -- --once`: exits 0 right
 * after).
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
import { encodeAuthorization, formatDateTime, type OcpiVersion } from '../src/protocol/index.js';
import { type CompletedSession, runSimulation } from '../src/simulate/driver.js';
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

/** The eMSP's drivers' cards: most decided from the CPO's cache, one asked in real time, one blocked. */
const DEMO_TOKENS = [
  ['04A1B2C3D4E501', 'ALWAYS', true],
  ['04A1B2C3D4E502', 'ALLOWED', true],
  ['04A1B2C3D4E503', 'ALLOWED', true],
  ['04A1B2C3D4E504', 'NEVER', true],
  ['04A1B2C3D4E505', 'ALLOWED', false],
] as const;

/** A 2.3.0 Token of the demo eMSP (NL/MSP). */
function demoToken(
  [uid, whitelist, valid]: (typeof DEMO_TOKENS)[number],
  i: number,
): Record<string, unknown> {
  return {
    country_code: 'NL',
    party_id: 'MSP',
    uid,
    type: 'RFID',
    contract_id: `NL-MSP-C${String(i + 1).padStart(8, '0')}`,
    visual_number: `NL-MSP-${String(i + 1).padStart(6, '0')}`,
    issuer: 'MSP Mobility',
    valid,
    whitelist,
    language: 'nl',
    last_updated: formatDateTime(new Date()),
  };
}

const pad = (text: string, width: number) => text.padEnd(width);

/** The completed sessions as a compact table (session, token, EVSE, kWh, cost, CDR). */
export function sessionTable(rows: readonly CompletedSession[]): string[] {
  const cells = rows.map((r) => [
    r.sessionId,
    r.token.uid,
    r.chargePoint.evseUid,
    r.kwh.toFixed(3),
    `${r.cost.toFixed(2)} ${r.currency}`,
    r.cdrId,
  ]);
  const header = ['session', 'token', 'EVSE', 'kWh', 'cost', 'CDR'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  return [header, ...cells].map((row) =>
    row
      .map((cell, i) => pad(cell, widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The eMSP's tokens reach the CPO (PUT /admin/tokens at the eMSP, then push); drivers present
 * them at the CPO's EVSEs (the simulator on the CPO node's own platform, its delivery worker
 * running as in `roamkit serve`); the eMSP receives Sessions and CDRs. Returns a CDR id to show
 * in a curl command.
 */
async function simulateSessions(
  cpo: DemoNode,
  emsp: DemoNode,
  emspAtCpo: string,
  cpoAtEmsp: string,
): Promise<string | undefined> {
  console.log(
    `\n6. The eMSP publishes its drivers' ${DEMO_TOKENS.length} tokens (PUT /admin/tokens at the eMSP, one of them blocked):\n` +
      '   its delivery worker pushes them to the CPO, which keeps them to authorize drivers at its EVSEs.',
  );
  for (const [i, token] of DEMO_TOKENS.entries()) {
    const response = await fetch(`${emsp.server.publicUrl}/admin/tokens?ocpi=2.3.0`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${emsp.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(demoToken(token, i)),
    });
    if (!response.ok) throw new Error(`PUT /admin/tokens: HTTP ${response.status} ${await response.text()}`);
  }
  const cpoStore = cpo.server.store;
  const emspStore = emsp.server.store;
  await waitFor(
    'the tokens at the CPO',
    async () =>
      (await cpoStore.objects.count({ module: 'tokens', peerId: emspAtCpo })) === DEMO_TOKENS.length,
  );
  console.log(`   The CPO holds ${DEMO_TOKENS.length} tokens of the eMSP.`);

  const drivers = 6;
  console.log(
    `\n7. ${drivers} drivers arrive at the CPO's EVSEs over a simulated day (the charging simulator, as \`roamkit simulate\` runs it):\n` +
      '   each token is authorized (from the whitelist, or by asking the eMSP in real time), each session is pushed as it\n' +
      '   runs (PUT, PATCHes of kWh and cost, a PUT when a charging period closes), and ends with its CDR (POST).',
  );
  const started = Date.now();
  const refused: string[] = [];
  const summary = await runSimulation(cpo.server.app.platform, {
    sessions: drivers,
    concurrency: 3,
    seed: 'demo',
    speed: Number.POSITIVE_INFINITY,
    sampleMinutes: 15,
    refusedShare: 0.2,
    onEvent: (event) => {
      if (event.type === 'refused') {
        refused.push(
          `refused: token ${event.token.uid} at EVSE ${event.chargePoint.evseUid}: ${event.reason}`,
        );
      }
    },
  });
  const atEmsp = (module: 'sessions' | 'cdrs') => emspStore.objects.count({ module, peerId: cpoAtEmsp });
  await waitFor(
    'the sessions and CDRs at the eMSP',
    async () => (await atEmsp('cdrs')) === summary.cdrs && (await atEmsp('sessions')) === summary.sessions,
  );
  // The last Session updates (COMPLETED) may still be on their way after the CDRs.
  await waitFor('the completed sessions at the eMSP', async () => {
    const held = await emspStore.objects.list(
      { module: 'sessions', peerId: cpoAtEmsp },
      { offset: 0, limit: 100 },
    );
    return held.every((r) => r.data.status === 'COMPLETED');
  });
  const span = summary.to.getTime() - summary.from.getTime();
  console.log(
    `   ${summary.authorized} authorized, ${summary.refused} refused; ${summary.sessions} sessions, ${summary.kwh.toFixed(3)} kWh ` +
      `(${formatDateTime(summary.from)} to ${formatDateTime(summary.to)}, ${(span / 3_600_000).toFixed(1)} simulated hours).`,
  );
  console.log(
    `   The eMSP holds ${await atEmsp('sessions')} sessions and ${await atEmsp('cdrs')} CDRs of the CPO (${Date.now() - started} ms):`,
  );
  for (const line of sessionTable(summary.completed)) console.log(`     ${line}`);
  for (const line of refused) console.log(`   ${line}`);
  return summary.completed[0]?.cdrId;
}

/**
 * The eMSP starts a session remotely (START_SESSION; the CPO's charge point, the built-in
 * simulator gateway, starts charging and the result comes back to the eMSP's response_url),
 * then stops it (STOP_SESSION); the CDR follows. Returns the session id.
 */
async function remoteSession(cpo: DemoNode, emsp: DemoNode, cpoAtEmsp: string): Promise<string> {
  console.log(
    '\n8. The eMSP starts a session remotely (START_SESSION to the CPO; the charge point answers through the CPO\n' +
      "   to the eMSP's response_url), lets it charge a moment, then stops it (STOP_SESSION); the CDR follows.",
  );
  const cpoStore = cpo.server.store;
  const emspStore = emsp.server.store;
  const locations = await cpoStore.objects.list(
    { module: 'locations', peerId: null },
    { offset: 0, limit: 100 },
  );
  const free = locations
    .flatMap((l) => ((l.data.evses ?? []) as Record<string, unknown>[]).map((evse) => ({ l, evse })))
    .find(
      ({ evse }) =>
        evse.status === 'AVAILABLE' &&
        ((evse.capabilities ?? []) as string[]).includes('REMOTE_START_STOP_CAPABLE'),
    );
  if (free === undefined) throw new Error('no free EVSE that can be started remotely');
  const commands = emsp.server.app.platform.commands;
  const token = demoToken(DEMO_TOKENS[1], 1);
  const started = await commands.sendAndWait(cpoAtEmsp, 'START_SESSION', {
    token,
    location_id: free.l.key.id,
    evse_uid: free.evse.uid,
  });
  console.log(
    `   START_SESSION at ${String(free.evse.uid)} with token ${String(token.uid)}: the CPO answered ${started.response?.result ?? '-'}, ` +
      `the charge point ${started.outcome}.`,
  );
  if (started.outcome !== 'ACCEPTED') throw new Error(`START_SESSION ended ${started.outcome}`);
  let sessionId: string | undefined;
  await waitFor('the remote session at the eMSP', async () => {
    const held = await emspStore.objects.list(
      { module: 'sessions', peerId: cpoAtEmsp },
      { offset: 0, limit: 200 },
    );
    sessionId = held.find((r) => r.data.auth_method === 'COMMAND' && r.data.status === 'ACTIVE')?.key.id;
    return sessionId !== undefined;
  });
  console.log(`   The eMSP holds Session ${sessionId} (ACTIVE, auth_method COMMAND).`);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const stopped = await commands.sendAndWait(cpoAtEmsp, 'STOP_SESSION', { session_id: sessionId });
  console.log(
    `   STOP_SESSION: the CPO answered ${stopped.response?.result ?? '-'}, the charge point ${stopped.outcome}.`,
  );
  await waitFor('the CDR of the remote session at the eMSP', async () => {
    const cdrs = await emspStore.objects.list(
      { module: 'cdrs', peerId: cpoAtEmsp },
      { offset: 0, limit: 200 },
    );
    const sessions = await emspStore.objects.list(
      { module: 'sessions', peerId: cpoAtEmsp },
      { offset: 0, limit: 200 },
    );
    const session = sessions.find((r) => r.key.id === sessionId);
    return session?.data.status === 'COMPLETED' && cdrs.some((r) => r.data.session_id === sessionId);
  });
  console.log(`   The eMSP holds the Session COMPLETED and its CDR.`);
  return sessionId as string;
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
  let cdrId: string | undefined;
  try {
    cdrId = await simulateSessions(cpo, emsp, registered.id, emspPeerId as string);
  } catch (error) {
    console.error(`\nThe charging sessions failed: ${(error as Error).message}`);
    await close();
    return 1;
  }
  try {
    await remoteSession(cpo, emsp, emspPeerId as string);
  } catch (error) {
    console.error(`\nThe remote session failed: ${(error as Error).message}`);
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
  if (cdrId !== undefined) {
    console.log(
      "  # a CDR as the eMSP received it (its Receiver, asked as the CPO); the CPO's CDRs and sessions as the eMSP pulls them:",
    );
    console.log(`  curl -s ${e}/ocpi/${version}/receiver/cdrs/NL/CPO/${cdrId} ${auth(cpoToken)}`);
    console.log(`  curl -s '${c}/ocpi/${version}/sender/cdrs?limit=5' ${auth(emspToken)}`);
    console.log(`  curl -s '${c}/ocpi/${version}/sender/sessions?limit=5' ${auth(emspToken)}`);
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
