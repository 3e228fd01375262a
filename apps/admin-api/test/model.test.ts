// The pure logic, as tables: port ranges, segments, allocation, permissions, token files, the rate limiter.
import type { Alb2 } from '@alb/crd-types';
import t from 'tap';
import { groupAllows } from '../src/auth/group-authorizer.ts';
import { describePermission, type Permission } from '../src/auth/permission.ts';
import { RateLimiter } from '../src/auth/rate-limiter.ts';
import { parseTokenFile } from '../src/auth/static-tokens.ts';
import { albFacts, projectPortRanges } from '../src/model/alb-facts.ts';
import { allocatePort, freeCount } from '../src/model/port-allocation.ts';
import { formatPortRange, parsePortRange, rangesOverlap } from '../src/model/port-range.ts';
import {
  albSegments,
  covers,
  overlappingSegment,
  portProjectsText,
  segment,
  strandedBy,
} from '../src/model/port-segments.ts';

const r = (start: number, end = start) => ({ start, end });

t.test('port ranges', async (t) => {
  const cases: Array<{ input: string; want: ReturnType<typeof parsePortRange> }> = [
    { input: '80', want: r(80) },
    { input: '30000-30099', want: r(30000, 30099) },
    { input: '80-80', want: r(80) },
    { input: '0', want: null },
    { input: '65536', want: null },
    { input: '90-80', want: null },
    { input: '1-65535', want: r(1, 65535) },
    { input: ' 80', want: null },
    { input: '80-', want: null },
    { input: '123456', want: null },
  ];
  for (const { input, want } of cases) t.same(parsePortRange(input), want, JSON.stringify(input));
  t.equal(formatPortRange(r(80)), '80');
  t.equal(formatPortRange(r(1, 2)), '1-2');
  const overlaps: Array<[[number, number], [number, number], boolean]> = [
    [[1, 10], [10, 20], true],
    [[1, 10], [11, 20], false],
    [[5, 5], [1, 10], true],
    [[20, 30], [1, 19], false],
  ];
  for (const [a, b, want] of overlaps) t.equal(rangesOverlap(r(...a), r(...b)), want, `${a} / ${b}`);
});

const alb = (portProjects?: string, extra: Record<string, unknown> = {}): Alb2 =>
  ({
    apiVersion: 'crd.alauda.io/v2beta1',
    kind: 'ALB2',
    metadata: { name: 'lb', namespace: 'albs' },
    spec: { type: 'nginx', config: { ...(portProjects !== undefined && { portProjects }), ...extra } },
  }) as Alb2;

t.test('segments from an ALB2, and back', async (t) => {
  const text = '[{"port":"300-399","projects":["p2"]},{"port":"80","projects":["ALL_ALL"]}]';
  const { segments, problem } = albSegments(alb(text));
  t.equal(problem, null);
  t.same(
    segments.map((s) => [s.id, s.projects]),
    [
      ['80', ['ALL_ALL']],
      ['300-399', ['p2']],
    ],
    'sorted by port',
  );
  t.equal(portProjectsText(segments), '[{"port":"80","projects":["ALL_ALL"]},{"port":"300-399","projects":["p2"]}]');
  t.same(albSegments(alb()).segments, [], 'none');
  t.match(
    albSegments(alb('[{"port":"9-1","projects":[]}]')).problem,
    /^spec.config.portProjects entry 0: port range 9-1/,
  );
});

t.test('overlap, cover, stranded Frontends', async (t) => {
  const segs = [segment(r(100, 199), ['p1']), segment(r(200, 299), ['p2', 'p3']), segment(r(80), ['ALL_ALL'])];
  t.equal(overlappingSegment(segs, r(150, 250))?.id, '100-199');
  t.equal(overlappingSegment(segs, r(150, 160), '100-199'), null, 'its own segment does not count');
  t.equal(overlappingSegment(segs, r(300, 400)), null);
  const cases: Array<{ port: number; projects: string[]; want: boolean }> = [
    { port: 150, projects: ['p1'], want: true },
    { port: 150, projects: ['p2'], want: false },
    { port: 250, projects: ['p3'], want: true },
    { port: 250, projects: ['p2', 'p3'], want: true },
    { port: 250, projects: ['p1', 'p3'], want: false },
    { port: 80, projects: ['anything'], want: true },
    { port: 150, projects: [], want: true },
    { port: 500, projects: [], want: false },
  ];
  for (const { port, projects, want } of cases) t.equal(covers(segs, port, projects), want, `${port} ${projects}`);
  const fts = [
    { namespace: 'albs', name: 'a', port: 150, projects: ['p1'] },
    { namespace: 'albs', name: 'b', port: 190, projects: ['p1'] },
    { namespace: 'albs', name: 'stray', port: 500, projects: ['p1'] },
  ];
  const shrunk = [segment(r(100, 180), ['p1']), ...segs.slice(1)];
  t.same(
    strandedBy(segs, shrunk, fts).map((f) => f.name),
    ['b'],
    'shrinking strands the Frontend on 190',
  );
  t.same(
    strandedBy(segs, segs.slice(1), fts).map((f) => f.name),
    ['a', 'b'],
    'deleting strands both',
  );
  const reassigned = [segment(r(100, 199), ['p9']), ...segs.slice(1)];
  t.same(
    strandedBy(segs, reassigned, fts).map((f) => f.name),
    ['a', 'b'],
    'taking the project away strands',
  );
  t.same(strandedBy(segs, segs, fts), [], 'an already stray Frontend does not block');
});

