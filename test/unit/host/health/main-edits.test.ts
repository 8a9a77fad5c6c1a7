import { describe, expect, it } from 'vitest';
import { maskAssignments, parseNumstatZ } from '../../../../src/host/health/main-edits';

/** MAIN's uncommitted edits as an incident records them: git's numstat read, secret assignments masked. */
describe("MAIN's uncommitted edits", () => {
  it('reads numstat: counts, binary files, renames by their new path', () => {
    expect(parseNumstatZ('3\t1\tapp/Flower.php\0-\t-\tlogo.png\0' + '2\t0\t\0old.txt\0new.txt\0')).toEqual([
      { path: 'app/Flower.php', added: 3, removed: 1, untracked: false },
      { path: 'logo.png', added: null, removed: null, untracked: false },
      { path: 'new.txt', added: 2, removed: 0, untracked: false },
    ]);
  });

  it('masks the values of secret-named assignments on diff lines, and only those', () => {
    const diff = ' APP_NAME=flower\n-DB_PASSWORD=\n+DB_PASSWORD=hunter2hunter2\n+export API_TOKEN: abc123\n+DEBUG=true\n';
    expect(maskAssignments(diff)).toBe(' APP_NAME=flower\n-DB_PASSWORD=\n+DB_PASSWORD=…(masked)\n+export API_TOKEN: …(masked)\n+DEBUG=true\n');
  });
});
