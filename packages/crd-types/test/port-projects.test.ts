// parsePortProjects: ALB2 portProjects strings as entries, or the problem that stops them.
import t from 'tap';
import { parsePortProjects } from '../src/index.ts';

const cases: Array<{ name: string; input: string; want: unknown }> = [
  { name: 'empty list', input: '[]', want: { entries: [], problem: null } },
  {
    name: 'a range and a single port',
    input: '[{"port":"113-333","projects":["p1"]},{"port":"80","projects":["ALL_ALL","p2"]}]',
    want: {
      entries: [
        { port: '113-333', start: 113, end: 333, projects: ['p1'] },
        { port: '80', start: 80, end: 80, projects: ['ALL_ALL', 'p2'] },
      ],
      problem: null,
    },
  },
  { name: 'not JSON', input: '[{', want: { entries: null, problem: 'is not valid JSON' } },
  { name: 'not a list', input: '{}', want: { entries: null, problem: 'must be a JSON list' } },
  {
    name: 'a number port',
    input: '[{"port":80,"projects":[]}]',
    want: { entries: null, problem: 'entry 0: port must be a string like "80" or "113-333", got 80' },
  },
  {
    name: 'start not below end',
    input: '[{"port":"90-80","projects":[]}]',
    want: { entries: null, problem: 'entry 0: port range 90-80 must be within 1-65535 with start < end' },
  },
  {
    name: 'beyond 65535',
    input: '[{"port":"65535-65536","projects":[]}]',
    want: { entries: null, problem: 'entry 0: port range 65535-65536 must be within 1-65535 with start < end' },
  },
  {
    name: 'projects not strings',
    input: '[{"port":"1-2","projects":[1]}]',
    want: { entries: null, problem: 'entry 0: projects must be a list of project names' },
  },
];

for (const { name, input, want } of cases) t.test(name, async (t) => t.same(parsePortProjects(input), want));
