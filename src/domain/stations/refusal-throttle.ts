/**
 * Decides which refusals get an audit row: the first of each (identity, reason) per window,
 * carrying how many were left out since the previous row, and no more than `maxPerWindow`
 * rows per window overall (someone cycling through made-up identities).
 */
export class RefusalThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();
  private windowStart = 0;
  private writtenInWindow = 0;
  private droppedInWindow = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxPerWindow: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Whether to write a row for this refusal; `suppressed` counts the same refusals left out
   * since the last row. `overflow` is set once per window when the overall cap is first hit.
   */
  admit(identity: string, reason: string): { write: boolean; suppressed: number; overflow: boolean } {
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.writtenInWindow = 0;
      this.droppedInWindow = 0;
      if (this.last.size > 10_000) this.prune(now);
    }
    const key = `${identity}\n${reason}`;
    const previous = this.last.get(key);
    if (previous && now - previous.at < this.windowMs) {
      previous.suppressed += 1;
      return { write: false, suppressed: 0, overflow: false };
    }
    if (this.writtenInWindow >= this.maxPerWindow) {
      this.droppedInWindow += 1;
      return { write: false, suppressed: 0, overflow: this.droppedInWindow === 1 };
    }
    this.writtenInWindow += 1;
    this.last.set(key, { at: now, suppressed: 0 });
    return { write: true, suppressed: previous?.suppressed ?? 0, overflow: false };
  }

  private prune(now: number): void {
    for (const [key, entry] of this.last) {
      // Losing an old count is fine; holding memory for every identity ever refused is not.
      if (now - entry.at >= this.windowMs) this.last.delete(key);
    }
  }
}
