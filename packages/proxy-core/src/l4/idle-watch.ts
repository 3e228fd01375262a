/**
 * Idle detection without reading the clock per chunk or datagram: the data path adds to `moved`, and the engine's
 * sweeper (every 100 ms) notices when it stopped changing. Precise to one sweep interval, as every timeout here.
 */
export class IdleWatch {
  /** Bytes moved either way; only its changes matter. */
  moved = 0;
  private movedAtSweep = -1;
  private quietSince: number;

  constructor(now: number) {
    this.quietSince = now;
  }

  /** Whether nothing moved for longer than `idleMs` (called by the sweeper). */
  expired(now: number, idleMs: number): boolean {
    if (this.moved !== this.movedAtSweep) {
      this.movedAtSweep = this.moved;
      this.quietSince = now;
      return false;
    }
    return now - this.quietSince > idleMs;
  }
}
