import type { AgentRole, PresetId } from '../../../shared/agents';
import type { Brief } from '../../../shared/briefs';
import type { DispatchParams } from '../../../shared/dispatch';
import type { Lane } from '../../../shared/lanes';
import type { Repo } from '../../../shared/repo';
import { err, ok, type Result } from '../../../shared/result';
import { briefRef } from '../brief-labels';

/**
 * The Dispatch form as data: what it starts with for a brief (its primary project's
 * repository, a new ephemeral lane, Claude Code as a worker), which lanes it offers, and the
 * `dispatch.create` request it makes. Pure, so every rule here is unit-tested; the
 * component only binds it to inputs.
 */

/** The agent kinds the form offers, in the words of the launch dialog. */
export const DISPATCH_PRESETS: readonly { id: PresetId; label: string }[] = [
  { id: 'claude', label: 'Claude Code' },
  { id: 'codex', label: 'Codex' },
  { id: 'shell', label: 'Shell' },
  { id: 'custom', label: 'Custom…' },
];

/** The target select's value for "a new ephemeral lane"; any other value is a standing lane's id. */
export const EPHEMERAL = 'ephemeral';

export interface DispatchForm {
  /** The repository chosen by hand, when the brief's primary project names none this host has. */
  pickedRepoId: string | null;
  /** EPHEMERAL, or a standing lane's id. */
  target: string;
  preset: PresetId;
  /** The program, for `custom`. */
  command: string;
  /** Its arguments, one per line (a line with spaces stays one argument), for `custom`; the packet follows them. */
  args: string;
  role: AgentRole;
  designFirst: boolean;
  auto: boolean;
}

/** The brief's primary project (the first one when none is marked primary), or null when it has none. */
export function primaryProjectOf(brief: Pick<Brief, 'projects'>): string | null {
  return (brief.projects.find((p) => p.primary) ?? brief.projects[0])?.name ?? null;
}

/**
 * Which repository the dispatch goes to: the one named like the brief's primary project (as
 * the host matches it, whatever the case: `matched`), else the one the operator picked
 * (`picked`), else none yet. Several named like the project (`ambiguous`) are never guessed
 * between, by the host either: the operator picks one of them.
 */
export type DispatchRepo = { kind: 'matched'; repo: Repo } | { kind: 'picked'; repo: Repo } | { kind: 'ambiguous'; repos: Repo[] } | { kind: 'none' };

export function repoForDispatch(brief: Pick<Brief, 'projects'>, repos: readonly Repo[], pickedRepoId: string | null): DispatchRepo {
  const named = namedLikeProject(brief, repos);
  if (named.length === 1) return { kind: 'matched', repo: named[0]! };
  const picked = repoChoice(brief, repos).repos.find((r) => r.id === pickedRepoId);
  if (picked) return { kind: 'picked', repo: picked };
  return named.length > 1 ? { kind: 'ambiguous', repos: named } : { kind: 'none' };
}

/** What the form offers to pick from: only those named like the project when several are, else any. */
export function repoChoice(brief: Pick<Brief, 'projects'>, repos: readonly Repo[]): { several: boolean; repos: Repo[] } {
  const named = namedLikeProject(brief, repos);
  return named.length > 1 ? { several: true, repos: named } : { several: false, repos: [...repos] };
}

function namedLikeProject(brief: Pick<Brief, 'projects'>, repos: readonly Repo[]): Repo[] {
  const project = primaryProjectOf(brief)?.toLowerCase();
  return project === undefined ? [] : repos.filter((r) => r.name.toLowerCase() === project);
}

/** The repository the form names, if any (matched or picked). */
export const chosenRepo = (repo: DispatchRepo): Repo | null => (repo.kind === 'matched' || repo.kind === 'picked' ? repo.repo : null);

/** The standing lanes an agent can be sent to: Grove's own (not merely adoptable), present on disk, by name. */
export function standingLanesOf(repoId: string | null, lanes: readonly Lane[]): Lane[] {
  if (repoId === null) return [];
  return lanes
    .filter((l) => l.repoId === repoId && l.kind === 'standing' && !l.adoptable && l.status !== 'missing')
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What the form shows first for a brief: a new ephemeral lane, Claude Code as a worker, no design pass, no auto-dispatch. */
export function defaultDispatchForm(): DispatchForm {
  return { pickedRepoId: null, target: EPHEMERAL, preset: 'claude', command: '', args: '', role: 'worker', designFirst: false, auto: false };
}

/**
 * The form with a target it can still offer: a standing lane that went away (removed, or of
 * another repository after a new pick) falls back to a new ephemeral lane.
 */
export function withValidTarget(form: DispatchForm, lanes: readonly Lane[]): DispatchForm {
  if (form.target === EPHEMERAL || lanes.some((l) => l.id === form.target)) return form;
  return { ...form, target: EPHEMERAL };
}

/**
 * The `dispatch.create` request the form makes, or what to fix first, worded for the
 * operator. The repository is named, by its id, only when the brief's project does not name
 * it alone (the host finds it by the project otherwise).
 */
export function dispatchRequestOf(form: DispatchForm, brief: Pick<Brief, 'number' | 'projects'>, repo: DispatchRepo): Result<DispatchParams, string> {
  if (repo.kind === 'none') {
    const project = primaryProjectOf(brief);
    return err(project === null ? 'The brief has no project: pick the repository to dispatch it into.' : `No repository here is named ${project}: pick the repository to dispatch the brief into.`);
  }
  if (repo.kind === 'ambiguous') return err(`Several repositories here are named ${primaryProjectOf(brief)}: pick the one to dispatch the brief into.`);
  const command = form.command.trim();
  if (form.preset === 'custom' && command === '') return err('Custom needs a command: the program to run, e.g. /usr/local/bin/my-agent.');
  return ok({
    ref: briefRef(brief.number),
    via: 'ui',
    preset: form.preset,
    role: form.role,
    designFirst: form.designFirst,
    auto: form.auto,
    ...(form.target === EPHEMERAL ? {} : { lane: form.target }),
    ...(form.preset === 'custom' ? { command } : {}),
    ...(form.preset === 'custom' && argsOf(form.args).length > 0 ? { args: argsOf(form.args) } : {}),
    ...(repo.kind === 'picked' ? { repoId: repo.repo.id } : {}),
  });
}

/** One argument per line; blank lines are none. */
function argsOf(text: string): string[] {
  return text.split('\n').filter((a) => a.trim() !== '');
}
