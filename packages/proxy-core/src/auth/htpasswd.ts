import { hashFormat } from './password-hash.ts';

/** Users read from an htpasswd file (or an auth-map), and what was wrong with the lines left out. */
export type HtpasswdUsers = { users: Record<string, string>; problems: string[] };

/**
 * Reads an htpasswd file: `user:hash` lines; blank lines and `#` comments are skipped. A line without a colon, a
 * repeated user or a hash of an unusable format is reported (1-based line numbers, never the hash itself).
 */
export function parseHtpasswd(text: string): HtpasswdUsers {
  const entries: Array<[string, string]> = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push(`line ${i + 1}: not "user:hash"`);
      return;
    }
    entries.push([line.slice(0, colon), line.slice(colon + 1)]);
  });
  const checked = checkUsers(entries, (n) => `line ${n + 1}`);
  return { users: checked.users, problems: [...problems, ...checked.problems] };
}

/** Checks `[user, hash]` pairs (an auth-map's keys and values); `where` names an entry in a problem. */
export function checkUsers(entries: Array<[string, string]>, where: (index: number) => string): HtpasswdUsers {
  const users: Record<string, string> = {};
  const problems: string[] = [];
  const seen = new Set<string>();
  entries.forEach(([user, hash], i) => {
    if (seen.has(user)) {
      problems.push(`${where(i)}: user ${JSON.stringify(user)} appears more than once`);
      return;
    }
    seen.add(user);
    const format = hashFormat(hash.trim());
    if (format !== 'bcrypt' && format !== 'apr1' && format !== 'sha1' && format !== 'crypt') {
      problems.push(`${where(i)}: user ${JSON.stringify(user)}: ${format}`);
      return;
    }
    users[user] = hash.trim();
  });
  return { users, problems };
}
