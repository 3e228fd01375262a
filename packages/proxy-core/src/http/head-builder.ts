import { fieldLine } from './head-bytes.ts';

/**
 * Assembles an outgoing head as one Buffer: lines copied byte for byte from an incoming head (which the strict
 * parser accepted), generated lines, and optionally the first body bytes, so a small exchange costs one write
 * system call. One builder is reused for every head (building is synchronous), so assembling allocates only the
 * result.
 *
 * Bytes into a head: a generated header line goes through `field` (or is made by `fieldLine`, the one check),
 * which writes nothing for a name that is not a token or a value that would carry CR, LF, NUL or another control
 * byte. `text` is for the protocol's own framing (status line, CRLFs, chunk sizes) and for lines built from
 * checked parts.
 */
export class HeadBuilder {
  // Pieces live in slots [0, count): the arrays are never shrunk, so reuse neither resizes nor reallocates them
  // (setting an array's length is a runtime call in V8, and growing it again a copy).
  private readonly sources: Array<Buffer | string> = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private count = 0;
  private length = 0;

  reset(): this {
    // Slots past `count` keep their last pieces until overwritten; `build` drops Buffer references (see there).
    this.count = 0;
    this.length = 0;
    return this;
  }

  private piece(source: Buffer | string, start: number, end: number): void {
    const i = this.count++;
    this.sources[i] = source;
    this.starts[i] = start;
    this.ends[i] = end;
    this.length += end - start;
  }

  /** Protocol text built by the proxy from checked parts (latin1). */
  text(value: string): this {
    this.piece(value, 0, value.length);
    return this;
  }

  /**
   * A header line `name: value`; false (and nothing written) when the name is not a token or the value would
   * carry CR, LF, NUL or another control byte.
   */
  field(name: string, value: string): boolean {
    const line = fieldLine(name, value);
    if (line === null) return false;
    this.text(line);
    return true;
  }

  /**
   * Bytes of a head the strict parser accepted (a field line, a reason phrase), copied as they are. Bytes that
   * continue the previous piece (the next kept field line) extend it: one copy for a run of kept lines.
   */
  bytes(source: Buffer, start: number, end: number): this {
    const last = this.count - 1;
    if (last >= 0 && this.ends[last] === start && this.sources[last] === source) {
      this.ends[last] = end;
      this.length += end - start;
      return this;
    }
    this.piece(source, start, end);
    return this;
  }

  /** Bytes of the assembled head so far. */
  get size(): number {
    return this.length;
  }

  /** The assembled head, followed by `tail[start, end)` when given. */
  build(tail?: Buffer, tailStart = 0, tailEnd = tail?.length ?? 0): Buffer {
    const out = Buffer.allocUnsafe(this.length + (tail === undefined ? 0 : tailEnd - tailStart));
    this.buildInto(out, tail, tailStart, tailEnd);
    return out;
  }

  /**
   * Writes the assembled head (then `tail[start, end)`) into `out` from offset 0 and returns the byte count; `out`
   * must hold `size` plus the tail.
   */
  buildInto(out: Buffer, tail?: Buffer, tailStart = 0, tailEnd = tail?.length ?? 0): number {
    let at = 0;
    const sources = this.sources;
    for (let i = 0; i < this.count; i++) {
      const source = sources[i]!;
      if (typeof source === 'string') {
        if (source.length <= shortText) {
          // A CRLF or a status line start: a loop is cheaper than a call into C++ for a few bytes.
          for (let c = 0; c < source.length; c++) out[at + c] = source.charCodeAt(c);
          at += source.length;
        } else at += out.write(source, at, 'latin1');
      } else {
        at += source.copy(out, at, this.starts[i], this.ends[i]);
        sources[i] = ''; // a kept reference would hold a client's or upstream's buffer alive until overwritten
      }
    }
    if (tail !== undefined) at += tail.copy(out, at, tailStart, tailEnd);
    this.reset();
    return at;
  }
}

/** Texts up to this length are copied by a loop (text pieces are latin1: every code unit is one byte). */
const shortText = 16;

export const headBuilder = new HeadBuilder();
