import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The path of a real program a test drives (redis-server, dnsmasq, dig, ...), looked up on PATH and in the sbin
 * directories. Missing, the test fails saying which Debian package to install (`.ci/run` installs them).
 */
export function requireProgram(name: string, debianPackage: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} is not installed: apt-get install ${debianPackage} (.ci/run installs it)`);
}
