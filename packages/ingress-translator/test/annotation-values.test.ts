// Annotation value parsers: tables of {name, input, want}.
import t from 'tap';
import {
  parseBool,
  parseInteger,
  parseObjectRef,
  parsePort,
  parseRedirectCode,
  parseTimeoutMs,
} from '../src/annotation-values.ts';

const value = <T>(v: T) => ({ ok: true, value: v });
const bad = { ok: false };

t.test('parseTimeoutMs: bare numbers are seconds (ALB quirk 9 kept), s and ms suffixes, exact decimals', async (t) => {
  const table = [
    { name: 'bare seconds', input: '60', want: value(60_000) },
    { name: 'zero', input: '0', want: value(0) },
    { name: 'seconds suffix', input: '5s', want: value(5_000) },
    { name: 'milliseconds suffix', input: '250ms', want: value(250) },
    { name: 'decimal seconds', input: '1.5', want: value(1_500) },
    { name: 'decimal without float error', input: '4.35', want: value(4_350) },
    { name: 'sub-millisecond dropped', input: '0.0015s', want: value(1) },
    { name: 'decimal milliseconds truncated', input: '2.9ms', want: value(2) },
    { name: 'blanks around', input: ' 7 ', want: value(7_000) },
    { name: 'largest', input: '4294967295ms', want: value(4_294_967_295) },
    { name: 'too large', input: '4294968s', want: bad },
    { name: 'negative', input: '-1', want: bad },
    { name: 'minutes are not supported', input: '1m', want: bad },
    { name: 'word', input: 'soon', want: bad },
    { name: 'empty', input: '', want: bad },
    { name: 'exponent', input: '1e3', want: bad },
  ];
  for (const { name, input, want } of table) t.match(parseTimeoutMs(input), want, name);
});

t.test('parseBool: Go strconv.ParseBool words', async (t) => {
  const table = [
    { name: 'true', input: 'true', want: value(true) },
    { name: 'True', input: 'True', want: value(true) },
    { name: '1', input: '1', want: value(true) },
    { name: 'false', input: 'false', want: value(false) },
    { name: 'F', input: 'F', want: value(false) },
    { name: 'yes is not a bool', input: 'yes', want: bad },
    { name: 'tRuE is not a bool', input: 'tRuE', want: bad },
  ];
  for (const { name, input, want } of table) t.match(parseBool(input), want, name);
});

t.test('integers, ports, redirect codes', async (t) => {
  t.match(parseInteger('-3'), value(-3));
  t.match(parseInteger('3.0'), bad);
  t.match(parsePort('443'), value(443));
  t.match(parsePort('0'), bad);
  t.match(parsePort('65536'), bad);
  for (const code of [301, 302, 303, 307, 308]) t.match(parseRedirectCode(String(code)), value(code));
  t.match(parseRedirectCode('200'), bad);
  t.match(parseRedirectCode('304'), bad);
});

t.test('parseObjectRef: ns/name, or a bare name in the Ingress namespace', async (t) => {
  const table = [
    { name: 'bare name', input: 'users', want: value('app/users') },
    { name: 'qualified', input: 'auth/users', want: value('auth/users') },
    { name: 'dotted name', input: 'auth/users.v1', want: value('auth/users.v1') },
    { name: 'three parts', input: 'a/b/c', want: bad },
    { name: 'upper case', input: 'Auth/users', want: bad },
    { name: 'empty name', input: 'auth/', want: bad },
  ];
  for (const { name, input, want } of table) t.match(parseObjectRef(input, 'app'), want, name);
});
