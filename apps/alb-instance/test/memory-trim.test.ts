// The memory trimmer: one memory-reducing GC after the config settles, only when there is memory to give back.
import t from 'tap';
import { MemoryTrimmer, type GcFunction } from '../src/ops/memory-trim.ts';
import { manualClock } from './manual-clock.ts';

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
  trimmer.noteApply();
  for (let i = 0; i < 2; i++) {
    await clock.advance(100);
    rss += 20 * MB;
    trimmer.noteApply();
  }
  t.equal(calls.length, 0, '40 MB over the first apply: within the budget');
  await clock.advance(100);
  rss += 20 * MB;
  trimmer.noteApply();
  t.same(calls, [{ type: 'major', execution: 'sync', flavor: 'last-resort' }], '60 MB over: trimmed at once');
  t.match(reports, [{ during: 'burst', rssBefore: 260 * MB }]);
  for (let i = 0; i < 2; i++) {
    await clock.advance(100);
    rss += 20 * MB;
    trimmer.noteApply();
  }
  t.equal(calls.length, 1, 'the budget counts from where the trim left RSS (210 MB), not from the first apply');
  await clock.advance(100);
  rss += 20 * MB;
  trimmer.noteApply();
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
