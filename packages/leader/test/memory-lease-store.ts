// A real in-memory LeaseStore: versions and conflict checks as the API server does them, plus per-client
// network trouble (errors, hangs, held writes) so tests can cut one candidate off from the lease.
import { LeaseConflictError } from '../src/index.ts';
import type { LeaseRecord, LeaseStore, StoredLease } from '../src/index.ts';

export type Op = 'get' | 'create' | 'update';
export type CallLog = { client: string; op: Op; at: number; outcome: 'ok' | 'conflict' | 'error' | 'aborted' };

export interface MemoryLease {
  /** A store handle for one candidate; `network` decides what its calls do. */
  client(name: string): MemoryClient;
  /** The lease as stored now. */
  current(): StoredLease | null;
  /** Writes as someone outside the election (kubectl, another tool): bumps the version. */
  put(record: LeaseRecord | null): void;
  calls: CallLog[];
}

export interface MemoryClient extends LeaseStore {
  /** ok: served; error: rejected at once; hang: pending until aborted. */
  network: 'ok' | 'error' | 'hang';
  /** Holds create/update calls (after their get) until `releaseWrites()`. */
  holdWrites: boolean;
  releaseWrites(): void;
}

export function createMemoryLease(now: () => number): MemoryLease {
  let stored: StoredLease | null = null;
  let nextVersion = 1;
  const calls: CallLog[] = [];

  const write = (record: LeaseRecord): { version: string } => {
    stored = { record: structuredClone(record), version: String(nextVersion++) };
    return { version: stored.version };
  };

  return {
    calls,
    current: () => (stored === null ? null : structuredClone(stored)),
    put(record) {
      if (record === null) stored = null;
      else write(record);
    },
    client(name) {
      let held: Array<() => void> = [];
      const serve = async <T>(op: Op, signal: AbortSignal | undefined, body: () => T): Promise<T> => {
        const at = now();
        const log = (outcome: CallLog['outcome']): void => void calls.push({ client: name, op, at, outcome });
        if (op !== 'get' && handle.holdWrites) await new Promise<void>((resolve) => held.push(resolve));
        if (handle.network === 'error') {
          log('error');
          throw new Error(`${name}: connection refused`);
        }
        if (handle.network === 'hang') {
          await new Promise<void>((resolve) => {
            if (signal?.aborted) resolve();
            else signal?.addEventListener('abort', () => resolve(), { once: true });
          });
          log('aborted');
          throw new Error(`${name}: request aborted`);
        }
        try {
          const result = body();
          log('ok');
          return result;
        } catch (error) {
          log(error instanceof LeaseConflictError ? 'conflict' : 'error');
          throw error;
        }
      };
      const handle: MemoryClient = {
        network: 'ok',
        holdWrites: false,
        releaseWrites() {
          const waiting = held;
          held = [];
          for (const resolve of waiting) resolve();
        },
        get: (signal) => serve('get', signal, () => (stored === null ? null : structuredClone(stored))),
        create: (record, signal) =>
          serve('create', signal, () => {
            if (stored !== null) throw new LeaseConflictError('leases "alb" already exists');
            return write(record);
          }),
        update: (record, version, signal) =>
          serve('update', signal, () => {
            if (stored === null) throw new Error('leases "alb" not found');
            if (stored.version !== version) throw new LeaseConflictError('the object has been modified');
            return write(record);
          }),
      };
      return handle;
    },
  };
}
