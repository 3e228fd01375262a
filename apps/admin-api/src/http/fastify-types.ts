// What the admin API adds to Fastify's request and route config.
import type { Permission } from '../auth/permission.ts';
import type { User } from '../auth/user.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the /v1 authentication hook; null elsewhere. */
    user: User | null;
  }
  interface FastifyContextConfig {
    /** The permission a /v1 route needs, from its (raw) path parameters; absent: authentication is enough. */
    permission?: (params: Record<string, string>) => Permission;
  }
}

export {};
