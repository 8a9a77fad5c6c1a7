import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessRunning, listProcesses } from '../../src/host/terminals/process-tree';
import { api, startHostProcess, stopAllHosts } from '../fixtures/host-process';
import { addRepo, makeProbedRepo } from '../fixtures/probed-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { pidWritten, writtenPid } from '../fixtures/pid-file';

/**
 * The commands a host runs from grove.yaml (a lane's postCreate, a command probe) against a
 * host killed with `kill -9` while they run: the next host on the data dir ends them before
 * it answers, so nothing of theirs goes on writing.
 */
const groups: number[] = [];
afterEach(async () => {
  await stopAllHosts();
  // Whatever a failing run left behind, ended here by the pids this test recorded.
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone, as it should be */
    }
  }
  removeTempDirs();
});

/** Live processes in the process group `pgid`. */
const membersOf = (pgid: number): number[] => listProcesses().filter((p) => p.pgid === pgid && isProcessRunning(p.pid)).map((p) => p.pid);

describe('commands a killed host left running', () => {
  it('are ended by the next host: a slow postCreate and a slow probe never finish', async () => {
    const marks = makeTempDir('grove-marks-');
    const SLOW_S = 8;
    // Each writes its shell's pid (its process group's id) at once and a mark when done.
    // The probe runs once only, so the next host's own round does not write the mark.
    const probe = `[ -e ${marks}/probe.pid ] && exit 0; echo $$ > ${marks}/probe.pid; sleep ${SLOW_S}; touch ${marks}/probe-done`;
    const postCreate = `echo $$ > ${marks}/setup.pid; sleep ${SLOW_S}; touch ${marks}/setup-done`;
    const main = makeProbedRepo({ health: { probes: [{ name: 'slow', command: probe, timeoutSeconds: 120 }] }, setup: { postCreate: [postCreate], timeoutSeconds: 120 } });
    const first = await startHostProcess();
    const repoId = await addRepo(first, main);
    // lanes.create answers when setup is over, which it never is here: do not wait for it.
    void api(first, 'lanes.create', { repoId, name: 'design' }).catch(() => undefined);
    const setupGroup = await pidWritten(join(marks, 'setup.pid'));
    const probeGroup = await pidWritten(join(marks, 'probe.pid'));
    groups.push(setupGroup, probeGroup);
    const startedAt = Date.now();

    await first.kill9();
    // They outlive the host that started them (each is its own process group)...
    expect(membersOf(setupGroup).length).toBeGreaterThan(0);
    expect(membersOf(probeGroup).length).toBeGreaterThan(0);

    // ...until the next host on the data dir starts: it ends them before it answers.
    const second = await startHostProcess({ home: first.home });
    expect({ setup: membersOf(setupGroup), probe: membersOf(probeGroup) }).toEqual({ setup: [], probe: [] });
    expect(second.output()).toContain('ending a command the previous host left running');

    // Long after they would have finished, neither wrote its mark.
    await new Promise((r) => setTimeout(r, Math.max(0, startedAt + (SLOW_S + 2) * 1000 - Date.now())));
    expect({ setup: existsSync(join(marks, 'setup-done')), probe: existsSync(join(marks, 'probe-done')) }).toEqual({ setup: false, probe: false });
    // The next host's own probe round ran (the probe exits at once now), so the host is past its start.
    expect((await api(second, 'host.status')).status).toBe(200);
  }, 40_000);
});

describe('commands a stopping host is asked to start', () => {
  it('are not started once the stop ended those running: a postCreate whose worktree came late does not outlive the host', async () => {
    const marks = makeTempDir('grove-marks-');
    const postCreate = `echo $$ > ${marks}/setup.pid; sleep 30`;
    const main = makeProbedRepo({ setup: { postCreate: [postCreate], timeoutSeconds: 120 } });
    // A slow `git worktree add` (its post-checkout hook): the lane's setup comes after the stop began.
    writeFileSync(join(main, '.git', 'hooks', 'post-checkout'), `#!/bin/sh\ntouch ${marks}/checkout; sleep 2\n`, { mode: 0o755 });
    // An agent that ignores SIGTERM holds the stop in the agents' grace, long after the hook is done.
    const host = await startHostProcess({ env: { GROVE_STOP_GRACE_MS: '6000' } });
    const repoId = await addRepo(host, main);
    const stubborn = `trap '' TERM HUP INT; echo $$ > ${marks}/agent.pid; while :; do sleep 1; done`;
    const agent = await api(host, 'agents.start', { lanePath: realpathSync(makeTempDir('grove-lane-')), preset: 'custom', command: '/bin/sh', args: ['-c', stubborn], name: 'stubborn', restart: 'never', unconfined: true });
    expect(agent.body.ok, JSON.stringify(agent.body)).toBe(true);
    groups.push(await pidWritten(join(marks, 'agent.pid')));

    void api(host, 'lanes.create', { repoId, name: 'design' }).catch(() => undefined);
    await expect.poll(() => existsSync(join(marks, 'checkout')), { timeout: 15_000 }).toBe(true);
    await host.stop();

    // The worktree was made (the setup was next), and the postCreate never started or, started, it ended with the host.
    expect(existsSync(join(dirname(main), 'flower-design'))).toBe(true);
    const setup = writtenPid(join(marks, 'setup.pid'));
    if (setup !== null) groups.push(setup);
    expect(setup === null ? [] : membersOf(setup)).toEqual([]);
  }, 40_000);
});
