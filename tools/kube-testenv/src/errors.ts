/** Stable codes of every error this tool throws; each one is documented in the README (a test keeps them in sync). */
export const errorCodes = {
  noGo: 'ALB_TESTENV_NO_GO',
  goTooOld: 'ALB_TESTENV_GO_TOO_OLD',
  buildFailed: 'ALB_TESTENV_BUILD_FAILED',
  binDirInvalid: 'ALB_TESTENV_BIN_DIR_INVALID',
  lockTimeout: 'ALB_TESTENV_LOCK_TIMEOUT',
  startTimeout: 'ALB_TESTENV_START_TIMEOUT',
  processExited: 'ALB_TESTENV_PROCESS_EXITED',
  existingCluster: 'ALB_TESTENV_EXISTING_CLUSTER',
  notRunning: 'ALB_TESTENV_NOT_RUNNING',
  cliUsage: 'ALB_TESTENV_CLI_USAGE',
} as const;

export type KubeTestEnvErrorCode = (typeof errorCodes)[keyof typeof errorCodes];

/** Thrown by every function of this tool; match on `code`, not on the message. */
export class KubeTestEnvError extends Error {
  readonly code: KubeTestEnvErrorCode;

  constructor(code: KubeTestEnvErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KubeTestEnvError';
    this.code = code;
  }
}
