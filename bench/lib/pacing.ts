import { clock, sleep } from './stats';

/** When each message was handed over (committed, or given to the producer), by event id. */
export interface TimedSends {
  times: Array<[eventId: string, at: number]>;
  failures: number;
  firstFailure?: string;
}

/**
 * Open loop: item i is due at start + i/rate whatever happened to the ones before it, as
 * requests arrive at a service, so a slow one delays nothing but itself.
 */
export async function paced(
  count: number,
  rate: number,
  send: (index: number) => Promise<void>,
): Promise<{ failures: number; firstFailure?: string }> {
  const startedAt = clock();
  const interval = 1_000 / rate;
  const inFlight = new Set<Promise<void>>();
  let failures = 0;
  let firstFailure: string | undefined;
  let next = 0;
  while (next < count) {
    const due = Math.min(count, Math.floor((clock() - startedAt) / interval) + 1);
    for (; next < due; next += 1) {
      const pending = send(next).catch((error: unknown) => {
        failures += 1;
        firstFailure ??= error instanceof Error ? error.message : String(error);
      });
      inFlight.add(pending);
      void pending.finally(() => inFlight.delete(pending));
    }
    // setTimeout's 1 ms floor: at 1,000/s each wake-up sends the one or two now due.
    await sleep(1);
  }
  await Promise.all(inFlight);
  return { failures, ...(firstFailure ? { firstFailure } : {}) };
}
