export { albBenchConfig, ruleName } from './alb-bench-config.ts';
export type { AlbBenchConfigInput } from './alb-bench-config.ts';
export { albRouting } from './alb-routing.ts';
export type { AlbRouting } from './alb-routing.ts';
export { versionToken } from './ensure-tools.ts';
export { BenchError, errorCodes } from './errors.ts';
export type { BenchErrorCode } from './errors.ts';
export { renderHaproxyConfig } from './haproxy-config.ts';
export type { HaproxyInput } from './haproxy-config.ts';
export { planInstall, requiredTools } from './install-plan.ts';
export type { InstallPlan, ToolName } from './install-plan.ts';
export { quote, renderNginxBackendConfig, renderNginxProxyConfig } from './nginx-config.ts';
export type { NginxBackendInput, NginxProxyInput } from './nginx-config.ts';
export { parseOptions, usage } from './options.ts';
export type { BenchOptions } from './options.ts';
export {
  formatMs,
  formatRatio,
  formatRps,
  formatRss,
  renderProfile,
  renderReport,
  renderRuleTable,
  renderTable,
  ruleTableTargets,
} from './report.ts';
export { hostUrlRules } from './rule-table-probe.ts';
export type { RuleTableProbe } from './rule-table-probe.ts';
export { cpuTicksOf, groupPids, processGroupOf, ticksPerSecond, vmRssKiB } from './rss.ts';
export { schedule } from './schedule.ts';
export type { Slot } from './schedule.ts';
export { median, ratio } from './stats.ts';
export { nginxReferenceOf, summarize } from './summarize.ts';
export type { RunRecord, Summary, SummaryRow, TargetCheck } from './summarize.ts';
export { wrkArgs } from './run-wrk.ts';
export { parseWrkOutput } from './wrk-output.ts';
export type { WrkResult } from './wrk-output.ts';
export {
  albProxies,
  bigBodySize,
  bodies,
  largeRuleCount,
  matchedRule,
  multiWorkerPairs,
  nginxProxies,
  nodePeers,
  profiledProxies,
  proxyNames,
  ruleCount,
  tinyBody,
} from './workload.ts';
export type { BodyKind, BodySpec, ProxyName } from './workload.ts';
export { parseStraceSummary, perRequest, profileSyscalls } from './syscall-profile.ts';
export type { SyscallProfile } from './syscall-profile.ts';
export { configBurstTargetMiB, probeConfigBurst, renderConfigBurst } from './config-burst-probe.ts';
export type { ConfigBurstProbe } from './config-burst-probe.ts';
