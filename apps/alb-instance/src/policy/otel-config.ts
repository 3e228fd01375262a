import type { OtelConfig } from '@alb/crd-types';
import type { TracingConfig, TracingSampler } from '@alb/proxy-core';
import type { Diagnostic } from '../diagnostics.ts';

type Report = (severity: Diagnostic['severity'], field: string, message: string) => void;

/**
 * The `otel` of a Rule, its Frontend and the ALB2 as the route's tracing: ALB merges them as JSON merge patches,
 * ALB2 < Frontend < Rule, and traces when the result has `enable: true`. A setting that cannot be used is
 * reported; a bad sampler leaves the route untraced (tracing protects nothing, so the traffic is served).
 */
export function tracingFor(levels: Array<OtelConfig | undefined>, report: Report): TracingConfig | null {
  let merged: Record<string, unknown> = {};
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i];
    if (level !== undefined) merged = mergePatch(merged, level as Record<string, unknown>);
  }
  const otel = merged as OtelConfig;
  if (otel.enable !== true) return null;
  const at = 'spec.config.otel';
  const sampler = samplerOf(otel.sampler, (field, message) =>
    report('error', `${at}.sampler${field}`, `${message}; the route is served untraced`),
  );
  if (sampler === null) return null;

  let collector: string | null = null;
  const address = otel.exporter?.collector?.address;
  if (address === undefined || address === '') {
    report(
      'warning',
      `${at}.exporter.collector.address`,
      'no collector: traceparent propagates, spans are not exported',
    );
  } else {
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `http://${address}`;
    if (!/^https?:\/\/[^\s/?#]+/i.test(url) || !URL.canParse(url))
      report(
        'warning',
        `${at}.exporter.collector.address`,
        `not an http(s) address: ${JSON.stringify(address)}; spans are not exported`,
      );
    else collector = url;
  }
  const flags = otel.flags ?? {};
  if (flags.report_http_request_header || flags.report_http_reqeust_header || flags.report_http_response_header)
    report('warning', `${at}.flags`, 'recording HTTP headers in spans is not supported; spans carry no headers');
  const tracing: TracingConfig = { collector, sampler };
  if (flags.notrust_incoming_span === true) tracing.trustIncoming = false;
  if (flags.hide_upstream_attrs === true) tracing.hideUpstreamAttributes = true;
  if (otel.resource !== undefined) tracing.resource = { ...otel.resource };
  const batch = otel.exporter?.batch_span_processor;
  if (batch?.max_queue_size !== undefined) tracing.maxQueueSize = batch.max_queue_size;
  if (batch?.inactive_timeout !== undefined) tracing.exportDelayMs = batch.inactive_timeout * 1000;
  const timeout = otel.exporter?.collector?.request_timeout;
  if (timeout !== undefined) tracing.exportTimeoutMs = timeout * 1000;
  return tracing;
}

type RootSampler = Extract<TracingSampler, { name: 'parent_base' }>['root'];

function samplerOf(
  sampler: OtelConfig['sampler'],
  fail: (field: string, message: string) => void,
): TracingSampler | null {
  const name = sampler?.name ?? 'always_on';
  if (name === 'parent_base') {
    const root = rootSampler(sampler?.options?.parent_name ?? 'always_on', sampler?.options?.fraction, fail);
    return root === null ? null : { name: 'parent_base', root };
  }
  return rootSampler(name, sampler?.options?.fraction, fail);
}

function rootSampler(
  name: string,
  fraction: string | undefined,
  fail: (field: string, message: string) => void,
): RootSampler | null {
  if (name === 'always_on' || name === 'always_off') return { name };
  if (name !== 'trace_id_ratio') {
    fail('.options.parent_name', `must be always_on, always_off or trace_id_ratio, got ${JSON.stringify(name)}`);
    return null;
  }
  const ratio = fraction === undefined ? NaN : Number(fraction);
  if (!(ratio >= 0 && ratio <= 1)) {
    fail('.options.fraction', `must be a number from 0 to 1 (as a string), got ${JSON.stringify(fraction)}`);
    return null;
  }
  return { name: 'trace_id_ratio', fraction: ratio };
}

/** RFC 7386 JSON merge patch: objects merge key by key, null removes, anything else replaces. */
function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value) && isObject(out[key]))
      out[key] = mergePatch(out[key] as Record<string, unknown>, value as Record<string, unknown>);
    else out[key] = isObject(value) ? mergePatch({}, value as Record<string, unknown>) : value;
  }
  return out;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
