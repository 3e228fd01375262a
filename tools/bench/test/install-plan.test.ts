// Missing nginx/haproxy/wrk: install their Debian packages as root, else say how.
import t from 'tap';
import { planInstall } from '../src/index.ts';

const all = { nginx: '/usr/sbin/nginx', haproxy: '/usr/sbin/haproxy', wrk: '/usr/bin/wrk', strace: '/usr/bin/strace' };
const root = { isRoot: true, hasAptGet: true };

const table = [
  {
    name: 'all present: nothing to do, even without root',
    input: { found: all, context: { isRoot: false, hasAptGet: false } },
    want: { action: 'none' },
  },
  {
    name: 'all missing, root: the three packages',
    input: { found: { nginx: null, haproxy: null, wrk: null, strace: null }, context: root },
    want: { action: 'install', packages: ['nginx-light', 'haproxy', 'wrk', 'strace'] },
  },
  {
    name: 'only wrk missing, root: only wrk',
    input: { found: { ...all, wrk: null }, context: root },
    want: { action: 'install', packages: ['wrk'] },
  },
  {
    name: 'missing, not root: fail with the sudo command',
    input: { found: { ...all, nginx: null, wrk: null }, context: { isRoot: false, hasAptGet: true } },
    want: {
      action: 'fail',
      message: 'missing nginx, wrk: run the bench as root, or first: sudo apt-get install -y nginx-light wrk',
    },
  },
  {
    name: 'missing, no apt-get: fail naming the packages',
    input: { found: { ...all, haproxy: null }, context: { isRoot: true, hasAptGet: false } },
    want: { action: 'fail', message: 'missing haproxy and no apt-get here: install haproxy yourself' },
  },
];

for (const { name, input, want } of table)
  t.test(name, async (t) => t.same(planInstall(input.found, input.context), want));
