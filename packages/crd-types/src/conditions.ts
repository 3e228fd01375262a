// The `Accepted` condition ALB writes on Frontends and Rules (our extension), built from validation issues.
import type { Condition } from './generated/types.ts';
import type { ValidationIssue } from './issues.ts';
import { formatIssue, hasErrors } from './validate.ts';

export const conditionTypes = {
  /** True: the spec is valid and served (warnings, if any, in the message). False: dropped; the message says why. */
  accepted: 'Accepted',
} as const;

export const conditionReasons = {
  valid: 'Valid',
  validWithWarnings: 'ValidWithWarnings',
  invalidSpec: 'InvalidSpec',
} as const;

const maxMessage = 32768;

/**
 * The `Accepted` condition for an object with these issues. `lastTransitionTime` is kept from `previous` (the
 * object's current conditions) when the status does not change, as Kubernetes conventions require.
 */
export function acceptedCondition(
  issues: readonly ValidationIssue[],
  options: { generation?: number; now: Date; previous?: readonly Condition[] },
): Condition {
  const invalid = hasErrors(issues);
  const status = invalid ? 'False' : 'True';
  const reason = invalid
    ? conditionReasons.invalidSpec
    : issues.length > 0
      ? conditionReasons.validWithWarnings
      : conditionReasons.valid;
  const shown = invalid ? issues.filter((i) => i.severity === 'error') : issues;
  let message = shown.map(formatIssue).join('; ');
  if (message.length > maxMessage) message = `${message.slice(0, maxMessage - 3)}...`;
  const before = options.previous?.find((c) => c.type === conditionTypes.accepted);
  const lastTransitionTime =
    before !== undefined && before.status === status ? before.lastTransitionTime : options.now.toISOString();
  const condition: Condition = { type: conditionTypes.accepted, status, reason, message, lastTransitionTime };
  if (options.generation !== undefined) condition.observedGeneration = options.generation;
  return condition;
}
