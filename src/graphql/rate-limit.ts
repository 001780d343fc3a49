/**
 * A token bucket per caller, in this node's memory: `burst` requests at once, refilled at
 * `perSecond`. With several nodes behind a balancer each node counts on its own, so the
 * effective limit is per node (documented in the README). Pure apart from the clock it is given.
 */
export class CallerRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`: null when allowed, else the seconds to wait (Retry-After). */
  take(key: string): number | null {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (this.buckets.size > 100_000) this.forgetFull(now);
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  // Memory stays bounded under many callers (e.g. spoofed addresses): a bucket that has
  // refilled completely carries no information and is dropped.
  private forgetFull(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }
}

/** Whom a request counts against: the authenticated user or API key, else the client address. */
export function callerKey(viewer: { kind: 'user'; userId: string } | { kind: 'apiKey'; apiKeyId: string } | null, address: string | null): string {
  if (viewer?.kind === 'user') return `user:${viewer.userId}`;
  if (viewer?.kind === 'apiKey') return `key:${viewer.apiKeyId}`;
  return `ip:${address ?? 'unknown'}`;
}
