import { Client } from 'pg';

const MESSAGING_TABLES = new Set(['outbox', 'inbox']);

/** Per table of a service's database: its row count and a digest of every row's content. */
export type DatabaseFingerprint = Record<string, string>;

/**
 * What a request may not change when it is refused: every table of the service's own database,
 * counted and digested, so an inserted, updated or deleted row shows, outbox and inbox included.
 */
export class DatabaseFingerprinter {
  private client?: Client;
  private statement?: string;

  constructor(private readonly url: string) {}

  async take(): Promise<DatabaseFingerprint> {
    if (!this.client) {
      this.client = new Client({ connectionString: this.url });
      await this.client.connect();
    }
    this.statement ??= await this.buildStatement(this.client);
    const { rows } = await this.client.query<{ name: string; state: string }>(this.statement);
    return Object.fromEntries(rows.map((row) => [row.name, row.state]));
  }

  async close(): Promise<void> {
    await this.client?.end();
  }

  private async buildStatement(client: Client): Promise<string> {
    const { rows } = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        ORDER BY 1, 2`,
    );
    if (rows.length === 0) throw new Error('the service database has no tables');
    return rows
      .map(({ schema, name }) => {
        const table = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`;
        // The relay marks outbox rows published, and housekeeping prunes both tables, while the
        // test runs: there a new row is the change to catch, so they are counted, not digested.
        const digest = MESSAGING_TABLES.has(name)
          ? `''`
          : `md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))`;
        return `SELECT ${client.escapeLiteral(`${schema}.${name}`)} AS name, count(*) || ':' || ${digest} AS state
          FROM ${table} t`;
      })
      .join(' UNION ALL ');
  }
}

/** The tables whose state differs, for the failure message. */
export function changedTables(before: DatabaseFingerprint, after: DatabaseFingerprint): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