t.test('port allocation', async (t) => {
  t.equal(allocatePort([r(10, 12)], new Set([10, 11])), 12);
  t.equal(allocatePort([r(20, 21), r(10, 11)], new Set([10])), 11, 'lowest first across ranges');
  t.equal(allocatePort([r(10, 11)], new Set([10]), new Set([11])), null, 'excluded ports are skipped');
  t.equal(freeCount(r(10, 19), new Set([10, 15, 30])), 8);
  t.equal(
    allocatePort([r(10, 19)], new Set([10]), new Set(), 4, () => 0.99),
    14,
    'spread: one of the 4 lowest free',
  );
  t.equal(
    allocatePort([r(10, 19)], new Set([10]), new Set(), 4, () => 0),
    11,
  );
  t.equal(
    allocatePort([r(10, 11)], new Set([10]), new Set(), 64, () => 0.5),
    11,
    'fewer free ports than the spread',
  );
});

t.test('where a project may open ports', async (t) => {
  const portMode = albFacts(
    alb('[{"port":"100-199","projects":["p1"]},{"port":"80","projects":["ALL_ALL"]}]', { enablePortProject: true }),
    'cpaas.io',
  );
  t.same(projectPortRanges(portMode, 'p1'), [r(80), r(100, 199)]);
  t.same(projectPortRanges(portMode, 'p2'), [r(80)], 'ALL_ALL segments admit everyone');
  const projectMode = albFacts(alb(undefined, { projects: ['p1'] }), 'cpaas.io');
  t.same(projectPortRanges(projectMode, 'p1'), [r(1, 65535)]);
  t.equal(projectPortRanges(projectMode, 'p2'), null);
  t.ok(projectMode.reservedPorts.has(1936), 'the metrics port is never handed out');
});

t.test('file mode permissions by group', async (t) => {
  const user = (...groups: string[]) => ({ name: 'u', uid: 'u', groups });
  const p = (verb: Permission['verb'], resource: Permission['resource'], name?: string): Permission => ({
    verb,
    resource,
    ...(name !== undefined && { name }),
  });
  const cases: Array<{ groups: string[]; permission: Permission; want: boolean }> = [
    { groups: ['alb:admins'], permission: p('delete', 'albs', 'lb'), want: true },
    { groups: ['alb:viewers'], permission: p('list', 'albs'), want: true },
    { groups: ['alb:viewers'], permission: p('update', 'albs', 'lb'), want: false },
    { groups: ['alb:project:p1'], permission: p('create', 'projects', 'p1'), want: true },
    { groups: ['alb:project:p1'], permission: p('create', 'projects', 'p2'), want: false },
    { groups: ['alb:project:p1'], permission: p('list', 'albs'), want: false },
    { groups: [], permission: p('get', 'projects', 'p1'), want: false },
  ];
  for (const { groups, permission, want } of cases)
    t.equal(groupAllows(user(...groups), permission), want, `${groups} ${permission.verb} ${permission.name}`);
  t.equal(
    describePermission({ verb: 'create', resource: 'projects', subresource: 'frontends', name: 'p1' }, 'cpaas.io'),
    'create projects/frontends "p1" (API group admin.alb.cpaas.io)',
  );
});

t.test("kube-apiserver's token file format", async (t) => {
  const users = parseTokenFile('t1,alice,u1,"g1,g2"\n\nt2,bob,u2\nt3,carol,u3,solo\nt4,"dave, jr",u4,""\n');
  t.equal(users.size, 4);
  const all = [...users.values()];
  t.same(all[0], { name: 'alice', uid: 'u1', groups: ['g1', 'g2'] });
  t.same(all[1], { name: 'bob', uid: 'u2', groups: [] });
  t.same(all[2]!.groups, ['solo']);
  t.equal(all[3]!.name, 'dave, jr');
  t.throws(() => parseTokenFile('t1,alice\n'), /line 1: needs at least 3 columns/);
  t.throws(() => parseTokenFile('ok,a,b\nt1,"alice,u1\n'), /line 2: unterminated quoted field/);
  t.notOk([...users.keys()].includes('t1'), 'tokens are kept as digests');
});

t.test('rate limiter: a burst, then the rate, per key (clock driven by the test)', async (t) => {
  let now = 0;
  const limiter = new RateLimiter({ perSecond: 2, burst: 3, maxKeys: 100, now: () => now });
  t.same(
    [1, 2, 3].map(() => limiter.take('a')),
    [0, 0, 0],
    'the burst',
  );
  t.equal(limiter.take('a'), 1, 'then wait about a second');
  t.equal(limiter.take('b'), 0, 'another key has its own bucket');
  now += 500;
  t.equal(limiter.take('a'), 0, 'half a second gives one request at 2/s');
  t.ok(limiter.take('a') > 0);
  now += 10_000;
  t.same(
    [1, 2, 3, 4].map(() => limiter.take('a')),
    [0, 0, 0, 1],
    'refills up to the burst only',
  );
});
