import { hostname } from 'node:os';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCodes, KubeTestEnvError } from './errors.ts';
import { processAlive } from './process-alive.ts';

export type FileLockOptions = {
  /** Give up after this long; a first build takes minutes, so the default is generous (45 minutes). */
  timeoutMs?: number;
  /** Called once when the lock is held by someone else, with the holder's description. */
  onWait?: (holder: string) => void;
  pollMs?: number;
};

type Holder = { pid: number; host: string; since: string };

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL). A lock whose holder process is gone, on
 * this host, is taken over; the holder's work is written so that a duplicate run stays correct anyway.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 45 * 60_000);
  let waited = false;
  for (;;) {
    const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    if (holder === null || (holder.host === me.host && !processAlive(holder.pid))) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new KubeTestEnvError(
        errorCodes.lockTimeout,
        `Timed out waiting for the lock ${path}, held by pid ${holder.pid} on ${holder.host} since ${holder.since}. ` +
          `If no such process is building, delete the file.`,
      );
    }
    if (!waited) opts.onWait?.(`pid ${holder.pid} on ${holder.host} since ${holder.since}`);
    waited = true;
    await sleep(opts.pollMs ?? 1000);
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

/** The lock's holder; `null` when the file is unreadable and old (stale), `'gone'` when it vanished meanwhile. */
async function readHolder(path: string): Promise<Holder | null | 'gone'> {
  let text: string;
  let ageMs: number;
  try {
    text = await readFile(path, 'utf8');
    ageMs = Date.now() - (await stat(path)).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { pid: parsed.pid, host: parsed.host, since: String(parsed.since) };
    }
  } catch {
    // fall through: created but not written yet, or garbled
  }
  // Its creator writes it right after creating it, so an unreadable lock is stale only once it is a few seconds old.
  return ageMs > 10_000 ? null : { pid: -1, host: '', since: 'just now' };
}
