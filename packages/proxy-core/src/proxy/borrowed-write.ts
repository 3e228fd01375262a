import type { Writable } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { HeadBuilder } from '../http/head-builder.ts';
import { lastWriteKept, writeToSocket } from './socket-write.ts';

/**
 * One read of the shared read buffers (64 KiB) and a little more: a response's head and its first body bytes come
 * from one read, and the head the proxy writes is only a few lines longer than the upstream's. Larger writes
 * allocate.
 */
const scratchBytes = 72 * 1024;

/** Where outgoing bytes are assembled before a write; replaced whenever a stream keeps it queued. */
let scratch = Buffer.allocUnsafe(scratchBytes);
/** How many times a stream kept the scratch (for tests: it must stay rare). */
let replaced = 0;

/**
 * Whether a write to `stream` may use the scratch: it must have nothing queued (else it queues this write too), and
 * must not be TLS, whose writes always complete later (the encrypted bytes go out asynchronously): every write would
 * give a whole scratch away. Those get an exact copy, as they did before the scratch existed.
 */
function scratchUsable(stream: Writable, length: number): boolean {
  return length <= scratchBytes && stream.writableLength === 0 && !(stream instanceof TLSSocket);
}

/**
 * Writes `buf[start, end)`, bytes valid only during this call (a shared read buffer), to `stream`. They are copied
 * into a scratch buffer, reused by the next write when the stream took the bytes at once (nothing is left queued:
 * the kernel has them). When the stream queued them, that scratch belongs to the queue and the next write starts a
 * new one (at most once per backlog: a stream that already holds queued bytes gets an exact copy, never the
 * scratch). So relaying a large body allocates nothing per chunk while the peer keeps up, and memory stays flat
 * instead of churning through a fresh 64 KiB Buffer (and the garbage collections it triggers) per read.
 */
export function writeBorrowed(stream: Writable, buf: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (!scratchUsable(stream, length)) return stream.write(Buffer.from(buf.subarray(start, end)));
  buf.copy(scratch, 0, start, end);
  return writeScratch(stream, length);
}

/** Writes the head in `builder` (then `tail[start, end)`, which may be borrowed) the same way, in one write. */
export function writeHead(stream: Writable, builder: HeadBuilder, tail?: Buffer, start = 0, end = 0): boolean {
  const length = builder.size + (tail === undefined ? 0 : end - start);
  if (!scratchUsable(stream, length)) return stream.write(builder.build(tail, start, end));
  builder.buildInto(scratch, tail, start, end);
  return writeScratch(stream, length);
}

function writeScratch(stream: Writable, length: number): boolean {
  const writable = writeToSocket(stream, scratch.subarray(0, length));
  if (lastWriteKept()) {
    scratch = Buffer.allocUnsafe(scratchBytes);
    replaced++;
  }
  return writable;
}

/** How many times a stream kept the scratch since the process started. */
export function scratchReplacements(): number {
  return replaced;
}
