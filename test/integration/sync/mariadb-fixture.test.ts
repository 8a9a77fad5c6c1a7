import { afterAll, describe, expect, it } from 'vitest';
import { createConnection } from 'mysql2/promise';
import { hasMariaDb, startMariaDb, stopAllMariaDbs } from '../../fixtures/mariadb';

/**
 * The sync tests' MariaDB itself: a throwaway server on a loopback port, reached with the
 * `grove` user's password (not the root socket), that dies, hangs and comes back on demand.
 */
afterAll(stopAllMariaDbs);

describe.skipIf(!hasMariaDb())('the test MariaDB', () => {
  it('starts on a loopback port with a password user, survives a SIGKILL restart with its data, and hangs when paused', async () => {
    const db = await startMariaDb();
    const connect = () => createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, connectTimeout: 2000 });
    const c = await connect();
    await c.query('CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB');
    await c.query('INSERT INTO t VALUES (1)');
    await c.end();
    await expect(createConnection({ host: db.host, port: db.port, user: db.user, password: 'wrong', connectTimeout: 2000 })).rejects.toThrow(/Access denied/);

    await db.kill9();
    await expect(connect()).rejects.toThrow();
    await db.restart();
    const again = await connect();
    const [rows] = await again.query('SELECT id FROM t');
    expect(rows).toEqual([{ id: 1 }]);

    db.pause();
    const started = Date.now();
    await expect(again.query({ sql: 'SELECT 1', timeout: 500 })).rejects.toThrow(/timeout|Timeout/);
    expect(Date.now() - started).toBeLessThan(5000);
    db.resume();
    again.destroy();
    // A query sent the moment pause() returns is never answered: the server is stopped by
    // then (a stop reaches its threads one by one, and one still running answered 7 in 30).
    const probe = await connect();
    for (let i = 0; i < 20; i++) {
      db.pause();
      const asked = probe.query('SELECT 1').then(() => 'answered' as const);
      expect(await Promise.race([asked, new Promise((r) => setTimeout(() => r('hung'), 200))])).toBe('hung');
      db.resume();
      await asked;
    }
    probe.destroy();
    await db.stop();
  }, 60_000);
});

if (!hasMariaDb()) console.log('the test MariaDB: skipped, mariadb-server is not installed here (apt-get install mariadb-server)');
