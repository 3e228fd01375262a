// Streaming with backpressure: 1 GiB up and 1 GiB down through a proxy process whose peak memory stays small.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import t from 'tap';
import { freePort, group, listener, prefixRule, startBackend } from './helpers.ts';

const GiB = 1024 ** 3;
const chunk = Buffer.alloc(1024 * 1024, 'x');

/** Peak resident memory of a process (VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

t.test('1 GiB upload and 1 GiB download pass in constant memory', { timeout: 300_000 }, async (t) => {
  let uploaded = 0;
  const backend = await startBackend(t, 'big');
  backend.server.removeAllListeners('request');
  backend.server.on('request', (req, res) => {
    if (req.method === 'POST') {
      req.on('data', (c: Buffer) => (uploaded += c.length));
      req.on('end', () => res.end(String(uploaded)));
      return;
    }
    res.writeHead(200, { 'content-length': String(GiB) });
    let sent = 0;
    const pump = () => {
      while (sent < GiB) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  const port = await freePort();
  const config = {
    listeners: [listener(port, [prefixRule('all', '/', 'big')])],
    backendGroups: [group('big', backend)],
  };
  const child = fork(
    new URL('./fixtures/run-data-plane.ts', import.meta.url).pathname,
    [JSON.stringify(config), JSON.stringify({ workers: 1 })],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  t.teardown(() => child.kill('SIGKILL'));
  await once(child.stdout!, 'data');
  const baseline = peakRssMiB(child.pid!);

  const downloaded = await new Promise<number>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/download', agent: false }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
  t.equal(downloaded, GiB, 'downloaded every byte');

  const reply = await new Promise<string>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/upload',
        method: 'POST',
        agent: false,
        headers: { 'content-length': String(GiB) },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    let sent = 0;
    const pump = () => {
      while (sent < GiB) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
  t.equal(Number(reply), GiB, 'the backend received every byte');
  const peak = peakRssMiB(child.pid!);
  t.ok(
    peak - baseline < 128,
    `proxy peak RSS grew by ${(peak - baseline).toFixed(0)} MiB (from ${baseline.toFixed(0)} to ${peak.toFixed(0)}) while 2 GiB passed`,
  );
});
