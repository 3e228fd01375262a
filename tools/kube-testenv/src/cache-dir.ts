import { homedir } from 'node:os';
import { join } from 'node:path';

/** `ALB_TESTENV_CACHE`, else `$HOME/.cache/alb-kube-testenv`: outside the repository, shared by all checkouts. */
export function resolveCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ALB_TESTENV_CACHE || join(env.HOME || homedir(), '.cache', 'alb-kube-testenv');
}
