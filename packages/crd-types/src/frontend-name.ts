import { AlbError, errorCodes } from './errors.ts';

/** ALB's Frontend naming rule: `<alb>-<port as 5 digits>`, e.g. `frontendName('alb-demo', 80)` = `alb-demo-00080`. */
export function frontendName(alb: string, port: number): string {
  if (alb === '') throw new AlbError(errorCodes.badArgument, 'frontendName: the ALB name is empty');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new AlbError(errorCodes.badArgument, `frontendName: port must be an integer from 1 to 65535, got ${port}`);
  return `${alb}-${String(port).padStart(5, '0')}`;
}

/** The ALB name and port of a conventionally named Frontend, or null when the name does not follow the rule. */
export function parseFrontendName(name: string): { alb: string; port: number } | null {
  const match = /^(.+)-(\d{5})$/.exec(name);
  if (match === null) return null;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { alb: match[1]!, port } : null;
}
