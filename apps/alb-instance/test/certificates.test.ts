// ALB's certificate keys and certificate_name forms (pure parts of the TLS policy).
import t from 'tap';
import { parseCertificateRef, sniForPorts } from '../src/policy/certificates.ts';

t.test('certificate_name accepts ns/name and ns_name', async (t) => {
  const cases: Array<{ name: string; input: string; want: { namespace: string; name: string } | null }> = [
    { name: 'slash', input: 'certs/site-a', want: { namespace: 'certs', name: 'site-a' } },
    { name: 'underscore', input: 'certs_site-a', want: { namespace: 'certs', name: 'site-a' } },
    { name: 'dotted secret name', input: 'ns/a.example.com', want: { namespace: 'ns', name: 'a.example.com' } },
    { name: 'no separator', input: 'certs', want: null },
    { name: 'empty name', input: 'certs/', want: null },
    { name: 'upper-case namespace', input: 'Certs/a', want: null },
    { name: 'two separators', input: 'a/b/c', want: null },
  ];
  for (const c of cases) t.same(parseCertificateRef(c.input), c.want, c.name);
});

t.test(
  "one certificate for a domain everywhere is ALB's <domain> key; disagreeing Frontends keep their own",
  async (t) => {
    const sniOf = sniForPorts([
      { port: 443, domain: 'A.example.com', certificate: 'ns/a' },
      { port: 443, domain: 'b.example.com', certificate: 'ns/b2' },
      { port: 443, domain: 'b.example.com', certificate: 'ns/b1' },
      { port: 8443, domain: 'b.example.com', certificate: 'ns/b3' },
      { port: 8443, domain: '*.example.com', certificate: 'ns/wild' },
    ]);
    t.same(
      sniOf(443),
      [
        { host: '*.example.com', certificate: 'ns/wild' },
        { host: 'a.example.com', certificate: 'ns/a' },
        { host: 'b.example.com', certificate: 'ns/b1' },
      ],
      'the lowest name wins within a Frontend; single-certificate domains apply to every https port',
    );
    t.same(sniOf(8443), [
      { host: '*.example.com', certificate: 'ns/wild' },
      { host: 'a.example.com', certificate: 'ns/a' },
      { host: 'b.example.com', certificate: 'ns/b3' },
    ]);
    t.same(
      sniOf(9443),
      [
        { host: '*.example.com', certificate: 'ns/wild' },
        { host: 'a.example.com', certificate: 'ns/a' },
      ],
      'a port without its own gets only the domains with one certificate everywhere',
    );
  },
);
