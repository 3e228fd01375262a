// The generated CRDs (deploy/crds) on a real kube-apiserver: accepted, and Alauda's documentation examples
// (docs/alauda-examples.md) are created unchanged, while structurally invalid objects are refused.
import { kubeRequest, setupTestEnv } from '@alb/kube-testenv';
import t from 'tap';
import { apply, installCrds, read, yaml } from '../src/cluster.ts';

t.test('the CRDs are accepted and the documentation examples are created', async (t) => {
  const env = await setupTestEnv(t);
  const crds = await installCrds(env);
  t.same(crds.map((c) => c.metadata.name).sort(), [
    'alaudaloadbalancer2.crd.alauda.io',
    'frontends.crd.alauda.io',
    'rules.crd.alauda.io',
  ]);
  await apply(env, ...yaml('apiVersion: v1\nkind: Namespace\nmetadata: { name: cpaas-system }'));
  const examples = yaml(`apiVersion: crd.alauda.io/v2beta1
kind: ALB2
metadata:
  name: alb-demo
  namespace: kube-system
spec:
  address: "172.20.0.5"
  type: "nginx"
  config:
    networkMode: host
    loadbalancerName: alb-demo
    projects:
    - ALL_ALL
    replicas: 1
---
apiVersion: crd.alauda.io/v1
kind: Frontend
metadata:
  labels:
    alb2.cpaas.io/name: alb-demo
  name: alb-demo-00080
  namespace: cpaas-system
spec:
  backendProtocol: "http"
  certificate_name: ""
  port: 80
  protocol: http
  serviceGroup:
    services:
      - name: hello-world
        namespace: default
        port: 80
        weight: 100
---
apiVersion: crd.alauda.io/v1
kind: Rule
metadata:
  labels:
    alb2.cpaas.io/frontend: alb-demo-00080
    alb2.cpaas.io/name: alb-demo
  name: alb-demo-00080-test
  namespace: kube-system
spec:
  backendProtocol: ""
  certificate_name: ""
  dslx:
    - type: METHOD
      values: [[EQ, POST]]
    - type: URL
      values: [[STARTS_WITH, /app-a], [STARTS_WITH, /app-b]]
    - type: PARAM
      key: group
      values: [[EQ, vip]]
    - type: HOST
      values: [[ENDS_WITH, .app.com]]
    - type: HEADER
      key: LOCATION
      values: [[IN, east-1, east-2]]
    - type: COOKIE
      key: uid
      values: [[EXIST]]
    - type: SRC_IP
      values: [[RANGE, "1.1.1.1", "1.1.1.100"]]
  enableCORS: false
  priority: 4
  serviceGroup:
    services:
      - name: hello-world
        namespace: default
        port: 80
        weight: 100`);
  await apply(env, ...examples);
  for (const object of examples) {
    const stored = await read(env, object);
    t.same(stored.spec, object.spec, `${object.kind} ${object.metadata.name} stored unchanged`);
  }
  const v2 = await kubeRequest(env, {
    path: '/apis/crd.alauda.io/v2/namespaces/kube-system/alaudaloadbalancer2/alb-demo',
  });
  t.equal(v2.status, 200, 'the ALB2 is also served as v2');
  const badPort = await kubeRequest(env, {
    method: 'POST',
    path: '/apis/crd.alauda.io/v1/namespaces/cpaas-system/frontends',
    body: {
      apiVersion: 'crd.alauda.io/v1',
      kind: 'Frontend',
      metadata: { name: 'bad', labels: { 'alb2.cpaas.io/name': 'alb-demo' } },
      spec: { port: 70000, protocol: 'http' },
    },
  });
  t.equal(badPort.status, 422, 'port 70000 is refused by the schema');
  t.match(badPort.text, /spec\.port/);
  const status = await kubeRequest(env, {
    path: '/apis/crd.alauda.io/v1/namespaces/kube-system/rules/alb-demo-00080-test/status',
  });
  t.equal(status.status, 200, 'Rules have a status subresource');
});
