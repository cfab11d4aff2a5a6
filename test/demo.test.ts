/**
 * `npm start -- --once`: the demo runs as a real process (in a scratch directory, so ./data/demo/
 * lands there), registers the two nodes over HTTP, prints what it promises, and exits 0 in
 * bounded time. Its logs carry none of the tokens it printed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from './helpers/paths.js';

const TIMEOUT_MS = 60_000;

function runDemo(cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'dist', 'scripts', 'start.js'), '--once'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not finish within ${TIMEOUT_MS} ms; output so far:\n${out}\n${err}`));
    }, TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** The rows of the demo's session table. */
function sessionRows(out: string) {
  const row =
    /^ +(SIM-[0-9a-f]{8}-0-\d{6}) +(04A1B2C3D4E50\d) +(NL\*CPO\*\S+) +(\d+\.\d{3}) +(\d+\.\d{2} EUR) +(SIM-\S+)$/gm;
  return [...out.matchAll(row)].map((m) => ({
    session: m[1],
    token: m[2],
    evse: m[3],
    kwh: m[4],
    cost: m[5],
    cdr: m[6],
  }));
}

describe('npm start -- --once', () => {
  test('two nodes register over HTTP; it prints the version, both peers and curl commands, and exits 0', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'roamkit-demo-'));
    const { code, out, err } = await runDemo(cwd);
    assert.equal(code, 0, `exit ${code}\n${out}\n${err}`);

    assert.match(out, /Negotiated OCPI version: 2\.3\.0/);
    // The CPO's seeded data reached the eMSP by push, the EVSE change was delivered, the pull got every page.
    const pushed = /The CPO publishes (\d+) locations and (\d+) tariffs/.exec(out);
    assert.ok(pushed, out);
    assert.match(
      out,
      new RegExp(`The eMSP holds ${pushed[1]} locations and ${pushed[2]} tariffs of the CPO`),
    );
    assert.match(out, /Delivered\. The CPO's outbox for the eMSP: (\d+) of \1 objects acknowledged/);
    assert.match(out, new RegExp(`${pushed[1]} locations in \\d+ pages \\(X-Total-Count ${pushed[1]}\\)`));
    const cpoUrl = /CPO\s+node NL:CPO:CPO\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    const emspUrl = /eMSP node NL:MSP:EMSP\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    assert.ok(cpoUrl && emspUrl, out);
    // Each side lists the other, registered in 2.3.0, with the other's versions URL.
    assert.match(
      out,
      new RegExp(`eMSP\\s+REGISTERED\\s+2\\.3\\.0\\s+NL:MSP:EMSP\\s+${emspUrl}/ocpi/versions`),
    );
    assert.match(out, new RegExp(`CPO\\s+REGISTERED\\s+2\\.3\\.0\\s+NL:CPO:CPO\\s+${cpoUrl}/ocpi/versions`));
    // curl commands with real (Base64-encoded, for 2.3.0) tokens and the admin token.
    const tokens = [...out.matchAll(/Authorization: Token ([A-Za-z0-9+/=]+)'/g)].map((m) => m[1] as string);
    assert.ok(tokens.length >= 2, out);
    const adminToken = /Authorization: Bearer ([A-Za-z0-9_-]+)'/.exec(out)?.[1];
    assert.ok(adminToken);
    assert.match(out, new RegExp(`curl -s ${emspUrl}/ocpi/2\\.3\\.0/credentials -H 'Authorization: Token `));
    assert.match(
      out,
      /173 spec examples checked: \d+ valid, \d+ known errata rejected as expected, 0 unexpected/,
    );
    assert.match(out, /--once: both nodes stopped/);

    // The eMSP's tokens reached the CPO; simulated drivers charged; the eMSP holds every Session and CDR.
    const published = /6\. The eMSP publishes its drivers' (\d+) tokens/.exec(out);
    assert.ok(published, out);
    assert.match(out, new RegExp(`The CPO holds ${published[1]} tokens of the eMSP`));
    const simulated = /(\d+) authorized, (\d+) refused; (\d+) sessions, [\d.]+ kWh/.exec(out);
    assert.ok(simulated, out);
    const sessions = Number(simulated[3]);
    assert.ok(sessions >= 1);
    assert.equal(Number(simulated[1]), sessions, 'every authorized driver charged');
    assert.match(out, new RegExp(`The eMSP holds ${sessions} sessions and ${sessions} CDRs of the CPO`));
    assert.match(out, /^ +session +token +EVSE +kWh +cost +CDR$/m);
    const rows = sessionRows(out);
    assert.equal(rows.length, sessions, out);
    for (const row of rows) assert.equal(row.cdr, row.session, "a CDR has its session's id");
    assert.equal(out.match(/^ +refused: token /gm)?.length ?? 0, Number(simulated[2]));
    assert.match(
      out,
      new RegExp(
        `curl -s ${emspUrl}/ocpi/2\\.3\\.0/receiver/cdrs/NL/CPO/${rows[0]?.cdr} -H 'Authorization: Token `,
      ),
    );
    assert.match(
      out,
      new RegExp(`curl -s '${cpoUrl}/ocpi/2\\.3\\.0/sender/cdrs\\?limit=5' -H 'Authorization: Token `),
    );

    // A session started and stopped remotely (Commands): both accepted, the Session and its CDR at the eMSP.
    assert.match(
      out,
      /START_SESSION at \S+ with token \S+: the CPO answered ACCEPTED, the charge point ACCEPTED\./,
    );
    assert.match(out, /The eMSP holds Session \S+ \(ACTIVE, auth_method COMMAND\)\./);
    assert.match(out, /STOP_SESSION: the CPO answered ACCEPTED, the charge point ACCEPTED\./);
    assert.match(out, /The eMSP holds the Session COMPLETED and its CDR\./);

    // Fresh SQLite files and logs under ./data/demo/, and no token in the logs.
    for (const file of ['cpo.db', 'emsp.db', 'cpo.log', 'emsp.log']) {
      assert.ok(existsSync(join(cwd, 'data', 'demo', file)), file);
    }
    const logs = ['cpo.log', 'emsp.log']
      .map((f) => readFileSync(join(cwd, 'data', 'demo', f), 'utf8'))
      .join('\n');
    assert.match(logs, /registered with peer/);
    for (const secret of [adminToken, ...tokens, ...tokens.map((t) => Buffer.from(t, 'base64').toString())]) {
      assert.ok(!logs.includes(secret), 'a token reached a log');
    }

    // A second run starts from fresh databases (one peer on each side again, not two).
    const second = await runDemo(cwd);
    assert.equal(second.code, 0, second.out + second.err);
    assert.equal(second.out.match(/REGISTERED\s+2\.3\.0/g)?.length, 2);
    // The same seed: the same drivers, sessions, energies and CDR ids.
    const same = (text: string) => sessionRows(text).map(({ cost: _cost, ...row }) => row);
    assert.deepEqual(same(second.out), same(out));
  });
});
