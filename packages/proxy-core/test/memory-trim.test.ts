// The memory trimmer: one memory-reducing GC after the config settles, only when there is memory to give back.
import t from 'tap';
import { MemoryTrimmer, type GcFunction, type TrimClock } from '../src/index.ts';

/** A clock that moves only when told to: `advance` runs the timers that fall due, in order. */
function manualClock(): TrimClock & { advance(ms: number): Promise<void> } {
  let now = 0;
  let timers: Array<{ due: number; fn: () => void }> = [];
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { due: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimeout(handle) {
      timers = timers.filter((timer) => timer !== handle);
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        const next = timers.filter((t) => t.due <= target).sort((a, b) => a.due - b.due)[0];
        if (next === undefined) break;
        timers = timers.filter((t) => t !== next);
        now = next.due;
        next.fn();
      }
      now = target;
    },
  };
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
  await clock.advance(600);
  trimmer.noteApply();
  await clock.advance(600);
  t.equal(calls.length, 0, 'a second apply restarts the quiet period');
  await clock.advance(400);
  t.same(calls, [{ type: 'major', execution: 'sync', flavor: 'last-resort' }], 'one memory-reducing GC');
  t.match(reports, [{ rssBefore: 600 * MB, rssAfter: 200 * MB }]);
  trimmer.noteApply();
  await clock.advance(1000);
  t.equal(calls.length, 1, 'nothing to give back (rss - heap < 64 MB): no GC');
  trimmer.noteApply();
  trimmer.stop();
  rss = 600 * MB;
  await clock.advance(5000);
  t.equal(calls.length, 1, 'stopped: no GC');
});

t.test('without --expose-gc it does nothing', async (t) => {
  const clock = manualClock();
  const trimmer = new MemoryTrimmer({ clock, gc: null, memory: () => ({ rss: 900 * MB, heapTotal: 0 }) });
  trimmer.noteApply();
  await clock.advance(10_000);
  t.equal(trimmer.trims, 0);
});

t.test('an error reading the memory figures (EMFILE) is counted and reported, never thrown', async (t) => {
  const clock = manualClock();
  const errors: Error[] = [];
  let calls = 0;
  const trimmer = new MemoryTrimmer({
    clock,
    gc: () => calls++,
    memory: () => {
      // What process.memoryUsage() throws once every descriptor is taken: it opens /proc/self/stat.
      throw Object.assign(new Error('EMFILE: too many open files, uv_resident_set_memory'), { code: 'EMFILE' });
    },
    quietMs: 1000,
    onError: (error) => errors.push(error),
  });
  trimmer.noteApply();
  t.equal(trimmer.errors, 1, 'the burst check after an apply: counted');
  await clock.advance(1000);
  t.equal(trimmer.errors, 2, 'the trim once quiet: counted');
  t.match(errors, [{ code: 'EMFILE' }, { code: 'EMFILE' }], 'reported');
  t.equal(calls, 0, 'no GC without the figures');
  trimmer.noteApply();
  await clock.advance(1000);
  t.equal(trimmer.errors, 4, 'and the next trims still run');
});

t.test('during a burst: trims right after the apply that took RSS a budget above the last trim', async (t) => {
  const clock = manualClock();
  let rss = 200 * MB;
  const heapTotal = 180 * MB;
  const calls: unknown[] = [];
  const reports: Array<{ during: string; rssBefore: number }> = [];
  const trimmer = new MemoryTrimmer({
    clock,
    gc: (options) => {
      calls.push(options);
      rss = 210 * MB;
    },
    memory: () => ({ rss, heapTotal }),
    quietMs: 1000,
    burstBudgetBytes: 48 * MB,
    onTrim: (report) => reports.push(report),
  });
  // A burst: applies 100 ms apart, RSS growing 20 MB each (the heap grows with it: no slack for the quiet trim).
  const applies = async (count: number) => {
    for (let i = 0; i < count; i++) {
      await clock.advance(100);
      rss += 20 * MB;
      trimmer.noteApply();
    }
  };
  trimmer.noteApply();
  await applies(2);
  t.equal(calls.length, 0, '40 MB over the first apply: within the budget');
  await applies(1);
  t.same(calls, [{ type: 'major', execution: 'sync', flavor: 'last-resort' }], '60 MB over: trimmed at once');
  t.match(reports, [{ during: 'burst', rssBefore: 260 * MB }]);
  await applies(2);
  t.equal(calls.length, 1, 'the budget counts from where the trim left RSS (210 MB), not from the first apply');
  await applies(1);
  t.equal(calls.length, 2, '60 MB over 210 MB: trimmed again');
  await clock.advance(1000);
  t.equal(calls.length, 2, 'once quiet: nothing more to give back (RSS near the heap), no third GC');
  trimmer.stop();
});

t.test('a config that stays bigger moves the floor: no trim after every apply', async (t) => {
  const clock = manualClock();
  let rss = 200 * MB;
  let calls = 0;
  const trimmer = new MemoryTrimmer({
    clock,
    // Live data grew: a trim gives nothing back.
    gc: () => calls++,
    memory: () => ({ rss, heapTotal: rss }),
    burstBudgetBytes: 48 * MB,
  });
  trimmer.noteApply();
  rss = 300 * MB;
  trimmer.noteApply();
  t.equal(calls, 1);
  trimmer.noteApply();
  trimmer.noteApply();
  t.equal(calls, 1, 'measured from 300 MB now');
  trimmer.stop();
});

t.test('a burst budget of 0: no trim during the burst, only once quiet', async (t) => {
  const clock = manualClock();
  let rss = 200 * MB;
  let calls = 0;
  const trimmer = new MemoryTrimmer({
    clock,
    gc: () => calls++,
    memory: () => ({ rss, heapTotal: 100 * MB }),
    quietMs: 1000,
    burstBudgetBytes: 0,
  });
  for (let i = 0; i < 5; i++) {
    rss += 100 * MB;
    trimmer.noteApply();
    await clock.advance(100);
  }
  t.equal(calls, 0, 'RSS grew 500 MB: still no trim while changes come');
  await clock.advance(1000);
  t.equal(calls, 1, 'one trim once quiet');
});
