import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRepoConfig, overridePathFor } from '../../../../src/host/config/load-config';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

/** A MAIN named flower and a data dir, with the given grove.yaml and user override. */
function flower(files: { repository?: string[]; user?: string[] } = {}) {
  const root = makeTempDir();
  const main = join(root, 'flower');
  mkdirSync(main);
  const repositoryFile = join(main, 'grove.yaml');
  const userFile = overridePathFor(join(root, 'grove-home'), 'flower');
  if (files.repository) writeFileSync(repositoryFile, files.repository.join('\n') + '\n');
  if (files.user) {
    mkdirSync(dirname(userFile), { recursive: true });
    writeFileSync(userFile, files.user.join('\n') + '\n');
  }
  return { repositoryFile, userFile, load: () => loadRepoConfig(main, userFile) };
}

describe('loadRepoConfig: one file', () => {
  it('reads a valid grove.yaml', () => {
    const { load, repositoryFile, userFile } = flower({
      repository: ['setup:', '  copy:', '    - .env.testing', '    - from: .env', '      set:', '        APP_URL: http://{{lane}}.test', 'merge:', '  strategy: no-ff', '  check: php artisan test'],
    });
    expect(load()).toEqual({
      config: { setup: { copy: ['.env.testing', { from: '.env', set: { APP_URL: 'http://{{lane}}.test' } }] }, merge: { strategy: 'no-ff', check: 'php artisan test' } },
      files: [
        { path: repositoryFile, exists: true, role: 'repository' },
        { path: userFile, exists: false, role: 'user' },
      ],
      problems: [],
    });
  });

  it('takes missing files, an empty file and a file of comments as no recipe at all', () => {
    const missing = flower().load();
    expect(missing.config).toEqual({});
    expect(missing.problems).toEqual([]);
    expect(missing.files.map((f) => f.exists)).toEqual([false, false]);
    expect(flower({ repository: [''] }).load()).toMatchObject({ config: {}, problems: [] });
    expect(flower({ repository: ['# nothing yet'], user: [] }).load()).toMatchObject({ config: {}, problems: [] });
  });

  it('reports a YAML syntax error with its line, and takes nothing from the file', () => {
    const { load, repositoryFile } = flower({ repository: ['merge:', '  check: php artisan test', 'setup:', '  copy: [.env', 'ports:', '  start: 41000'] });
    const r = load();
    expect(r.config).toEqual({});
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ file: repositoryFile, line: 5, key: '' });
    expect(r.problems[0]!.message).toMatch(/^YAML syntax error: /);
  });

  it('says a key appears twice in plain words', () => {
    const r = flower({ repository: ['merge:', '  check: a', '  check: b'] }).load();
    expect(r.problems).toMatchObject([{ line: 3, column: 3, message: 'YAML syntax error: a key appears twice in the same mapping; keep one of them' }]);
  });

  it('places a wrong type at its value, with the key and what is allowed', () => {
    const r = flower({ repository: ['# ports for dev servers', 'ports:', '  start: 41000', '  end: lots'] }).load();
    expect(r.problems).toEqual([{ file: expect.stringMatching(/grove\.yaml$/), line: 4, column: 8, key: 'ports.end', message: 'ports.end: "lots" is a string; use a whole number from 1033 to 65535' }]);
  });

  it('points at an unknown key and suggests the one meant', () => {
    const r = flower({ repository: ['setup:', '  link: [playbooks]', '  copyy:', '    - .env'] }).load();
    expect(r.problems).toMatchObject([
      { line: 3, column: 3, key: 'setup.copyy', message: 'setup.copyy is not a grove.yaml key; did you mean setup.copy? Allowed here: copy, link, stripKeys, preCreate, postCreate, teardown, timeoutSeconds' },
    ]);
    expect(flower({ repository: ['colour: blue'] }).load().problems[0]!.message).toBe('colour is not a grove.yaml key; allowed here: lanes, setup, ports, serve, merge, health, dispatch, ops');
  });

  it('lists the allowed values of an enum', () => {
    const r = flower({ repository: ['merge:', '  strategy: rebase'] }).load();
    expect(r.problems).toMatchObject([{ line: 2, column: 13, key: 'merge.strategy', message: 'merge.strategy: "rebase" is not allowed; use one of ff, ff-only, no-ff' }]);
  });

  it('names list items by index, and explains a copy entry written as a mapping', () => {
    const r = flower({ repository: ['setup:', '  copy:', '    - .env', '    - from: .env.example', '      to: 3', '    - fromm: x', '    - ""'] }).load();
    expect(r.problems).toMatchObject([
      { line: 5, column: 11, key: 'setup.copy[1].to', message: 'setup.copy[1].to: 3 is a number; use a non-empty string (quote it: "3")' },
      { line: 6, column: 7, key: 'setup.copy[2].from', message: 'setup.copy[2].from is required; give a non-empty string' },
      { line: 6, column: 7, key: 'setup.copy[2].fromm', message: expect.stringContaining('did you mean setup.copy[2].from? Allowed here: from, to, template, set') },
      { line: 7, column: 7, key: 'setup.copy[3]', message: 'setup.copy[3] is empty; a copy entry must not be empty' },
    ]);
  });

  it('reports an empty section at its key, and a dotenv value YAML read as a number', () => {
    const r = flower({ repository: ['setup:', 'serve:', '  command: php artisan serve', '  url: http://127.0.0.1:{{port}}', 'lanes:', '  keyless: true', '  root:'] }).load();
    expect(r.problems.map((p) => [p.line, p.column, p.key])).toEqual([
      [1, 1, 'setup'],
      [7, 3, 'lanes.root'],
    ]);
    expect(r.problems[0]!.message).toBe('setup is empty; use a mapping with some of copy, link, stripKeys, preCreate, postCreate, teardown, timeoutSeconds');
    const set = flower({ repository: ['setup:', '  copy:', '    - from: .env', '      set: { APP_DEBUG: true }'] }).load();
    expect(set.problems[0]!.message).toBe('setup.copy[0].set.APP_DEBUG: true is a boolean; use a string (quote it: "true")');
  });

  it('refuses a document that is not a mapping', () => {
    const r = flower({ repository: ['- setup', '- merge'] }).load();
    expect(r.problems).toMatchObject([{ line: 1, column: 1, key: '', message: 'the file is a list; use a mapping with some of lanes, setup, ports, serve, merge, health, dispatch, ops' }]);
  });

  it('refuses a relative lanes.writable entry, naming it and what is taken (it could never be mounted)', () => {
    const loaded = flower({ repository: ['lanes:', '  writable:', '    - ~/.gradle', '    - .gradle'] }).load();
    expect(loaded.problems).toMatchObject([{ key: 'lanes.writable[1]', message: expect.stringContaining('a writable path is absolute or starts with ~/ (e.g. ~/.gradle)') }]);
    expect(flower({ repository: ['lanes:', '  writable:', '    - ~/.gradle', '    - /opt/cache'] }).load().problems).toEqual([]);
  });

  it('refuses lanes.root inside MAIN, where no agent may work', () => {
    const inside = flower({ repository: ['lanes:', '  root: .worktrees'] }).load();
    expect(inside.config).toEqual({});
    expect(inside.problems).toMatchObject([{ key: 'lanes.root', message: expect.stringMatching(/^lanes\.root: \.worktrees is inside MAIN \(.*\/flower\/\.worktrees\); lanes must be outside MAIN's checkout/) }]);
    expect(flower({ repository: ['lanes:', '  root: .'] }).load().problems).toMatchObject([{ key: 'lanes.root' }]);
    expect(flower({ repository: ['lanes:', '  root: ../lanes'] }).load().problems).toEqual([]);
  });

  it('checks the range of ports in effect, defaults included, naming the key to change', () => {
    const alone = flower({ repository: ['ports:', '  start: 50000'] }).load();
    expect(alone.config).toEqual({});
    expect(alone.problems).toMatchObject([{ key: 'ports.start', message: 'ports.start: the ports run from 50000 to 48999 (the default end), fewer than the 10 a lane takes; set ports.end to at least 50009, or ports.start to at most 48990' }]);
    expect(flower({ repository: ['ports:', '  end: 41005'] }).load().problems).toMatchObject([{ key: 'ports.end', message: expect.stringContaining('from 41000 to 41005 (the default start)') }]);
    expect(flower({ repository: ['ports:', '  start: 50000', '  end: 50100'] }).load().problems).toEqual([]);
  });

  it('checks rules across keys: one serve recipe, and room for a block of 10 ports', () => {
    const serve = flower({ repository: ['serve:', '  command: php artisan serve --port {{port}}'] }).load();
    expect(serve.problems).toMatchObject([{ line: 2, column: 3, key: 'serve', message: 'serve.command needs serve.url, e.g. http://127.0.0.1:{{port}}' }]);
    const ports = flower({ repository: ['ports:', '  start: 41000', '  end: 41005'] }).load();
    expect(ports.problems).toMatchObject([{ line: 3, column: 8, key: 'ports.end', message: expect.stringContaining('use at least 41009') }]);
  });
});

describe('loadRepoConfig: health probes', () => {
  it('reads command and HTTP probes', () => {
    const r = flower({
      repository: ['health:', '  debounceMs: 500', '  probes:', '    - name: boot', '      command: php artisan about', '      failureThreshold: 1', '    - name: up', '      http:', '        url: http://flower.test/up', '        method: HEAD', '        expectStatus: 204', '      timeoutSeconds: 5', '      intervalSeconds: 30'],
    }).load();
    expect(r.problems).toEqual([]);
    expect(r.config.health).toEqual({
      debounceMs: 500,
      probes: [
        { name: 'boot', command: 'php artisan about', failureThreshold: 1 },
        { name: 'up', http: { url: 'http://flower.test/up', method: 'HEAD', expectStatus: 204 }, timeoutSeconds: 5, intervalSeconds: 30 },
      ],
    });
  });

  it('says which probe repeats a name, at the repeated name', () => {
    const r = flower({ repository: ['health:', '  probes:', '    - name: boot', '      command: php artisan about', '    - name: boot', '      http:', '        url: http://flower.test/up'] }).load();
    expect(r.problems).toMatchObject([{ line: 5, column: 13, key: 'health.probes[1].name', message: 'health.probes[1].name: "boot" is already the name of health.probes[0]; give each probe its own name' }]);
  });

  it('explains a typo in the kind of probe meant, and bad names, urls and methods', () => {
    const typo = flower({ repository: ['health:', '  probes:', '    - name: boot', '      command: php artisan about', '      timeoutSecond: 5'] }).load();
    expect(typo.problems).toMatchObject([{ line: 5, key: 'health.probes[0].timeoutSecond', message: expect.stringContaining('did you mean health.probes[0].timeoutSeconds?') }]);
    const bad = flower({ repository: ['health:', '  probes:', '    - name: boot ok', '      http:', '        url: flower.test/up', '        method: POST'] }).load();
    expect(bad.problems.map((p) => p.message)).toEqual([
      'health.probes[0].name: "boot ok" is not allowed; a probe name is 1 to 64 letters, digits, - and _',
      'health.probes[0].http.url: "flower.test/up" is not allowed; an HTTP probe url starts with http:// or https://',
      'health.probes[0].http.method: "POST" is not allowed; use one of GET, HEAD',
    ]);
  });

  it('refuses a probe that is neither a command nor a request, and numbers out of range', () => {
    const neither = flower({ repository: ['health:', '  probes:', '    - name: boot'] }).load();
    expect(neither.problems).toMatchObject([{ key: 'health.probes[0]', message: expect.stringMatching(/a mapping with name, command .* or a mapping with name, http/) }]);
    const zero = flower({ repository: ['health:', '  probes:', '    - name: boot', '      command: a', '      failureThreshold: 0'] }).load();
    expect(zero.problems).toMatchObject([{ line: 5, message: 'health.probes[0].failureThreshold: 0 is not allowed; use a whole number from 1 to 100' }]);
  });

  it('takes the override\'s probe list in place of the repository\'s', () => {
    const r = flower({
      repository: ['health:', '  debounceMs: 2000', '  probes:', '    - name: boot', '      command: php artisan about'],
      user: ['health:', '  probes:', '    - name: up', '      http: { url: "http://flower.test/up" }'],
    }).load();
    expect(r.problems).toEqual([]);
    expect(r.config.health).toEqual({ debounceMs: 2000, probes: [{ name: 'up', http: { url: 'http://flower.test/up' } }] });
  });
});

describe('loadRepoConfig: templates', () => {
  it('reports an unknown variable at the variable itself, naming the allowed ones', () => {
    const r = flower({ repository: ['serve:', '  site:', '    link: herd link {{ lane }}', '    unlink: herd unlink {{lnae}}', '    url: "http://{{lane}}.test:{{port+10}}"'] }).load();
    expect(r.config).toEqual({});
    expect(r.problems).toMatchObject([
      { line: 4, column: 25, key: 'serve.site.unlink', message: 'serve.site.unlink: {{lnae}} is not a template variable; use {{lane}}, {{branch}}, {{repo}}, {{path}}, {{main}}, {{port}} or {{port+N}} (N from 0 to 9)' },
      { line: 5, column: 32, key: 'serve.site.url', message: expect.stringContaining('{{port+10}} is not a template variable') },
    ]);
  });

  it('checks the ops command, which is templated', () => {
    const r = flower({ repository: ['ops:', '  command: claude "/loop watch {{mian}}"', '  checkout: worktree'] }).load();
    expect(r.problems).toMatchObject([{ line: 2, key: 'ops.command', message: expect.stringContaining('{{mian}} is not a template variable') }]);
    const fine = flower({ repository: ['ops:', '  command: claude "/loop watch {{main}}"'] }).load();
    expect(fine.problems).toEqual([]);
    expect(fine.config.ops).toEqual({ command: 'claude "/loop watch {{main}}"' });
  });

  it('checks copy targets and dotenv values, not commands that are not templated', () => {
    const r = flower({ repository: ['setup:', '  copy:', '    - from: .env', '      to: "{{lanes}}.env"', '      set: { APP_NAME: "{{app}}" }', '  postCreate: ["echo {{whatever}}"]'] }).load();
    expect(r.problems.map((p) => p.key)).toEqual(['setup.copy[0].to', 'setup.copy[0].set.APP_NAME']);
  });

  it('says a template variable in a command that is run as written is not filled in, and which variable to read; a Go template is left alone', () => {
    const r = flower({
      repository: ['setup:', '  postCreate: ["createdb app_{{lane}}", "docker inspect -f \'{{.Name}}\' db"]', 'merge:', '  check: APP_PORT={{ port }} npm test', '  gate: php artisan about'],
    }).load();
    expect(r.config).toEqual({});
    expect(r.problems).toMatchObject([
      { line: 2, key: 'setup.postCreate[0]', message: "setup.postCreate[0]: {{lane}} is not filled in here (templates are for serve, ops.command and copied files); read the value from the command's environment instead: $GROVE_LANE_NAME, $GROVE_BRANCH, $GROVE_PORT in a lane, $GROVE_REPO and $GROVE_MAIN everywhere" },
      { line: 4, key: 'merge.check', message: expect.stringContaining('{{port}} is not filled in here') },
    ]);
  });
});

describe('loadRepoConfig: the user override', () => {
  const repository = ['setup:', '  copy: [.env]', '  postCreate: [composer install, npm ci]', 'merge:', '  check: php artisan test', '  strategy: ff'];

  it('is laid over grove.yaml: mappings merged key by key, lists and values replaced', () => {
    const { load, userFile } = flower({ repository, user: ['setup:', '  postCreate: [composer install]', 'merge:', '  strategy: no-ff'] });
    const r = load();
    expect(r.problems).toEqual([]);
    expect(r.config).toEqual({ setup: { copy: ['.env'], postCreate: ['composer install'] }, merge: { check: 'php artisan test', strategy: 'no-ff' } });
    expect(r.files[1]).toEqual({ path: userFile, exists: true, role: 'user' });
  });

  it('lives in the data dir under the repository\'s name', () => {
    expect(overridePathFor('/home/me/.grove', 'flower')).toBe('/home/me/.grove/overrides/flower.yaml');
  });

  it('contributes nothing when it has problems, which point into it', () => {
    const { load, userFile } = flower({ repository, user: ['merge:', '  strategy: squash'] });
    const r = load();
    expect(r.problems).toMatchObject([{ file: userFile, line: 2, column: 13, key: 'merge.strategy' }]);
    expect(r.config.merge).toEqual({ check: 'php artisan test', strategy: 'ff' });
  });

  it('reports a problem only the combination has against the override, without a line', () => {
    const { load, userFile, repositoryFile } = flower({
      repository: ['serve:', '  site:', '    link: herd link {{lane}}', '    unlink: herd unlink {{lane}}', '    url: http://{{lane}}.test'],
      user: ['serve:', '  command: php artisan serve --port {{port}}', '  url: http://127.0.0.1:{{port}}'],
    });
    const r = load();
    expect(r.problems).toEqual([{ file: userFile, line: null, column: null, key: 'serve', message: 'serve: give either serve.site or serve.command, not both' }]);
    expect(r.config).toEqual(loadRepoConfig(dirname(repositoryFile), join(dirname(userFile), 'none.yaml')).config);
  });

  it('removes a repository key it sets to null: serve.site swapped for a serve command, a whole section, a check', () => {
    const site = ['serve:', '  site:', '    link: herd link {{lane}}', '    unlink: herd unlink {{lane}}', '    url: http://{{lane}}.test'];
    const swapped = flower({ repository: [...site, ...repository], user: ['serve:', '  site: ~', '  command: php artisan serve --port {{port}}', '  url: http://127.0.0.1:{{port}}', 'setup: null', 'merge:', '  check: ~'] }).load();
    expect(swapped.problems).toEqual([]);
    expect(swapped.config).toEqual({ serve: { command: 'php artisan serve --port {{port}}', url: 'http://127.0.0.1:{{port}}' }, merge: { strategy: 'ff' } });
    // A key the repository does not have: nothing to remove, nothing wrong.
    expect(flower({ repository, user: ['ops: ~', 'merge:', '  gate: ~'] }).load()).toMatchObject({ problems: [], config: { merge: { check: 'php artisan test', strategy: 'ff' } } });
  });

  it('names a mistyped key set to null, with the key meant, instead of removing nothing', () => {
    const site = ['serve:', '  site:', '    link: herd link {{lane}}', '    unlink: herd unlink {{lane}}', '    url: http://{{lane}}.test'];
    const { load, userFile } = flower({ repository: site, user: ['serve:', '  stie: ~'] });
    const r = load();
    expect(r.problems).toMatchObject([{ file: userFile, line: 2, key: 'serve.stie' }]);
    expect(r.problems[0]!.message).toContain('serve.site');
    const top = flower({ repository: site, user: ['sevre: ~'] });
    expect(top.load().problems).toMatchObject([{ file: top.userFile, line: 1, key: 'sevre' }]);
  });

  it('null stays a problem in grove.yaml itself, and in a list of the override', () => {
    const own = flower({ repository: ['merge:', '  check: ~'] }).load();
    expect(own.problems).toMatchObject([{ key: 'merge.check', line: 2 }]);
    const { load, userFile } = flower({ repository, user: ['setup:', '  postCreate: [npm ci, ~]'] });
    expect(load().problems).toMatchObject([{ file: userFile, key: 'setup.postCreate[1]' }]);
  });
});

describe('docs/configuration.md', () => {
  it('has a Laravel Herd example that loads without a problem', () => {
    const doc = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
    const example = /<!-- example: laravel-herd -->\n```yaml\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(example, 'docs/configuration.md lost its `<!-- example: laravel-herd -->` yaml block').toBeDefined();
    const r = flower({ repository: [example!] }).load();
    expect(r.problems).toEqual([]);
    expect(r.config.serve?.site?.url).toBe('http://{{lane}}.test');
    expect(r.config.merge).toMatchObject({ check: 'php artisan test', gate: 'php artisan about' });
    expect(r.config.health?.probes).toEqual([
      expect.objectContaining({ name: 'boot', command: 'php artisan about' }),
      expect.objectContaining({ name: 'up', http: expect.objectContaining({ method: 'GET', url: 'http://flower.test/up', expectStatus: 200 }) }),
    ]);
    expect(r.config.ops).toEqual({ command: expect.stringContaining('$GROVE_STATUS_FILE'), checkout: 'worktree' });
  });
});
