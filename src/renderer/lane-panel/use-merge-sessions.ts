import { useSyncExternalStore } from 'react';
import type { Lane } from '../../shared/lanes';
import type { JobView } from '../lanes/job-state';
import type { HostStore } from '../connection/host-store';
import { useHostStore } from '../connection/use-host';
import { MergeSessions, type MergeSessionsSnapshot } from './merge-sessions';

/** The lane's jobs so far: a merge's own job is told from these. */
export function jobIdsOf(jobs: readonly JobView[], lane: Lane): string[] {
  return jobs.filter((j) => j.job.repoId === lane.repoId && j.job.laneName === lane.name).map((j) => j.job.id);
}

/** One set of merge sessions per host connection, living as long as it does. */
const sessionsByHost = new WeakMap<HostStore, MergeSessions>();

export function mergeSessionsOf(store: HostStore): MergeSessions {
  let sessions = sessionsByHost.get(store);
  if (!sessions) {
    sessions = new MergeSessions((params) => store.request('lanes.merge', params));
    sessionsByHost.set(store, sessions);
  }
  return sessions;
}

export function useMergeSessions(): { sessions: MergeSessionsSnapshot; panels: Readonly<Record<string, number>>; flows: MergeSessions } {
  const flows = mergeSessionsOf(useHostStore());
  const sessions = useSyncExternalStore(flows.subscribe, flows.getSnapshot);
  const panels = useSyncExternalStore(flows.subscribe, flows.getPanels);
  return { sessions, panels, flows };
}
