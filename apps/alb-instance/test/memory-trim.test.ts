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
  await clock.advance(1000);
  t.equal(trimmer.errors, 1, 'counted');
  t.match(errors, [{ code: 'EMFILE' }], 'reported');
  t.equal(calls, 0, 'no GC without the figures');
  trimmer.noteApply();
  await clock.advance(1000);
  t.equal(trimmer.errors, 2, 'and the next trim still runs');
});
