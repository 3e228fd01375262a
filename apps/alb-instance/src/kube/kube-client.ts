import { KubeConfig, RequestContext, type HttpMethod } from '@kubernetes/client-node';
import { fetch } from 'undici';

export type KubeResponse = { status: number; json: unknown; text: string };

/**
 * The few Kubernetes API calls the instance makes, as plain HTTP through the kubeconfig's credentials (token,
 * client certificate, CA): list, get, status writes, events. Watches use client-node's Watch.
 */
export class KubeClient {
  readonly config: KubeConfig;
  /**
   * One connection pool for every request. client-node builds a new undici Agent (a new TLS connection) each time
   * it authenticates a request: used per request, that is a handshake per call and idle sockets piling up.
   */
  private dispatcher: unknown = null;

  constructor(config: KubeConfig) {
    this.config = config;
  }

  /** From a kubeconfig file, else in-cluster (service account), else $KUBECONFIG / ~/.kube/config. */
  static load(kubeconfig?: string): KubeClient {
    const config = new KubeConfig();
    if (kubeconfig !== undefined) config.loadFromFile(kubeconfig);
    else config.loadFromDefault();
    return new KubeClient(config);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    signal?: AbortSignal,
  ): Promise<KubeResponse> {
    const cluster = this.config.getCurrentCluster();
    if (cluster === null) throw new Error('the kubeconfig has no current cluster');
    const ctx = new RequestContext(cluster.server + path, method as HttpMethod);
    // Per request: the credentials may change (an in-cluster token is re-read when it rotates).
    await this.config.applySecurityAuthentication(ctx);
    this.dispatcher ??= ctx.getDispatcher();
    const headers: Record<string, string> = { ...ctx.getHeaders(), accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = contentType;
    const response = await fetch(cluster.server + path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      dispatcher: this.dispatcher as never,
      signal: signal ?? AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, json, text };
  }
}

/** An API error with the server's status and message, for logs. */
export class KubeApiError extends Error {
  readonly status: number;

  constructor(status: number, path: string, text: string) {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      /* not JSON */
    }
    super(`${status} from ${path}: ${message}`);
    this.status = status;
  }
}
