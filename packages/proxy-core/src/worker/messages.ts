import type { DataPlaneConfig } from '../config.ts';
import type { EngineOptions } from '../engine.ts';

/** Parent -> worker process. */
export type ToWorker =
  | {
      type: 'init';
      options: Omit<EngineOptions, 'logger' | 'accessLog'> & { accessLog: boolean };
      /** The worker's memory trimmer budget during bursts (undefined: its default). */
      burstMemoryBudgetBytes?: number | undefined;
    }
  | { type: 'apply'; id: number; config: DataPlaneConfig }
  | { type: 'stats'; id: number }
  | { type: 'close'; id: number; deadlineMs: number };

/** Worker process -> parent. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: { message: string; code?: string; problems?: string[] } }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; obj: object; msg?: string };
