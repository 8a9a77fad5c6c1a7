import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../../src/host/db/group-commit';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

/** A real database file, durable as the host's (WAL, synchronous FULL), and a second connection that sees only what is committed. */
function databases() {
  const path = join(makeTempDir(), 'grove.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE parents (id INTEGER PRIMARY KEY);
           CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE,
             parent INTEGER REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED)`);
  const reader = new Database(path, { readonly: true });
  let outer = 0;
  const transaction = <T>(fn: () => T): T => {
    if (!db.inTransaction) outer++;
    return db.transaction(fn)();
  };
  const committed = (): string[] => (reader.prepare('SELECT text FROM notes ORDER BY id').all() as { text: string }[]).map((r) => r.text);
  const insert = (text: string, parent: number | null = null) => () => db.prepare('INSERT INTO notes (text, parent) VALUES (?, ?)').run(text, parent).lastInsertRowid;
  return { db, transaction, committed, insert, commits: () => outer };
}

describe('group commit', () => {
  it('commits the writes asked for together once, in order, and answers each only once it is committed', async () => {
    const { db, transaction, committed, insert, commits } = databases();
    const group = new GroupCommit(transaction, () => db.inTransaction);
    const seenAtAnswer: string[][] = [];
    const answers = ['a', 'b', 'c', 'd', 'e'].map((t) => group.run(insert(t)).then((id) => (seenAtAnswer.push(committed()), id)));
    // Nothing is written before the turn ends.
    expect(committed()).toEqual([]);
    expect(await Promise.all(answers)).toEqual([1n, 2n, 3n, 4n, 5n].map(Number));
    expect(commits()).toBe(1);
    // Every answer came after the commit: another connection already saw all five.
    for (const seen of seenAtAnswer) expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a write that throws is undone alone: its caller gets the error, the others commit', async () => {
    const { transaction, committed, insert, db } = databases();
    const group = new GroupCommit(transaction, () => db.inTransaction);
    const results = await Promise.allSettled([
      group.run(insert('same')),
      group.run(() => {
        db.prepare("INSERT INTO notes (text) VALUES ('half of a failed write')").run();
        return insert('same')(); // UNIQUE fails after the first insert of this write
      }),
      group.run(insert('after')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed/);
    expect(committed()).toEqual(['same', 'after']);
  });

  it('when the commit itself fails, nothing of the group is written and every caller hears why', async () => {
    const { db, transaction, committed, insert } = databases();
    const group = new GroupCommit(transaction, () => db.inTransaction);
    // A deferred foreign key is checked at COMMIT: the shared commit fails, not a write.
    const results = await Promise.allSettled([group.run(insert('x')), group.run(insert('orphan', 42)), group.run(insert('y'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY constraint failed/);
    expect(committed()).toEqual([]);
    // And the next group goes on.
    await group.run(insert('z'));
    expect(committed()).toEqual(['z']);
  });

  it('when SQLite rolls the whole transaction back under a write (a full disk), the group fails whole: nothing of it stays, nothing after it commits alone', async () => {
    const { db, transaction, committed, insert } = databases();
    const group = new GroupCommit(transaction, () => db.inTransaction);
    const results = await Promise.allSettled([
      group.run(insert('before')),
      group.run(() => {
        // What SQLite does itself on SQLITE_FULL or SQLITE_IOERR: the transaction, not the savepoint.
        db.exec('ROLLBACK');
        throw new Error('database or disk is full');
      }),
      group.run(insert('after')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toMatch(/disk is full/);
    expect(committed()).toEqual([]);
    await group.run(insert('next'));
    expect(committed()).toEqual(['next']);
  });

  it('writes asked for in later turns make their own groups', async () => {
    const { db, transaction, committed, insert, commits } = databases();
    const group = new GroupCommit(transaction, () => db.inTransaction);
    await group.run(insert('1'));
    await Promise.all([group.run(insert('2')), group.run(insert('3'))]);
    await group.run(insert('4'));
    expect(commits()).toBe(3);
    expect(committed()).toEqual(['1', '2', '3', '4']);
  });
});
