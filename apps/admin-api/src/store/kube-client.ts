import { KubeConfig, RequestContext, type HttpMethod } from '@kubernetes/client-node';
import { fetch, type Dispatcher } from 'undici';

export type KubeResponse = { status: number; json: unknown; text: string };

/**
 * Plain HTTP to the API server with the kubeconfig's credentials. Headers (tokens, which may rotate) are asked of
 * the kubeconfig on every call; the TLS agent is built once and kept, so connections are reused (client-node's
 * generated clients build a new agent, hence a new TLS connection, per request).
 */
export class KubeClient {
  readonly config: KubeConfig;
  private dispatcher: Dispatcher | undefined | null = null;

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

  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> {
    const cluster = this.config.getCurrentCluster();
    if (cluster === null) throw new Error('the kubeconfig has no current cluster');
    const url = cluster.server + path;
    const ctx = new RequestContext(url, method as HttpMethod);
    await this.config.applySecurityAuthentication(ctx);
    if (this.dispatcher === null) this.dispatcher = ctx.getDispatcher() as Dispatcher | undefined;
    const headers: Record<string, string> = { ...ctx.getHeaders(), accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = contentType;
    const response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: this.dispatcher,
      signal: AbortSignal.timeout(30_000),
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

  async close(): Promise<void> {
    await this.dispatcher?.close();
  }
}

/** An unexpected answer of the API server, with its status and message. */
export class KubeApiError extends Error {
  readonly status: number;

  constructor(status: number, what: string, response: KubeResponse) {
    const message = (response.json as { message?: string } | null)?.message ?? response.text.slice(0, 300);
    super(`${what}: ${status} ${message}`);
    this.status = status;
  }
}
