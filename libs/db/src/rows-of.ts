import type { EntityManager } from 'typeorm';

/**
 * Runs a statement and returns its rows, whatever the command: TypeORM shapes the results of
 * UPDATE and DELETE ... RETURNING differently from those of SELECT.
 */
export async function rowsOf<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return (result.records ?? []) as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
