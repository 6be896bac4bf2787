/**
 * Something the service cannot work without (its database, the Kafka cluster). `check` resolves
 * when the dependency answers and throws, saying why, when it does not. Implementations are
 * Nest providers; the module that owns the dependency exports them.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export type CheckStatus = 'up' | 'down';

export interface CheckResult {
  status: CheckStatus;
  durationMs: number;
  /** Why the check failed; absent when it passed. */
  error?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready' | 'shutting_down';
  checks: Record<string, CheckResult>;
}

class CheckTimedOut extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** Runs one check, bounded in time: a dependency that hangs is as unready as one that refuses. */
export async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CheckTimedOut(timeoutMs)), timeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { status: 'up', durationMs: Math.round(performance.now() - started) };
  } catch (error: unknown) {
    return {
      status: 'down',
      durationMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
