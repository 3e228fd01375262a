import type { KubeObject } from '../objects/kube-object.ts';
import type { KubeClient } from './kube-client.ts';

/** A Warning Event on `object` (core/v1 Events: what `kubectl describe` shows). Resolves to whether it was recorded. */
export async function recordWarningEvent(
  client: KubeClient,
  object: KubeObject,
  reason: string,
  message: string,
  component: string,
): Promise<boolean> {
  const namespace = object.metadata.namespace ?? 'default';
  const now = new Date().toISOString();
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: `${object.metadata.name}.`, namespace },
    involvedObject: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
    },
    reason,
    // The API server refuses longer messages.
    message: message.slice(0, 1024),
    type: 'Warning',
    source: { component },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    reportingComponent: component,
  };
  const response = await client.request('POST', `/api/v1/namespaces/${namespace}/events`, event);
  return response.status === 201;
}
