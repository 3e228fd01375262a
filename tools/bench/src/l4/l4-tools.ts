import { accessSync, constants } from 'node:fs';
import { aptInstall, findProgram } from '../ensure-tools.ts';
import { BenchError, errorCodes } from '../errors.ts';
import { nginxStreamModule } from './l4-configs.ts';

/** The programs the L4 bench runs, and the Debian packages that provide them. */
export const l4Programs = [
  { name: 'nginx', debianPackage: 'nginx-light' },
  { name: 'haproxy', debianPackage: 'haproxy' },
  { name: 'iperf3', debianPackage: 'iperf3' },
  { name: 'redis-server', debianPackage: 'redis-server' },
  { name: 'redis-benchmark', debianPackage: 'redis-tools' },
  { name: 'dnsmasq', debianPackage: 'dnsmasq-base' },
  { name: 'dnsperf', debianPackage: 'dnsperf' },
] as const;

export type L4Tools = Record<(typeof l4Programs)[number]['name'], string>;

/**
 * Finds the programs (and nginx's stream module, a separate package); installs what is missing with apt-get
 * when running as root, else throws ALB_BENCH_MISSING_TOOLS naming the packages.
 */
export function ensureL4Tools(log: (line: string) => void): L4Tools {
  const missing = () => {
    const packages: string[] = l4Programs.filter((p) => findProgram(p.name) === null).map((p) => p.debianPackage);
    if (!isFile(nginxStreamModule)) packages.push('libnginx-mod-stream');
    return packages;
  };
  const needed = missing();
  if (needed.length > 0) {
    if (process.getuid?.() !== 0 || findProgram('apt-get') === null)
      throw new BenchError(
        errorCodes.missingTools,
        `missing packages: run as root, or first: sudo apt-get install -y ${needed.join(' ')}`,
      );
    aptInstall(needed, log);
    const still = missing();
    if (still.length > 0)
      throw new BenchError(errorCodes.installFailed, `still missing after apt-get install: ${still.join(', ')}`);
  }
  return Object.fromEntries(l4Programs.map((p) => [p.name, findProgram(p.name)!])) as L4Tools;
}

function isFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
