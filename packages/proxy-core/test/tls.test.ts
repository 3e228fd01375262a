import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import {
  createDataPlane,
  checkCertificate,
  type CertificateConfig,
  type DataPlaneConfig,
  type ListenerTlsConfig,
} from '../src/index.ts';
import { SniTable } from '../src/tls/sni-table.ts';
import { freePort, group, listener, prefixRule, startBackend, startEngine } from './helpers.ts';
import { makeCertificate, sClient } from './tls-certificates.ts';

const exact = makeCertificate(['a.example.com']);
const wildcard = makeCertificate(['*.example.com']);
const portCert = makeCertificate(['port.local']);
const fallback = makeCertificate(['ingress-default.local']);
const rsa = makeCertificate(['rsa.example.org'], 'rsa');

function certificate(name: string, c: { cert: string; key: string }): CertificateConfig {
  return { name, cert: c.cert, key: c.key };
}

/** Runs curl (a real client) and returns the status code and body; `status` 0 means no HTTP answer. */
function curl(args: string[], input = ''): Promise<{ status: number; body: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['-sS', '--max-time', '10', '-w', '\n%{http_code}', ...args]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const cut = out.lastIndexOf('\n');
      resolve({ status: Number(out.slice(cut + 1)), body: out.slice(0, cut), stderr: err });
    });
    child.stdin.end(input);
  });
}

function tempFile(t: Test, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'alb-tls-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function httpsSetup(t: Test, tls: ListenerTlsConfig, certificates: CertificateConfig[]) {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  const config: DataPlaneConfig = {
    listeners: [listener(port, [prefixRule('all', '/', 'g')], null, { protocol: 'https', tls })],
    backendGroups: [group('g', backend)],
    certificates,
  };
  const engine = await startEngine(t, config);
  return { backend, port, config, engine };
}

t.test('checkCertificate names what is wrong', async (t) => {
  const now = Date.now();
  t.equal(checkCertificate(exact.cert, exact.key, now), null, 'a good pair');
  t.equal(checkCertificate(exact.cert + wildcard.cert, exact.key, now), null, 'a chain: the first one counts');
  t.match(checkCertificate(exact.cert, wildcard.key, now), { field: 'key', message: /does not match/ });
  t.match(checkCertificate('garbage', exact.key, now), { field: 'cert', message: /no PEM certificate/ });
  t.match(checkCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', exact.key, now), {
    field: 'cert',
    message: /does not parse/,
  });
  t.match(checkCertificate(exact.cert, 'garbage', now), { field: 'key', message: /does not parse/ });
  t.match(checkCertificate(exact.cert, exact.key, now + 3 * 86_400_000), { field: 'cert', message: /expired on/ });
});

t.test('SniTable follows ALB order: exact, one-label wildcard, then the fallback', async (t) => {
  const served = (name: string) => ({ name, revision: name, context: null as never, cert: '', key: '' });
  const table = new SniTable(
    served('port'),
    new Map([['a.example.com', served('exact')]]),
    new Map([['example.com', served('wild')]]),
    served('after'),
  );
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'port'],
    ['', 'port'],
    ['10.0.0.1', 'port'],
    ['::1', 'port'],
    ['a.example.com', 'exact'],
    ['A.Example.COM.', 'exact'],
    ['b.example.com', 'wild'],
    ['x.b.example.com', 'after'],
    ['example.com', 'after'],
    ['other.org', 'after'],
  ];
  for (const [sni, want] of cases) t.equal(table.select(sni)?.name, want, `SNI ${JSON.stringify(sni)}`);
  const strict = new SniTable(null, new Map(), new Map(), null);
  t.equal(strict.select('a.example.com'), null, 'no match and no fallback: refused');
  t.equal(strict.select(undefined), null, 'no SNI and no port certificate: refused');
});

t.test('an https port picks the certificate by SNI (openssl s_client) and serves HTTP/1.1 (curl)', async (t) => {
  const { backend, port } = await httpsSetup(
    t,
    {
      portCertificate: 'ns/port',
      sni: [
        { host: 'a.example.com', certificate: 'ns/exact' },
        { host: '*.example.com', certificate: 'ns/wild' },
        { host: 'rsa.example.org', certificate: 'ns/rsa' },
      ],
    },
    [
      certificate('ns/exact', exact),
      certificate('ns/wild', wildcard),
      certificate('ns/port', portCert),
      certificate('ns/rsa', rsa),
    ],
  );
  t.equal((await sClient(port, { servername: 'a.example.com' })).cn, 'a.example.com');
  t.equal((await sClient(port, { servername: 'b.example.com' })).cn, '*.example.com');
  t.equal((await sClient(port, { servername: 'rsa.example.org' })).cn, 'rsa.example.org', 'RSA and ECDSA side by side');
  t.equal((await sClient(port)).cn, 'port.local', 'no SNI: the port certificate');
  t.equal((await sClient(port, { servername: 'unknown.org' })).cn, null, 'unknown name, no fallback: refused');

  const ca = tempFile(t, 'a.pem', exact.cert);
  const reply = await curl([
    '--cacert',
    ca,
    '--resolve',
    `a.example.com:${port}:127.0.0.1`,
    `https://a.example.com:${port}/hello`,
  ]);
  t.equal(reply.status, 200, reply.stderr);
  t.equal(JSON.parse(reply.body).url, '/hello');
  const seen = backend.seen.at(-1)!;
  t.equal(seen.headers['x-forwarded-proto'], 'https', 'the upstream is told the client used https');
  t.equal(seen.headers.host, `a.example.com:${port}`);
});

