import { dirname } from 'node:path';
import type { ConfinePolicy, Step } from './confine-policy';

/**
 * macOS's sandbox (Seatbelt) profile for a policy, in SBPL, run as
 * `/usr/bin/sandbox-exec -p <profile> -- program args`. Pure; the paths are already real
 * (macOS's /tmp is /private/tmp, and Seatbelt matches the real path a file is reached by).
 *
 * SBPL decides each operation by the LAST rule that matches it, which is what makes the
 * policy's order carry over: a later mount wins under bwrap, a later rule wins here. So the
 * profile allows everything, takes writing away everywhere, then walks the steps in order,
 * each one setting both reading and writing for its subtree as a mount would:
 *
 * - writable: read and write (`subpath` matches the path itself too, so a state file needs
 *   no `literal` of its own: nothing can lie below a file);
 * - read-only: read, not write (re-shown from a hidden dir, or MAIN below a writable place);
 * - hidden: neither (bwrap shows it empty; here reading it is refused: EPERM);
 * - symlink: the link stays as it is, not removable or replaceable;
 * - scratch: there is no mount to make. The closest safe meaning: beside each writable entry
 *   directly in the scratch dir, the names an atomic save of it uses may be made —
 *   `<name>.lock` and `<name>.tmp.<anything>` (Claude Code saves ~/.claude.json through
 *   `~/.claude.json.lock` and `~/.claude.json.tmp.<pid>.<hex>`). They are real files, not
 *   private ones: anything else new in $HOME (a ~/.zshenv the operator's shell would run) is
 *   refused, where bwrap let it be made and dropped it at the end. The lock is then shared
 *   with the operator's own `claude`, as it should be.
 *
 * Under bwrap an ancestor of a mount cannot be renamed or removed (EBUSY); here nothing would
 * stop renaming `/src/a` when `/src` is writable and MAIN is `/src/a/flower`, after which no
 * rule names MAIN's new path. So, last, writing to each ancestor dir itself of a read-only
 * or hidden path (renaming, removing, chmod of the dir; not making entries in it) is refused.
 *
 * Network none: no network at all but the host's loopback port (its hooks, MCP, `grove`),
 * so no forwarder is needed; Unix sockets, which are files and which bwrap's network
 * namespace leaves reachable too, stay allowed.
 */
export interface ProfileOptions {
  /** Grove's host port on loopback: the one place a `network: none` agent reaches. */
  hostPort: number | null;
}

/**
 * Writing, and making a hard link, which Seatbelt checks apart (`file-link`, against the
 * file linked to): a new name in the lane for a file of MAIN would be written through
 * under the lane's rule. bwrap refuses such a link across mounts (EXDEV); git, whose
 * objects are made by a link, falls back to a rename, as it does there.
 */
const WRITE = 'file-write* file-link';

/** What any program writes however confined: its terminal, /dev/null, its own fds. */
const DEVICES = ['(literal "/dev/null")', '(literal "/dev/zero")', '(literal "/dev/tty")', '(literal "/dev/ptmx")', '(literal "/dev/dtracehelper")', '(regex #"^/dev/ttys[0-9]+$")', '(subpath "/dev/fd")'];

/**
 * The services name resolution goes through (getaddrinfo asks mDNSResponder over Mach, not
 * the network): refused with `network: none`, so names do not carry data out. A name that
 * is not there is harmless in a deny.
 */
const RESOLVERS = ['com.apple.dnssd.service', 'com.apple.mDNSResponder'];

