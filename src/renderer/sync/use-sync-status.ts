import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../shared/sync';
import { useHost, useHostStore } from '../connection/use-host';

/**
 * The host's sync status: read with `sync.status` on every connect (a reconnect may have
 * missed changes), then kept by the `sync.status` events. The host answers in order on one
 * socket, so an event sent before the answer is already in it. null until the first answer,
 * or while a host without sync says nothing.
 */
export function useSyncStatus(): SyncStatus | null {
  const store = useHostStore();
  const isOpen = useHost().connection.kind === 'open';
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => store.onEventOf('sync.status', (e) => setStatus(e.status)), [store]);
  useEffect(() => {
    if (!isOpen) return;
    let isCurrent = true;
    void store.request('sync.status', {}).then((r) => {
      if (isCurrent && r.ok) setStatus(r.value);
    });
    return () => {
      isCurrent = false;
    };
  }, [store, isOpen]);
  return status;
}
