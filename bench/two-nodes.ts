/**
 * What the Commands and Charging Profiles benchmarks share: two real nodes on loopback ports, each
 * on its own SQLite file, in this process (a CPO with the built-in charge point simulator
 * answering at once, and a sender registered with it), a bare `node:http` server for the
 * baseline, the CPO's seeded Locations and the sender's token. Both measure a request from the
 * call to its result stored at the sender, so both need the same nodes and the same floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/http/app.js';
import { chargingProfilesModule } from '../src/platform/charging-profiles/module.js';
import {
  type ChargingProfilesService,
  createChargingProfilesService,
} from '../src/platform/charging-profiles/service.js';
import { commandsModule } from '../src/platform/commands/module.js';
import { type CommandsService, createCommandsService } from '../src/platform/commands/service.js';
import { validateNodeConfig } from '../src/platform/config.js';
import { createSimulatedGateway } from '../src/platform/gateway/simulator.js';
import { generateSeed } from '../src/platform/seed/index.js';
import { formatDateTime, MODULE_IDS } from '../src/protocol/index.js';
import { openStore, type SqlStore } from '../src/store/database.js';
import type { PeerRecord } from '../src/store/types.js';

type Json = Record<string, unknown>;

export interface BenchNode {
  app: FastifyInstance;
  store: SqlStore;
  commands: CommandsService;
  /** Only when the node was started with `chargingProfiles`. */
  profiles: ChargingProfilesService | undefined;
  close(): Promise<void>;
}

export interface BenchNodeOptions {
  /** Serve the Commands module even where the configuration's defaults leave it out. */
  forceCommands?: boolean;
  /** Run the Charging Profiles module beside the Commands module (on the same gateway). */
  chargingProfiles?: boolean;
}

/** A node speaking 2.2.1 for `parties`, listening on a loopback port, its workers running. */
export async function startNode(
  dir: string,
  name: string,
  parties: string[],
  options: BenchNodeOptions = {},
): Promise<BenchNode> {
  const store = openStore(`sqlite:${join(dir, `${name}.db`)}`);
  await store.migrate();
  const base = validateNodeConfig({ publicUrl: 'http://127.0.0.1:1', parties, versions: ['2.2.1'] });
  const config = options.forceCommands
    ? { ...base, modules: MODULE_IDS.filter((id) => base.modules.includes(id) || id === 'commands') }
    : base;
  let commands: CommandsService | undefined;
  let profiles: ChargingProfilesService | undefined;
  const app = buildApp({
    config,
    store,
    logger: false,
    modules: [
      commandsModule({ commands: () => commands as CommandsService }),
      ...(options.chargingProfiles
        ? [chargingProfilesModule({ chargingProfiles: () => profiles as ChargingProfilesService })]
        : []),
    ],
  });
  const gateway = createSimulatedGateway({ sampleIntervalMs: 0 });
  const c = createCommandsService({
    config,
    store,
    chargingSessions: app.platform.chargingSessions,
    publisher: app.platform.publisher,
    gateway,
  });
  const p = options.chargingProfiles
    ? createChargingProfilesService({ config, store, gateway, events: c.chargePointEvents })
    : undefined;
  commands = c;
  profiles = p;
  await app.listen({ host: '127.0.0.1', port: 0 });
  config.publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  c.start();
  p?.start();
  return {
    app,
    store,
    commands: c,
    profiles: p,
    close: async () => {
      await p?.stop();
      await c.stop();
      await app.platform.delivery.stop();
      await app.close();
      await store.close();
    },
  };
}

/** A bare server answering every POST with a fixed envelope (the baseline). */
export async function startBare(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString() || '{}');
      const body = `{"data":{"result":"ACCEPTED","timeout":40},"status_code":1000,"timestamp":"${new Date().toISOString().slice(0, 19)}Z"}`;
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;

export interface TwoNodes {
  cpo: BenchNode;
  sender: BenchNode;
  /** The CPO as the sender knows it. */
  peer: PeerRecord;
  bare: { server: Server; url: string };
}

/**
 * Starts a CPO (NL:CPO:CPO) and a sender of `senderParties` in a new directory, registers the
 * sender with the CPO (`senderName` in the CPO's invitation), runs `body`, then closes all.
 */
export async function withTwoNodes<T>(
  spec: { dirPrefix: string; senderName: string; senderParties: string[]; options?: BenchNodeOptions },
  body: (nodes: TwoNodes) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), spec.dirPrefix));
  const [cpo, sender] = await Promise.all([
    startNode(dir, 'cpo', ['NL:CPO:CPO'], spec.options),
    startNode(dir, spec.senderName.toLowerCase(), spec.senderParties, spec.options),
  ]);
  const bare = await startBare();
  try {
    const invite = await cpo.app.platform.credentials.invitePeer({ name: spec.senderName });
    const peer = await sender.app.platform.credentials.registerWithPeer({
      versionsUrl: invite.versionsUrl,
      token: invite.token,
      name: 'CPO',
    });
    return await body({ cpo, sender, peer, bare });
  } finally {
    await new Promise((resolve) => bare.server.close(resolve));
    await Promise.all([cpo.close(), sender.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One seeded Location per client at the CPO, every EVSE AVAILABLE with `capabilities`; published. */
export async function publishLocations(
  cpo: BenchNode,
  spec: { locations: number; seed: string; tariffs: number; capabilities: string[] },
): Promise<Json[]> {
  const seed = generateSeed({
    locations: spec.locations,
    seed: spec.seed,
    party: { country_code: 'NL', party_id: 'CPO' },
    now: new Date(Date.now() - 3_600_000),
    tariffs: spec.tariffs,
  });
  const locations: Json[] = (seed.locations as unknown as Json[]).map((location) => ({
    ...location,
    evses: (location.evses as Json[]).map((evse) => ({
      ...evse,
      status: 'AVAILABLE',
      capabilities: spec.capabilities,
    })),
  }));
  await cpo.app.platform.publisher.putAll([
    { module: 'tariffs', documents: seed.tariffs as unknown as Json[] },
    { module: 'locations', documents: locations },
  ]);
  return locations;
}

/** The eMSP's token the sessions are started with (valid, ours, known to the CPO by the command). */
export const benchToken = (): Json => ({
  country_code: 'DE',
  party_id: 'MSP',
  uid: 'BENCH0001',
  type: 'APP_USER',
  contract_id: 'DE-MSP-CBENCH0001',
  issuer: 'MSP Mobility',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: formatDateTime(new Date(Date.now() - 60_000)),
});
