/** The programs the bench runs and the Debian packages that provide them. */
export const requiredTools = [
  { name: 'nginx', debianPackage: 'nginx-light' },
  { name: 'haproxy', debianPackage: 'haproxy' },
  { name: 'wrk', debianPackage: 'wrk' },
  // Counts the system calls per request of nginx and ALB (the profile summary).
  { name: 'strace', debianPackage: 'strace' },
] as const;

export type ToolName = (typeof requiredTools)[number]['name'];

export type InstallPlan =
  { action: 'none' } | { action: 'install'; packages: string[] } | { action: 'fail'; message: string };

/**
 * What to do about missing tools: nothing, `apt-get install` their packages (as root), or stop with a message
 * that says how to install them.
 */
export function planInstall(
  found: Readonly<Record<ToolName, string | null>>,
  context: { isRoot: boolean; hasAptGet: boolean },
): InstallPlan {
  const missing = requiredTools.filter((t) => found[t.name] === null);
  if (missing.length === 0) return { action: 'none' };
  const names = missing.map((t) => t.name).join(', ');
  const packages = missing.map((t) => t.debianPackage);
  const command = `apt-get install -y ${packages.join(' ')}`;
  if (!context.hasAptGet)
    return { action: 'fail', message: `missing ${names} and no apt-get here: install ${packages.join(', ')} yourself` };
  if (!context.isRoot)
    return { action: 'fail', message: `missing ${names}: run the bench as root, or first: sudo ${command}` };
  return { action: 'install', packages };
}
