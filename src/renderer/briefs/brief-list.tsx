import { FormError } from './form-error';
import { FileText, List, Network, Plus, Search } from 'lucide-react';
import { useEffect, useId, useMemo, useState } from 'react';
import { BRIEF_KINDS, BRIEF_STATUSES, type BriefKindName, type BriefStatusName } from '../../shared/brief-constants';
import type { BriefSummary } from '../../shared/briefs';
import { routeFor } from '../../shared/ui-route';
import { useHost } from '../connection/use-host';
import { count } from '../../shared/plural';
import { TimeAgo } from '../ui/time-ago';
import { statusLabel } from './brief-labels';
import { BriefNumber } from './brief-number';
import { BriefStatusBadge } from './brief-status-badge';
import { NewBriefDialog } from './new-brief-dialog';
import { onNewBriefRequest } from './new-brief-request';
import { setBriefFilters, useBriefFilters } from './use-brief-filters';
import { useBriefList } from './use-brief-list';
import { setBriefListView, useBriefListView } from './use-brief-list-view';
import { ProjectGraphView } from './graph/graph-route';

/**
 * All briefs: filtered by project, status and kind, searched (titles, specs and trace text),
 * latest activity first, a page at a time, live. "New brief" opens the dialog, as does the
 * palette's command.
 */
export function BriefList({ onOpen }: { onOpen: (number: number) => void }) {
  const filters = useBriefFilters();
  const list = useBriefList(filters);
  const view = useBriefListView();
  const { repos } = useHost();
  const id = useId();
  const [isCreating, setCreating] = useState(false);
  useEffect(() => onNewBriefRequest(() => setCreating(true)), []);

  const projects = useMemo(() => {
    const names = new Set((repos ?? []).map((r) => r.name));
    for (const b of list.briefs ?? []) for (const p of b.projects) names.add(p.name);
    if (filters.project) names.add(filters.project);
    return [...names].sort((a, b) => a.localeCompare(b));
  }, [repos, list.briefs, filters.project]);
  const isFiltered = filters.project !== null || filters.status !== null || filters.kind !== null || filters.query.trim() !== '';

  return (
    <div className="brief-list-page" data-testid="brief-list">
      <header className="brief-list-header">
        <h1>
          <FileText size={18} aria-hidden /> {filters.project ? `${filters.project} · ` : ''}All briefs
        </h1>
        <button type="button" className="primary" onClick={() => setCreating(true)} data-testid="new-brief">
          <Plus size={15} aria-hidden /> New brief
        </button>
      </header>
      <div className="brief-filters" role="search">
        <label className="brief-search">
          <Search size={14} aria-hidden />
          <span className="visually-hidden">Search briefs</span>
          <input type="search" placeholder="Search titles, specs and traces" value={filters.query} onChange={(e) => setBriefFilters({ query: e.target.value })} data-testid="brief-search" />
        </label>
        <FilterSelect id={`${id}-project`} label="Project" value={filters.project} options={projects.map((p) => [p, p])} onChange={(project) => setBriefFilters({ project })} />
        <FilterSelect id={`${id}-status`} label="Status" value={filters.status} options={BRIEF_STATUSES.map((s) => [s, statusLabel(s)])} onChange={(s) => setBriefFilters({ status: s as BriefStatusName | null })} />
        <FilterSelect id={`${id}-kind`} label="Kind" value={filters.kind} options={BRIEF_KINDS.map((k) => [k, k])} onChange={(k) => setBriefFilters({ kind: k as BriefKindName | null })} />
        {isFiltered && (
          <button type="button" onClick={() => setBriefFilters({ project: null, status: null, kind: null, query: '' })}>
            Clear
          </button>
        )}
      </div>
      <div className="brief-view-switch" role="group" aria-label="Show the briefs as">
        <button type="button" aria-pressed={view === 'list'} onClick={() => setBriefListView('list')} data-testid="brief-view-list">
          <List size={14} aria-hidden /> List
        </button>
        <button type="button" aria-pressed={view === 'graph'} onClick={() => setBriefListView('graph')} data-testid="brief-view-graph">
          <Network size={14} aria-hidden /> Dependency graph
        </button>
      </div>
      {view === 'graph' ? (
        <>
          {(filters.status !== null || filters.kind !== null || filters.query.trim() !== '') && (
            <p className="muted">The graph draws every brief of {filters.project ?? 'every project'}; status, kind and search narrow the list only.</p>
          )}
          <ProjectGraphView project={filters.project} />
        </>
      ) : (
        <BriefRows list={list} isFiltered={isFiltered} onOpen={onOpen} />
      )}
      {isCreating && <NewBriefDialog open onOpenChange={setCreating} projects={projects} defaultProject={filters.project} onCreated={onOpen} />}
    </div>
  );
}

