import { PeriodicTask } from './periodic-task';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Rounds that run only when the test lets them, and say when they start: the tests wait for
 * the rounds they assert on, so a machine too busy to fire timers on time cannot fail them.
 */
class Rounds {
  started = 0;
  finished = 0;
  active = 0;
  maxActive = 0;
  private releases: Array<() => void> = [];
  private waiters: Array<{ reached: () => boolean; wake: () => void }> = [];

  /** The round itself: counts, then waits for `release` unless `held` is false. */
  readonly work = async (held = true): Promise<void> => {
    this.started += 1;
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    this.notify();
    if (held) await new Promise<void>((resolve) => this.releases.push(resolve));
    this.active -= 1;
    this.finished += 1;
    this.notify();
  };

  release(): void {
    for (const release of this.releases.splice(0)) release();
  }

  startedAtLeast(count: number): Promise<void> {
    return this.until(() => this.started >= count);
  }

  finishedAtLeast(count: number): Promise<void> {
    return this.until(() => this.finished >= count);
  }

  private until(reached: () => boolean): Promise<void> {
    if (reached()) return Promise.resolve();
    return new Promise((wake) => this.waiters.push({ reached, wake }));
  }

  private notify(): void {
    const reached = this.waiters.filter((waiter) => waiter.reached());
    this.waiters = this.waiters.filter((waiter) => !reached.includes(waiter));
    for (const { wake } of reached) wake();
  }
}

describe('PeriodicTask', () => {
  it('never runs two rounds at once, and a wake during a round runs one more after it', async () => {
    const rounds = new Rounds();
    const task = new PeriodicTask(
      60_000,
      () => rounds.work(),
      () => undefined,
    );
    task.start({ runNow: true });
    await rounds.startedAtLeast(1);
    task.wake();
    task.wake();
    rounds.release();
    await rounds.startedAtLeast(2);
    rounds.release();
    await rounds.finishedAtLeast(2);
    // A round owed to a wake starts as the one before it settles, before the next macrotask.
    await new Promise((resolve) => setImmediate(resolve));
    await task.stop();

    expect(rounds.maxActive).toBe(1);
    expect(rounds.started).toBe(2);
  });

  it('reports a failed round and keeps running on schedule', async () => {
    const failures: unknown[] = [];
    const rounds = new Rounds();
    const task = new PeriodicTask(
      20,
      async () => {
        await rounds.work(false);
        if (rounds.started === 1) throw new Error('database away');
      },
      (error) => failures.push(error),
    );
    task.start();
    await rounds.startedAtLeast(2);
    await task.stop();

    expect(failures).toEqual([new Error('database away')]);
    expect(rounds.finished).toBeGreaterThanOrEqual(2);
  });

  it('waits for the round in hand when stopped, and runs no more', async () => {
    let finished = false;
    let rounds = 0;
    const task = new PeriodicTask(
      10,
      async () => {
        rounds += 1;
        await tick(50);
        finished = true;
      },
      () => undefined,
    );
    task.start({ runNow: true });
    await task.stop();
    const after = rounds;
    await tick(50);

    expect(finished).toBe(true);
    expect(rounds).toBe(after);
  });
});
