// The files handed to the API server and to clients.
import t from 'tap';
import { renderKubeconfig } from '../src/index.ts';
import { renderTokenFile } from '../src/token-file.ts';

t.test('token file rows', async (t) => {
  const cases = [
    {
      name: 'user with groups',
      input: [{ token: 't1', name: 'admin', uid: 'u1', groups: ['system:masters', 'x'] }],
      want: 't1,admin,u1,"system:masters,x"\n',
    },
    { name: 'user without groups', input: [{ token: 't2', name: 'bob', uid: 'u2', groups: [] }], want: 't2,bob,u2\n' },
  ];
  for (const c of cases) t.equal(renderTokenFile(c.input), c.want, c.name);
  t.throws(() => renderTokenFile([{ token: 'a,b', name: 'x', uid: 'y', groups: [] }]), /not allowed/);
  t.throws(() => renderTokenFile([{ token: 'a', name: 'x', uid: 'y', groups: ['g"'] }]), /not allowed/);
});

t.test('kubeconfig', async (t) => {
  const withCa = renderKubeconfig({ server: 'https://127.0.0.1:1234', token: 'tok', caData: 'Q0E=' });
  t.equal(
    withCa,
    `apiVersion: v1
kind: Config
clusters:
- name: "alb-testenv"
  cluster:
    server: "https://127.0.0.1:1234"
    certificate-authority-data: "Q0E="
users:
- name: "alb-testenv"
  user:
    token: "tok"
contexts:
- name: "alb-testenv"
  context:
    cluster: "alb-testenv"
    user: "alb-testenv"
current-context: "alb-testenv"
preferences: {}
`,
  );
  const insecure = renderKubeconfig({ server: 'https://127.0.0.1:1234', token: 'tok' });
  t.match(insecure, /\n {4}insecure-skip-tls-verify: true\n/);
  t.notMatch(insecure, /certificate-authority-data/);
});