export function sandboxProfile(policy: ConfinePolicy, o: ProfileOptions): string {
  const out = ['(version 1)', '(allow default)', '', '; read-only everywhere but what follows', `(deny ${WRITE})`, `(allow file-write* ${DEVICES.join(' ')})`, ''];
  const scratchDirs: string[] = [];
  const protectedPaths: string[] = [];
  const earlierHidden: string[] = [];
  for (const step of policy.steps) {
    out.push(...rulesFor(step, scratchDirs, earlierHidden));
    if (step.kind === 'scratch') scratchDirs.push(step.path);
    if (step.kind === 'hidden') earlierHidden.push(step.path);
    if (step.kind === 'read-only' || step.kind === 'hidden' || step.kind === 'symlink') protectedPaths.push(step.path);
  }
  const ancestors = [...new Set(protectedPaths.flatMap(ancestorsOf))];
  if (ancestors.length > 0) out.push('', '; the dirs above read-only and hidden paths stay where they are', `(deny file-write* ${ancestors.map((a) => `(literal ${sbplString(a)})`).join(' ')})`);
  if (policy.network !== 'open') {
    // Names are resolved by a daemon that reaches out for them: refused with either.
    const what = policy.network === 'none' ? "only Grove's host" : "this machine's loopback and nothing beyond";
    out.push('', `; network ${policy.network}: ${what}`, '(deny network*)', `(deny mach-lookup ${RESOLVERS.map((n) => `(global-name ${sbplString(n)})`).join(' ')})`);
    if (policy.network === 'loopback') out.push('(allow network-outbound (remote ip "localhost:*"))', '(allow network-bind (local ip "localhost:*"))', '(allow network-inbound (local ip "localhost:*"))');
    else if (o.hostPort !== null) out.push(`(allow network-outbound (remote ip "localhost:${portOf(o.hostPort)}"))`);
    out.push('(allow network-outbound (remote unix-socket))', '(allow network-bind (local unix-socket))');
  }
  return out.join('\n') + '\n';
}

/**
 * sandbox-exec's command line for a policy: the profile, then the program (the PTY's cwd is
 * the policy's). sandbox-exec applies the profile to itself and execs the program: nothing
 * stays between the PTY and the agent, and every process it starts inherits the sandbox.
 */
export function sandboxExecArgs(policy: ConfinePolicy, o: ProfileOptions, program: string, args: readonly string[]): string[] {
  return ['-p', sandboxProfile(policy, o), '--', program, ...args];
}

function rulesFor(step: Step, scratchDirs: readonly string[], earlierHidden: readonly string[]): string[] {
  const p = sbplString(step.path);
  switch (step.kind) {
    case 'scratch':
      // No path in a comment: a newline in it would end the comment and the rest be read as rules.
      return ['; a scratch dir: only the lock and temp names beside its writable entries (below)'];
    case 'writable': {
      const rules = [...shownAncestors(step.path, earlierHidden), `(allow file-read* ${WRITE} (subpath ${p}))`];
      if (scratchDirs.includes(dirname(step.path))) rules.push(`(allow file-write* (regex ${sbplRegex(`^${regexEscape(step.path)}\\.(lock|tmp\\.[^/]+)$`)}))`);
      return rules;
    }
    case 'read-only':
      return [...shownAncestors(step.path, earlierHidden), `(allow file-read* (subpath ${p}))`, `(deny ${WRITE} (subpath ${p}))`];
    case 'symlink':
      return [`(allow file-read* (literal ${p}))`, `(deny ${WRITE} (literal ${p}))`];
    case 'hidden':
      return [`(deny file-read* ${WRITE} (${step.what === 'dir' ? 'subpath' : 'literal'} ${p}))`];
  }
}

/**
 * A path shown from inside a hidden dir is reached through dirs whose reading was refused:
 * their metadata (stat, realpath walking down) is let through, as bwrap shows them; their
 * listing stays refused.
 */
function shownAncestors(path: string, earlierHidden: readonly string[]): string[] {
  const within = ancestorsOf(path).filter((a) => earlierHidden.some((h) => a === h || a.startsWith(h + '/')));
  return within.length > 0 ? [`(allow file-read-metadata ${within.map((a) => `(literal ${sbplString(a)})`).join(' ')})`] : [];
}

/** `/a/b/c` → `/a`, `/a/b` (never `/` itself: its entries are not ours to stop). */
function ancestorsOf(path: string): string[] {
  const out: string[] = [];
  for (let d = dirname(path); d !== '/' && d !== '.'; d = dirname(d)) out.unshift(d);
  return out;
}

/** An SBPL string literal: a backslash and a double quote are escaped; nothing else is special. */
export function sbplString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** An SBPL regex literal (`#"…"`): its backslashes reach the regex as they are; a quote is escaped. */
function sbplRegex(regex: string): string {
  return `#"${regex.replace(/"/g, '\\"')}"`;
}

function regexEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function portOf(port: number): number {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`not a port: ${port}`);
  return port;
}
