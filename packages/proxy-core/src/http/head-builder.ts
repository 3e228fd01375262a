import { fieldValueBytes, isFieldName } from './head-bytes.ts';

/**
 * Assembles an outgoing head as one Buffer: lines copied byte for byte from an incoming head (which the strict
 * parser accepted), generated lines, and optionally the first body bytes, so a small exchange costs one write
 * system call. One builder is reused for every head (building is synchronous), so assembling allocates only the
 * result; consecutive generated text is joined into one string, so it is copied in one step.
 *
 * This is the choke point for bytes into a head: a generated header line goes through `field`, which writes
 * nothing for a name that is not a token or a value that would carry CR, LF, NUL or another control byte.
 * `text` is for the protocol's own framing (status line, CRLFs, chunk sizes) built from checked parts.
 */
export class HeadBuilder {
  private readonly sources: Array<Buffer | string> = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private length = 0;
  private pending = '';

  reset(): this {
    this.sources.length = 0;
    this.starts.length = 0;
    this.ends.length = 0;
    this.length = 0;
    this.pending = '';
    return this;
  }

  /** Protocol text built by the proxy from checked parts (latin1). */
  text(value: string): this {
    this.pending += value;
    return this;
  }

  /**
   * A header line `name: value`; false (and nothing written) when the name is not a token or the value would
   * carry CR, LF, NUL or another control byte.
   */
  field(name: string, value: string): boolean {
    const bytes = fieldValueBytes(value);
    if (bytes === null || !isFieldName(name)) return false;
    this.pending += `${name}: ${bytes}\r\n`;
    return true;
  }

  /** Bytes of a head the strict parser accepted (a field line, a reason phrase), copied as they are. */
  bytes(source: Buffer, start: number, end: number): this {
    this.flushText();
    this.sources.push(source);
    this.starts.push(start);
    this.ends.push(end);
    this.length += end - start;
    return this;
  }

  /** The assembled head, followed by `tail[start, end)` when given. */
  build(tail?: Buffer, tailStart = 0, tailEnd = tail?.length ?? 0): Buffer {
    this.flushText();
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

  private flushText(): void {
    const text = this.pending;
    if (text === '') return;
    this.pending = '';
    this.sources.push(text);
    this.starts.push(0);
    this.ends.push(text.length);
    this.length += text.length;
  }
}

export const headBuilder = new HeadBuilder();
