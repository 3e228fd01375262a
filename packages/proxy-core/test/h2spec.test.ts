// h2spec (the HTTP/2 conformance suite, built from its Go module) against an https listener, against a bare node
// http2.createSecureServer and against nginx, in the same run. The listener terminates HTTP/2 with node's http2
// (nghttp2) and must fail no case that bare node passes: whatever it fails is node/nghttp2's frame handling, not ours.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { ensureH2spec, h2specVersion } from './h2spec-build.ts';
import { parseJunitReport, reportOf, runH2spec, type H2specReport } from './h2spec-run.ts';
import { freePort, group, listener, prefixRule, startBackend, startEngine } from './helpers.ts';
import { startNginx } from './nginx.ts';
import { makeCertificate } from './tls-certificates.ts';

/** What the https listener passes today (of 145 cases); a lower count is a regression. */
const albPassesAtLeast = 136;

const cert = makeCertificate(['localhost']);

async function portOpen(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const socket = connect({ port, host: '127.0.0.1' });
    const ok = await once(socket, 'connect').then(
      () => true,
      () => false,
    );
    socket.destroy();
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await sleep(100);
  }
}

/** `report` with the cases `passedAgain` counted as passed. */
function recount(report: H2specReport, passedAgain: Set<string>): H2specReport {
  return reportOf(report.cases.map((c) => (passedAgain.has(c.id) ? { ...c, outcome: 'passed' as const } : c)));
}

const summary = (name: string, r: H2specReport) =>
  `${name}: ${r.passed}/${r.cases.length} passed, failed: ${r.failed.join(' ') || 'none'}`;

t.test('the cache directory is named after the version the wrapper module pins', async (t) => {
  const goMod = readFileSync(new URL('./h2spec-go/go.mod', import.meta.url), 'utf8');
  t.match(goMod, `github.com/summerwind/h2spec ${h2specVersion}+incompatible`);
});

t.test('the JUnit report: cases numbered within their section, <error> fails, <skipped> skips', async (t) => {
  const xml = `<testsuites>
  <testsuite name="5.1. Stream States" package="http2/5.1" id="5.1" tests="3">
    <testcase package="http2/5.1" classname="idle: Sends a DATA frame" time="0.0010"></testcase>
    <testcase package="http2/5.1" classname="closed: Sends a DATA frame" time="2.0100">
      <error>GOAWAY Frame (Error Code: STREAM_CLOSED)</error>
    </testcase>
    <testcase package="http2/5.1" classname="limit" time="0.0070">
      <skipped></skipped>
    </testcase>
  </testsuite>
  <testsuite name="6.7. PING" package="http2/6.7" id="6.7" tests="1">
    <testcase package="http2/6.7" classname="Sends a PING frame" time="0.0010"></testcase>
  </testsuite>
</testsuites>`;
  const report = parseJunitReport(xml);
  t.same(
    report.cases.map((c) => `${c.id} ${c.outcome}`),
    ['http2/5.1/1 passed', 'http2/5.1/2 failed', 'http2/5.1/3 skipped', 'http2/6.7/1 passed'],
  );
  t.equal(report.passed, 2);
  t.same(report.failed, ['http2/5.1/2']);
});

t.test('h2spec: the https listener fails only what bare node fails', async (t) => {
  const h2spec = await ensureH2spec();
  t.comment(`h2spec ${h2specVersion}: ${h2spec.source} (waited ${h2spec.buildMs} ms)`);
  const backend = await startBackend(t, 'b');

  const albPort = await freePort();
  await startEngine(t, {
    listeners: [
      listener(albPort, [prefixRule('all', '/', 'g')], null, {
        protocol: 'https',
        tls: { portCertificate: 'c', sni: [] },
      }),
    ],
    backendGroups: [group('g', backend)],
    certificates: [{ name: 'c', ...cert }],
  });
  const albFull = await runH2spec(h2spec.path, albPort);

  const bare = createSecureServer(cert, (req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
  });
  bare.listen(0, '127.0.0.1');
  await once(bare, 'listening');
  t.teardown(() => bare.close());
  const node = await runH2spec(h2spec.path, (bare.address() as AddressInfo).port);

  // A case waits 2 s for an answer: on a loaded machine one can time out. Those ALB fails and bare node passes run
  // once more; only a second failure counts.
  const suspects = albFull.failed.filter((id) => !node.failed.includes(id));
  const recovered =
    suspects.length === 0
      ? []
      : (await runH2spec(h2spec.path, albPort, suspects)).cases.filter((c) => c.outcome === 'passed');
  if (recovered.length > 0) t.comment(`passed when run again: ${recovered.map((c) => c.id).join(' ')}`);
  const alb = recount(albFull, new Set(recovered.map((c) => c.id)));

  const nginxPort = await freePort();
  startNginx(
    t,
    (dir) => `server {
    listen 127.0.0.1:${nginxPort} ssl http2;
    ssl_certificate ${dir}/cert.pem; ssl_certificate_key ${dir}/key.pem;
    location / { proxy_pass http://127.0.0.1:${backend.port}; }
  }`,
    { 'cert.pem': cert.cert, 'key.pem': cert.key },
  );
  await portOpen(nginxPort);
  const nginx = await runH2spec(h2spec.path, nginxPort);

  t.comment(summary('ALB https listener', alb));
  t.comment(summary('bare node http2.createSecureServer', node));
  t.comment(summary('nginx (reference, not asserted)', nginx));
  const nginxOnly = alb.failed.filter((id) => !nginx.failed.includes(id));
  t.comment(`failed by ALB, passed by nginx: ${nginxOnly.join(' ') || 'none'}`);

  t.equal(alb.cases.length, node.cases.length, 'both runs report every case');
  t.ok(alb.passed >= albPassesAtLeast, `ALB passes ${alb.passed} cases, at least ${albPassesAtLeast}`);
  t.same(
    alb.failed.filter((id) => !node.failed.includes(id)),
    [],
    'every case ALB fails is failed by bare node too',
  );
});
