import { startTestEnv, type StartTestEnvOptions } from './start-test-env.ts';
import type { TestEnv } from './test-env.ts';

/** The part of a tap `Test` this helper uses (kept structural so the tool does not import tap at run time). */
export type TeardownHost = { teardown(fn: () => unknown): void };

/**
 * For tap: starts a test env and stops it when `t` ends.
 *
 *   const env = await setupTestEnv(t, { users: [{ name: 'viewer' }] });
 */
export async function setupTestEnv(t: TeardownHost, opts: StartTestEnvOptions = {}): Promise<TestEnv> {
  const env = await startTestEnv(opts);
  t.teardown(() => env.stop());
  return env;
}
