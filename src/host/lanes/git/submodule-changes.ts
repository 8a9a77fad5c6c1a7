import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from './run-git';
import { statusEntries } from './worktree-status';

/**
 * What a lane's submodule holds in its working tree that its HEAD does not (changed and
 * untracked paths), read without the submodule's own config. That config is the lane's
 * agent's to write (the submodule's git folder lives in the lane's), and git run in it by the
 * host would run the programs it names (a clean filter, an fsmonitor) as the operator,
 * unconfined. So git reads it through a git folder of Grove's own, made for the moment: the
 * submodule's HEAD commit and index, its objects borrowed, and a config that names nothing.
 * Ignore rules in the submodule's own git folder are not read: an ignored file there shows as
 * untracked (counted, never lost). Null when it cannot be read so.
 */
export async function submoduleChanges(subPath: string): Promise<string[] | null> {
  let scratch: string | null = null;
  try {
    // rev-parse reads the folder and names, and runs nothing its config names.
    const gitDir = (await runGit(subPath, ['rev-parse', '--absolute-git-dir'])).stdout.trim();
    const head = (await runGit(subPath, ['rev-parse', '--verify', '-q', 'HEAD'], { okCodes: [0, 1] })).stdout.trim();
    const format = (await runGit(subPath, ['rev-parse', '--show-object-format'])).stdout.trim();
    if (!head || existsSync(join(gitDir, 'commondir'))) return null;
    scratch = mkdtempSync(join(tmpdir(), 'grove-submodule-'));
    mkdirSync(join(scratch, 'objects', 'info'), { recursive: true });
    mkdirSync(join(scratch, 'refs'));
    writeFileSync(join(scratch, 'objects', 'info', 'alternates'), `${realpathSync(join(gitDir, 'objects'))}\n`);
    writeFileSync(join(scratch, 'HEAD'), `${head}\n`);
    writeFileSync(join(scratch, 'config'), format === 'sha256' ? '[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectformat = sha256\n' : '[core]\n\trepositoryformatversion = 0\n');
    if (existsSync(join(gitDir, 'index'))) copyFileSync(join(gitDir, 'index'), join(scratch, 'index'));
    const { stdout } = await runGit(subPath, ['--git-dir', scratch, '--work-tree', subPath, '--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=all']);
    const status = statusEntries(stdout);
    return [...status.changed, ...status.untracked];
  } catch {
    return null;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
