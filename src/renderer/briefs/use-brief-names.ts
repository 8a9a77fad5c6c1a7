import { useEffect, useState } from 'react';
import type { BriefStatusName } from '../../shared/brief-constants';
import { useHostStore } from '../connection/use-host';

/** What the page shows of another brief it mentions (a parent, a dependency): its number, title and status. */
export interface BriefName {
  id: string;
  number: number;
  title: string;
  status: BriefStatusName;
}

/**
 * The briefs named by `ids` (entries and relationships hold ids), read with briefs.get and
 * kept current by `brief.changed`; an id that names no brief here (an import's dangling
 * reference) stays null.
 */
export function useBriefNames(ids: readonly string[]): ReadonlyMap<string, BriefName | null> {
  const store = useHostStore();
  const [names, setNames] = useState<ReadonlyMap<string, BriefName | null>>(new Map());
  const key = [...new Set(ids)].sort().join(' ');

  useEffect(() => {
    const wanted = key === '' ? [] : key.split(' ');
    let isCurrent = true;
    for (const id of wanted) {
      void store.request('briefs.get', { ref: id, limit: 1 }).then((r) => {
        if (!isCurrent) return;
        const b = r.ok ? r.value.brief : null;
        setNames((m) => new Map(m).set(id, b && { id: b.id, number: b.number, title: b.title, status: b.status }));
      });
    }
    const stop = store.onEventOf('brief.changed', ({ brief: b }) => {
      if (wanted.includes(b.id)) setNames((m) => new Map(m).set(b.id, { id: b.id, number: b.number, title: b.title, status: b.status }));
    });
    return () => {
      isCurrent = false;
      stop();
    };
  }, [store, key]);
  return names;
}
