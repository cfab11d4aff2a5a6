/**
 * A delivery worker in a process of its own, for the crash test (kill.test.ts): it runs a worker
 * on the SQLite file in ROAMKIT_DELIVERY_CHILD_DB until it is killed (or stopped by SIGTERM).
 * Imported, or run by the test runner as a file of the test folder, it does nothing.
 */

import { defaultClientFactory } from '../../../src/platform/credentials.js';
import { createDeliveryWorker } from '../../../src/platform/delivery/worker.js';
import { silentLogger } from '../../../src/platform/modules.js';
import { openStore } from '../../../src/store/database.js';

const db = process.env.ROAMKIT_DELIVERY_CHILD_DB;
if (db !== undefined && process.env.ROAMKIT_DELIVERY_CHILD_SETTINGS !== undefined) {
  const delivery = JSON.parse(process.env.ROAMKIT_DELIVERY_CHILD_SETTINGS);
  const store = openStore(db);
  const worker = createDeliveryWorker({
    config: { delivery },
    store,
    clientFactory: defaultClientFactory({ dev: true }),
    log: silentLogger,
    workerId: process.env.ROAMKIT_DELIVERY_CHILD_ID ?? `child-${process.pid}`,
  });
  worker.start();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    void worker
      .stop()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
}
