// Every /v1 call needs one permission on a virtual resource of the group `admin.alb.<domain>`: `albs` (namespace
// and name of the ALB2) or `projects` (the project as resource name), with a subresource for what is touched.

export type Verb = 'get' | 'list' | 'create' | 'update' | 'delete';

export type Permission = {
  verb: Verb;
  resource: 'albs' | 'projects';
  subresource?: 'projects' | 'port-segments' | 'frontends' | 'rules' | 'usage';
  /** The ALB2's name (albs) or the project (projects). */
  name?: string;
  /** The ALB2's namespace (albs). */
  namespace?: string;
};

export function permissionGroup(domain: string): string {
  return `admin.alb.${domain}`;
}

/** `create projects/frontends "p1" in admin.alb.cpaas.io`: what a 403 says is missing. */
export function describePermission(permission: Permission, domain: string): string {
  const resource =
    permission.subresource === undefined ? permission.resource : `${permission.resource}/${permission.subresource}`;
  const name = permission.name === undefined ? '' : ` "${permission.name}"`;
  const namespace = permission.namespace === undefined ? '' : ` in namespace ${permission.namespace}`;
  return `${permission.verb} ${resource}${name}${namespace} (API group ${permissionGroup(domain)})`;
}