t.test('TLS 1.2 and 1.3 only, with forward-secret AEAD suites', async (t) => {
  const { port } = await httpsSetup(t, { portCertificate: 'p', sni: [] }, [certificate('p', portCert)]);
  t.equal((await sClient(port, { extra: ['-tls1_3'] })).version, 'TLSv1.3');
  t.equal((await sClient(port, { extra: ['-tls1_2'] })).version, 'TLSv1.2');
  t.equal((await sClient(port, { extra: ['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'] })).cn, null, 'TLS 1.1 refused');
  const weak = await sClient(port, { extra: ['-tls1_2', '-cipher', 'AES128-SHA'] });
  t.equal(weak.cn, null, 'a TLS 1.2 client offering only a non-forward-secret suite is refused');
});

t.test('fallback to the port certificate, then the default certificate', async (t) => {
  const certs = [certificate('p', portCert), certificate('d', fallback)];
  const withFallback = await httpsSetup(t, { portCertificate: 'p', sni: [], fallbackToPortCertificate: true }, certs);
  t.equal((await sClient(withFallback.port, { servername: 'x.org' })).cn, 'port.local');
  const withDefault = await httpsSetup(t, { portCertificate: 'p', sni: [], defaultCertificate: 'd' }, certs);
  t.equal((await sClient(withDefault.port, { servername: 'x.org' })).cn, 'ingress-default.local');
  t.equal((await sClient(withDefault.port)).cn, 'port.local', 'no SNI still gets the port certificate');
  const noPort = await httpsSetup(t, { portCertificate: null, sni: [], defaultCertificate: 'd' }, certs);
  t.equal((await sClient(noPort.port)).cn, null, 'no SNI and no port certificate: refused');
  t.equal((await sClient(noPort.port, { servername: 'x.org' })).cn, 'ingress-default.local');
});

t.test('a changed certificate is served to new handshakes; a bad one keeps the last good one', async (t) => {
  const first = makeCertificate(['rotate.example.com']);
  const second = makeCertificate(['rotate.example.com', 'second.example.com']);
  const { port, config, engine } = await httpsSetup(
    t,
    { portCertificate: null, sni: [{ host: 'rotate.example.com', certificate: 'ns/r' }] },
    [certificate('ns/r', first)],
  );
  const serial = async () =>
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END/.exec(
      (await sClient(port, { servername: 'rotate.example.com' })).output,
    )?.[0];
  const before = await serial();
  t.ok(before !== undefined && first.cert.includes(before.split('\n')[1]!), 'the first certificate');

  let result = await engine.apply({ ...config, certificates: [certificate('ns/r', second)] });
  t.same(result.issues, []);
  const after = await serial();
  t.ok(after !== undefined && second.cert.includes(after.split('\n')[1]!), 'the second certificate, no restart');

  result = await engine.apply({ ...config, certificates: [{ name: 'ns/r', cert: first.cert, key: second.key }] });
  t.match(result.issues, [{ port, rule: '(tls)', message: /cannot be used .*previous revision keeps serving/ }]);
  const kept = await serial();
  t.ok(kept !== undefined && second.cert.includes(kept.split('\n')[1]!), 'the last good certificate keeps serving');
});

t.test('rotation under load: no failed request while the certificate changes 20 times', async (t) => {
  const certs = [makeCertificate(['load.example.com']), makeCertificate(['load.example.com'])];
  const { port, config, engine } = await httpsSetup(
    t,
    { portCertificate: 'ns/l', sni: [{ host: 'load.example.com', certificate: 'ns/l' }] },
    [certificate('ns/l', certs[0]!)],
  );
  let ok = 0;
  const failures: string[] = [];
  let stop = false;
  const client = async () => {
    // New connections each time (agent: false): every request is a fresh handshake during the rotations.
    while (!stop && ok + failures.length < 2000) {
      await new Promise<void>((resolve) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            servername: 'load.example.com',
            path: '/',
            agent: false,
            rejectUnauthorized: false,
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode === 200) ok++;
              else failures.push(`status ${res.statusCode}`);
              resolve();
            });
          },
        );
        req.on('error', (error) => {
          failures.push(error.message);
          resolve();
        });
        req.end();
      });
    }
  };
  const clients = [client(), client(), client()];
  for (let i = 0; i < 20; i++) {
    await engine.apply({ ...config, certificates: [certificate('ns/l', certs[i % 2]!)] });
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  stop = true;
  await Promise.all(clients);
  t.same(failures, [], 'no request failed');
  t.ok(ok > 20, `${ok} requests succeeded across the rotations`);
});

