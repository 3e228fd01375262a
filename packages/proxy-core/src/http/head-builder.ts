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
  private readonly sources: Array<Buffer | string> = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private length = 0;

  reset(): this {
    this.sources.length = 0;
    this.starts.length = 0;
    this.ends.length = 0;
    this.length = 0;
    return this;
  }

  /** Protocol text built by the proxy from checked parts (latin1). */
  text(value: string): this {
    this.sources.push(value);
    this.starts.push(0);
    this.ends.push(value.length);
    this.length += value.length;
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

  /** Bytes of a head the strict parser accepted (a field line, a reason phrase), copied as they are. */
  bytes(source: Buffer, start: number, end: number): this {
    this.sources.push(source);
    this.starts.push(start);
    this.ends.push(end);
    this.length += end - start;
    return this;
  }

  /** The assembled head, followed by `tail[start, end)` when given. */
  build(tail?: Buffer, tailStart = 0, tailEnd = tail?.length ?? 0): Buffer {
    const out = Buffer.allocUnsafe(this.length + (tail === undefined ? 0 : tailEnd - tailStart));
    let at = 0;
    for (let i = 0; i < this.sources.length; i++) {
      const source = this.sources[i]!;
      if (typeof source === 'string') at += out.write(source, at, 'latin1');
      else at += source.copy(out, at, this.starts[i], this.ends[i]);
    }
    if (tail !== undefined) tail.copy(out, at, tailStart, tailEnd);
    this.reset();
    return out;
  }
}

export const headBuilder = new HeadBuilder();
