import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { holdsSecrets, maskAssignments, parseNumstatZ, readMainEdits } from '../../../../src/host/health/main-edits';
import { makeRepo } from '../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQDx7Qm2\n-----END PRIVATE KEY-----';

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

  it('masks quoted secret-named keys (JSON, YAML) and private keys, on their own lines or escaped into a string', () => {
    const json = `+{\n+  "project_id": "flower-prod",\n+  "client_secret": "GOCSPX-abc123",\n+  'api_key': 'k-999',\n+  "private_key": ${JSON.stringify(PEM)}\n+}\n`;
    const masked = maskAssignments(json);
    expect(masked).toContain('"project_id": "flower-prod"');
    expect(masked).toContain('"client_secret": …(masked)');
    expect(masked).toContain("'api_key': …(masked)");
    for (const secret of ['GOCSPX-abc123', 'k-999', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQDx7Qm2']) expect(masked).not.toContain(secret);
    const lines = `+${PEM.split('\n').join('\n+')}\n+after\n`;
    expect(maskAssignments(lines)).toBe('+-----BEGIN PRIVATE KEY-----…(masked)-----END PRIVATE KEY-----\n+after\n');
    // A block the tail cut before its END is masked to the end.
    expect(maskAssignments('+-----BEGIN RSA PRIVATE KEY-----\n+MIIEvQIBADANBgkq')).toBe('+-----BEGIN RSA PRIVATE KEY-----…(masked)-----END RSA PRIVATE KEY-----');
  });

  it("masks what a review found slipping through, and not a file's innocent keys: compose lists, one-line JSON, PGP blocks; author and keywords stay", () => {
    expect(maskAssignments('+    environment:\n+      - POSTGRES_PASSWORD=hunter2\n')).toBe('+    environment:\n+      - POSTGRES_PASSWORD=…(masked)\n');
    expect(maskAssignments('+{"user":"ana","password":"b4nana","apiKey":"k-1"}\n')).toBe('+{"user":"ana","password":…(masked),"apiKey":…(masked)}\n');
    const pkg = '+  "author": "Ana",\n+  "keywords": ["flower"],\n+  "accessToken": "t-2",\n';
    expect(maskAssignments(pkg)).toBe('+  "author": "Ana",\n+  "keywords": ["flower"],\n+  "accessToken": …(masked),\n');
    // Keys whose words run together, and values not in quotes, to the line's end.
    for (const key of ['clientsecret', 'dbpassword', 'DBPASSWORD', 'JWTSecret', 'githubtoken']) expect(maskAssignments(`+  "${key}": "s3cret",\n`)).toBe(`+  "${key}": …(masked),\n`);
    expect(maskAssignments('+"password": correct horse battery staple\n')).toBe('+"password": …(masked)\n');
    expect(maskAssignments('+  "db_password": ["s3cret one", "s3cret two"]\n')).toBe('+  "db_password": …(masked)\n');
    expect(maskAssignments('+-----BEGIN PGP PRIVATE KEY BLOCK-----\n+lQOYBF\n+-----END PGP PRIVATE KEY BLOCK-----\n')).toBe('+-----BEGIN PGP PRIVATE KEY BLOCK-----…(masked)-----END PGP PRIVATE KEY BLOCK-----\n');
  });

  it("ends a private key's block that has no END at the next file, so a file that merely names the header does not hide the rest of the diff", () => {
    const diff = [
      'diff --git a/src/pem.ts b/src/pem.ts',
      "+const isKey = (s: string) => s.startsWith('-----BEGIN PRIVATE KEY-----');",
      'diff --git a/app/Flower.php b/app/Flower.php',
      '+public function dispatch() {}',
      '',
    ].join('\n');
    const masked = maskAssignments(diff);
    expect(masked).toContain('diff --git a/app/Flower.php b/app/Flower.php\n+public function dispatch() {}');
  });

  it('tells the files whose names say they hold secrets', () => {
    for (const p of ['.env', '.envrc', 'config/.env.production', 'deploy/server.pem', 'id_ed25519', 'gcp-service-account.json', 'secrets.yaml', 'github_token', '.npmrc', 'keys/prod.key']) expect(holdsSecrets(p)).toBe(true);
    for (const p of ['app/Flower.php', 'README.md', 'src/keyboard.ts', 'docs/author.md', 'tokenizer.ts', 'session-view.tsx']) expect(holdsSecrets(p)).toBe(false);
  });

  it("keeps an untracked file's secrets out of what an incident and the ops loop read (a real repository)", async () => {
    const main = makeRepo(join(makeTempDir(), 'flower'));
    // Named plainly: shown, its secrets masked. Named for what it is: not read at all.
    writeFileSync(join(main, 'gcp.json'), JSON.stringify({ type: 'service_account', client_secret: 'GOCSPX-abc123', private_key: PEM }, null, 2) + '\n');
    writeFileSync(join(main, 'service-account.json'), 'sk_live_51Habc\n');
    writeFileSync(join(main, '.env.production'), 'APP_URL=https://flower.test\nSTRIPE=sk_live_51Habc\n');
    writeFileSync(join(main, 'notes.txt'), 'remember the deploy\n');
    const edits = await readMainEdits(main, { env: {}, mask: (t) => t });
    expect(edits!.files.map((f) => f.path).sort()).toEqual(['.env.production', 'gcp.json', 'notes.txt', 'service-account.json']);
    expect(edits!.diffTail).toContain('+remember the deploy');
    expect(edits!.diffTail).toContain('"type": "service_account"');
    expect(edits!.diffTail).toContain('new file .env.production (not shown: its name says it holds secrets)');
    expect(edits!.diffTail).toContain('new file service-account.json (not shown: its name says it holds secrets)');
    for (const secret of ['GOCSPX-abc123', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'sk_live_51Habc']) expect(edits!.diffTail).not.toContain(secret);
  });
});
