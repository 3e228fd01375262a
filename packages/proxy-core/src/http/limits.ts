/** Limits on what a client may send before the proxy gives up on it (all bounded: no unbounded memory). */
export type HttpLimits = {
  /** Longest request-target; longer gets 414. nginx: 8 KiB (large_client_header_buffers). */
  maxTargetBytes: number;
  /** Largest request head (request line + headers); larger gets 431. */
  maxHeadBytes: number;
  /** Most header fields in one head; more gets 431. */
  maxHeaderCount: number;
  /** Longest chunk-size line including extensions; longer is a framing error (400). */
  maxChunkLineBytes: number;
  /** Largest trailer section of a chunked body. */
  maxTrailerBytes: number;
};

export const defaultLimits: HttpLimits = {
  maxTargetBytes: 8 * 1024,
  maxHeadBytes: 32 * 1024,
  maxHeaderCount: 128,
  maxChunkLineBytes: 4 * 1024,
  maxTrailerBytes: 8 * 1024,
};
