/** The ports one L4 proxy listens on, and the backends each forwards to (all on 127.0.0.1). */
export type L4Ports = {
  /** iperf3 (bulk throughput) over TCP. */
  bulk: { listen: number; backend: number };
  /** redis-server over TCP (GET/SET, and short connections). */
  redis: { listen: number; backend: number };
  /** dnsmasq over UDP. */
  dns: { listen: number; backend: number };
};

/** Where nginx's stream module is on Debian (package libnginx-mod-stream; nginx-light builds it as a module). */
export const nginxStreamModule = '/usr/lib/nginx/modules/ngx_stream_module.so';

/**
 * nginx `stream` in front of the three backends: one worker, nginx's L4 defaults as ALB sets them (connect 5 s,
 * proxy_timeout 120 s), no `proxy_responses` (a UDP session ends when idle, as an ALB udp Frontend's).
 */
export function renderNginxStreamConfig(options: { dir: string; ports: L4Ports; modulePath?: string }): string {
  const { dir, ports } = options;
  return `load_module ${options.modulePath ?? nginxStreamModule};
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
events { worker_connections 8000; }
stream {
  proxy_connect_timeout 5s;
  proxy_timeout 120s;
  server { listen 127.0.0.1:${ports.bulk.listen}; proxy_pass 127.0.0.1:${ports.bulk.backend}; }
  server { listen 127.0.0.1:${ports.redis.listen}; proxy_pass 127.0.0.1:${ports.redis.backend}; }
  server { listen 127.0.0.1:${ports.dns.listen} udp; proxy_pass 127.0.0.1:${ports.dns.backend}; }
}
`;
}

/** haproxy `mode tcp`, one thread, the same timeouts. haproxy has no UDP proxying: its `dns` port is unused. */
export function renderHaproxyTcpConfig(ports: L4Ports): string {
  return `global
  nbthread 1
  maxconn 8000
defaults
  mode tcp
  timeout connect 5s
  timeout client 120s
  timeout server 120s
listen bulk
  bind 127.0.0.1:${ports.bulk.listen}
  server s1 127.0.0.1:${ports.bulk.backend}
listen redis
  bind 127.0.0.1:${ports.redis.listen}
  server s1 127.0.0.1:${ports.redis.backend}
`;
}
