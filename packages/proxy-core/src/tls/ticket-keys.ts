import { createHmac, randomBytes } from 'node:crypto';

/** How long one set of session ticket keys is used before the next (tickets older than this need a full handshake). */
export const ticketKeyPeriodMs = 60 * 60 * 1000;

/** A fresh secret for `ticketKeys` (the data plane makes one at start and gives it to every worker). */
export function newTicketSecret(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The 48 bytes node's `setTicketKeys` takes (key name, AES key, HMAC key) for the period `epoch`, derived from a
 * secret every worker process shares: a client resumes its TLS session on whichever worker the kernel gives it,
 * and the keys change every period without any message between processes.
 */
export function ticketKeys(secret: string, epoch: number): Buffer {
  const part = (label: string) => createHmac('sha256', secret).update(`alb tls ticket keys ${epoch} ${label}`).digest();
  return Buffer.concat([part('name').subarray(0, 16), part('aes').subarray(0, 16), part('hmac').subarray(0, 16)]);
}

export function ticketEpoch(now: number): number {
  return Math.floor(now / ticketKeyPeriodMs);
}
