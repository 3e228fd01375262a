/* eslint-disable @typescript-eslint/no-explicit-any -- the cases reshape fixtures at will */
// Invalid objects: each mistake comes back as exactly the expected issues (path, code, message), nothing thrown.
import t from 'tap';
import type { ValidationIssue } from '../src/index.ts';
import { validateAlb2, validateFrontend, validateRule } from '../src/index.ts';
import { fixture, patched } from './helpers.ts';

type Want = { path: string; code: string; message: RegExp };
type Case = { name: string; input: unknown; want: Want[] };

const frontend = fixture('examples/frontend.yaml');
const rule = fixture('examples/rule.yaml');
const alb2 = fixture('examples/alb2.yaml');
const ft = (change: (f: any) => void) => patched(frontend, change);
const rl = (change: (r: any) => void) => patched(rule, change);
const alb = (change: (a: any) => void) => patched(alb2, change);

const frontendCases: Case[] = [
  {
    name: 'port 0',
    input: ft((f) => (f.spec.port = 0)),
    want: [{ path: 'spec.port', code: 'ALB_CRD_RANGE', message: /^must be between 1 and 65535, got 0$/ }],
  },
  {
    name: 'port 70000',
    input: ft((f) => (f.spec.port = 70000)),
    want: [{ path: 'spec.port', code: 'ALB_CRD_RANGE', message: /^must be between 1 and 65535, got 70000$/ }],
  },
  {
    name: 'port as a string',
    input: ft((f) => (f.spec.port = '80')),
    want: [{ path: 'spec.port', code: 'ALB_CRD_TYPE', message: /^must be an integer, got "80"; remove the quotes$/ }],
  },
  {
    name: 'port with a fraction',
    input: ft((f) => (f.spec.port = 80.5)),
    want: [{ path: 'spec.port', code: 'ALB_CRD_TYPE', message: /must be an integer, got 80.5; no fractions/ }],
  },
  {
    name: 'unknown protocol, with a suggestion',
    input: ft((f) => (f.spec.protocol = 'htp')),
    want: [
      {
        path: 'spec.protocol',
        code: 'ALB_CRD_ENUM',
        message: /^must be one of http, https, tcp, udp, grpc, got "htp"; did you mean http\?$/,
      },
    ],
  },
  {
    name: 'grpcs (in a docs comment, not in ALB)',
    input: ft((f) => (f.spec.protocol = 'grpcs')),
    want: [{ path: 'spec.protocol', code: 'ALB_CRD_ENUM', message: /got "grpcs"; did you mean grpc\?/ }],
  },
  {
    name: 'upper-case protocol (ALB compares exactly)',
    input: ft((f) => (f.spec.protocol = 'HTTP')),
    want: [{ path: 'spec.protocol', code: 'ALB_CRD_ENUM', message: /did you mean http\?/ }],
  },
  {
    name: 'missing port and protocol',
    input: ft((f) => {
      delete f.spec.port;
      delete f.spec.protocol;
    }),
    want: [
      { path: 'spec.port', code: 'ALB_CRD_REQUIRED', message: /^is required: an integer from 1 to 65535$/ },
      { path: 'spec.protocol', code: 'ALB_CRD_REQUIRED', message: /^is required: one of http, https, tcp, udp, grpc$/ },
    ],
  },
  {
    name: 'weight -1',
    input: ft((f) => (f.spec.serviceGroup.services[0].weight = -1)),
    want: [
      { path: 'spec.serviceGroup.services[0].weight', code: 'ALB_CRD_RANGE', message: /^must be at least 0, got -1$/ },
    ],
  },
  {
    name: 'weight 150 is a warning (clamped, as ALB)',
    input: ft((f) => (f.spec.serviceGroup.services[0].weight = 150)),
    want: [{ path: 'spec.serviceGroup.services[0].weight', code: 'ALB_CRD_CLAMPED', message: /count as 100/ }],
  },
  {
    name: 'service without name, port 0',
    input: ft((f) => {
      delete f.spec.serviceGroup.services[0].name;
      f.spec.serviceGroup.services[0].port = 0;
    }),
    want: [
      { path: 'spec.serviceGroup.services[0].name', code: 'ALB_CRD_REQUIRED', message: /^is required$/ },
      { path: 'spec.serviceGroup.services[0].port', code: 'ALB_CRD_RANGE', message: /between 1 and 65535, got 0/ },
    ],
  },
  {
    name: 'unknown session affinity',
    input: ft((f) => (f.spec.serviceGroup.session_affinity_policy = 'cookies')),
    want: [
      {
        path: 'spec.serviceGroup.session_affinity_policy',
        code: 'ALB_CRD_ENUM',
        message: /^must be one of "", sip-hash, cookie, header, got "cookies"; did you mean cookie\?$/,
      },
    ],
  },
  {
    name: 'backendProtocol outside http/https/grpc',
    input: ft((f) => (f.spec.backendProtocol = 'h2c')),
    want: [{ path: 'spec.backendProtocol', code: 'ALB_CRD_ENUM', message: /http, https, grpc \(any case\)/ }],
  },
  {
    name: 'certificate_name without namespace',
    input: ft((f) => (f.spec.certificate_name = 'my-cert')),
    want: [
      { path: 'spec.certificate_name', code: 'ALB_CRD_FORMAT', message: /must look like "<namespace>\/<secret>"/ },
    ],
  },
  {
    name: 'missing ALB label',
    input: ft((f) => delete f.metadata.labels),
    want: [{ path: 'metadata.labels["alb2.cpaas.io/name"]', code: 'ALB_CRD_LABEL', message: /the ALB this Frontend/ }],
  },
  {
    name: 'tcp without services is a warning',
    input: ft((f) => {
      f.spec.protocol = 'tcp';
      delete f.spec.serviceGroup;
    }),
    want: [{ path: 'spec.serviceGroup.services', code: 'ALB_CRD_NO_BACKEND', message: /a tcp Frontend/ }],
  },
  {
    name: 'typo in a field name is a warning with a suggestion',
    input: ft((f) => (f.spec.servicegroup = f.spec.serviceGroup)),
    want: [{ path: 'spec.servicegroup', code: 'ALB_CRD_UNKNOWN_FIELD', message: /did you mean serviceGroup\?/ }],
  },
  {
    name: 'redirect and keepalive config',
    input: ft((f) => {
      f.spec.config = { redirect: { code: 200, port: 0 }, keepalive: { http: { timeout: 'forever' } } };
    }),
    want: [
      {
        path: 'spec.config.redirect.code',
        code: 'ALB_CRD_ENUM',
        message: /one of 0, 301, 302, 303, 307, 308, got 200/,
      },
      { path: 'spec.config.redirect.port', code: 'ALB_CRD_RANGE', message: /between 1 and 65535, got 0/ },
      { path: 'spec.config.keepalive.http.timeout', code: 'ALB_CRD_FORMAT', message: /a time such as/ },
    ],
  },
  {
    name: 'several problems are all reported, errors first',
    input: ft((f) => {
      f.spec.port = 0;
      f.spec.protocol = 'ftp';
      f.spec.extra = true;
      delete f.metadata.labels;
    }),
    want: [
      { path: 'spec.port', code: 'ALB_CRD_RANGE', message: /got 0/ },
      { path: 'spec.protocol', code: 'ALB_CRD_ENUM', message: /got "ftp"/ },
      { path: 'metadata.labels["alb2.cpaas.io/name"]', code: 'ALB_CRD_LABEL', message: /is required/ },
      { path: 'spec.extra', code: 'ALB_CRD_UNKNOWN_FIELD', message: /unknown field/ },
    ],
  },
  {
    name: 'a Rule given to validateFrontend: only the kind is reported',
    input: rule,
    want: [{ path: 'kind', code: 'ALB_CRD_KIND', message: /^must be Frontend here, got "Rule"$/ }],
  },
  {
    name: 'not an object',
    input: 'port: 80',
    want: [{ path: '', code: 'ALB_CRD_TYPE', message: /must be a Frontend object/ }],
  },
  {
    name: 'no metadata name',
    input: ft((f) => delete f.metadata.name),
    want: [{ path: 'metadata.name', code: 'ALB_CRD_REQUIRED', message: /is required/ }],
  },
];

