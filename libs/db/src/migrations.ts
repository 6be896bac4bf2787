import { createHash } from 'node:crypto';
import { type DataSource, type Migration, MigrationExecutor } from 'typeorm';

/** A stable signed 64-bit advisory lock key per name, so replicas of one service serialize. */
export function advisoryLockKey(name: string): string {
  return BigInt.asIntN(
    64,
    BigInt(`0x${createHash('sha256').update(name).digest('hex').slice(0, 16)}`),
  ).toString();
}

/**
 * Creates the service's schema and runs its pending migrations. Replicas starting together
 * would race, so the whole run holds a session advisory lock; the replica that waited then
 * finds nothing to do. Lock and migrations share one connection, which also keeps a pool of
 * one (embedded PGlite) from deadlocking on itself.
 */
export async function migrateServiceSchema(dataSource: DataSource, schema: string): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const lockKey = advisoryLockKey(`migrations:${schema}`);
  try {
    await runner.query(`SELECT pg_advisory_lock(${lockKey})`);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      return await executor.executePendingMigrations();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${lockKey})`);
    }
  } finally {
    await runner.release();
  }
}
