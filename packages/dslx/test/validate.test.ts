// Validation: every problem with its path, a stable code and a message naming what to do.
import t from 'tap';
import { compile, DslxError, validate } from '../src/index.ts';

type Case = { name: string; dslx: unknown; want: Array<{ path: string; code: string; message: RegExp }> };

const cases: Case[] = [
  {
    name: 'not a list',
    dslx: { type: 'URL' },
    want: [{ path: 'dslx', code: 'ALB_DSLX_SHAPE', message: /must be a list of terms/ }],
  },
  { name: 'empty list', dslx: [], want: [{ path: 'dslx', code: 'ALB_DSLX_SHAPE', message: /at least one term/ }] },
  {
    name: 'term not an object',
    dslx: ['URL'],
    want: [{ path: 'dslx[0]', code: 'ALB_DSLX_SHAPE', message: /must be an object/ }],
  },
  {
    name: 'unknown type with a hint',
    dslx: [{ type: 'host', values: [['EQ', 'a']] }],
    want: [
      {
        path: 'dslx[0].type',
        code: 'ALB_DSLX_UNKNOWN_TYPE',
        message: /unknown match type "host".*did you mean HOST\?/,
      },
    ],
  },
  {
    name: 'missing type',
    dslx: [{ values: [['EQ', 'a']] }],
    want: [{ path: 'dslx[0].type', code: 'ALB_DSLX_UNKNOWN_TYPE', message: /is required/ }],
  },
  {
    name: 'unknown operator',
    dslx: [{ type: 'URL', values: [['EQUALS', '/']] }],
    want: [
      {
        path: 'dslx[0].values[0][0]',
        code: 'ALB_DSLX_UNKNOWN_OPERATOR',
        message: /unknown operator "EQUALS": expected one of EQ, IN/,
      },
    ],
  },
  {
    name: 'lower-case operator',
    dslx: [{ type: 'URL', values: [['eq', '/']] }],
    want: [{ path: 'dslx[0].values[0][0]', code: 'ALB_DSLX_UNKNOWN_OPERATOR', message: /did you mean EQ\?/ }],
  },
  {
    name: 'EQ arity',
    dslx: [{ type: 'URL', values: [['EQ', '/a', '/b']] }],
    want: [{ path: 'dslx[0].values[0]', code: 'ALB_DSLX_ARITY', message: /EQ takes exactly 1 argument, got 2/ }],
  },
  {
    name: 'RANGE with one argument',
    dslx: [{ type: 'SRC_IP', values: [['RANGE', '1.1.1.1']] }],
    want: [{ path: 'dslx[0].values[0]', code: 'ALB_DSLX_ARITY', message: /RANGE takes exactly 2 arguments, got 1/ }],
  },
  {
    name: 'IN without arguments',
    dslx: [{ type: 'METHOD', values: [['IN']] }],
    want: [{ path: 'dslx[0].values[0]', code: 'ALB_DSLX_ARITY', message: /IN takes at least 1 argument, got 0/ }],
  },
  {
    name: 'EXIST with an argument',
    dslx: [{ type: 'COOKIE', key: 'a', values: [['EXIST', 'x']] }],
    want: [{ path: 'dslx[0].values[0]', code: 'ALB_DSLX_ARITY', message: /EXIST takes no arguments, got 1/ }],
  },
  {
    name: 'HEADER without key',
    dslx: [{ type: 'HEADER', values: [['EQ', 'a']] }],
    want: [{ path: 'dslx[0].key', code: 'ALB_DSLX_KEY_MISSING', message: /HEADER terms need a key: the header name/ }],
  },
  {
    name: 'COOKIE with empty key',
    dslx: [{ type: 'COOKIE', key: '', values: [['EXIST']] }],
    want: [{ path: 'dslx[0].key', code: 'ALB_DSLX_KEY_MISSING', message: /cookie name/ }],
  },
  {
    name: 'key on URL',
    dslx: [{ type: 'URL', key: 'x', values: [['EQ', '/']] }],
    want: [{ path: 'dslx[0].key', code: 'ALB_DSLX_KEY_UNEXPECTED', message: /URL terms take no key/ }],
  },
  {
    name: 'bad IP in RANGE',
    dslx: [{ type: 'SRC_IP', values: [['RANGE', '1.1.1.300', '1.1.1.1']] }],
    want: [
      { path: 'dslx[0].values[0][1]', code: 'ALB_DSLX_BAD_IP', message: /"1.1.1.300" is not an IPv4 or IPv6 address/ },
    ],
  },
  {
    name: 'IPv4 with a leading zero',
    dslx: [{ type: 'SRC_IP', values: [['RANGE', '1.1.1.01', '1.1.1.5']] }],
    want: [{ path: 'dslx[0].values[0][1]', code: 'ALB_DSLX_BAD_IP', message: /not an IPv4/ }],
  },
  {
    name: 'RANGE reversed',
    dslx: [{ type: 'SRC_IP', values: [['RANGE', '1.1.1.100', '1.1.1.1']] }],
    want: [
      { path: 'dslx[0].values[0]', code: 'ALB_DSLX_BAD_RANGE', message: /start 1.1.1.100 is after its end 1.1.1.1/ },
    ],
  },
  {
    name: 'RANGE across families',
    dslx: [{ type: 'SRC_IP', values: [['RANGE', '1.1.1.1', '::1']] }],
    want: [{ path: 'dslx[0].values[0]', code: 'ALB_DSLX_BAD_RANGE', message: /same IP family/ }],
  },
  {
    name: 'string RANGE reversed',
    dslx: [{ type: 'HEADER', key: 'v', values: [['RANGE', 'z', 'a']] }],
    want: [{ path: 'dslx[0].values[0]', code: 'ALB_DSLX_BAD_RANGE', message: /can never match/ }],
  },
  {
    name: 'bad CIDR prefix',
    dslx: [{ type: 'SRC_IP', values: [['CIDR', '10.0.0.0/8', '10.0.0.0/33']] }],
    want: [{ path: 'dslx[0].values[0][2]', code: 'ALB_DSLX_BAD_CIDR', message: /"10.0.0.0\/33" is not a CIDR block/ }],
  },
  {
    name: 'bad IPv6 CIDR',
    dslx: [{ type: 'SRC_IP', values: [['CIDR', '2001:db8:::/32']] }],
    want: [{ path: 'dslx[0].values[0][1]', code: 'ALB_DSLX_BAD_CIDR', message: /not a CIDR block/ }],
  },
  {
    name: 'CIDR on a header',
    dslx: [{ type: 'HEADER', key: 'x', values: [['CIDR', '10.0.0.0/8']] }],
    want: [
      {
        path: 'dslx[0].values[0][0]',
        code: 'ALB_DSLX_OPERATOR_TYPE',
        message: /CIDR only applies to SRC_IP terms, not HEADER/,
      },
    ],
  },
  {
    name: 'PATH_PREFIX on host',
    dslx: [{ type: 'HOST', values: [['PATH_PREFIX', '/a']] }],
    want: [
      { path: 'dslx[0].values[0][0]', code: 'ALB_DSLX_OPERATOR_TYPE', message: /PATH_PREFIX only applies to URL/ },
    ],
  },
  {
    name: 'PATH_PREFIX without slash',
    dslx: [{ type: 'URL', values: [['PATH_PREFIX', 'api']] }],
    want: [{ path: 'dslx[0].values[0][1]', code: 'ALB_DSLX_BAD_PATH', message: /starting with "\/"/ }],
  },
  {
    name: 'invalid regex',
    dslx: [{ type: 'URL', values: [['REGEX', '^/(a']] }],
    want: [{ path: 'dslx[0].values[0][1]', code: 'ALB_DSLX_BAD_REGEX', message: /invalid regex: missing closing \)/ }],
  },
  {
    name: 'lookahead',
    dslx: [{ type: 'URL', values: [['REGEX', '^/(?!admin)']] }],
    want: [{ path: 'dslx[0].values[0][1]', code: 'ALB_DSLX_UNSAFE_REGEX', message: /lookahead.*linear-time engine/ }],
  },
  {
    name: 'number argument',
    dslx: [{ type: 'HEADER', key: 'x', values: [['EQ', 80]] }],
    want: [
      {
        path: 'dslx[0].values[0][1]',
        code: 'ALB_DSLX_SHAPE',
        message: /must be a string, got number 80; quote it: "80"/,
      },
    ],
  },
  {
    name: 'values missing',
    dslx: [{ type: 'URL' }],
    want: [{ path: 'dslx[0].values', code: 'ALB_DSLX_SHAPE', message: /must be a list of rows/ }],
  },
  {
    name: 'row not a list',
    dslx: [{ type: 'URL', values: ['EQ'] }],
    want: [{ path: 'dslx[0].values[0]', code: 'ALB_DSLX_SHAPE', message: /must be a row like/ }],
  },
  {
    name: 'typo in a field',
    dslx: [{ type: 'URL', value: [['EQ', '/']], values: [['EQ', '/']] }],
    want: [{ path: 'dslx[0].value', code: 'ALB_DSLX_SHAPE', message: /unknown field.*did you mean values\?/ }],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const issues = validate(c.dslx);
    t.equal(issues.length, c.want.length, 'number of issues');
    c.want.forEach((want, i) => {
      t.equal(issues[i]?.path, want.path, 'path');
      t.equal(issues[i]?.code, want.code, 'code');
      t.match(issues[i]?.message, want.message, 'message');
    });
  });
}