const ruleCases: Case[] = [
  {
    name: 'HEADER term without key',
    input: rl((r) => delete r.spec.dslx[4].key),
    want: [{ path: 'spec.dslx[4].key', code: 'ALB_CRD_DSLX', message: /HEADER terms need a key/ }],
  },
  {
    name: 'RANGE with one argument',
    input: rl((r) => (r.spec.dslx[6].values[0] = ['RANGE', '1.1.1.1'])),
    want: [{ path: 'spec.dslx[6].values[0]', code: 'ALB_CRD_DSLX', message: /RANGE takes exactly 2 arguments, got 1/ }],
  },
  {
    name: 'unknown match type',
    input: rl((r) => (r.spec.dslx[0].type = 'VERB')),
    want: [{ path: 'spec.dslx[0].type', code: 'ALB_CRD_DSLX', message: /unknown match type "VERB"/ }],
  },
  {
    name: 'a number as an argument',
    input: rl((r) => (r.spec.dslx[6].values[0] = ['RANGE', 1, '2'])),
    want: [{ path: 'spec.dslx[6].values[0][1]', code: 'ALB_CRD_DSLX', message: /must be a string/ }],
  },
  {
    name: 'our operators: PATH_PREFIX outside URL, a bad CIDR',
    input: rl((r) => {
      r.spec.dslx[0].values = [['PATH_PREFIX', '/a']];
      r.spec.dslx[6].values = [['CIDR', '10.0.0.0/33']];
    }),
    want: [
      { path: 'spec.dslx[0].values[0][0]', code: 'ALB_CRD_DSLX', message: /PATH_PREFIX only applies to URL/ },
      { path: 'spec.dslx[6].values[0][1]', code: 'ALB_CRD_DSLX', message: /not a CIDR block/ },
    ],
  },
  {
    name: 'dslx not a list',
    input: rl((r) => (r.spec.dslx = { type: 'URL' })),
    want: [{ path: 'spec.dslx', code: 'ALB_CRD_DSLX', message: /must be a list of terms/ }],
  },
  {
    name: 'no dslx',
    input: rl((r) => delete r.spec.dslx),
    want: [{ path: 'spec.dslx', code: 'ALB_CRD_REQUIRED', message: /^is required$/ }],
  },
  {
    name: 'missing frontend label',
    input: rl((r) => delete r.metadata.labels['alb2.cpaas.io/frontend']),
    want: [
      {
        path: 'metadata.labels["alb2.cpaas.io/frontend"]',
        code: 'ALB_CRD_LABEL',
        message: /the Frontend this Rule belongs to/,
      },
    ],
  },
  {
    name: 'priority is permissive (negative ok) but must be an integer',
    input: rl((r) => (r.spec.priority = 'high')),
    want: [{ path: 'spec.priority', code: 'ALB_CRD_TYPE', message: /must be an integer, got "high"/ }],
  },
  {
    name: 'legacy fields: enableCORS as a string, redirectCode 200',
    input: rl((r) => {
      r.spec.enableCORS = 'true';
      r.spec.redirectCode = 200;
    }),
    want: [
      {
        path: 'spec.enableCORS',
        code: 'ALB_CRD_TYPE',
        message: /must be true or false, got "true"; remove the quotes/,
      },
      { path: 'spec.redirectCode', code: 'ALB_CRD_ENUM', message: /got 200/ },
    ],
  },
  {
    name: 'timeouts and auth config',
    input: rl((r) => {
      r.spec.config = {
        timeout: { proxy_read_timeout_ms: -1 },
        auth: { basic: { secret_type: 'htpasswd', secret: 'users' } },
      };
    }),
    want: [
      { path: 'spec.config.auth.basic.secret', code: 'ALB_CRD_FORMAT', message: /"<namespace>\/<name>"/ },
      { path: 'spec.config.auth.basic.secret_type', code: 'ALB_CRD_ENUM', message: /"", auth-file, auth-map/ },
      { path: 'spec.config.timeout.proxy_read_timeout_ms', code: 'ALB_CRD_RANGE', message: /between 0 and 4294967295/ },
    ],
  },
  {
    name: 'otel sampler without name, bad fraction',
    input: rl((r) => {
      r.spec.config = { otel: { enable: true, sampler: { options: { fraction: '10%' } } } };
    }),
    want: [
      { path: 'spec.config.otel.sampler.name', code: 'ALB_CRD_REQUIRED', message: /always_on, always_off/ },
      { path: 'spec.config.otel.sampler.options.fraction', code: 'ALB_CRD_FORMAT', message: /from 0 to 1/ },
    ],
  },
  {
    name: 'status condition with a bad status',
    input: rl((r) => {
      r.status = {
        conditions: [{ type: 'Accepted', status: 'Yes', reason: 'Valid', message: '', lastTransitionTime: 'x' }],
      };
    }),
    want: [{ path: 'status.conditions[0].status', code: 'ALB_CRD_ENUM', message: /True, False, Unknown/ }],
  },
];

