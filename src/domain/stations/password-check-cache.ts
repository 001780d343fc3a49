/**
 * Remembers recent password checks so a charger that reconnects every few seconds (or a
 * fleet reconnecting after a network blip) does not cost an argon2 run each time, and a
 * charger retrying a wrong password does not either.
 *
 * An entry is keyed by identity and a fingerprint of the offered password, and only counts
 * while the station's stored hash is the one it was checked against: a new password (set on
 * any node) makes every older entry miss, right away.
 */
export class PasswordCheckCache {
  private readonly entries = new Map<string, { passwordHash: string; ok: boolean; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The remembered outcome, or undefined when the check must run. */
  get(identity: string, fingerprint: string, passwordHash: string): boolean | undefined {
    const key = `${identity}\n${fingerprint}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.passwordHash !== passwordHash || entry.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.ok;
  }

  set(identity: string, fingerprint: string, passwordHash: string, ok: boolean): void {
    const key = `${identity}\n${fingerprint}`;
    this.entries.delete(key); // re-insert: Map order is our eviction order
    this.entries.set(key, { passwordHash, ok, until: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  /** Forget every check for a station, e.g. after its password changed on this node. */
  forget(identity: string): void {
    const prefix = `${identity}\n`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