/** The rows of All briefs, with their empty states and "Load more". */
function BriefRows({ list, isFiltered, onOpen }: { list: ReturnType<typeof useBriefList>; isFiltered: boolean; onOpen: (number: number) => void }) {
  return (
    <>
      <FormError message={list.error} />
      {list.briefs === null ? (
        !list.error && <p className="muted">Loading…</p>
      ) : list.briefs.length === 0 ? (
        isFiltered ? (
          <p className="brief-empty" data-testid="brief-list-empty">
            No brief matches. <button type="button" className="link-button" onClick={() => setBriefFilters({ project: null, status: null, kind: null, query: '' })}>Clear the filters</button>
          </p>
        ) : (
          <div className="view-empty brief-empty" data-testid="brief-list-empty">
            <p>
              <strong>No briefs yet.</strong> A brief is what an agent is asked to do and the record of everything that happened to it: the spec, an append-only trace of notes, plans and status changes (who, when, through what), screenshots, and links to lanes, merges and incidents.
            </p>
            <p className="muted">
              Make one with <strong>New brief</strong> above, the palette's “New brief”, or <code>grove brief new "Title" --project NAME</code>. Agents read it with <code>grove brief recall #N</code>.
            </p>
          </div>
        )
      ) : (
        <>
          <p className="visually-hidden" aria-live="polite">
            {count(list.briefs.length, 'brief')} shown
          </p>
          <ul className="brief-rows" aria-label="Briefs">
            {list.briefs.map((b) => (
              <BriefRow key={b.id} brief={b} onOpen={onOpen} />
            ))}
          </ul>
          {list.hasMore && (
            <button type="button" className="brief-more" onClick={list.loadMore} disabled={list.isLoadingMore}>
              {list.isLoadingMore ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </>
  );
}

function FilterSelect({ id, label, value, options, onChange }: { id: string; label: string; value: string | null; options: [string, string][]; onChange: (v: string | null) => void }) {
  return (
    <span className="brief-filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)} data-testid={`brief-filter-${label.toLowerCase()}`}>
        <option value="">any</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </span>
  );
}

function BriefRow({ brief, onOpen }: { brief: BriefSummary; onOpen: (number: number) => void }) {
  const people = brief.participants.filter((p) => p.active).map((p) => p.name);
  const primary = brief.projects.find((p) => p.primary)?.name ?? brief.projects[0]?.name;
  return (
    <li className="brief-row" data-testid="brief-row" data-number={brief.number}>
      <a
        href={routeFor({ kind: 'brief', number: brief.number })}
        onClick={(e) => {
          if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          onOpen(brief.number);
        }}
      >
        <BriefNumber className="brief-row-number" number={brief.number} provisional={brief.numberProvisional} />
        <span className="brief-row-title">{brief.title}</span>
        <span className="brief-row-meta">
          <BriefStatusBadge status={brief.status} />
          <span className="brief-kind">{brief.kind}</span>
          {primary && <span className="brief-row-project">{primary}</span>}
          <span className="brief-row-people" title={people.join(', ')}>
            {people.length === 0 ? 'no participants' : people.join(', ')}
          </span>
          <TimeAgo at={brief.updatedAt} className="brief-row-time" />
        </span>
      </a>
    </li>
  );
}
