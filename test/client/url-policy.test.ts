import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AddressRange,
  assertPeerUrl,
  checkPeerUrl,
  classifyAddress,
  ipv6Groups,
  type Resolver,
  UrlPolicyError,
} from '../../src/client/url-policy.js';

/** A resolver answering from a table and recording what it was asked; never real DNS. */
function fakeResolver(table: Record<string, readonly string[] | Error>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const answer = table[hostname];
    if (answer === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return Object.assign(resolve, { asked });
}

async function refusal(url: string, options: Parameters<typeof checkPeerUrl>[1]): Promise<UrlPolicyError> {
  const result = await checkPeerUrl(url, options);
  assert.equal(result.ok, false, `${url} should be refused`);
  assert.ok(!result.ok);
  assert.ok(result.error instanceof UrlPolicyError);
  return result.error;
}

describe('classifyAddress', () => {
  const cases: [string, AddressRange | undefined, string?][] = [
    // IPv4, with the edges of each range.
    ['8.8.8.8', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['1.0.0.0', 'public'],
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['11.0.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['100.64.0.0', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.0', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['169.255.0.1', 'public'],
    ['172.15.255.255', 'public'],
    ['172.16.0.0', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.0', 'public'],
    ['192.168.0.1', 'private'],
    ['192.169.0.1', 'public'],
    ['192.0.0.8', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    // IPv6.
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:4860:4860::8888', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
    ['4000::1', 'reserved'],
    ['100::1', 'reserved'],
    // IPv6 forms carrying an IPv4 address are judged by it.
    ['::ffff:127.0.0.1', 'loopback', '127.0.0.1'],
    ['::ffff:7f00:1', 'loopback', '127.0.0.1'],
    ['::FFFF:10.1.2.3', 'private', '10.1.2.3'],
    ['::ffff:a9fe:a9fe', 'link-local', '169.254.169.254'],
    ['::ffff:8.8.8.8', 'public', '8.8.8.8'],
    ['::127.0.0.1', 'loopback', '127.0.0.1'],
    ['64:ff9b::a00:1', 'private', '10.0.0.1'],
    ['64:ff9b::808:808', 'public', '8.8.8.8'],
    ['2002:c0a8:101::1', 'private', '192.168.1.1'],
    ['2002:7f00:1::', 'loopback', '127.0.0.1'],
    // Not addresses.
    ['example.com', undefined],
    ['1.2.3', undefined],
    ['256.1.1.1', undefined],
    ['1::2::3', undefined],
  ];
  for (const [address, range, embedded] of cases) {
    test(`${address} is ${range ?? 'not an address'}`, () => {
      const cls = classifyAddress(address);
      assert.equal(cls?.range, range);
      assert.equal(cls?.embeddedIpv4, embedded);
    });
  }

  test('ipv6Groups expands every notation to eight groups', () => {
    assert.deepEqual(ipv6Groups('::ffff:1.2.3.4'), [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    assert.deepEqual(ipv6Groups('::1.2.3.4'), [0, 0, 0, 0, 0, 0, 0x0102, 0x0304]);
    assert.deepEqual(ipv6Groups('1::'), [1, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(ipv6Groups('1:2:3:4:5:6:7:8'), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(ipv6Groups('fe80::1:2%en0'), [0xfe80, 0, 0, 0, 0, 0, 1, 2]);
    assert.equal(ipv6Groups('10.0.0.1'), undefined);
  });
});

describe('checkPeerUrl: scheme and syntax', () => {
  test('production refuses plain http before asking DNS', async () => {
    const resolve = fakeResolver({ 'peer.example': ['93.184.216.34'] });
    const error = await refusal('http://peer.example/ocpi/versions', { dev: false, resolve });
    assert.equal(error.code, 'INSECURE_SCHEME');
    assert.equal(error.host, 'peer.example');
    assert.deepEqual(resolve.asked, []);
  });

  test('development mode allows http', async () => {
    const resolve = fakeResolver({ 'peer.example': ['93.184.216.34'] });
    const result = await checkPeerUrl('http://peer.example/ocpi/versions', { dev: true, resolve });
    assert.ok(result.ok);
    assert.deepEqual(result.addresses, ['93.184.216.34']);
  });

  test('other schemes are refused in both modes', async () => {
    for (const dev of [false, true]) {
      for (const url of ['ftp://peer.example/x', 'file:///etc/passwd', 'javascript:alert(1)']) {
        assert.equal((await refusal(url, { dev })).code, 'UNSUPPORTED_SCHEME', url);
      }
    }
  });

  test('a relative or malformed URL is INVALID_URL', async () => {
    for (const url of ['/ocpi/versions', 'not a url', '', 'https://[fe80::1%25eth0]/']) {
      assert.equal((await refusal(url, { dev: true })).code, 'INVALID_URL', url);
    }
  });

  test('credentials in the URL are refused, and the password is not repeated', async () => {
    const error = await refusal('https://user:s3cr3t-pw@peer.example/', {
      dev: false,
      resolve: fakeResolver({ 'peer.example': ['93.184.216.34'] }),
    });
    assert.equal(error.code, 'CREDENTIALS_IN_URL');
    assert.ok(!error.message.includes('s3cr3t-pw'));
  });
});

describe('checkPeerUrl: addresses', () => {
  test('IP literals of every refused range are refused in production', async () => {
    const cases: [string, AddressRange][] = [
      ['https://127.0.0.1/', 'loopback'],
      ['https://127.0.0.1:8443/ocpi', 'loopback'],
      ['https://[::1]/', 'loopback'],
      ['https://10.1.2.3/', 'private'],
      ['https://172.20.0.5/', 'private'],
      ['https://192.168.1.1/', 'private'],
      ['https://169.254.169.254/latest/meta-data/', 'link-local'],
      ['https://[fe80::1]/', 'link-local'],
      ['https://[fd00::1]/', 'private'],
      ['https://0.0.0.0/', 'unspecified'],
      ['https://[::]/', 'unspecified'],
      ['https://100.64.1.1/', 'cgnat'],
      ['https://[::ffff:127.0.0.1]/', 'loopback'],
      ['https://[::ffff:192.168.0.1]/', 'private'],
      ['https://[::ffff:169.254.169.254]/', 'link-local'],
      // The URL parser normalises the other IPv4 spellings; they are caught all the same.
      ['https://0x7f.1/', 'loopback'],
      ['https://2130706433/', 'loopback'],
      ['https://012.0.0.1/', 'private'],
    ];
    for (const [url, range] of cases) {
      const error = await refusal(url, { dev: false, resolve: fakeResolver({}) });
      assert.equal(error.code, 'FORBIDDEN_ADDRESS', url);
      assert.equal(error.range, range, url);
    }
  });

  test('development mode allows loopback, in every spelling, and nothing else', async () => {
    for (const url of [
      'http://127.0.0.1:3000/ocpi/versions',
      'http://[::1]:3000/',
      'https://[::ffff:127.0.0.1]/',
    ]) {
      assert.ok((await checkPeerUrl(url, { dev: true })).ok, url);
    }
    for (const [url, range] of [
      ['http://10.0.0.1/', 'private'],
      ['http://169.254.169.254/', 'link-local'],
      ['http://[::ffff:169.254.169.254]/', 'link-local'],
      ['http://0.0.0.0:3000/', 'unspecified'],
    ] as const) {
      const error = await refusal(url, { dev: true });
      assert.equal(error.range, range, url);
    }
  });

  test('a name is judged by every address it resolves to', async () => {
    const resolve = fakeResolver({
      'public.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
      'mixed.example': ['93.184.216.34', '10.0.0.5'],
      'rebind.example': ['::ffff:7f00:1'],
      'meta.example': ['169.254.169.254'],
    });
    const okResult = await checkPeerUrl('https://Public.Example:8443/ocpi/versions', { dev: false, resolve });
    assert.ok(okResult.ok);
    assert.deepEqual(okResult.addresses, ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
    // The resolver gets the bare host name: lower-cased, no port.
    assert.deepEqual(resolve.asked, ['public.example']);

    const mixed = await refusal('https://mixed.example/', { dev: false, resolve });
    assert.equal(mixed.code, 'FORBIDDEN_ADDRESS');
    assert.equal(mixed.address, '10.0.0.5');
    assert.equal(mixed.range, 'private');
    assert.match(mixed.message, /mixed\.example resolves to 10\.0\.0\.5/);

    const mapped = await refusal('https://rebind.example/', { dev: false, resolve });
    assert.equal(mapped.range, 'loopback');
    assert.match(mapped.message, /127\.0\.0\.1/);

    assert.equal((await refusal('https://meta.example/', { dev: true, resolve })).range, 'link-local');
  });

  test('a name that does not resolve, or resolves to nothing usable, is refused', async () => {
    const resolve = fakeResolver({ 'empty.example': [], 'junk.example': ['not-an-ip'] });
    const missing = await refusal('https://nowhere.example/', { dev: false, resolve });
    assert.equal(missing.code, 'UNRESOLVABLE_HOST');
    assert.match(missing.message, /ENOTFOUND/);
    assert.equal(
      (await refusal('https://empty.example/', { dev: false, resolve })).code,
      'UNRESOLVABLE_HOST',
    );
    assert.equal((await refusal('https://junk.example/', { dev: false, resolve })).code, 'UNRESOLVABLE_HOST');
  });

  test('localhost names are loopback by name, whatever the resolver says', async () => {
    const resolve = fakeResolver({ localhost: ['93.184.216.34'], 'api.localhost': ['93.184.216.34'] });
    for (const url of ['https://localhost/', 'https://LOCALHOST:8080/', 'https://api.localhost./']) {
      const error = await refusal(url, { dev: false, resolve });
      assert.equal(error.code, 'FORBIDDEN_ADDRESS', url);
      assert.equal(error.range, 'loopback', url);
    }
    assert.deepEqual(resolve.asked, []);
    assert.ok((await checkPeerUrl('http://localhost:3000/ocpi/versions', { dev: true, resolve })).ok);
  });

  test('allowRanges opens a private network without opening plain http', async () => {
    const options = { dev: false, allowRanges: ['private'] as const };
    assert.ok((await checkPeerUrl('https://10.0.0.7/ocpi/versions', options)).ok);
    assert.equal((await refusal('https://127.0.0.1/', options)).range, 'loopback');
    assert.equal((await refusal('http://10.0.0.7/', options)).code, 'INSECURE_SCHEME');
  });

  test('assertPeerUrl throws the refusal and returns the parsed URL otherwise', async () => {
    await assert.rejects(assertPeerUrl('https://192.168.0.10/', { dev: false }), (error: unknown) => {
      assert.ok(error instanceof UrlPolicyError);
      assert.equal(error.code, 'FORBIDDEN_ADDRESS');
      return true;
    });
    const url = await assertPeerUrl('http://127.0.0.1:9/ocpi/versions', { dev: true });
    assert.equal(url.port, '9');
  });
});
