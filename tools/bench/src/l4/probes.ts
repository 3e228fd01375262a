import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect } from 'node:net';

/** A DNS query for `name` type A (RFC 1035 4.1), id 0x4c34, recursion desired. */
export function dnsQuery(name: string): Buffer {
  const labels = name.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]));
  const header = Buffer.from([0x4c, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** Whether `port` answers a DNS query for `name` with the query's id and at least one answer, within `ms`. */
export async function dnsAnswers(port: number, name: string, ms = 500): Promise<boolean> {
  const socket = createSocket('udp4');
  try {
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    socket.send(dnsQuery(name), port, '127.0.0.1');
    const reply = await Promise.race([
      once(socket, 'message').then(([m]) => m as Buffer),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref()),
    ]);
    return reply !== null && reply.readUInt16BE(0) === 0x4c34 && reply.readUInt16BE(6) > 0;
  } finally {
    socket.close();
  }
}

/** Whether `send` written to `port` gets an answer starting with `expect` within `ms` (empty: connecting is enough). */
export function tcpAnswers(port: number, send: string, expect: string, ms = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let text = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      if (expect === '') done(true);
      else socket.write(send);
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.startsWith(expect)) done(true);
    });
  });
}

/** Polls `check` every 100 ms until it holds; throws `what` after `ms`. */
export async function waitFor(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what} did not answer within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
