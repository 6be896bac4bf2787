import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

/**
 * How a decision wakes the dispatcher once it is committed, at the moment its message becomes due
 * (the end of the coalescing window) rather than at the next poll. Only the earliest wake is
 * kept: the dispatcher's poll picks up anything a dropped one would have.
 */
@Injectable()
export class DispatchSignal implements OnApplicationShutdown {
  private listener?: () => void;
  private timer?: NodeJS.Timeout;
  private timerAt = Number.POSITIVE_INFINITY;

  onWake(listener: () => void): void {
    this.listener = listener;
  }

  wake(): void {
    this.listener?.();
  }

  wakeAt(at: Date): void {
    const when = at.getTime();
    const delay = when - Date.now();
    if (delay <= 0) return this.wake();
    if (this.timer && this.timerAt <= when) return;
    clearTimeout(this.timer);
    this.timerAt = when;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.wake();
      // A few milliseconds late rather than early: the row is due at `at` by the database's clock.
    }, delay + 10);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    this.listener = undefined;
  }
}
