// The ALB2 status the operator owns, computed from what it observed. Pure; timestamps move only when something
// else changed, so an unchanged ALB gets the identical status (and no write).
import { isDeepStrictEqual } from 'node:util';
import type { Alb2Status, Condition } from '@alb/crd-types';
import { operatorCodes, type OperatorCode } from '../errors.ts';
import type { Addresses } from './addresses.ts';

export type DeploymentView = {
  generation: number;
  observedGeneration: number;
  /** spec.replicas */
  replicas: number;
  /** status.replicas: every pod, old and new. */
  currentReplicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  /** The rollout gave up (ProgressDeadlineExceeded): its message; null when not. */
  failure: string | null;
  /**
   * Pods cannot be created right now (ReplicaFailure: quota, admission, a ServiceAccount not yet visible); the
   * Deployment controller keeps trying, so this is shown while progressing, not as an error.
   */
  replicaFailure: string | null;
};

/** Why the operator could not do its work for this ALB2: the field or object at fault and the code. */
export type Problem = { code: OperatorCode; message: string };

export type StatusInput = {
  generation: number;
  previous: Alb2Status | undefined;
  now: Date;
  /** Invalid spec: nothing was touched; the detail of `previous` is kept. */
  invalid: Problem | null;
  /** A child could not be applied (name taken, refused by the API server). */
  applyProblem: Problem | null;
  deployment: DeploymentView | null;
  addresses: Addresses;
  /** LoadBalancer Service mode: Running only once it has an ingress point. */
  waitsForLoadBalancer: boolean;
  version: { version: string; imagePatch: string | null };
};

export type DeployState = 'Pending' | 'Progressing' | 'Running' | 'Error';

export const conditionTypes = { ready: 'Ready', progressing: 'Progressing', degraded: 'Degraded' } as const;

/** The status fields this operator owns (not `detail.alb`, the instance leader's). */
type OwnedStatus = Omit<Alb2Status, 'detail'> & {
  detail?: Omit<NonNullable<Alb2Status['detail']>, 'alb'>;
};

/** `detail.deploy` from the Deployment (ALB's wording for the waiting states). */
export function deployState(deployment: DeploymentView | null): { state: DeployState; reason: string } {
  if (deployment === null) return { state: 'Pending', reason: 'wait workload creating' };
  if (deployment.failure !== null) return { state: 'Error', reason: deployment.failure };
  const rolledOut =
    deployment.observedGeneration >= deployment.generation &&
    deployment.updatedReplicas >= deployment.replicas &&
    deployment.readyReplicas >= deployment.replicas &&
    deployment.currentReplicas <= deployment.replicas;
  if (!rolledOut)
    return {
      state: 'Progressing',
      reason:
        `wait workload ready: ${deployment.readyReplicas}/${deployment.replicas} ready, ` +
        `${deployment.updatedReplicas} updated` +
        (deployment.replicaFailure === null ? '' : ` (ReplicaFailure: ${deployment.replicaFailure})`),
    };
  return { state: 'Running', reason: '' };
}

