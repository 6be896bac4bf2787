import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ConflictError, DependencyUnavailableError, isRetriable, TrackingError } from '@tracking/errors';
import type { DataSource, EntityManager } from 'typeorm';

/** What a use case gets inside a transaction: its manager, and a way to act only once committed. */
export interface TransactionContext {
  readonly manager: EntityManager;
  /** Runs after the commit succeeds (never on rollback): wake the outbox relay, emit metrics. */
  afterCommit(callback: () => void): void;
}

/**
 * The one way services change state: everything in `work` commits or nothing does, which is
 * what lets a state change and the outbox rows it causes stay together.
 */
@Injectable()
export class UnitOfWork {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * `snapshot` runs the work in REPEATABLE READ: every statement sees the database as it was when
   * the first one ran. A read that answers from several tables needs it, or a commit landing
   * between two of its statements shows the caller half of one change.
   */
  async run<T>(
    work: (tx: TransactionContext) => Promise<T>,
    options: { snapshot?: boolean } = {},
  ): Promise<T> {
    const committed: Array<() => void> = [];
    let result: T;
    try {
      const transactional = (manager: EntityManager) =>
        work({ manager, afterCommit: (callback) => committed.push(callback) });
      result = options.snapshot
        ? await this.dataSource.transaction('REPEATABLE READ', transactional)
        : await this.dataSource.transaction(transactional);
    } catch (error) {
      if (!(error instanceof TrackingError) && isRetriable(error)) {
        throw new DependencyUnavailableError('postgresql', error);
      }
      // A unique constraint that a use case checked for, broken by a concurrent request between the
      // check and the write: the client's request conflicts with another's, it is not our failure.
      const constraint =
        (error as { code?: unknown; constraint?: unknown }).code === '23505'
          ? (error as { constraint?: unknown }).constraint
          : undefined;
      if (!(error instanceof TrackingError) && constraint !== undefined) {
        throw new ConflictError('a concurrent request changed the same data; send it again', {
          constraint: String(constraint),
        });
      }
      throw error;
    }
    for (const callback of committed) callback();
    return result;
  }
}
