import type { KubeObject } from '../objects/kube-object.ts';
import type { KubeClient } from './kube-client.ts';

export type StatusUpdate<T extends KubeObject> = { object: T; written: boolean };

export type UpdateStatusOptions = {
  /** Conflicts tolerated before giving up. */
  attempts?: number;
  /** Asked right before each write; false: nothing is written (resolves as if nothing changed). */
  mayWrite?: () => boolean;
};

/**
 * Writes an object's status the safe way: refetch, compute the new status from what is there now (`next`
 * returns undefined when nothing changes, and nothing is written), PUT with the fetched resourceVersion, and
 * start again on a conflict. Resolves to null when the object is gone.
 */
export async function updateStatus<T extends KubeObject>(
  client: KubeClient,
  path: string,
  next: (object: T) => unknown,
  options: UpdateStatusOptions = {},
): Promise<StatusUpdate<T> | null> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const got = await client.request('GET', path);
    if (got.status === 404) return null;
    if (got.status !== 200) throw new Error(`GET ${path}: ${got.status} ${got.text.slice(0, 200)}`);
    const object = got.json as T;
    const status = next(object);
    if (status === undefined || options.mayWrite?.() === false) return { object, written: false };
    const put = await client.request('PUT', `${path}/status`, { ...object, status });
    if (put.status === 409) continue; // someone wrote first: refetch and try again
    if (put.status === 404) return null;
    if (put.status !== 200) throw new Error(`PUT ${path}/status: ${put.status} ${put.text.slice(0, 200)}`);
    return { object: put.json as T, written: true };
  }
  throw new Error(`status of ${path}: gave up after ${attempts} conflicts`);
}
