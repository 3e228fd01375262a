// Kubernetes resource quantities ("500m", "2", "1.5Gi", "1e3"), as numbers: to size workers from a CPU limit and to
// compare what we asked for with what the API server stored (it canonicalizes: "0.5" comes back as "500m").

const suffixes: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const pattern = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;

/** The value of a quantity, or null when `text` is not one. */
export function parseQuantity(text: string): number | null {
  const match = pattern.exec(text.trim());
  if (match === null) return null;
  const number = Number(match[1]);
  if (match[2] !== undefined) return Number(`${match[1]}${match[2]}`);
  return number * (suffixes[match[3] ?? ''] ?? 1);
}

/** Whether two quantity strings mean the same amount (to a part in a billion, the API server's precision). */
export function sameQuantity(a: string, b: string): boolean {
  if (a === b) return true;
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (x === null || y === null) return false;
  return Math.abs(x - y) <= Math.max(Math.abs(x), Math.abs(y)) * 1e-9;
}
