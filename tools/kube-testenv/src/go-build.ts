import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { errorCodes, KubeTestEnvError } from './errors.ts';

export type GoBuildStep = {
  go: string;
  /** Directory of the wrapper module (its go.mod requires and `tool`s the package). */
  moduleDir: string;
  pkg: string;
  output: string;
  ldflags: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** How often to print a "still building" line, so a CI log shows progress while the compiler is quiet. */
  heartbeatMs?: number;
};

/** Builds one main package with `go build`; go's own stderr (downloads, errors) is passed to `log`. */
export async function goBuild(step: GoBuildStep): Promise<void> {
  const args = ['build', '-mod=readonly', '-trimpath', '-ldflags', step.ldflags, '-o', step.output, step.pkg];
  await runGo({ ...step, args, what: step.pkg });
}

export type GoRun = Omit<GoBuildStep, 'pkg' | 'output' | 'ldflags'> & {
  args: string[];
  /** What the command works on, for the progress and error lines. */
  what: string;
};

/** Runs one go command in the module directory, passing its output to `log`; throws ALB_TESTENV_BUILD_FAILED. */
export async function runGo(step: GoRun): Promise<void> {
  const { args } = step;
  const started = Date.now();
  const child = spawn(step.go, args, {
    cwd: step.moduleDir,
    // No cgo: a static binary, and no C toolchain needed. GOWORK=off: a go.work above must not change the build.
    env: { ...step.env, CGO_ENABLED: '0', GOWORK: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const onLine = (line: string) => {
    step.log(`  | ${line}`);
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const heartbeat = setInterval(
    () => step.log(`  still running go ${args[0]} for ${step.what} (${Math.round((Date.now() - started) / 1000)}s)`),
    step.heartbeatMs ?? 30_000,
  );
  try {
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    if (result.code !== 0) {
      throw new KubeTestEnvError(
        errorCodes.buildFailed,
        `go ${args[0]} ${step.what} failed (${result.signal ?? `exit ${result.code}`}) in ${step.moduleDir}:\n${tail.join('\n')}`,
      );
    }
  } catch (err) {
    if (err instanceof KubeTestEnvError) throw err;
    throw new KubeTestEnvError(errorCodes.buildFailed, `could not run ${step.go}: ${String(err)}`, { cause: err });
  } finally {
    clearInterval(heartbeat);
  }
}
