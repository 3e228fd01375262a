/** The operator's own counters, in the Prometheus text format (`/metrics`). */
export class OperatorMetrics {
  /** 1 while this replica leads (or runs without election). */
  leader = 0;
  reconciles = { ok: 0, invalid: 0, error: 0 };
  /** Mutating API requests by verb, whatever their answer: the "no write when nothing differs" measure. */
  readonly writes = new Map<string, number>();
  queueDepth = () => 0;
  albs = () => 0;

  countWrite(method: string): void {
    this.writes.set(method, (this.writes.get(method) ?? 0) + 1);
  }

  totalWrites(): number {
    let total = 0;
    for (const n of this.writes.values()) total += n;
    return total;
  }

  render(): string {
    const m = process.memoryUsage();
    return (
      [
        '# HELP alb_operator_leader 1 while this replica is the active operator.',
        '# TYPE alb_operator_leader gauge',
        `alb_operator_leader ${this.leader}`,
        '# HELP alb_operator_reconciles_total ALB2 reconciles by result (ok, invalid spec, error retried).',
        '# TYPE alb_operator_reconciles_total counter',
        ...Object.entries(this.reconciles).map(([r, n]) => `alb_operator_reconciles_total{result="${r}"} ${n}`),
        '# HELP alb_operator_api_writes_total Mutating Kubernetes API requests (POST, PUT, PATCH, DELETE).',
        '# TYPE alb_operator_api_writes_total counter',
        ...[...this.writes.entries()].sort().map(([verb, n]) => `alb_operator_api_writes_total{verb="${verb}"} ${n}`),
        '# HELP alb_operator_queue_depth ALB2s waiting to be reconciled.',
        '# TYPE alb_operator_queue_depth gauge',
        `alb_operator_queue_depth ${this.queueDepth()}`,
        '# HELP alb_operator_albs ALB2s this replica knows of.',
        '# TYPE alb_operator_albs gauge',
        `alb_operator_albs ${this.albs()}`,
        '# HELP process_resident_memory_bytes Resident memory of the operator process.',
        '# TYPE process_resident_memory_bytes gauge',
        `process_resident_memory_bytes ${m.rss}`,
        '# HELP nodejs_heap_used_bytes V8 heap in use.',
        '# TYPE nodejs_heap_used_bytes gauge',
        `nodejs_heap_used_bytes ${m.heapUsed}`,
      ].join('\n') + '\n'
    );
  }
}
