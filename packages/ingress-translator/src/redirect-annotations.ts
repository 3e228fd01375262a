// Redirect annotations -> Rule `spec.config.redirect` (Alauda ALB: pkg/controller/ext/redirect), with
// `redirect-code` honoured.
import type { RedirectConfig } from '@alb/crd-types';
import type { AnnotationContext } from './annotation-context.ts';
import { readSetting, readText } from './annotation-context.ts';
import { parseBool, parsePort, parseRedirectCode } from './annotation-values.ts';
import { annotationField } from './diagnostics.ts';
import { diagnosticCodes } from './errors.ts';

/**
 * The redirect of a path, or undefined. `temporal-redirect` (302) wins over `permanent-redirect` (301); their
 * `-code` annotations set their codes. `force-ssl-redirect: "true"`, or `ssl-redirect: "true"` on a host with TLS,
 * sets the scheme to https (308). `redirect-code` is the code of any redirect whose own code is not set. Hosts,
 * ports and prefix rewrites combine with all of them.
 */
export function redirectFromAnnotations(ctx: AnnotationContext, hostHasTls: boolean): RedirectConfig | undefined {
  const permanent = readText(ctx, 'permanent-redirect');
  const temporal = readText(ctx, 'temporal-redirect');
  const code = readSetting(ctx, 'redirect-code', parseRedirectCode);
  const out: RedirectConfig = {};
  if (temporal !== undefined) {
    if (permanent !== undefined) {
      const key = ctx.ann.get('permanent-redirect', ctx.r, ctx.p)!.key;
      ctx.report(
        'warning',
        diagnosticCodes.annotationConflict,
        annotationField(key),
        'permanent-redirect and temporal-redirect are both set; temporal-redirect wins',
      );
    }
    out.url = temporal;
    out.code = readSetting(ctx, 'temporal-redirect-code', parseRedirectCode) ?? code ?? 302;
  } else if (permanent !== undefined) {
    out.url = permanent;
    out.code = readSetting(ctx, 'permanent-redirect-code', parseRedirectCode) ?? code ?? 301;
  }
  const force = readSetting(ctx, 'force-ssl-redirect', parseBool);
  const ssl = readSetting(ctx, 'ssl-redirect', parseBool);
  if (force === true || (ssl === true && hostHasTls)) {
    out.scheme = 'https';
    out.code ??= code ?? 308;
  }
  const host = readText(ctx, 'redirect-host');
  if (host !== undefined) out.host = host;
  const port = readSetting(ctx, 'redirect-port', parsePort);
  if (port !== undefined) out.port = port;
  const prefixMatch = readText(ctx, 'redirect-prefix-match');
  if (prefixMatch !== undefined) out.prefix_match = prefixMatch;
  const replacePrefix = readText(ctx, 'redirect-replace-prefix');
  if (replacePrefix !== undefined) out.replace_prefix = replacePrefix;

  const { code: _code, ...target } = out;
  if (Object.keys(target).length === 0) return undefined;
  if (out.code === undefined && code !== undefined) out.code = code;
  return sorted(out);
}

/** ALB drops a redirect that only upgrades to https on the https Frontend itself (it would loop). */
export function onlyUpgradesToHttps(redirect: RedirectConfig, ftPort: number): boolean {
  return (
    redirect.scheme === 'https' &&
    redirect.url === undefined &&
    redirect.host === undefined &&
    redirect.prefix_match === undefined &&
    redirect.replace_prefix === undefined &&
    (redirect.port === undefined || redirect.port === ftPort)
  );
}

/** Whether the path redirects http to https (it then needs a Rule on the http Frontend even when its host has TLS). */
export function redirectsToHttps(redirect: RedirectConfig | undefined): boolean {
  return redirect?.scheme === 'https';
}

const order = ['code', 'url', 'scheme', 'host', 'port', 'prefix_match', 'replace_prefix'] as const;

function sorted(redirect: RedirectConfig): RedirectConfig {
  const out: Record<string, unknown> = {};
  for (const key of order) if (redirect[key] !== undefined) out[key] = redirect[key];
  return out as RedirectConfig;
}
