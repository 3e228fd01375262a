// A data-plane worker process: one Engine on SO_REUSEPORT listeners, driven by its parent over IPC.
import { Engine } from '../engine.ts';
import { AlbError } from '../errors.ts';
import type { Logger } from '../proxy/listener-context.ts';
import { exposedGc, MemoryTrimmer } from './memory-trim.ts';
import type { FromWorker, ToWorker } from './messages.ts';

const send = (message: FromWorker) => process.send!(message);
const forward = (level: 'info' | 'warn' | 'error') => (obj: object, msg?: string) =>
  send({ type: 'log', level, obj, msg });
const parentLogger: Logger = { info: forward('info'), warn: forward('warn'), error: forward('error') };
let engine: Engine | null = null;
let trimmer: MemoryTrimmer | null = null;

process.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    const { accessLog, ...options } = message.options;
    engine = new Engine({
      ...options,
      reusePort: true,
      logger: parentLogger,
      accessLog: accessLog ? parentLogger : null,
    });
    // Each apply builds the worker's tables anew: give the old ones' pages back as the parent does (--expose-gc).
    trimmer = new MemoryTrimmer({
      clock: {
        now: () => Date.now(),
        setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
        clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
      },
      gc: exposedGc(),
      ...(message.burstMemoryBudgetBytes === undefined ? {} : { burstBudgetBytes: message.burstMemoryBudgetBytes }),
      onError: (error) => parentLogger.warn({ err: error.message }, 'memory trim failed'),
    });
    send({ type: 'ready' });
    return;
  }
  void handle(message);
});

async function handle(message: Exclude<ToWorker, { type: 'init' }>): Promise<void> {
  try {
    if (engine === null) throw new Error('worker not initialised');
    let value: unknown;
    if (message.type === 'apply') value = await engine.apply(message.config);
    else if (message.type === 'stats') value = engine.stats();
    else {
      trimmer?.stop();
      await engine.close(message.deadlineMs);
      value = null;
    }
    send({ type: 'reply', id: message.id, ok: true, value });
    // After the reply: the parent need not wait for a trim's pause.
    if (message.type === 'apply') setImmediate(() => trimmer?.noteApply());
    if (message.type === 'close') process.disconnect();
  } catch (err) {
    const error = err as Error & { code?: string; problems?: string[] };
    send({
      type: 'reply',
      id: message.id,
      ok: false,
      error: {
        message: error.message,
        code: err instanceof AlbError ? error.code : undefined,
        problems: error.problems,
      },
    });
  }
}

// The parent going away (crash, kill -9) must not leave a worker serving stale config.
process.on('disconnect', () => {
  void (engine?.close(1000) ?? Promise.resolve()).finally(() => process.exit(0));
});
