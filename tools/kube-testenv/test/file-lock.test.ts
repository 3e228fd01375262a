import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { withFileLock } from '../src/file-lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'alb-kube-testenv-lock-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('holders run one at a time', async (t) => {
  const lock = join(dir, 'serial.lock');
  const events: string[] = [];
  let waits = 0;
  const job = (name: string) =>
    withFileLock(
      lock,
      async () => {
        events.push(`${name}:in`);
        await sleep(50);
        events.push(`${name}:out`);
      },
      { pollMs: 10, onWait: () => waits++ },
    );
  await Promise.all([job('a'), job('b'), job('c')]);
  for (let i = 0; i < events.length; i += 2) t.equal(events[i]!.split(':')[0], events[i + 1]!.split(':')[0]);
  t.ok(waits >= 1, 'the others were told they wait');
});

t.test('a lock left by a dead process is taken over', async (t) => {
  const lock = join(dir, 'stale.lock');
  writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: 'long ago' }));
  t.equal(await withFileLock(lock, async () => 'ran', { timeoutMs: 1000, pollMs: 10 }), 'ran');
});

t.test('a live holder makes others time out with a clear error', async (t) => {
  const lock = join(dir, 'held.lock');
  writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: 'now' }));
  await t.rejects(
    withFileLock(lock, async () => 'ran', { timeoutMs: 50, pollMs: 10 }),
    {
      code: 'ALB_TESTENV_LOCK_TIMEOUT',
      message: new RegExp(`held by pid ${process.pid}`),
    },
  );
});