t.test('every problem is reported, not just the first', async (t) => {
  const issues = validate([
    { type: 'HEADER', values: [['EQ', 'a']] },
    { type: 'URL', values: [['EQ'], ['REGEX', '(']] },
    { type: 'SRC_IP', values: [['RANGE', 'x', 'y']] },
  ]);
  t.same(
    issues.map((i) => i.path),
    ['dslx[0].key', 'dslx[1].values[0]', 'dslx[1].values[1][1]', 'dslx[2].values[0][1]', 'dslx[2].values[0][2]'],
  );
});

t.test('the root of the paths can be renamed (spec.dslx in a Rule)', async (t) => {
  t.equal(validate([{ type: 'URL', values: [['EQ']] }], 'spec.dslx')[0]?.path, 'spec.dslx[0].values[0]');
});

t.test('compile throws a DslxError carrying the same issues', async (t) => {
  const dslx = [{ type: 'HEADER', values: [['EQ', 'a']] }];
  try {
    compile(dslx);
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof DslxError);
    t.equal((err as DslxError).code, 'ALB_DSLX_INVALID');
    t.same((err as DslxError).issues, validate(dslx));
    t.match((err as Error).message, /dslx\[0\]\.key: HEADER terms need a key/);
  }
});

t.test('valid dslx gives no issues', async (t) => {
  t.same(
    validate([{ type: 'URL', key: '', values: [['STARTS_WITH', '/']] }]),
    [],
    'an empty key on a keyless type is tolerated',
  );
  t.same(
    validate([
      {
        type: 'SRC_IP',
        values: [
          ['CIDR', '10.0.0.0/8', 'fe80::/10'],
          ['RANGE', '::1', '::2'],
        ],
      },
    ]),
    [],
  );
});
