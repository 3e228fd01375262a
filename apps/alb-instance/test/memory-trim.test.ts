// The memory trimmer: one memory-reducing GC after the config settles, only when there is memory to give back.
import t from 'tap';
import { MemoryTrimmer, type GcFunction } from '../src/ops/memory-trim.ts';
import type { Clock } from '../src/pipeline/clock.ts';

function manualClock() {
  let now = 0;
  let timers: Array<{ due: number; fn: () => void; id: number }> = [];
  let next = 0;
  const clock: Clock & { advance(ms: number): void } = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = next++;
      timers.push({ due: now + ms, fn, id });
      return id;
    },
    clearTimeout(handle) {
      timers = timers.filter((timer) => timer.id !== handle);
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((timer) => timer.due <= now);
      timers = timers.filter((timer) => timer.due > now);
      for (const timer of due) timer.fn();
    },
  };
  return clock;
}

const MB = 2 ** 20;

t.test('trims once the config has been quiet, and only when the process holds much more than its heap', async (t) => {
  const clock = manualClock();
  const calls: unknown[] = [];
  let rss = 600 * MB;
  const gc: GcFunction = (options) => {
    calls.push(options);
    rss = 200 * MB;
  };
  const reports: unknown[] = [];
  const trimmer = new MemoryTrimmer({
    clock,
    gc,
    memory: () => ({ rss, heapTotal: 150 * MB }),
    quietMs: 1000,
    onTrim: (report) => reports.push(report),
  });
  trimmer.noteApply();
  clock.advance(600);
  trimmer.noteApply();
  clock.advance(600);
  t.equal(calls.length, 0, 'a second apply restarts the quiet period');
  clock.advance(400);
  t.same(calls, [{ type: 'major', execution: 'sync', flavor: 'last-resort' }], 'one memory-reducing GC');
  t.match(reports, [{ rssBefore: 600 * MB, rssAfter: 200 * MB }]);
  trimmer.noteApply();
  clock.advance(1000);
  t.equal(calls.length, 1, 'nothing to give back (rss - heap < 64 MB): no GC');
  trimmer.noteApply();
  trimmer.stop();
  rss = 600 * MB;
  clock.advance(5000);
  t.equal(calls.length, 1, 'stopped: no GC');
});

t.test('without --expose-gc it does nothing', async (t) => {
  const clock = manualClock();
  const trimmer = new MemoryTrimmer({ clock, gc: null, memory: () => ({ rss: 900 * MB, heapTotal: 0 }) });
  trimmer.noteApply();
  clock.advance(10_000);
  t.equal(trimmer.trims, 0);
});
