import { ConflictError, TrackingError } from '@tracking/errors';
import { createTestDatabase, type TestDatabase } from '@tracking/testing';
import { DataSource } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

describe('UnitOfWork', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let unitOfWork: UnitOfWork;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      extra: { max: 1 },
    }).initialize();
    await dataSource.query('CREATE TABLE labels (tracking_number text PRIMARY KEY)');
    unitOfWork = new UnitOfWork(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('runs after-commit work only once the transaction has committed', async () => {
    const ran: string[] = [];
    await unitOfWork.run(async (tx) => {
      await tx.manager.query(`INSERT INTO labels VALUES ('1Z-COMMITTED')`);
      tx.afterCommit(() => ran.push('committed'));
    });
    await expect(
      unitOfWork.run(async (tx) => {
        tx.afterCommit(() => ran.push('rolled back'));
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');

    expect(ran).toEqual(['committed']);
  });

  it('answers a unique constraint broken by a concurrent request as a conflict, and keeps nothing', async () => {
    const attempt = unitOfWork.run(async (tx) => {
      await tx.manager.query(`INSERT INTO labels VALUES ('1Z-SECOND')`);
      await tx.manager.query(`INSERT INTO labels VALUES ('1Z-COMMITTED')`);
    });

    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toMatchObject({ details: { constraint: 'labels_pkey' } });
    const rows = await dataSource.query(`SELECT tracking_number FROM labels ORDER BY 1`);
    expect(rows).toEqual([{ tracking_number: '1Z-COMMITTED' }]);
  });

  it('leaves the errors of the use case itself as they are', async () => {
    const refusal = new TrackingError('VALIDATION_FAILED', 'not a label');
    await expect(unitOfWork.run(() => Promise.reject(refusal))).rejects.toBe(refusal);
  });
});
