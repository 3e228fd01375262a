/** A user added to the API server's static token file, for tests of RBAC with limited rights. */
export type TestEnvUser = {
  name: string;
  /** Default: random. */
  token?: string;
  /** Default: `<name>-uid`. */
  uid?: string;
  /** Default: none (the user then has only what RBAC grants to `system:authenticated`). */
  groups?: readonly string[];
};

/** What startTestEnv returns: how to reach the cluster, and how to stop it. */
export type TestEnv = {
  /** `local`: etcd + kube-apiserver started by this call. `existing`: a cluster named by a kubeconfig. */
  kind: 'local' | 'existing';
  /** A kubeconfig for the admin user (local: in the temp dir, removed by stop()). */
  kubeconfigPath: string;
  /** e.g. `https://127.0.0.1:41237`. */
  server: string;
  /** Bearer token of the admin (group system:masters); for an existing cluster, its kubeconfig's token if any. */
  token?: string;
  /** Base64 PEM of the CA that signs the serving certificate; absent when TLS verification is skipped. */
  caData?: string;
  insecureSkipTlsVerify: boolean;
  /** Client certificate auth of an existing cluster (base64 PEM). */
  clientCertData?: string;
  clientKeyData?: string;
  /** Bearer tokens of the extra users asked for with `users`, by name (local only; empty for an existing cluster). */
  userTokens: Record<string, string>;
  /** What the binaries report (local only). */
  versions: { kubernetes: string; etcd: string } | null;
  /** Local only: the temp dir (etcd data, certs, logs, kubeconfig), removed by stop(). */
  dir: string | null;
  ports: { apiserver: number; etcdClient: number; etcdPeer: number } | null;
  /** Local only. `controllerManager`, `scheduler` and `kwok` with `controllers`. */
  pids: { apiserver: number; etcd: number; controllerManager?: number; scheduler?: number; kwok?: number } | null;
  logs: { apiserver: string; etcd: string; controllerManager?: string; scheduler?: string; kwok?: string } | null;
  /**
   * Started with `controllers`: a kubectl of the cluster's version, the fake Nodes' names and KWOK's version; null
   * otherwise (and for an existing cluster).
   */
  controllers: { kubectl: string; nodes: string[]; kwokVersion: string } | null;
  /** Stops the processes and removes the temp dir; idempotent. A no-op for an existing cluster. */
  stop(): Promise<void>;
  /** Local only: kills the API server (as a crash would); etcd and its data stay. */
  stopApiserver?(): Promise<void>;
  /** Local only: starts the API server again on the same port, with the same certificates; waits until ready. */
  startApiserver?(): Promise<void>;
};
