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
  });
});
