import type { EntityManager } from 'typeorm';
import { advisoryLockKey } from './migrations';

/**
 * Takes a transaction-scoped advisory lock on each name, held until the transaction ends. A row
 * lock (`SELECT ... FOR UPDATE`) locks nothing while the row does not exist yet, so two paths that
 * must not interleave on something one of them is about to create (an order, a shipment) serialise
 * on its name instead. Names are taken in one statement in key order, so two transactions locking
 * overlapping sets wait on each other instead of deadlocking.
 */
export async function lockNames(manager: EntityManager, names: Iterable<string>): Promise<void> {
  const keys = [...new Set([...names].map((name) => BigInt(advisoryLockKey(name))))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  if (keys.length === 0) return;
  await manager.query(`SELECT pg_advisory_xact_lock(key) FROM unnest($1::bigint[]) AS key`, [
    keys.map(String),
  ]);
}

/**
 * The name every path that changes one order in a service locks, the Kafka consumer and the HTTP
 * edge alike: what one commits, the other then reads.
 */
export function orderLockName(schema: string, orderId: string): string {
  return `${schema}:order:${orderId}`;
}
