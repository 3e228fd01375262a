export type HaproxyInput = { port: number; backendPort: number };

/** haproxy with one thread, HTTP mode, server connections kept alive and shared between clients. */
export function renderHaproxyConfig(input: HaproxyInput): string {
  return [
    'global',
    '  nbthread 1',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  option http-keep-alive',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-keep-alive 60s',
    'frontend bench',
    `  bind 127.0.0.1:${input.port}`,
    '  default_backend backend',
    'backend backend',
    '  http-reuse always',
    `  server backend 127.0.0.1:${input.backendPort}`,
    '',
  ].join('\n');
}
