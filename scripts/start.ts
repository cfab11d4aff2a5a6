/**
 * `npm start`: the demo. Two Roamkit nodes on 127.0.0.1 (free ports), a CPO (NL:CPO:CPO) and an
 * eMSP (NL:MSP:EMSP), each with its own SQLite file under ./data/demo/ (fresh each run). Through
 * their admin APIs the eMSP invites the CPO and the CPO registers with it: the credentials
 * handshake over real HTTP. Then it prints the negotiated version, both sides' peers and curl
 * commands with the tokens this run made, and keeps serving until Ctrl-C
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