const alb2Cases: Case[] = [
  {
    name: 'type other than nginx',
    input: alb((a) => (a.spec.type = 'envoy')),
    want: [{ path: 'spec.type', code: 'ALB_CRD_ENUM', message: /^must be one of nginx, got "envoy"$/ }],
  },
  {
    name: 'config enums and string booleans',
    input: alb((a) => {
      a.spec.config.networkMode = 'bridge';
      a.spec.config.enableIPV6 = true;
      a.spec.config.defaultSSLStrategy = 'always';
    }),
    want: [
      { path: 'spec.config.networkMode', code: 'ALB_CRD_ENUM', message: /host, container/ },
      { path: 'spec.config.defaultSSLStrategy', code: 'ALB_CRD_ENUM', message: /did you mean Always\?/ },
      { path: 'spec.config.enableIPV6', code: 'ALB_CRD_TYPE', message: /must be a string, got true; quote it: "true"/ },
    ],
  },
  {
    name: 'portProjects and bindNIC JSON strings',
    input: alb((a) => {
      a.spec.config.portProjects = '[{"port":"333-113","projects":["p1"]}]';
      a.spec.config.bindNIC = 'eth0';
    }),
    want: [
      { path: 'spec.config.portProjects', code: 'ALB_CRD_FORMAT', message: /start < end/ },
      { path: 'spec.config.bindNIC', code: 'ALB_CRD_FORMAT', message: /not valid JSON/ },
    ],
  },
  {
    name: 'ingress ports out of range',
    input: alb((a) => (a.spec.config.ingressHTTPPort = 65536)),
    want: [{ path: 'spec.config.ingressHTTPPort', code: 'ALB_CRD_RANGE', message: /between 0 and 65535/ }],
  },
  {
    name: 'wrong apiVersion',
    input: alb((a) => (a.apiVersion = 'crd.alauda.io/v3')),
    want: [{ path: 'apiVersion', code: 'ALB_CRD_KIND', message: /v2beta1 or crd.alauda.io\/v2 or crd.alauda.io\/v1/ }],
  },
];

