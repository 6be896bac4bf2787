import { describeError } from './stats';

type Step = { name: string; run: () => Promise<void> };

const openScopes = new Set<Scope>();

/**
 * What one part of the run started (processes, databases, the broker), undone in reverse
 * order whatever happens: a benchmark that dies halfway must not leave a service holding a
 * port or a database behind for the next run.
 */
export class Scope {
  private readonly steps: Step[] = [];

  constructor(private readonly log: (line: string) => void) {
    openScopes.add(this);
  }

  /** Registers an undo step; the returned function runs it now instead of at close. */
  defer(name: string, run: () => Promise<void>): () => Promise<void> {
    const step: Step = { name, run };
    this.steps.push(step);
    return async () => {
      const index = this.steps.indexOf(step);
      if (index < 0) return;
      this.steps.splice(index, 1);
      await run();
    };
  }

  async close(): Promise<void> {
    openScopes.delete(this);
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        this.log(`cleanup of ${step.name} failed: ${describeError(error)}`);
      }
    }
  }
}

export async function withScope<T>(
  log: (line: string) => void,
  work: (scope: Scope) => Promise<T>,
): Promise<T> {
  const scope = new Scope(log);
  try {
    return await work(scope);
  } finally {
    await scope.close();
  }
}

/** For a signal: closes every scope still open, innermost (latest) first. */
export async function closeAllScopes(): Promise<void> {
  for (const scope of [...openScopes].reverse()) await scope.close();
}
