export type KubeconfigParts = {
  server: string;
  token: string;
  /** Base64 PEM; when absent the kubeconfig skips TLS verification. */
  caData?: string;
  /** Names the cluster, user and context. */
  name?: string;
};

/** A one-context kubeconfig as YAML (strings are JSON-quoted, which YAML reads as double-quoted scalars). */
export function renderKubeconfig(parts: KubeconfigParts): string {
  const name = JSON.stringify(parts.name ?? 'alb-testenv');
  const tls = parts.caData
    ? `    certificate-authority-data: ${JSON.stringify(parts.caData)}`
    : '    insecure-skip-tls-verify: true';
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${JSON.stringify(parts.server)}`,
    tls,
    'users:',
    `- name: ${name}`,
    '  user:',
    `    token: ${JSON.stringify(parts.token)}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}`,
    `current-context: ${name}`,
    'preferences: {}',
    '',
  ].join('\n');
}
