import type { RequestView } from '@alb/dslx';
import type { RequestHead } from '../http/request-head.ts';

/** What actions may read about a request: its head, the shared view (parsed path/query/cookies) and the client. */
export type RequestContext = {
  head: RequestHead;
  view: RequestView;
  clientIp: string;
  scheme: 'http' | 'https';
  port: number;
};
