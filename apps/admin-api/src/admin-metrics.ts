/** Counters of the admin API, in the Prometheus text format. Labels come from route patterns, never from input. */
export class AdminMetrics {
  /** `<method> <route pattern> <status>` -> count. */
  private readonly requests = new Map<string, number>();
  rateLimited = 0;
  unauthenticated = 0;
  forbidden = 0;
  tokenReviews: () => number = () => 0;
  accessReviews: () => number = () => 0;

  countRequest(method: string, route: string, status: number): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  render(): string {
    const lines = [
      '# HELP alb_admin_requests_total Requests answered, by method, route pattern and status code.',
      '# TYPE alb_admin_requests_total counter',
    ];
    for (const [key, count] of [...this.requests].sort(([a], [b]) => a.localeCompare(b))) {
      const [method, route, status] = key.split('\u0000');
      lines.push(`alb_admin_requests_total{method="${method}",route="${route}",status="${status}"} ${count}`);
    }
    lines.push(
      '# HELP alb_admin_rate_limited_total Requests refused with 429 (per-token rate limit).',
      '# TYPE alb_admin_rate_limited_total counter',
      `alb_admin_rate_limited_total ${this.rateLimited}`,
      '# HELP alb_admin_unauthenticated_total Requests refused with 401.',
      '# TYPE alb_admin_unauthenticated_total counter',
      `alb_admin_unauthenticated_total ${this.unauthenticated}`,
      '# HELP alb_admin_forbidden_total Requests refused with 403.',
      '# TYPE alb_admin_forbidden_total counter',
      `alb_admin_forbidden_total ${this.forbidden}`,
      '# HELP alb_admin_token_reviews_total TokenReviews sent to the API server (cache misses; kube mode).',
      '# TYPE alb_admin_token_reviews_total counter',
      `alb_admin_token_reviews_total ${this.tokenReviews()}`,
      '# HELP alb_admin_access_reviews_total SubjectAccessReviews sent to the API server (cache misses; kube mode).',
      '# TYPE alb_admin_access_reviews_total counter',
      `alb_admin_access_reviews_total ${this.accessReviews()}`,
    );
    return `${lines.join('\n')}\n`;
  }
}
