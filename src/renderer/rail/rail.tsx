import { Activity, Bell, ChevronDown, ChevronRight, FileText, GitBranch, Plus, Settings, ShieldOff, TerminalSquare } from 'lucide-react';
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { isLiveSupervision } from '../../shared/agent-liveness';
import { knownConfinement } from '../../shared/confinement-words';
import type { Repo } from '../../shared/repo';
import { sameView, type CockpitView } from '../cockpit/cockpit-layout';
import type { RailModel, RailRepo, Workspace } from '../cockpit/rail-model';
import { ATTENTION_LABEL } from '../ui/attention';
import { count } from '../../shared/plural';
import { AttentionBadge, HealthBadge } from '../ui/status-badge';
import './rail.css';

/**
 * The left rail: every repository with MAIN's health and its ops loop, its lanes with their
 * most urgent agent, then Briefs, Health, Notifications and Settings. Arrow keys move
 * between entries (one tab stop for the whole list), Enter opens.
 */
export function Rail({
  model,
  view,
  onSelect,
  onNewLane,
  onAddRepo,
  unreadNotifications,
  openIncidents,
}: {
  model: RailModel;
  view: CockpitView | null;
  onSelect: (view: CockpitView) => void;
  onNewLane: (repo: Repo) => void;
  onAddRepo: () => void;
  unreadNotifications: number;
  openIncidents: number;
}) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string): void => setCollapsed((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const onKeyDown = (e: KeyboardEvent<HTMLElement>): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return;
    const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[data-rail-item]')];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : Math.max(0, Math.min(items.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)));
    items[next]?.focus();
    e.preventDefault();
  };
  const is = (v: CockpitView): boolean => sameView(view, v);
  let laneNumber = 0;
  const numbered = new Map(model.ordered.map((w) => [w.path, ++laneNumber]));

  return (
    <nav className="rail" aria-label="Repositories and lanes" data-testid="rail" onKeyDown={onKeyDown}>
      <div className="rail-section-head">
        <span>Repositories</span>
        <button className="icon-button" aria-label="Add a repository" title="Add a repository" onClick={onAddRepo} data-testid="rail-add-repo">
          <Plus size={14} aria-hidden />
        </button>
      </div>
      <ul className="rail-list">
        {model.repos.map((r) => (
          <RepoEntry key={r.repo.id} entry={r} isOpen={!collapsed.has(r.repo.id)} onToggle={() => toggle(r.repo.id)} is={is} onSelect={onSelect} onNewLane={onNewLane} numbered={numbered} />
        ))}
        {model.others.length > 0 && (
          <li className="rail-repo">
            <div className="rail-repo-row muted">Other directories</div>
            <ul className="rail-lanes">
              {model.others.map((w) => (
                <LaneEntry key={w.path} workspace={w} isSelected={is({ kind: 'workspace', path: w.path })} onSelect={onSelect} number={numbered.get(w.path)} />
              ))}
            </ul>
          </li>
        )}
      </ul>
      <ul className="rail-list rail-places">
        <Place icon={<FileText size={15} aria-hidden />} label="Briefs" testId="rail-briefs" isSelected={view?.kind === 'briefs'} onClick={() => onSelect({ kind: 'briefs' })} />
        <Place icon={<Activity size={15} aria-hidden />} label="Health" testId="rail-health" isSelected={is({ kind: 'health' })} onClick={() => onSelect({ kind: 'health' })} count={openIncidents} countLabel={count(openIncidents, 'open incident')} />
        <Place icon={<Bell size={15} aria-hidden />} label="Notifications" testId="rail-notifications" isSelected={is({ kind: 'notifications' })} onClick={() => onSelect({ kind: 'notifications' })} count={unreadNotifications} countLabel={`${unreadNotifications} unread`} />
        <Place icon={<Settings size={15} aria-hidden />} label="Settings" testId="rail-settings" isSelected={is({ kind: 'settings' })} onClick={() => onSelect({ kind: 'settings' })} />
      </ul>
    </nav>
  );
}

