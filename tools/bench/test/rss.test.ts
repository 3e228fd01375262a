// RSS per process group from /proc.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { cpuTicksOf, processGroupOf, vmRssKiB } from '../src/index.ts';
import { groupCpuTicks, groupRssKiB } from '../src/rss.ts';

t.test('the process group field of /proc/<pid>/stat', async (t) => {
  const table = [
    { name: 'plain name', input: '42 (nginx) S 1 40 40 0 -1', want: 40 },
    { name: 'name with spaces and parentheses', input: '42 (a (b) c) S 1 77 77 0 -1', want: 77 },
  ];
  for (const { name, input, want } of table) t.equal(processGroupOf(input), want, name);
});

t.test('VmRSS of /proc/<pid>/status', async (t) => {
  t.equal(vmRssKiB('Name:\tnode\nVmRSS:\t  123456 kB\nVmSwap: 0 kB\n'), 123456);
  t.equal(vmRssKiB('Name:\tkthreadd\n'), 0, 'absent (kernel thread, zombie)');
});

t.test('this test process group: at least this process, less than all memory', async (t) => {
  const pgid = processGroupOf(readFileSync('/proc/self/stat', 'utf8'));
  const own = vmRssKiB(readFileSync('/proc/self/status', 'utf8'));
  const group = groupRssKiB(pgid);
  t.ok(own > 0);
  t.ok(group >= own, `group ${group} KiB >= own ${own} KiB`);
  t.equal(groupRssKiB(2 ** 22 + 12345), 0, 'a group nobody is in');
});

t.test('CPU ticks (utime, stime) of /proc/<pid>/stat', async (t) => {
  const stat = '42 (a (b) c) S 1 77 77 0 -1 4194304 125 0 0 0 311 27 0 0 20 0 1';
  t.same(cpuTicksOf(stat), { user: 311, sys: 27 });
  const pgid = processGroupOf(readFileSync('/proc/self/stat', 'utf8'));
  const before = groupCpuTicks(pgid);
  const until = Date.now() + 100;
  while (Date.now() < until); // burn some CPU of our own
  const after = groupCpuTicks(pgid);
  t.ok(after.user + after.sys > before.user + before.sys, 'this group used CPU while spinning');
});
