import { KubeConfig, RequestContext, type HttpMethod } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { KubeApiError } from '../errors.ts';
import type { KubeObject } from './kube-object.ts';

export type ApiResponse = { status: number; json: unknown; text: string };

/** Every mutating request (POST, PUT, PATCH, DELETE), for the write metric. */
export type WriteListener = (method: string, path: string, status: number) => void;

/**
 * The operator's API calls, as plain JSON over HTTP with the kubeconfig's credentials (client-node's KubeConfig
 * does auth and TLS; its typed clients would turn objects into classes). Server-side apply is a PATCH with
 * `application/apply-patch+yaml` (JSON is YAML) and our field manager.
 */
export class KubeApi {
  readonly config: KubeConfig;
  private readonly onWrite: WriteListener;
  /**
   * One connection pool for every request. client-node builds a new undici Agent (so a new TLS connection) each
   * time it authenticates a request; kept per request, that is a handshake per call and sockets piling up.
   */
  private dispatcher: unknown = null;

  constructor(config: KubeConfig, onWrite: WriteListener = () => {}) {
    this.config = config;
    this.onWrite = onWrite;
  }

  /** From a kubeconfig file, else in-cluster (service account), else $KUBECONFIG / ~/.kube/config. */
  static load(kubeconfig: string | undefined, onWrite?: WriteListener): KubeApi {
    const config = new KubeConfig();
    if (kubeconfig !== undefined) config.loadFromFile(kubeconfig);
    else config.loadFromDefault();
    return new KubeApi(config, onWrite);
  }

  /** One request; resolves whatever the status (callers decide), rejects only when no answer came. */
  async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    signal?: AbortSignal,
  ): Promise<ApiResponse> {
    const cluster = this.config.getCurrentCluster();
    if (cluster === null) throw new KubeApiError(0, method, path, 'the kubeconfig has no current cluster');
    const ctx = new RequestContext(cluster.server + path, method as HttpMethod);
    // Per request: the credentials may change (an in-cluster token is re-read when it rotates).
    await this.config.applySecurityAuthentication(ctx);
    this.dispatcher ??= ctx.getDispatcher();
    const headers: Record<string, string> = { ...ctx.getHeaders(), accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = contentType;
    let response;
    try {
      response = await fetch(cluster.server + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.dispatcher as never,
        signal: signal ?? AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new KubeApiError(0, method, path, String((error as Error).message ?? error), { cause: error });
    }
    const text = await response.text();
    if (method !== 'GET') this.onWrite(method, path, response.status);
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, json, text };
  }

  /** The object, or null when it does not exist. */
  async get(path: string, signal?: AbortSignal): Promise<KubeObject | null> {
    const response = await this.request('GET', path, undefined, undefined, signal);
    if (response.status === 404) return null;
    if (response.status !== 200) throw new KubeApiError(response.status, 'GET', path, response.text);
    return response.json as KubeObject;
  }

  async list(path: string, labelSelector?: string): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const query = labelSelector === undefined ? '' : `?labelSelector=${encodeURIComponent(labelSelector)}`;
    const response = await this.request('GET', `${path}${query}`);
    if (response.status !== 200) throw new KubeApiError(response.status, 'GET', path, response.text);
    const list = response.json as { items?: KubeObject[]; metadata?: { resourceVersion?: string } };
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  /** Server-side apply of `body` at `path` (an object or its `/status`), taking over conflicting fields. */
  async apply(path: string, body: KubeObject, fieldManager: string, signal?: AbortSignal): Promise<KubeObject> {
    const query = `?fieldManager=${encodeURIComponent(fieldManager)}&force=true`;
    const response = await this.request('PATCH', `${path}${query}`, body, 'application/apply-patch+yaml', signal);
    if (response.status !== 200 && response.status !== 201)
      throw new KubeApiError(response.status, 'PATCH', path, response.text);
    return response.json as KubeObject;
  }

  /** Deletes; resolves false when it was already gone. Dependents are deleted in the background. */
  async delete(path: string, signal?: AbortSignal): Promise<boolean> {
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' };
    const response = await this.request('DELETE', path, body, undefined, signal);
    if (response.status === 404) return false;
    if (response.status !== 200 && response.status !== 202)
      throw new KubeApiError(response.status, 'DELETE', path, response.text);
    return true;
  }

  async create(path: string, body: unknown, signal?: AbortSignal): Promise<KubeObject> {
    const response = await this.request('POST', path, body, undefined, signal);
    if (response.status !== 201 && response.status !== 200)
      throw new KubeApiError(response.status, 'POST', path, response.text);
    return response.json as KubeObject;
  }
}
