import type { Permission } from './permission.ts';
import type { User } from './user.ts';

/** Whether a user holds a permission. Throws when it cannot tell (the request then fails closed). */
export interface Authorizer {
  allowed(user: User, permission: Permission): Promise<boolean>;
  /** Projects the user is known to work in without asking (file mode: from their groups); [] when unknown. */
  projectsOf(user: User): string[];
}
