import { request } from 'node:http';
import { BenchError, errorCodes } from './errors.ts';
import type { Managed } from './process-set.ts';

export type ProbeReply = { status: number; body: Buffer };

/** One GET on a fresh connection, with a deadline. */
export function probe(port: number, path: string, timeoutMs = 2000): Promise<ProbeReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Waits until `port` answers `path` with 200 and a body of `size` bytes; throws ALB_BENCH_START_FAILED (with the
 * process's last output) when the process exits first or the deadline passes.
 */
export async function waitUntilServing(
  managed: Managed,
  port: number,
  path: string,
  size: number,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | string | null = null;
  void managed.exited.then((code) => (exited = code));
  let last = 'no attempt';
  while (Date.now() < deadline) {
    if (exited !== null) break;
    try {
      const reply = await probe(port, path);
      if (reply.status === 200 && reply.body.length === size) return;
      last = `status ${reply.status}, ${reply.body.length} bytes (want 200, ${size} bytes)`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const why = exited !== null ? `exited (${exited})` : `not serving after ${timeoutMs} ms`;
  throw new BenchError(
    errorCodes.startFailed,
    `${managed.name} on port ${port} ${why}; GET ${path}: ${last}\n--- its output ---\n${managed.output()}`,
  );
}
