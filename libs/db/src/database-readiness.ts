import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Readiness check: the service cannot do anything useful while its database is unreachable. */
@Injectable()
export class DatabaseReadiness {
  readonly name = 'postgresql';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    if (!this.dataSource.isInitialized) throw new Error('database connection is not initialized');
    await this.dataSource.query('SELECT 1');
  }
}
