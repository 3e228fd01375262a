import { join } from 'node:path';
import { tinyBody } from './workload.ts';

export type NginxBackendInput = {
  /** Directory for this instance's pid file, logs and temp paths (must exist). */
  dir: string;
  port: number;
  /** File holding the 64 KiB body (a `return` cannot carry it: nginx caps a config token at 4 KiB). */
  bigBodyFile: string;
  tinyPath: string;
  bigPath: string;
};

export type NginxProxyInput = {
  dir: string;
  port: number;
  backendPort: number;
  /** `worker_processes` (default 1). */
  workers?: number;
};

/** The backend every proxy forwards to: one worker, no access log, keep-alive without a request limit. */
export function renderNginxBackendConfig(input: NginxBackendInput): string {
  return [
    ...prelude(input.dir, 1),
    'http {',
    ...httpCommon(input.dir),
    '  sendfile on;',
    '  etag off;',
    '  server {',
    `    listen 127.0.0.1:${input.port};`,
    `    location = ${input.tinyPath} { default_type text/plain; return 200 ${quote(tinyBody)}; }`,
    `    location = ${input.bigPath} { default_type application/octet-stream; alias ${quote(input.bigBodyFile)}; }`,
    `    location / { default_type text/plain; return 200 ${quote(tinyBody)}; }`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * nginx as the reference proxy: one worker (or `workers`), HTTP/1.1 upstream with a keep-alive pool of 64 connections
 * (`Connection ""` so nginx does not send `close`), responses never spooled to disk.
 */
export function renderNginxProxyConfig(input: NginxProxyInput): string {
  return [
    ...prelude(input.dir, input.workers ?? 1),
    'http {',
    ...httpCommon(input.dir),
    '  upstream backend {',
    `    server 127.0.0.1:${input.backendPort};`,
    '    keepalive 64;',
    '    keepalive_requests 1000000;',
    '    keepalive_timeout 60s;',
    '  }',
    '  server {',
    `    listen 127.0.0.1:${input.port};`,
    '    location / {',
    '      proxy_pass http://backend;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_max_temp_file_size 0;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

function prelude(dir: string, workers: number): string[] {
  return [
    `worker_processes ${workers};`,
    'daemon off;',
    'master_process on;',
    `pid ${quote(join(dir, 'nginx.pid'))};`,
    `error_log ${quote(join(dir, 'error.log'))} warn;`,
    'events { worker_connections 4096; }',
  ];
}

function httpCommon(dir: string): string[] {
  // Every temp path inside `dir`: the compiled-in ones under /var/lib/nginx need root.
  const temp = (what: string) => quote(join(dir, `${what}-temp`));
  return [
    '  access_log off;',
    '  keepalive_requests 1000000;',
    '  keepalive_timeout 75s;',
    `  client_body_temp_path ${temp('client-body')};`,
    `  proxy_temp_path ${temp('proxy')};`,
    `  fastcgi_temp_path ${temp('fastcgi')};`,
    `  uwsgi_temp_path ${temp('uwsgi')};`,
    `  scgi_temp_path ${temp('scgi')};`,
  ];
}

/** An nginx double-quoted string (`\n` inside is nginx's own escape for a newline). */
export function quote(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}