t.test('a listener naming a certificate that is not given is reported, the rest is served', async (t) => {
  const port = await freePort();
  const backend = await startBackend(t, 'b');
  const engine = await startEngine(t, {
    listeners: [
      listener(port, [prefixRule('all', '/', 'g')], null, {
        protocol: 'https',
        tls: { portCertificate: 'missing', sni: [{ host: 'a.example.com', certificate: 'ns/exact' }] },
      }),
    ],
    backendGroups: [group('g', backend)],
    certificates: [certificate('ns/exact', exact)],
  });
  const result = await engine.apply({
    listeners: [
      listener(port, [prefixRule('all', '/', 'g')], null, {
        protocol: 'https',
        tls: { portCertificate: 'missing', sni: [{ host: 'a.example.com', certificate: 'ns/exact' }] },
      }),
    ],
    backendGroups: [group('g', backend)],
    certificates: [certificate('ns/exact', exact)],
  });
  t.match(result.issues, [
    { port, rule: '(tls)', field: 'tls.portCertificate', message: /"missing" is not available/ },
  ]);
  t.equal((await sClient(port, { servername: 'a.example.com' })).cn, 'a.example.com');
});

t.test('HTTP/2 by ALPN: curl --http2 gets the same routing and upstream as HTTP/1.1', async (t) => {
  const { backend, port } = await httpsSetup(
    t,
    { portCertificate: null, sni: [{ host: 'a.example.com', certificate: 'ns/exact' }] },
    [certificate('ns/exact', exact)],
  );
  t.equal((await sClient(port, { servername: 'a.example.com', extra: ['-alpn', 'h2,http/1.1'] })).alpn, 'h2');
  t.equal((await sClient(port, { servername: 'a.example.com', extra: ['-alpn', 'http/1.1'] })).alpn, 'http/1.1');
  const ca = tempFile(t, 'a.pem', exact.cert);
  const base = ['--cacert', ca, '--resolve', `a.example.com:${port}:127.0.0.1`, '--http2'];
  const reply = await curl([...base, '-H', 'cookie: a=1', '-H', 'cookie: b=2', `https://a.example.com:${port}/h2?x=1`]);
  t.equal(reply.status, 200, reply.stderr);
  const seen = backend.seen.at(-1)!;
  t.equal(seen.url, '/h2?x=1');
  t.equal(seen.httpVersion, '1.1', 'the upstream speaks HTTP/1.1');
  t.equal(seen.headers.host, `a.example.com:${port}`, ':authority becomes Host');
  t.equal(seen.headers.cookie, 'a=1; b=2', 'split cookies are joined');
  t.equal(seen.headers['x-forwarded-proto'], 'https');

  const post = await curl([...base, '--data-binary', 'hello body', `https://a.example.com:${port}/post`]);
  t.equal(post.status, 200, post.stderr);
  t.equal(backend.seen.at(-1)!.body, 'hello body', 'a sized body');
  const chunked = await curl(
    [...base, '-H', 'content-length:', '-T', '-', `https://a.example.com:${port}/up`],
    'streamed body',
  );
  t.equal(chunked.status, 200, chunked.stderr);
  t.equal(backend.seen.at(-1)!.body, 'streamed body', 'a body without a length, chunked upstream');
  t.equal(backend.seen.at(-1)!.headers['transfer-encoding'], 'chunked');

  const verbose = await curl([...base, '-v', `https://a.example.com:${port}/`]);
  t.match(verbose.stderr, /using HTTP\/2/, 'curl negotiated HTTP/2');
});

t.test('TLS sessions resume on any worker: the workers share rotated ticket keys', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  const plane = createDataPlane({ workers: 2, bind: '127.0.0.1' });
  t.teardown(() => plane.close(500));
  const result = await plane.apply({
    listeners: [
      listener(port, [prefixRule('all', '/', 'g')], null, {
        protocol: 'https',
        tls: { portCertificate: 'p', sni: [{ host: 'a.example.com', certificate: 'p' }] },
      }),
    ],
    backendGroups: [group('g', backend)],
    certificates: [certificate('p', exact)],
  });
  t.same(result.failed, []);
  const session = tempFile(t, 'session.pem', '');
  const first = await sClient(port, { servername: 'a.example.com', extra: ['-tls1_2', '-sess_out', session] });
  t.equal(first.cn, 'a.example.com');
  let reused = 0;
  // With a key per worker, each reconnect would resume only when the kernel picks the first worker again (1 in 2).
  for (let i = 0; i < 10; i++) {
    const again = await sClient(port, { servername: 'a.example.com', extra: ['-tls1_2', '-sess_in', session] });
    if (/^Reused, /m.test(again.output)) reused++;
  }
  t.equal(reused, 10, 'every reconnection resumed its session (openssl s_client -sess_in)');
});
