/**
 * The pulling node of the pull-sync benchmark (bench/locations.ts), in a process of its own so
 * its peak RSS is its own. Argument: JSON {url, token, db, mode}. mode `sync`: a store in the
 * SQLite file `db` with the CPO as a REGISTERED peer, then a full pull sync of its locations;
 * mode `fetch`: only fetch and parse every page (the baseline). Reports {ms, maxRssMiB, received}
 * to the parent over IPC.
 */
import { OcpiClient } from '../src/client/client.js';
import { validateNodeConfig } from '../src/platform/config.js';
import { defaultClientFactory } from '../src/platform/credentials.js';
import { silentLogger } from '../src/platform/modules.js';
import { createSyncService } from '../src/platform/sync.js';
import { openStore } from '../src/store/database.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { url: string; token: string; db: string; mode: string };
const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;

async function fetchOnly(): Promise<number> {
  const client = new OcpiClient({ version: '2.2.1', token: args.token, urlPolicy: { dev: true } });
  let received = 0;
  for await (const page of client.pages<unknown>({ url: args.url, query: { limit: 1000 } })) {
    received += page.data.length;
  }
  return received;
}

async function sync(): Promise<number> {
  const store = openStore(args.db);
  await store.migrate();
  const config = validateNodeConfig({ publicUrl: 'http://127.0.0.1:1', parties: ['NL:MSP:EMSP'] });
  const peer = await store.peers.create({
    name: 'CPO',
    status: 'REGISTERED',
    incomingTokenHash: null,
    outgoingToken: args.token,
    versionsUrl: 'http://127.0.0.1:1/ocpi/versions',
    version: '2.2.1',
    endpoints: [{ identifier: 'locations', role: 'SENDER', url: args.url }],
    roles: [{ role: 'CPO', country_code: 'NL', party_id: 'RMK', business_details: { name: 'RMK' } }],
  });
  const service = createSyncService({
    config,
    store,
    clientFactory: defaultClientFactory(config),
    log: silentLogger,
  });
  await service.sync(peer.id, 'locations', { full: true, pageLimit: 1000 });
  const stored = await store.objects.count({ module: 'locations', peerId: peer.id });
  await store.close();
  return stored;
}

const started = performance.now();
const received = args.mode === 'sync' ? await sync() : await fetchOnly();
const ms = performance.now() - started;
process.send?.({ ms, maxRssMiB: maxRssMiB(), received });
