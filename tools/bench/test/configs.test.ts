// The nginx and haproxy configs the bench writes, as golden files (UPDATE_GOLDEN=1 rewrites them).
import { readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { bodies, quote, renderHaproxyConfig, renderNginxBackendConfig, renderNginxProxyConfig } from '../src/index.ts';

const table = [
  {
    name: 'nginx-backend',
    input: () =>
      renderNginxBackendConfig({
        dir: '/tmp/alb-bench-x/backend',
        port: 20001,
        bigBodyFile: '/tmp/alb-bench-x/body-64k.bin',
        tinyPath: bodies[0]!.path,
        bigPath: bodies[1]!.path,
      }),
    want: 'nginx-backend.conf',
  },
  {
    name: 'nginx-proxy',
    input: () => renderNginxProxyConfig({ dir: '/tmp/alb-bench-x/nginx', port: 20002, backendPort: 20001 }),
    want: 'nginx-proxy.conf',
  },
  {
    name: 'haproxy',
    input: () => renderHaproxyConfig({ port: 20003, backendPort: 20001 }),
    want: 'haproxy.cfg',
  },
];

for (const { name, input, want } of table)
  t.test(name, async (t) => {
    const file = new URL(`./fixtures/${want}`, import.meta.url);
    const got = input();
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, got);
    t.equal(got, readFileSync(file, 'utf8'));
  });

t.test('what the comparison depends on is in the configs', async (t) => {
  const proxy = renderNginxProxyConfig({ dir: '/d', port: 2, backendPort: 1 });
  for (const directive of [
    'worker_processes 1;',
    'keepalive 64;',
    'proxy_http_version 1.1;',
    'proxy_set_header Connection "";',
    'access_log off;',
    'server 127.0.0.1:1;',
    'listen 127.0.0.1:2;',
  ])
    t.ok(proxy.includes(directive), `nginx proxy: ${directive}`);
  const haproxy = renderHaproxyConfig({ port: 2, backendPort: 1 });
  for (const directive of [
    'nbthread 1',
    'http-reuse always',
    'mode http',
    'bind 127.0.0.1:2',
    'server backend 127.0.0.1:1',
  ])
    t.ok(haproxy.includes(directive), `haproxy: ${directive}`);
  const backend = renderNginxBackendConfig({
    dir: '/d',
    port: 1,
    bigBodyFile: '/d/big',
    tinyPath: '/t/',
    bigPath: '/b',
  });
  t.ok(backend.includes('location = /t/ { default_type text/plain; return 200 "hello world\\n"; }'));
  t.ok(backend.includes('location = /b { default_type application/octet-stream; alias "/d/big"; }'));
});

t.test('nginx strings are quoted and escaped', async (t) => {
  const cases = [
    { name: 'plain path', input: '/tmp/a b', want: '"/tmp/a b"' },
    { name: 'quote and backslash', input: 'a"b\\c', want: '"a\\"b\\\\c"' },
    { name: 'newline as nginx escape', input: 'x\n', want: '"x\\n"' },
  ];
  for (const { name, input, want } of cases) t.equal(quote(input), want, name);
});
