import { Client } from 'pg';
import { createTestDatabase } from './test-database';

describe('createTestDatabase', () => {
  it('gives each test file a database of its own that accepts SQL and disappears on drop', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    try {
      expect(first.url).not.toEqual(second.url);
      const client = new Client({ connectionString: first.url });
      await client.connect();
      await client.query('CREATE TABLE probe (id int primary key)');
      await client.query('INSERT INTO probe VALUES (1)');
      const { rows } = await client.query('SELECT count(*)::int AS n FROM probe');
      expect(rows[0].n).toBe(1);
      await client.end();
    } finally {
      await first.drop();
      await second.drop();
    }
  });
});
