/** What rendering needs besides the ALB2 itself. */
export type RenderContext = {
  /** Label domain (`cpaas.io`): `alb2.<domain>/*` pod labels, the IngressClass controller `<domain>/alb2`. */
  domain: string;
  /** The instance version (from the image): the `alb.cpaas.io/version` and `alb2.<domain>/version` labels. */
  version: string;
  /** The ALB's Frontends (port, protocol): the ports of the container-mode Service. */
  frontends: ReadonlyArray<{ port: number; protocol: string }>;
};

/** The finalizer that makes deleting an ALB2 wait until its cluster-scoped children are gone. */
export const cleanupFinalizer = 'alb.cpaas.io/operator-cleanup';

/** Installed once by deploy/ (`deploy/operator/instance-rbac.yaml`); the operator binds them for each ALB. */
export const instanceClusterRole = 'alb-instance';
export const instanceLeaderClusterRole = 'alb-instance-leader';

/** Children's names, ALB's where ALB has one. */
export const childNames = {
  deployment: (alb: string) => alb,
  serviceAccount: (alb: string) => `${alb}-serviceaccount`,
  metricsService: (alb: string) => alb,
  lbService: (alb: string) => `${alb}-lb`,
  portInfo: (alb: string) => `${alb}-port-info`,
  ingressClass: (alb: string) => alb,
  leaderRoleBinding: (alb: string) => `${alb}-alb-instance-leader`,
  clusterRoleBinding: (alb: string, namespace: string) => `alb-instance:${namespace}:${alb}`,
};
