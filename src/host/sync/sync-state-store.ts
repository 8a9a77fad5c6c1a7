import type { Db } from '../db/database';
import { deleteSetting, readSetting, writeSetting } from '../db/settings';
import { SyncTls } from '../../shared/sync';

/**
 * What sync keeps in SQLite: the configuration (URL and TLS mode, in `settings`; never the
 * password) and the pull cursor (in `sync_state`, written in the transaction that applies a
 * pulled batch), the shared `images_wanted` counter last answered, and the last sweep of
 * unnamed images.
 */
export interface SyncConfig {
  url: string;
  tls: SyncTls;
}

export interface SyncStateStore {
  config(): SyncConfig | null;
  saveConfig(c: SyncConfig): void;
  clearConfig(): void;
  /** The last shared seq applied here. */
  cursor(): number;
  /** The id of the entry at the cursor (the last one pulled), or null at 0: the store still holding it there is how a store gone back is noticed. */
  cursorEntry(): string | null;
  setCursor(seq: number, entryId: string | null): void;
  /** The identity of the store the cursor and outbox are for (shared-schema.ts sharedStoreId), or null before the first round reached one. */
  cursorStore(): string | null;
  setCursorStore(storeId: string): void;
  /** The shared `images_wanted` counter as this host last answered it (image-repair.ts). */
  imagesWantedSeen(): number;
  setImagesWantedSeen(value: number): void;
  /** When this host last swept the shared store of images no entry names (ISO), or null (image-sweep.ts). */
  imagesSweptAt(): string | null;
  setImagesSweptAt(at: string): void;
}

const URL_KEY = 'sync.url';
const TLS_KEY = 'sync.tls';

export function createSyncStateStore(db: Db): SyncStateStore {
  const read = db.prepare('SELECT value FROM sync_state WHERE key = ?');
  const write = db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  return {
    config() {
      const url = readSetting(db, URL_KEY);
      if (!url) return null;
      const tls = SyncTls.safeParse(readSetting(db, TLS_KEY));
      return { url, tls: tls.success ? tls.data : 'off' };
    },
    saveConfig(c) {
      writeSetting(db, URL_KEY, c.url);
      writeSetting(db, TLS_KEY, c.tls);
    },
    clearConfig() {
      deleteSetting(db, URL_KEY);
      deleteSetting(db, TLS_KEY);
      db.prepare('DELETE FROM sync_state').run();
    },
    cursor: () => Number((read.get('pull.cursor') as { value: string } | undefined)?.value ?? 0),
    cursorEntry: () => (read.get('pull.cursorEntry') as { value: string } | undefined)?.value || null,
    setCursor: (seq, entryId) => {
      write.run('pull.cursor', String(seq));
      write.run('pull.cursorEntry', entryId ?? '');
    },
    cursorStore: () => (read.get('pull.store') as { value: string } | undefined)?.value ?? null,
    setCursorStore: (storeId) => void write.run('pull.store', storeId),
    imagesWantedSeen: () => Number((read.get('images.wanted') as { value: string } | undefined)?.value ?? 0),
    setImagesWantedSeen: (value) => void write.run('images.wanted', String(value)),
    imagesSweptAt: () => (read.get('images.swept') as { value: string } | undefined)?.value ?? null,
    setImagesSweptAt: (at) => void write.run('images.swept', at),
  };
}
