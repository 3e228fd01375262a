// proxy-connect/send/read-timeout -> Rule `spec.config.timeout` in ms (Alauda ALB: pkg/controller/ext/timeout).
import type { TimeoutConfig } from '@alb/crd-types';
import type { AnnotationContext } from './annotation-context.ts';
import { readSetting } from './annotation-context.ts';
import { parseTimeoutMs } from './annotation-values.ts';

const fields = [
  ['proxy-connect-timeout', 'proxy_connect_timeout_ms'],
  ['proxy-send-timeout', 'proxy_send_timeout_ms'],
  ['proxy-read-timeout', 'proxy_read_timeout_ms'],
] as const;

/** The timeouts set on this path; a bad one is reported and skipped alone (ALB dropped all three). */
export function timeoutFromAnnotations(ctx: AnnotationContext): TimeoutConfig | undefined {
  let out: TimeoutConfig | undefined;
  for (const [name, field] of fields) {
    const ms = readSetting(ctx, name, parseTimeoutMs);
    if (ms !== undefined) (out ??= {})[field] = ms;
  }
  return out;
}
