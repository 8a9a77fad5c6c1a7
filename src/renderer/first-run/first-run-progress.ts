import { useSyncExternalStore } from 'react';
import type { HostStore } from '../connection/host-store';
import { useHost, useHostStore } from '../connection/use-host';
import { FirstRunProgress, isFirstRun, type FirstRunStep } from './first-run-step';

/** One first-run progress per host store (the page has one), kept above the screen that it keeps up. */
const progressByStore = new WeakMap<HostStore, FirstRunProgress>();

function progressOf(store: HostStore): FirstRunProgress {
  let progress = progressByStore.get(store);
  if (!progress) {
    progress = new FirstRunProgress();
    progressByStore.set(store, progress);
  }
  return progress;
}

export function useFirstRunProgress(): { progress: FirstRunProgress; step: FirstRunStep } {
  const progress = progressOf(useHostStore());
  const step = useSyncExternalStore(progress.subscribe, progress.getSnapshot);
  return { progress, step };
}

/** The cockpit's gate: render <FirstRunScreen/> when this is true. */
export function useFirstRun(): boolean {
  const { repos, agents } = useHost();
  const { step } = useFirstRunProgress();
  return isFirstRun(repos, agents === null ? null : agents.length, step);
}
