import t from 'tap';
import { normalizeClientIp, parseCidr, parseIp } from '../src/index.ts';

t.test('parseIp', async (t) => {
  const cases: Array<{ input: string; want: ReturnType<typeof parseIp> }> = [
    { input: '0.0.0.0', want: { family: 4, value: 0 } },
    { input: '255.255.255.255', want: { family: 4, value: 0xffffffff } },
    { input: '1.2.3.4', want: { family: 4, value: 0x01020304 } },
    { input: '1.2.3', want: null },
    { input: '1.2.3.4.5', want: null },
    { input: '1.2.3.256', want: null },
    { input: '01.2.3.4', want: null },
    { input: '1..3.4', want: null },
    { input: ' 1.2.3.4', want: null },
    { input: '::', want: { family: 6, value: 0n } },
    { input: '::1', want: { family: 6, value: 1n } },
    { input: '1::', want: { family: 6, value: 1n << 112n } },
    { input: '2001:db8::8a2e:370:7334', want: { family: 6, value: 0x20010db8000000000000_8a2e03707334n } },
    {
      input: '2001:0db8:0000:0000:0000:8a2e:0370:7334',
      want: { family: 6, value: 0x20010db8000000000000_8a2e03707334n },
    },
    { input: '::ffff:1.2.3.4', want: { family: 6, value: 0xffff01020304n } },
    { input: 'FE80::1', want: { family: 6, value: (0xfe80n << 112n) | 1n } },
    { input: '1:2:3:4:5:6:7:8', want: { family: 6, value: 0x00010002000300040005000600070008n } },
    { input: '1:2:3:4:5:6:7:8:9', want: null },
    { input: '1:2:3:4:5:6:7', want: null },
    { input: '1::2::3', want: null },
    { input: '1:2:3:4:5:6:7::8', want: null },
    { input: '12345::', want: null },
    { input: 'g::1', want: null },
    { input: '1.2.3.4::', want: null },
  ];
  for (const c of cases) t.same(parseIp(c.input), c.want, c.input);
});

t.test('parseCidr', async (t) => {
  t.same(parseCidr('10.0.0.0/8'), { family: 4, network: 0x0a000000, mask: 0xff000000 });
  t.same(parseCidr('10.1.2.3/16'), { family: 4, network: 0x0a010000, mask: 0xffff0000 }, 'host bits cleared');
  t.same(parseCidr('0.0.0.0/0'), { family: 4, network: 0, mask: 0 });
  t.same(parseCidr('1.2.3.4'), { family: 4, network: 0x01020304, mask: 0xffffffff }, 'bare address');
  t.same(parseCidr('::/0'), { family: 6, network: 0n, mask: 0n });
  t.equal(parseCidr('2001:db8::/32')?.family, 6);
  for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', '::/129', 'x/8', '10.0.0.0/-1'])
    t.equal(parseCidr(bad), null, bad);
});

t.test('normalizeClientIp', async (t) => {
  t.equal(normalizeClientIp('::ffff:10.0.0.1'), '10.0.0.1');
  t.equal(normalizeClientIp('::FFFF:10.0.0.1'), '10.0.0.1');
  t.equal(normalizeClientIp('::ffff:a00:1'), '::ffff:a00:1', 'hex form left alone');
  t.equal(normalizeClientIp('fe80::1%eth0'), 'fe80::1');
  t.equal(normalizeClientIp('10.0.0.1'), '10.0.0.1');
});
