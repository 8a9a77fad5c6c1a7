import { useEffect, useState } from 'react';
import type { RepoConfig } from '../../shared/config';
import { useHostStore, useIsConnected } from '../connection/use-host';

/**
 * A repository's effective grove.yaml, read again whenever MAIN's head moves (the file is
 * committed there) and after a reconnect. null until read, or when it cannot be read: the UI then offers every
 * action and lets the host say what is missing.
 */
export function useRepoConfig(repoId: string, mainHead: string | null): RepoConfig | null {
  const store = useHostStore();
  const [config, setConfig] = useState<RepoConfig | null>(null);
  const isConnected = useIsConnected();
  useEffect(() => {
    if (!isConnected) return;
    let isCurrent = true;
    void store.request('repos.config', { repoId }).then((r) => {
      if (isCurrent) setConfig(r.ok ? r.value : null);
    });
    return () => {
      isCurrent = false;
    };
  }, [store, repoId, mainHead, isConnected]);
  return config;
}
