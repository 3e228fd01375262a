// Prometheus metrics and the access log.
import t from 'tap';
import { renderPrometheus, type Logger } from '../src/index.ts';
import { freePort, get, group, listener, prefixRule, startBackend, startEngine } from './helpers.ts';

t.test('requests by port, rule and status; upstream latency histogram; connections', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [listener(port, [prefixRule('api', '/api', 'b')])],
    backendGroups: [group('b', backend)],
  });
  await get(port, '/api/1');
  await get(port, '/api/2');
  await get(port, '/missing');
  const text = renderPrometheus(engine.stats());
  t.match(text, `alb_http_requests_total{port="${port}",rule="api",status="200"} 2`);
  t.match(text, `alb_http_requests_total{port="${port}",rule="",status="404"} 1`);
  t.match(text, `alb_http_upstream_duration_seconds_count{port="${port}"} 2`);
  t.match(text, `alb_http_upstream_duration_seconds_bucket{port="${port}",le="+Inf"} 2`);
  t.match(text, /# TYPE alb_http_connections_active gauge/);
  // The client closed its connections; the gauge comes back to 0 once the proxy has seen the closes.
  for (let i = 0; i < 50 && engine.stats().listeners[0]!.activeConnections !== 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  t.match(renderPrometheus(engine.stats()), `alb_http_connections_active{port="${port}"} 0`);
});

t.test('the access log gets one line per request when enabled', async (t) => {
  const lines: object[] = [];
  const log: Logger = { info: (o) => lines.push(o), warn: () => undefined, error: () => undefined };
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  await startEngine(
    t,
    { listeners: [listener(port, [prefixRule('api', '/api', 'b')])], backendGroups: [group('b', backend)] },
    { accessLog: log },
  );
  await get(port, '/api/x?y=1', { headers: { host: 'h.example.com' } });
  t.equal(lines.length, 1);
  t.match(lines[0], {
    port,
    method: 'GET',
    target: '/api/x?y=1',
    host: 'h.example.com',
    status: 200,
    rule: 'api',
    client: '127.0.0.1',
  });
  t.match(lines[0], { upstream: `127.0.0.1:${backend.port}` });
});

t.test('series of rules no longer configured disappear after apply', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  const engine = await startEngine(t, {
    listeners: [listener(port, [prefixRule('old', '/old', 'b'), prefixRule('kept', '/kept', 'b')])],
    backendGroups: [group('b', backend)],
  });
  await get(port, '/old');
  await get(port, '/kept');
  t.match(renderPrometheus(engine.stats()), 'rule="old"');
  await engine.apply({
    listeners: [listener(port, [prefixRule('kept', '/kept', 'b'), prefixRule('new', '/new', 'b')])],
    backendGroups: [group('b', backend)],
  });
  const text = renderPrometheus(engine.stats());
  t.notMatch(text, 'rule="old"', 'the removed rule has no series');
  t.match(text, `alb_http_requests_total{port="${port}",rule="kept",status="200"} 1`, 'kept rules keep counting');
  // Many renamed rules over time: the series stay bounded by what is configured.
  for (let i = 0; i < 20; i++) {
    await engine.apply({
      listeners: [listener(port, [prefixRule(`r${i}`, '/r', 'b')])],
      backendGroups: [group('b', backend)],
    });
    await get(port, '/r');
  }
  const rules = new Set(engine.stats().listeners[0]!.requests.map((r) => r.rule));
  t.same([...rules], ['r19'], 'only the configured rule has series');
});

t.test('a removed port’s series disappear once it has drained', async (t) => {
  const backend = await startBackend(t, 'b');
  const port = await freePort();
  const other = await freePort();
  const engine = await startEngine(t, {
    listeners: [listener(port, [], 'b'), listener(other, [], 'b')],
    backendGroups: [group('b', backend)],
  });
  await get(other, '/');
  await engine.apply({ listeners: [listener(port, [], 'b')], backendGroups: [group('b', backend)] });
  for (let i = 0; i < 100 && engine.stats().listeners.some((l) => l.port === other); i++)
    await new Promise((r) => setTimeout(r, 20));
  t.same(
    engine.stats().listeners.map((l) => l.port),
    [port],
  );
});
