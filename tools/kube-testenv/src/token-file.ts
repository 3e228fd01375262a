import { randomBytes } from 'node:crypto';
import type { TestEnvUser } from './test-env.ts';

/** The admin's row: group system:masters is allowed everything, RBAC or not. */
export const adminUser = { name: 'alb-testenv-admin', uid: 'alb-testenv-admin', groups: ['system:masters'] } as const;

export function randomToken(): string {
  return randomBytes(24).toString('hex');
}

/**
 * The kube-apiserver `--token-auth-file` CSV: `token,user,uid,"group1,group2"`. Values are checked, not quoted,
 * because the format has no escaping for commas or quotes inside a field.
 */
export function renderTokenFile(users: ReadonlyArray<Required<TestEnvUser>>): string {
  return users
    .map((u) => {
      for (const value of [u.token, u.name, u.uid, ...u.groups]) {
        if (value === '' || /[",\n\r]/.test(value))
          throw new TypeError(`token file value not allowed: ${JSON.stringify(value)}`);
      }
      const row = [u.token, u.name, u.uid];
      return u.groups.length > 0 ? `${row.join(',')},"${u.groups.join(',')}"` : row.join(',');
    })
    .join('\n')
    .concat('\n');
}
