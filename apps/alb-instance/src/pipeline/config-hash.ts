import { createHash, type Hash } from 'node:crypto';
import type { DataPlaneConfig } from '@alb/proxy-core';

/**
 * The config's identity: builds are deterministic, so equal configs hash equally. The digest is that of
 * `JSON.stringify(config)`, fed to the hash one rule (one backend group, ...) at a time instead of as one string:
 * at 10k rules that string is ~5 MB, allocated straight into the old generation on every rebuild.
 */
export function hashConfig(config: DataPlaneConfig): string {
  const hash = createHash('sha256');
  updateJson(hash, config, 0);
  return hash.digest('hex');
}

/**
 * Objects and arrays this deep are written whole: config (0) > listeners (1) > listener (2) > rules (3) > one rule.
 * Splitting finer only makes more small strings.
 */
const splitDepth = 3;

/** Feeds exactly the text `JSON.stringify(value)` gives, split at the first `splitDepth` levels. */
function updateJson(hash: Hash, value: unknown, depth: number): void {
  if (depth > splitDepth || value === null || typeof value !== 'object' || hasToJson(value)) {
    hash.update(JSON.stringify(value));
  } else if (Array.isArray(value)) {
    hash.update('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) hash.update(',');
      // JSON writes null for what it cannot represent in an array.
      if (unrepresentable(value[i])) hash.update('null');
      else updateJson(hash, value[i], depth + 1);
    }
    hash.update(']');
  } else {
    hash.update('{');
    let first = true;
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (unrepresentable(item)) continue;
      hash.update(first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
      first = false;
      updateJson(hash, item, depth + 1);
    }
    hash.update('}');
  }
}

function unrepresentable(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
