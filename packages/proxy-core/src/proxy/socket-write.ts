import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { getSystemErrorName } from 'node:util';
import { TLSSocket } from 'node:tls';

/**
 * Writes to a plain TCP socket straight through its libuv handle, skipping the Writable machinery (its state
 * checks, a new native write request object per write, the completion bookkeeping): about a quarter of a
 * microsecond per write, and a small proxied exchange makes two. It is what `socket.write` does underneath, minus
 * the layers that only matter when bytes have to wait.
 *
 * Taken only when nothing can be out of order or unaccounted: a connected plain socket (TLS excluded: its writes
 * are encrypted and always complete later), not ending or destroyed, with nothing queued in the Writable or in
 * libuv. The kernel usually takes the bytes at once; then the request object is reused. When it cannot (the peer
 * is slow), libuv keeps the buffer and writes it when it can: the call answers false (backpressure, as a full
 * Writable would), and the socket emits 'drain' once those bytes are out; later writes go through `write` (which
 * libuv orders behind them) until then. A failed write destroys the socket with the error, as `write` does.
 * Everything else (and a Node without the binding) goes through `socket.write`.
 */

/** Node's stream binding: the native write request type and where the last write reported its outcome. */
type StreamBinding = {
  WriteWrap: new () => WriteRequest;
  streamBaseState: Int32Array;
  kLastWriteWasAsync: number;
};

type WriteRequest = {
  handle: StreamHandle | null;
  socket: Socket | null;
  buffer: Buffer | null;
  oncomplete: ((this: WriteRequest, status: number) => void) | null;
};

type StreamHandle = {
  writeBuffer(req: WriteRequest, data: Buffer): number;
  readonly writeQueueSize: number;
};

const binding = loadBinding();

/** The request object for the next write; replaced when libuv keeps one for a write it finishes later. */
let request: WriteRequest | null = binding === null ? null : newRequest(binding);
/** Whether the last `writeToSocket` left its buffer queued (with libuv or the stream): see `lastWriteKept`. */
let kept = false;
/** Writes that went straight to a handle since the process started (for tests: the fast path is taken). */
let direct = 0;

/**
 * Writes `data` to `stream`; answers what `stream.write` would: false when the caller should wait for 'drain'.
 */
export function writeToSocket(stream: Writable, data: Buffer): boolean {
  const handle = directHandle(stream);
  if (handle === null || request === null) {
    const writable = stream.write(data);
    kept = stream.writableLength !== 0;
    return writable;
  }
  const req = request;
  direct++;
  const status = handle.writeBuffer(req, data);
  if (status !== 0) {
    kept = false;
    stream.destroy(writeError(status));
    return false;
  }
  kept = binding!.streamBaseState[binding!.kLastWriteWasAsync] !== 0;
  if (!kept) return true;
  // libuv holds `data` (and this request) until the bytes are out: both belong to that write now.
  req.handle = handle;
  req.socket = stream as Socket;
  req.buffer = data;
  req.oncomplete = onLaterWriteDone;
  request = newRequest(binding!);
  return false;
}

/**
 * Whether the buffer given to the last `writeToSocket` is still queued (so it must not be reused yet); false when
 * the kernel took its bytes during the call.
 */
export function lastWriteKept(): boolean {
  return kept;
}

/** How many writes went straight to a socket's handle since the process started. */
export function directWrites(): number {
  return direct;
}

function onLaterWriteDone(this: WriteRequest, status: number): void {
  const socket = this.socket!;
  this.handle = null;
  this.socket = null;
  this.buffer = null;
  if (socket.destroyed) return;
  if (status < 0) socket.destroy(writeError(status));
  else socket.emit('drain');
}

/** The handle to write to directly, or null when the write must go through the stream. */
function directHandle(stream: Writable): StreamHandle | null {
  if (!(stream instanceof Socket) || stream instanceof TLSSocket) return null;
  if (stream.writableLength !== 0 || stream.connecting || stream.destroyed || stream.writableEnded) return null;
  if (stream.writableCorked !== 0) return null;
  const handle = (stream as unknown as { _handle: StreamHandle | null })._handle;
  if (handle === null || typeof handle.writeBuffer !== 'function' || handle.writeQueueSize !== 0) return null;
  return handle;
}

function newRequest(b: StreamBinding): WriteRequest {
  const req = new b.WriteWrap();
  req.handle = null;
  req.socket = null;
  req.buffer = null;
  req.oncomplete = null;
  return req;
}

function writeError(status: number): NodeJS.ErrnoException {
  let code: string;
  try {
    code = getSystemErrorName(status);
  } catch {
    code = `E${-status}`;
  }
  const error: NodeJS.ErrnoException = new Error(`write ${code}`);
  error.code = code;
  error.errno = status;
  error.syscall = 'write';
  return error;
}

/** Node's internal stream binding when this Node still offers it (`process.binding`, deprecated but kept). */
function loadBinding(): StreamBinding | null {
  try {
    const b = (process as unknown as { binding(name: string): Partial<StreamBinding> }).binding('stream_wrap');
    if (
      typeof b.WriteWrap === 'function' &&
      b.streamBaseState instanceof Int32Array &&
      typeof b.kLastWriteWasAsync === 'number'
    )
      return b as StreamBinding;
  } catch {
    // Not available: every write goes through the stream.
  }
  return null;
}
