import { describe, expect, it, inject } from 'vitest';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../helpers/app.js';
import { createDatabase, dropDatabase } from '../helpers/pg-admin.js';

describe('graceful shutdown', () => {
  it('lets running handlers finish their database work before the app closes its pool', async () => {
    const { name, url } = await createDatabase(inject('templateDatabase'));
    // The app opens and owns its pool here, so closing the app closes the pool.
    const app = await buildApp(testConfig({ DATABASE_URL: url, SHUTDOWN_GRACE_MS: '5000' }));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    app.get('/__test/slow', async () => {
      started();
      await new Promise((r) => setTimeout(r, 300));
      return app.services.accounts.list({}, { limit: 1, offset: 0 });
    });
    await app.ready();
    try {
      const slow = app.inject({ method: 'GET', url: '/__test/slow' });
      await running;
      const closed = app.close();
      const res = await slow;
      expect(res.statusCode).toBe(200);
      expect(res.json().pagination.total).toBe(0);
      await closed;
    } finally {
      await dropDatabase(name);
    }
  });
});
