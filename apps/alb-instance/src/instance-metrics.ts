/** Counters of the instance itself (the data plane renders its own), in the Prometheus text format. */
export class InstanceMetrics {
  applies = 0;
  applyErrors = 0;
  lastApplySeconds = 0;
  rebuilds = 0;
  objects = 0;
  rules = 0;
  diagnostics = { error: 0, warning: 0 };
  /** 1 while this instance holds the ALB's Lease (kube mode). */
  leader = 0;
  /** Memory-reducing GCs run once config changes settled. */
  memoryTrims = 0;
  /** 1 when /readyz answers 200. */
  ready = 0;
  /** Directories and files of the source that cannot be read now (file mode). */
  sourceFailures = 0;
  /** Ports of the config that could not be opened (retried with backoff). */
  listenFailures = 0;
  /** Rebuilds that threw (the last good config kept serving). */
  rebuildErrors = 0;
  /** Errors in housekeeping (memory trimming, process figures): counted, never fatal. */
  housekeepingErrors = 0;

  render(): string {
    return (
      [
        '# HELP alb_config_applies_total Configs applied to the data plane.',
        '# TYPE alb_config_applies_total counter',
        `alb_config_applies_total ${this.applies}`,
        '# HELP alb_config_apply_errors_total Configs the data plane refused (the previous one kept serving).',
        '# TYPE alb_config_apply_errors_total counter',
        `alb_config_apply_errors_total ${this.applyErrors}`,
        '# HELP alb_config_last_apply_timestamp_seconds When the current config was applied.',
        '# TYPE alb_config_last_apply_timestamp_seconds gauge',
        `alb_config_last_apply_timestamp_seconds ${this.lastApplySeconds}`,
        '# HELP alb_config_rebuilds_total Rebuilds of the config from the objects (applied or unchanged).',
        '# TYPE alb_config_rebuilds_total counter',
        `alb_config_rebuilds_total ${this.rebuilds}`,
        '# HELP alb_objects Objects known to the instance.',
        '# TYPE alb_objects gauge',
        `alb_objects ${this.objects}`,
        '# HELP alb_config_rules Rules in the config being served.',
        '# TYPE alb_config_rules gauge',
        `alb_config_rules ${this.rules}`,
        '# HELP alb_config_diagnostics Problems found in the objects at the last rebuild.',
        '# TYPE alb_config_diagnostics gauge',
        `alb_config_diagnostics{severity="error"} ${this.diagnostics.error}`,
        `alb_config_diagnostics{severity="warning"} ${this.diagnostics.warning}`,
        '# HELP alb_leader 1 while this instance is the leader of its ALB (kube mode).',
        '# TYPE alb_leader gauge',
        `alb_leader ${this.leader}`,
        '# HELP alb_memory_trims_total Memory-reducing GCs run after config changes settled.',
        '# TYPE alb_memory_trims_total counter',
        `alb_memory_trims_total ${this.memoryTrims}`,
        '# HELP alb_ready 1 when the instance is ready (/readyz answers 200).',
        '# TYPE alb_ready gauge',
        `alb_ready ${this.ready}`,
        '# HELP alb_source_failures Directories and files of the source that cannot be read now.',
        '# TYPE alb_source_failures gauge',
        `alb_source_failures ${this.sourceFailures}`,
        '# HELP alb_listen_failures Ports of the config that could not be opened (retried).',
        '# TYPE alb_listen_failures gauge',
        `alb_listen_failures ${this.listenFailures}`,
        '# HELP alb_config_rebuild_errors_total Rebuilds that failed (the last good config kept serving).',
        '# TYPE alb_config_rebuild_errors_total counter',
        `alb_config_rebuild_errors_total ${this.rebuildErrors}`,
        '# HELP alb_housekeeping_errors_total Errors in housekeeping (memory trimming, process figures).',
        '# TYPE alb_housekeeping_errors_total counter',
        `alb_housekeeping_errors_total ${this.housekeepingErrors}`,
        ...this.processMetrics(),
      ].join('\n') + '\n'
    );
  }

  /** The control process's memory (data-plane worker processes are not included); none when unreadable. */
  private processMetrics(): string[] {
    let m: NodeJS.MemoryUsage;
    try {
      m = process.memoryUsage();
    } catch {
      // EMFILE: /proc cannot be opened while descriptors are exhausted.
      this.housekeepingErrors++;
      return [];
    }
    return [
      '# HELP process_resident_memory_bytes Resident memory of the instance process.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${m.rss}`,
      '# HELP nodejs_heap_used_bytes V8 heap in use.',
      '# TYPE nodejs_heap_used_bytes gauge',
      `nodejs_heap_used_bytes ${m.heapUsed}`,
      '# HELP nodejs_heap_total_bytes V8 heap reserved.',
      '# TYPE nodejs_heap_total_bytes gauge',
      `nodejs_heap_total_bytes ${m.heapTotal}`,
      '# HELP nodejs_external_memory_bytes Memory of Buffers and other objects outside the V8 heap.',
      '# TYPE nodejs_external_memory_bytes gauge',
      `nodejs_external_memory_bytes ${m.external}`,
    ];
  }
}
