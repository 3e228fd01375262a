import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { TestEnv } from './test-env.ts';

/** How to reach an API server: a TestEnv fits. */
export type KubeTarget = Pick<
  TestEnv,
  'server' | 'token' | 'caData' | 'insecureSkipTlsVerify' | 'clientCertData' | 'clientKeyData'
>;

export type KubeRequest = {
  method?: string;
  /** e.g. `/api/v1/namespaces`. */
  path: string;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  /** Bearer token; default the target's (the admin's); null sends none (an anonymous request). */
  token?: string | null;
  /** Default `application/json` when there is a body (use `application/merge-patch+json` etc. for PATCH). */
  contentType?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
};

export type KubeResponse = { status: number; headers: IncomingHttpHeaders; text: string; json: unknown };

/**
 * One HTTPS request to the API server, trusting its CA. Node's global fetch cannot take a custom CA per call,
 * hence node:https. No keep-alive: nothing lingers to hold the event loop or a stopped server's port.
 */
export function kubeRequest(target: KubeTarget, req: KubeRequest): Promise<KubeResponse> {
  const url = new URL(req.path, target.server);
  const token = req.token === undefined ? target.token : req.token;
  const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) {
    headers['content-type'] = req.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const decode = (data: string | undefined) => (data ? Buffer.from(data, 'base64') : undefined);
  return new Promise((resolve, reject) => {
    const r = httpsRequest(
      url,
      {
        method: req.method ?? 'GET',
        headers,
        agent: false,
        ca: decode(target.caData),
        cert: decode(target.clientCertData),
        key: decode(target.clientKeyData),
        rejectUnauthorized: !target.insecureSkipTlsVerify,
        timeout: req.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON (e.g. /readyz says "ok")
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`request to ${url.href} timed out`)));
    r.on('error', reject);
    r.end(body);
  });
}
