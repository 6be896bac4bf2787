import type { EntityManager } from 'typeorm';

// PostgreSQL takes at most 65,535 parameters in one statement.
const MAX_PARAMETERS = 65_000;

export interface BulkInsertOptions {
  /** Column name to SQL type cast, for values the driver would send as text (`jsonb`, `uuid[]`). */
  casts?: Readonly<Record<string, string>>;
  /** e.g. `ON CONFLICT (id) DO NOTHING`. */
  onConflict?: string;
  /** A column to return from the rows actually inserted. */
  returning?: string;
}

/**
 * Inserts many rows with as few parameterised statements as fit, in the given order. Written out
 * rather than through TypeORM's query builder, which spent more CPU building a 500-row statement
 * than PostgreSQL spent running it, and which renumbers returned ids onto skipped rows.
 */
export async function bulkInsert<R extends Record<string, unknown>>(
  manager: EntityManager,
  table: string,
  columns: readonly (keyof R & string)[],
  rows: readonly R[],
  options: BulkInsertOptions = {},
): Promise<unknown[]> {
  const returned: unknown[] = [];
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const placeholders = columns.map((column) => {
        const at = params.push(row[column] ?? null);
        const cast = options.casts?.[column];
        return cast ? `$${at}::${cast}` : `$${at}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    const result: Array<Record<string, unknown>> = await manager.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}` +
        (options.onConflict ? ` ${options.onConflict}` : '') +
        (options.returning ? ` RETURNING ${options.returning}` : ''),
      params,
    );
    if (options.returning) for (const row of result) returned.push(row[options.returning]);
  }
  return returned;
}
