import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { findAgentProcesses, isProcessRunning, processStartTime, signalAll } from '../../../../src/host/terminals/process-tree';

/**
 * Which processes count as an agent's when the host holds only a pid on record. Off Linux no
 * marker can be read from a process, so a recorded pid counts only while the process holding
 * it started when the recorded one did: a reboot hands pids to other programs, and the next
 * host would otherwise end them with their whole process group. The non-Linux path is run
 * here for real (`ps` answers the same questions on Linux), with the platform stubbed.
 */
const started: ChildProcess[] = [];
const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
afterEach(() => {
  Object.defineProperty(process, 'platform', platform);
  for (const c of started.splice(0)) c.kill('SIGKILL');
});

/** A process of someone else's, leading its own group, as a program that got a recycled pid would. */
function stranger(): ChildProcess {
  const c = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  started.push(c);
  return c;
}

describe('an agent’s pid on record', () => {
  it('off Linux, is the agent’s only while its process started when the recorded one did; never when no start was recorded', async () => {
    const other = stranger();
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    started.push(child);
    await expect.poll(() => processStartTime(other.pid!)).not.toBeNull();
    const start = processStartTime(other.pid!);
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    expect(processStartTime(other.pid!)).toMatch(/\d/); // ps's own start time off Linux

    // The host before recorded another process's start: this one only took its pid.
    expect(findAgentProcesses('a1', other.pid!, 'Mon Jan  1 00:00:00 2024')).toEqual([]);
    expect(findAgentProcesses('a1', other.pid!, null)).toEqual([]);
    // The recorded process itself, still running: it and its group are the agent's.
    expect(findAgentProcesses('a1', other.pid!, processStartTime(other.pid!))).toContain(other.pid);
    // The live child of this host (no start asked): trusted as before.
    expect(findAgentProcesses('a1', child.pid!)).toContain(child.pid);

    // The agent's leader ended, a process of its group lives on: no one holds the pid (it is
    // not reused while the group lives), so the group is the agent's whatever the start said.
    const group = spawn('sh', ['-c', 'sleep 30 & echo $!; exit 0'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    started.push(group);
    const groupExited = new Promise((r) => group.once('exit', r));
    const member = Number((await new Promise<Buffer>((r) => group.stdout!.once('data', r))).toString().trim());
    await groupExited;
    started.push({ kill: () => signalAll([member], 'SIGKILL') } as unknown as ChildProcess);
    expect(findAgentProcesses('a1', group.pid!, 'Mon Jan  1 00:00:00 2024')).toContain(member);

    Object.defineProperty(process, 'platform', platform);
    // On Linux the marker decides, whatever the start: a stranger never carries it.
    expect(findAgentProcesses('a1', other.pid!, start)).toEqual([]);
    expect(isProcessRunning(other.pid!)).toBe(true);
  });

  it("on Linux, this host's live child is the agent's even when its environment lost the marker (`exec env -i …`)", () => {
    // Started without GROVE_AGENT_ID, as a command that cleared its environment runs.
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore', env: {} });
    started.push(child);
    expect(findAgentProcesses('a1', child.pid!)).toContain(child.pid);
    // The same pid on record from an earlier host: the marker decides, and it has none.
    expect(findAgentProcesses('a1', child.pid!, processStartTime(child.pid!))).toEqual([]);
  });

  it("on Linux, a pid that is no longer this host's child (reaped, perhaps taken by another program) needs the marker", async () => {
    // A process whose parent exited: init's child, not this process's, and without the marker.
    const orphaner = spawn('sh', ['-c', 'env -i sleep 30 & echo $!; exit 0'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise((r) => orphaner.once('exit', r));
    const orphan = Number((await new Promise<Buffer>((r) => orphaner.stdout!.once('data', r))).toString().trim());
    await exited;
    started.push({ kill: () => signalAll([orphan], 'SIGKILL') } as unknown as ChildProcess);
    expect(isProcessRunning(orphan)).toBe(true);
    expect(findAgentProcesses('a1', orphan)).toEqual([]);
  });
});