function check(validate: (input: unknown) => ValidationIssue[], cases: Case[]) {
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const got = validate(c.input);
      t.equal(got.length, c.want.length, `issues: ${JSON.stringify(got)}`);
      c.want.forEach((want, i) => {
        t.equal(got[i]?.path, want.path);
        t.equal(got[i]?.code, want.code);
        t.match(got[i]?.message, want.message);
      });
    });
  }
}

t.test('Frontend', async () => check(validateFrontend, frontendCases));
t.test('Rule', async () => check(validateRule, ruleCases));
t.test('ALB2', async () => check(validateAlb2, alb2Cases));

t.test('dslx issues carry the @alb/dslx code as cause; warnings have severity warning', async (t) => {
  const [dslx] = validateRule(rl((r) => delete r.spec.dslx[4].key));
  t.equal(dslx?.cause, 'ALB_DSLX_KEY_MISSING');
  t.equal(dslx?.severity, 'error');
  const [clamped] = validateFrontend(ft((f) => (f.spec.serviceGroup.services[0].weight = 101)));
  t.equal(clamped?.severity, 'warning');
});

t.test('another label domain', async (t) => {
  const issues = validateFrontend(frontend, { domain: 'example.com' });
  t.same(
    issues.map((i) => i.path),
    ['metadata.labels["alb2.example.com/name"]'],
  );
  t.throws(() => validateFrontend(frontend, { domain: 'Not A Domain' }), { code: 'ALB_CRD_BAD_ARGUMENT' });
});