/** The whole owned status for one ALB2. */
export function computeStatus(input: StatusInput): OwnedStatus {
  const previousDetail = input.previous?.detail;
  let state: NonNullable<Alb2Status['state']>;
  let reason = '';
  let degraded: { reason: string; message: string } | null = null;
  let detail: OwnedStatus['detail'];

  if (input.invalid !== null) {
    // Nothing else is touched: what the operator last knew stays as it was.
    state = 'Warning';
    reason = `${input.invalid.message} [${input.invalid.code}]`;
    degraded = { reason: reasonOf(input.invalid.code), message: reason };
    detail = {
      ...(previousDetail?.deploy && { deploy: previousDetail.deploy }),
      ...(previousDetail?.address && { address: previousDetail.address }),
      ...(previousDetail?.version && { version: previousDetail.version }),
    };
  } else {
    const deploy = input.applyProblem
      ? { state: 'Error' as const, reason: `${input.applyProblem.message} [${input.applyProblem.code}]` }
      : deployState(input.deployment);
    if (deploy.state === 'Error') {
      state = 'Warning';
      reason = input.applyProblem ? deploy.reason : `${deploy.reason} [${operatorCodes.rolloutFailed}]`;
      degraded = { reason: input.applyProblem ? reasonOf(input.applyProblem.code) : 'RolloutFailed', message: reason };
    } else if (deploy.state !== 'Running') {
      state = deploy.state;
      reason = deploy.reason;
    } else if (input.waitsForLoadBalancer && !input.addresses.ok) {
      state = 'Progressing';
      reason = 'wait lb svc ready';
    } else {
      state = 'Running';
    }
    detail = {
      deploy: { state: deploy.state, ...(deploy.reason !== '' && { reason: deploy.reason }) },
      address: input.addresses,
      version: {
        version: input.version.version,
        ...(input.version.imagePatch !== null && { imagePatch: input.version.imagePatch }),
      },
    };
  }

  const previousConditions = input.previous?.conditions ?? [];
  const condition = (type: string, status: boolean, why: string, message: string): Condition => {
    const before = previousConditions.find((c) => c.type === type);
    const value = status ? 'True' : 'False';
    return {
      type,
      status: value,
      observedGeneration: input.generation,
      lastTransitionTime:
        before !== undefined && before.status === value ? before.lastTransitionTime : timestamp(input.now),
      reason: why,
      message,
    };
  };
  const progressing = state === 'Progressing' || state === 'Pending';
  const conditions = [
    condition(conditionTypes.ready, state === 'Running', state === 'Running' ? 'Running' : state, reason),
    condition(
      conditionTypes.progressing,
      progressing,
      progressing ? (reason === 'wait lb svc ready' ? 'WaitingForAddress' : 'RollingOut') : 'Stable',
      progressing ? reason : '',
    ),
    condition(conditionTypes.degraded, degraded !== null, degraded?.reason ?? 'AsExpected', degraded?.message ?? ''),
  ];

  const status: OwnedStatus = {
    state,
    ...(reason !== '' && { reason }),
    observedGeneration: input.generation,
    conditions,
    detail,
  };
  return withProbeTimes(status, input.previous, input.now);
}

/** Keeps the previous probe times when nothing else changed, so a steady ALB's status is written once. */
function withProbeTimes(status: OwnedStatus, previous: Alb2Status | undefined, now: Date): OwnedStatus {
  const before = previous === undefined ? undefined : ownedPart(previous);
  const unchanged = before !== undefined && isDeepStrictEqual(withoutTimes(status), withoutTimes(before));
  const probeTimeStr = unchanged && before.probeTimeStr !== undefined ? before.probeTimeStr : timestamp(now);
  const probeTime = unchanged && before.probeTime !== undefined ? before.probeTime : Math.floor(now.getTime() / 1000);
  const deploy = status.detail?.deploy;
  if (deploy !== undefined) {
    const deployBefore = before?.detail?.deploy;
    deploy.probeTimeStr =
      deployBefore?.probeTimeStr !== undefined &&
      deployBefore.state === deploy.state &&
      deployBefore.reason === deploy.reason
        ? deployBefore.probeTimeStr
        : probeTimeStr;
  }
  return { ...status, probeTime, probeTimeStr };
}

function withoutTimes(status: OwnedStatus): unknown {
  const { probeTime: _t, probeTimeStr: _s, detail, ...rest } = status;
  if (detail?.deploy === undefined) return { ...rest, detail };
  const { probeTimeStr: _d, ...deploy } = detail.deploy;
  return { ...rest, detail: { ...detail, deploy } };
}

/** The part of an observed status this operator owns, to compare with what it would write. */
export function ownedPart(status: Alb2Status): OwnedStatus {
  const { detail, ...rest } = status;
  if (detail === undefined) return rest;
  const { alb: _alb, ...owned } = detail;
  return { ...rest, detail: owned };
}

/** Whether the observed status already says what `desired` says (the instance leader's `detail.alb` aside). */
export function statusUpToDate(desired: OwnedStatus, observed: Alb2Status | undefined): boolean {
  return observed !== undefined && isDeepStrictEqual(normalize(desired), normalize(ownedPart(observed)));
}

/** JSON round trip: drops undefined members and key order differences do not matter to isDeepStrictEqual. */
function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}

/** RFC 3339 to the second, as Kubernetes writes metav1.Time. */
function timestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

function reasonOf(code: OperatorCode): string {
  switch (code) {
    case 'ALB_OPERATOR_INVALID_SPEC':
      return 'InvalidSpec';
    case 'ALB_OPERATOR_INVALID_NAME':
      return 'InvalidName';
    case 'ALB_OPERATOR_NAME_TAKEN':
      return 'NameTaken';
    case 'ALB_OPERATOR_APPLY_REFUSED':
      return 'ApplyRefused';
    default:
      return 'RolloutFailed';
  }
}
