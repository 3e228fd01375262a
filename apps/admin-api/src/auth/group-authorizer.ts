// File mode's authorizer: groups of the token file decide. `alb:admins` may do everything, `alb:viewers` may read
// everything, `alb:project:<p>` may do everything within project p (its Frontends, Rules and usage).
import type { Authorizer } from './authorizer.ts';
import type { Permission } from './permission.ts';
import type { User } from './user.ts';

export const groups = {
  admins: 'alb:admins',
  viewers: 'alb:viewers',
  projectPrefix: 'alb:project:',
} as const;

/** The decision as a pure function of the user's groups. */
export function groupAllows(user: User, permission: Permission): boolean {
  if (user.groups.includes(groups.admins)) return true;
  if (user.groups.includes(groups.viewers) && (permission.verb === 'get' || permission.verb === 'list')) return true;
  return (
    permission.resource === 'projects' &&
    permission.name !== undefined &&
    user.groups.includes(`${groups.projectPrefix}${permission.name}`)
  );
}

export class GroupAuthorizer implements Authorizer {
  async allowed(user: User, permission: Permission): Promise<boolean> {
    return groupAllows(user, permission);
  }

  projectsOf(user: User): string[] {
    return user.groups
      .filter((g) => g.startsWith(groups.projectPrefix))
      .map((g) => g.slice(groups.projectPrefix.length));
  }
}
