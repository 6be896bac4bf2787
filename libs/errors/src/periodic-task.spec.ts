import { PeriodicTask } from './periodic-task';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PeriodicTask', () => {
  it('never runs two rounds at once, and a wake during a round runs one more after it', async () => {
    let active = 0;
    let maxActive = 0;
    let rounds = 0;
    const task = new PeriodicTask(
      60_000,
      async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        await tick(30);
        rounds += 1;
        active -= 1;
      },
      () => undefined,
    );
    task.start({ runNow: true });
    task.wake();
    task.wake();
    await tick(120);
    await task.stop();

    expect(maxActive).toBe(1);
    expect(rounds).toBe(2);
  });

  it('reports a failed round and keeps running on schedule', async () => {
    const failures: unknown[] = [];
    let rounds = 0;
    const task = new PeriodicTask(
      20,
      async () => {
        rounds += 1;
        if (rounds === 1) throw new Error('database away');
      },
      (error) => failures.push(error),
    );
    task.start();
    await tick(110);
    await task.stop();

    expect(failures).toEqual([new Error('database away')]);
    expect(rounds).toBeGreaterThanOrEqual(2);
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
