import { sleep } from '@tracking/errors';

/**
 * A token bucket per carrier: carriers' tracking APIs enforce requests-per-second quotas and
 * answer 429 (or block the key) above them. Bursts up to one second's worth are allowed.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  /** Resolves when a request may go out. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      if (signal?.aborted) throw new Error('stopped while waiting for the carrier rate limit');
      await sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1_000), signal);
    }
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.refilledAt) / 1_000) * this.perSecond);
    this.refilledAt = now;
  }
}
