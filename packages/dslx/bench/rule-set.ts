// A realistic rule set for benchmarks: what a shared cluster's Ingresses and Rules look like.
import type { DslxTerm, MatchRequest } from '../src/index.ts';

export type BenchRule = { name: string; priority: number; dslx: DslxTerm[]; request: MatchRequest };

/**
 * `count` rules (the last one a catch-all): exact hosts with path prefixes (most common, from Ingresses),
 * wildcard hosts, host-less paths, exact paths, and some METHOD / HEADER / COOKIE / REGEX terms. Each rule
 * comes with a request that it matches.
 */
export function buildRuleSet(count: number): BenchRule[] {
  const rules: BenchRule[] = [];
  const hosts = Math.max(1, Math.floor(count / 10));
  for (let i = 0; rules.length < count - 1; i++) {
    const host = `svc-${i % hosts}.apps.example.com`;
    const team = `team-${i % Math.max(1, Math.floor(hosts / 4))}.example.com`;
    const path = `/api/v${i % 3}/res-${i}`;
    const req = (url: string, extra: Partial<MatchRequest> & { host?: string } = {}): MatchRequest => ({
      method: extra.method ?? 'GET',
      url,
      headers: { host: extra.host ?? host, 'user-agent': 'bench', ...extra.headers },
      remoteAddress: '10.1.2.3',
    });
    const name = `rule-${String(i).padStart(5, '0')}`;
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
        rules.push({
          name,
          priority: 5,
          dslx: [
            { type: 'URL', values: [['STARTS_WITH', path]] },
            { type: 'HOST', values: [['EQ', host]] },
          ],
          request: req(`${path}/x?y=1`),
        });
        break;
      case 4:
        rules.push({
          name,
          priority: 5,
          dslx: [
            { type: 'URL', values: [['PATH_PREFIX', path]] },
            { type: 'HOST', values: [['ENDS_WITH', `*.${team}`]] },
          ],
          request: req(path, { host: `web.${team}` }),
        });
        break;
      case 5:
        rules.push({
          name,
          priority: 5,
          dslx: [{ type: 'URL', values: [['PATH_PREFIX', `/shared/${i}`]] }],
          request: req(`/shared/${i}/page`),
        });
        break;
      case 6:
        rules.push({
          name,
          priority: 5,
          dslx: [
            { type: 'URL', values: [['EQ', `${path}/exact`]] },
            { type: 'HOST', values: [['EQ', host]] },
          ],
          request: req(`${path}/exact`),
        });
        break;
      case 7:
        rules.push({
          name,
          priority: 4,
          dslx: [
            { type: 'METHOD', values: [['IN', 'POST', 'PUT']] },
            { type: 'URL', values: [['STARTS_WITH', path]] },
            { type: 'HOST', values: [['EQ', host]] },
          ],
          request: req(path, { method: 'POST' }),
        });
        break;
      case 8:
        rules.push({
          name,
          priority: 3,
          dslx: [
            { type: 'HOST', values: [['EQ', host]] },
            { type: 'HEADER', key: 'x-canary', values: [['EQ', 'true']] },
            { type: 'COOKIE', key: 'session', values: [['EXIST']] },
          ],
          request: req('/', { headers: { 'x-canary': 'true', cookie: 'a=1; session=abc' } }),
        });
        break;
      default:
        rules.push({
          name,
          priority: 5,
          dslx: [
            { type: 'URL', values: [['REGEX', `^/img/${i}/[a-z0-9]+\\.png$`]] },
            { type: 'HOST', values: [['EQ', host]] },
          ],
          request: req(`/img/${i}/logo.png`),
        });
    }
  }
  rules.push({
    name: 'zz-catch-all',
    priority: 999,
    dslx: [{ type: 'URL', values: [['STARTS_WITH', '/']] }],
    request: {
      method: 'GET',
      url: '/nothing/here',
      headers: { host: 'unknown.example.org' },
      remoteAddress: '192.0.2.1',
    },
  });
  return rules;
}
