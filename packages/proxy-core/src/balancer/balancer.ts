import type { RequestView } from '@alb/dslx';
import type { BalancePolicy } from '../config.ts';
import { isFieldName } from '../http/head-bytes.ts';
import { hashString, mix32, type Endpoint } from './endpoint.ts';

/** What a balancer may look at to choose: the request (for affinity keys) and the resolved client IP. */
export type PickContext = { view: RequestView; clientIp: string };

/** The choice, and the affinity cookie to set when the client had none. */
export type Pick = { endpoint: Endpoint; setCookie: string | null };

/**
 * Chooses an endpoint. Endpoints that failed recently (`isDown`) and `exclude` (the one a retry moves away from)
 * are skipped while any other is available; when every endpoint is down, one is tried anyway: a guess beats a
 * certain error. `pick` returns null only for a group without endpoints (or all of weight 0).
 */
export class Balancer {
  readonly policy: BalancePolicy;
  readonly endpoints: readonly Endpoint[];
  /** The affinity cookie's name as configured (case kept for Set-Cookie). */
  readonly affinityCookieName: string;
  /** Why this group cannot serve (an affinity attribute that is not a token); routes using it are left out. */
  readonly problem: string | null;
  private readonly attribute: string;
  private readonly current: Float64Array;

  constructor(policy: BalancePolicy, endpoints: Endpoint[], attribute: string | null | undefined) {
    this.policy = policy;
    this.endpoints = endpoints.filter((e) => e.weight > 0);
    this.affinityCookieName = attribute || (policy === 'cookie' ? 'JSESSIONID' : '');
    this.attribute = this.affinityCookieName.toLowerCase();
    // The cookie name goes into Set-Cookie; a header name is matched against parsed names: both must be tokens.
    this.problem =
      (policy === 'cookie' || policy === 'header') && attribute && !isFieldName(attribute)
        ? `the backend group's affinityAttribute ${JSON.stringify(attribute)} is not a valid ${policy} name`
        : null;
    this.current = new Float64Array(this.endpoints.length);
  }

  pick(ctx: PickContext, exclude: Endpoint | null, isDown: (e: Endpoint) => boolean): Pick | null {
    if (this.endpoints.length === 0) return null;
    switch (this.policy) {
      case 'sip-hash':
        return this.byHash(ctx.clientIp, exclude, isDown, null);
      case 'header': {
        const value = ctx.view.header(this.attribute);
        return value === undefined ? this.roundRobin(exclude, isDown) : this.byHash(value, exclude, isDown, null);
      }
      case 'cookie': {
        const value = ctx.view.cookie(this.attribute);
        if (value !== undefined && value !== '') return this.byHash(value, exclude, isDown, null);
        const token = newAffinityToken();
        return this.byHash(token, exclude, isDown, token);
      }
      default:
        return this.roundRobin(exclude, isDown);
    }
  }

  /**
   * Smooth weighted round robin (nginx's): every endpoint gains its weight, the richest is chosen and pays the
   * total. Over `total` picks each endpoint is chosen `weight` times, interleaved rather than in bursts.
   */
  private roundRobin(exclude: Endpoint | null, isDown: (e: Endpoint) => boolean): Pick {
    const endpoints = this.endpoints;
    const current = this.current;
    let best = -1;
    let gained = 0;
    for (let pass = 0; pass < 2 && best === -1; pass++) {
      // First pass: healthy and not excluded; second pass (all of those failed): anything.
      for (let i = 0; i < endpoints.length; i++) {
        const e = endpoints[i]!;
        if (pass === 0 && (e === exclude || isDown(e))) continue;
        current[i]! += e.weight;
        gained += e.weight;
        if (best === -1 || current[i]! > current[best]!) best = i;
      }
    }
    current[best]! -= gained;
    return { endpoint: endpoints[best]!, setCookie: null };
  }

  /**
   * Weighted rendezvous hashing: each endpoint scores `weight / -ln(u)` with u a hash of (key, endpoint); the best
   * score wins. The same key lands on the same endpoint in every worker, and when an endpoint goes away only its
   * own keys move.
   */
  private byHash(
    key: string,
    exclude: Endpoint | null,
    isDown: (e: Endpoint) => boolean,
    setCookie: string | null,
  ): Pick {
    const keyHash = hashString(key);
    let best: Endpoint | null = null;
    let bestScore = -1;
    for (let pass = 0; pass < 2 && best === null; pass++) {
      for (const e of this.endpoints) {
        if (pass === 0 && (e === exclude || isDown(e))) continue;
        const u = (mix32(keyHash ^ e.seed) + 0.5) / 4294967296;
        const score = e.weight / -Math.log(u);
        if (score > bestScore) {
          bestScore = score;
          best = e;
        }
      }
    }
    return { endpoint: best!, setCookie };
  }
}

function newAffinityToken(): string {
  return crypto.randomUUID().replaceAll('-', '');
}
