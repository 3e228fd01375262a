// kube-apiserver's --token-auth-file format: one user per line, `token,user,uid,"group1,group2"` (CSV; the groups
// column is optional). Read once at start, as kube-apiserver does.
import { createHash } from 'node:crypto';
import type { Authenticator } from './authenticator.ts';
import type { User } from './user.ts';

/** One CSV record (RFC 4180 quoting: a quoted field may hold commas and doubled quotes). */
function csvFields(line: string, lineNumber: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`line ${lineNumber}: unterminated quoted field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw new Error(`line ${lineNumber}: text after a quoted field`);
    } else {
      const end = line.indexOf(',', i);
      field = line.slice(i, end === -1 ? line.length : end);
      if (field.includes('"')) throw new Error(`line ${lineNumber}: a quote inside an unquoted field`);
      i = end === -1 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Parses a token file; throws naming the line of the first problem. */
export function parseTokenFile(text: string): Map<string, User> {
  const users = new Map<string, User>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const fields = csvFields(line, index + 1);
    if (fields.length < 3)
      throw new Error(
        `line ${index + 1}: needs at least 3 columns (token, user name, user uid), found ${fields.length}`,
      );
    const [token, name, uid, groups] = fields as [string, string, string, string | undefined];
    if (token === '' || name === '')
      throw new Error(`line ${index + 1}: the token and the user name must not be empty`);
    users.set(digest(token), {
      name,
      uid,
      groups: (groups ?? '')
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== ''),
    });
  });
  return users;
}

/** File mode's authenticator: the users of a token file, looked up by a digest of the token. */
export class StaticTokenAuthenticator implements Authenticator {
  private readonly users: Map<string, User>;

  constructor(users: Map<string, User>) {
    this.users = users;
  }

  async authenticate(token: string): Promise<User | null> {
    return this.users.get(digest(token)) ?? null;
  }
}