function RepoEntry({
  entry,
  isOpen,
  onToggle,
  is,
  onSelect,
  onNewLane,
  numbered,
}: {
  entry: RailRepo;
  isOpen: boolean;
  onToggle: () => void;
  is: (v: CockpitView) => boolean;
  onSelect: (view: CockpitView) => void;
  onNewLane: (repo: Repo) => void;
  numbered: Map<string, number>;
}) {
  const { repo } = entry;
  const mainView: CockpitView = { kind: 'main', repoId: repo.id };
  return (
    <li className="rail-repo" data-testid="rail-repo" data-repo-id={repo.id}>
      <div className="rail-repo-row">
        <button className="icon-button rail-twisty" aria-label={isOpen ? `Collapse ${repo.name}` : `Expand ${repo.name}`} aria-expanded={isOpen} onClick={onToggle}>
          {isOpen ? <ChevronDown size={14} aria-hidden /> : <ChevronRight size={14} aria-hidden />}
        </button>
        <button
          className={`rail-item rail-main${is(mainView) ? ' selected' : ''}`}
          aria-current={is(mainView) ? 'page' : undefined}
          data-rail-item
          data-testid="rail-main"
          onClick={() => onSelect(mainView)}
          title={`${repo.name}: MAIN at ${repo.mainPath}`}
        >
          <span className="rail-name">{repo.name}</span>
          <HealthBadge state={entry.health} compact />
        </button>
        <button className="icon-button" aria-label={`New lane in ${repo.name}`} title="New lane" onClick={() => onNewLane(repo)}>
          <Plus size={14} aria-hidden />
        </button>
      </div>
      {isOpen && (
        <ul className="rail-lanes">
          {entry.workspaces.map((w) => (
            <LaneEntry key={w.path} workspace={w} isSelected={is({ kind: 'workspace', path: w.path })} onSelect={onSelect} number={numbered.get(w.path)} />
          ))}
          {entry.workspaces.length === 0 && <li className="rail-hint muted">No lanes yet</li>}
          {entry.adoptable.length > 0 && <li className="rail-hint muted">{count(entry.adoptable.length, 'worktree')} to adopt (MAIN view)</li>}
        </ul>
      )}
    </li>
  );
}

function LaneEntry({ workspace: w, isSelected, onSelect, number }: { workspace: Workspace; isSelected: boolean; onSelect: (view: CockpitView) => void; number: number | undefined }) {
  const served = w.lane?.served?.url ?? null;
  // A live agent outside its lane's confinement shows on the lane too, not only on its tab.
  const unconfined = w.agents.filter((a) => isLiveSupervision(a.supervision.kind) && knownConfinement(a)?.confined === false).length;
  const summary = [w.attention ? ATTENTION_LABEL[w.attention] : 'no agents', w.needsYou > 0 ? `${w.needsYou} need you` : null, unconfined > 0 ? `${unconfined} unconfined` : null].filter(Boolean).join(', ');
  return (
    <li>
      <button
        className={`rail-item rail-lane${isSelected ? ' selected' : ''}${w.needsYou > 0 ? ' needs-you' : ''}`}
        aria-current={isSelected ? 'page' : undefined}
        aria-label={`${w.name} (${w.kind === 'lane' ? 'lane' : w.kind}): ${summary}`}
        data-rail-item
        data-testid="rail-lane"
        data-path={w.path}
        data-attention={w.attention ?? 'none'}
        onClick={() => onSelect({ kind: 'workspace', path: w.path })}
        title={w.path}
      >
        {w.attention ? <AttentionBadge attention={w.attention} compact /> : w.kind === 'lane' ? <GitBranch size={14} aria-hidden className="muted" /> : <TerminalSquare size={14} aria-hidden className="muted" />}
        <span className="rail-name">{w.name}</span>
        {unconfined > 0 && (
          <span className="rail-unconfined" title={`${count(unconfined, 'agent')} running unconfined`} data-testid="rail-unconfined">
            <ShieldOff size={13} aria-hidden />
          </span>
        )}
        {w.needsYou > 0 && (
          <span className="rail-count needs" data-testid="lane-needs-you">
            {w.needsYou}
          </span>
        )}
        {w.contextUse !== null && (
          <span className={`rail-context${w.contextUse > 0.8 ? ' full' : ''}`} title={`Context ${Math.round(w.contextUse * 100)}% used`} aria-hidden>
            <span style={{ width: `${Math.round(w.contextUse * 100)}%` }} />
          </span>
        )}
        {number !== undefined && number <= 9 && <span className="rail-key muted" aria-hidden>{number}</span>}
      </button>
      {(w.lane?.port || served) && (
        <div className="rail-lane-meta muted">
          {w.lane?.port ? <span>:{w.lane.port}</span> : null}
          {served && (
            <a href={served} target="_blank" rel="noreferrer" title={`Served at ${served}`}>
              {served.replace(/^https?:\/\//, '')}
            </a>
          )}
        </div>
      )}
    </li>
  );
}

function Place({ icon, label, testId, isSelected, onClick, count: n, countLabel }: { icon: ReactNode; label: string; testId: string; isSelected: boolean; onClick: () => void; count?: number; countLabel?: string }) {
  return (
    <li>
      <button className={`rail-item${isSelected ? ' selected' : ''}`} aria-current={isSelected ? 'page' : undefined} data-rail-item data-testid={testId} onClick={onClick}>
        {icon}
        <span className="rail-name">{label}</span>
        {n !== undefined && n > 0 && (
          <span className="rail-count" aria-label={countLabel}>
            {n}
          </span>
        )}
      </button>
    </li>
  );
}
