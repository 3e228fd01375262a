import type { User } from './user.ts';

/** Bearer token -> user; null for a token nobody issued. Throws when it cannot tell (the request then fails closed). */
export interface Authenticator {
  authenticate(token: string): Promise<User | null>;
}
