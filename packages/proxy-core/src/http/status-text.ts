import { STATUS_CODES } from 'node:http';

/** The standard reason phrase of a status code ("Unknown" for unregistered ones). */
export function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown';
}
