// deploy/ is what `kubectl apply -k deploy/` installs: it must list every CRD and component file, name the roles
// the operator binds, grant the operator no more than it uses, and its samples must be valid.
import { readdirSync, readFileSync } from 'node:fs';
import { parseFrontend, parseRule } from '@alb/crd-types';
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { defaultImage } from '../src/cli-options.ts';
import { resolveAlb } from '../src/config/resolve-alb.ts';
import { instanceClusterRole, instanceLeaderClusterRole } from '../src/render/render-context.ts';
import { operatorVersion } from '../src/version.ts';

const deploy = new URL('../../../deploy/', import.meta.url);
type Doc = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };
const docs = (rel: string): Doc[] =>
  parseAllDocuments(readFileSync(new URL(rel, deploy), 'utf8')).map((d) => d.toJS() as Doc);
const yamlFiles = (rel: string) =>
  readdirSync(new URL(rel, deploy)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

t.test('the kustomizations list every CRD and every component file', async (t) => {
  const [root] = docs('kustomization.yaml') as unknown as Array<{ resources: string[] }>;
  t.same(
    root!.resources.filter((r) => r.startsWith('crds/')).sort(),
    yamlFiles('crds/')
      .map((f) => `crds/${f}`)
      .sort(),
  );
  t.ok(root!.resources.includes('operator'));
  const [operator] = docs('operator/kustomization.yaml') as unknown as Array<{ resources: string[] }>;
  t.same([...operator!.resources].sort(), yamlFiles('operator/').sort());
  const [samples] = docs('samples/kustomization.yaml') as unknown as Array<{ resources: string[] }>;
  t.same([...samples!.resources].sort(), yamlFiles('samples/').sort());
});

t.test('the instance ClusterRoles are the ones the operator binds, and the operator may bind only those', async (t) => {
  const roles = docs('operator/instance-rbac.yaml').filter((d) => d.kind === 'ClusterRole');
  t.same(roles.map((r) => r.metadata.name).sort(), [instanceClusterRole, instanceLeaderClusterRole].sort());
  const operatorRole = docs('operator/rbac.yaml').find((d) => d.kind === 'ClusterRole')!;
  const rules = operatorRole.rules as Rule[];
  const bind = rules.filter((r) => r.verbs.includes('bind'));
  t.same(bind, [
    {
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterroles'],
      verbs: ['bind'],
      resourceNames: [instanceClusterRole, instanceLeaderClusterRole],
    },
  ]);
  for (const rule of rules) {
    t.notOk(rule.verbs.includes('*') || rule.resources.includes('*') || rule.apiGroups.includes('*'), 'no wildcard');
    t.notOk(rule.resources.includes('secrets'), 'no Secrets');
    t.notOk(
      rule.resources.some((r) => r === 'roles' || r === 'clusterroles') && rule.verbs.some((v) => v !== 'bind'),
      'never writes roles',
    );
  }
  const lease = docs('operator/rbac.yaml').find((d) => d.kind === 'Role')!;
  t.equal(lease.metadata.namespace, 'alb-system');
  t.match(lease.rules, [{ verbs: ['create'] }, { verbs: ['get', 'update'], resourceNames: ['alb-operator'] }]);
});

t.test('the operator Deployment runs this version with the default instance image', async (t) => {
  const deployment = docs('operator/deployment.yaml')[0] as unknown as {
    spec: {
      replicas: number;
      template: { spec: { serviceAccountName: string; containers: Array<{ image: string; args: string[] }> } };
    };
  };
  const container = deployment.spec.template.spec.containers[0]!;
  t.equal(container.image, `alb-operator:${operatorVersion}`);
  t.equal(container.args[container.args.indexOf('--image') + 1], defaultImage);
  t.equal(deployment.spec.template.spec.serviceAccountName, 'alb-operator');
  t.ok(deployment.spec.replicas >= 2, 'a standby replica');
});

t.test('the samples are valid', async (t) => {
  const [alb] = docs('samples/alb2.yaml');
  const resolved = resolveAlb(alb, { image: defaultImage, version: operatorVersion, domain: 'cpaas.io' });
  t.ok(resolved.ok, JSON.stringify(resolved.ok ? '' : resolved.issues));
  const [frontend, rule] = docs('samples/rule.yaml');
  t.ok(parseFrontend(frontend).ok);
  t.ok(parseRule(rule).ok);
  t.equal(frontend!.metadata.namespace, alb!.metadata.namespace, 'Frontends live in the ALB namespace');
});
