// Deterministic Rule names, so that any leader, in any order, writes the same objects.
import { hash } from 'node:crypto';

const hashLength = 16;
const maxName = 63;

/**
 * `<frontend>-<16 hex digits>`: the digits are the start of the SHA-256 of the Frontend name, the Ingress
 * namespace and name, the rule and path indexes, the host and the path (NUL-separated). The Frontend part is cut so
 * that the whole stays within 63 characters. Stable across leaders and input order; changing any of those inputs
 * gives a new name (the old Rule is deleted, the new one created).
 */
export function ruleName(
  frontend: string,
  namespace: string,
  ingress: string,
  ruleIndex: number,
  pathIndex: number,
  host: string,
  path: string,
): string {
  const digest = hash(
    'sha256',
    `${frontend}\0${namespace}\0${ingress}\0${ruleIndex}\0${pathIndex}\0${host}\0${path}`,
    'hex',
  ).slice(0, hashLength);
  const prefix = frontend
    .toLowerCase()
    .slice(0, maxName - hashLength - 1)
    .replace(/[-.]+$/, '');
  return `${prefix}-${digest}`;
}
