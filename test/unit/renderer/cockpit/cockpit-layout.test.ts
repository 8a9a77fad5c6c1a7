import { describe, expect, it } from 'vitest';
import { defaultLayout, LayoutStore, type KeyValueStorage, parseLayout, serializeLayout, withWorkspace, workspaceLayout } from '../../../../src/renderer/cockpit/cockpit-layout';

function memoryStorage(): KeyValueStorage {
  const data = new Map<string, string>();
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('cockpit layout', () => {
  it('survives a restart: what was saved is what is restored', () => {
    const storage = memoryStorage();
    const a = new LayoutStore(storage);
    a.update((l) => withWorkspace({ ...l, view: { kind: 'workspace', path: '/lanes/a' }, panelOpen: false }, '/lanes/a', { active: 'agent-2', split: { orientation: 'stacked', second: 'agent-1' } }));
    const b = new LayoutStore(storage);
    expect(b.getSnapshot().view).toEqual({ kind: 'workspace', path: '/lanes/a' });
    expect(b.getSnapshot().panelOpen).toBe(false);
    expect(workspaceLayout(b.getSnapshot(), '/lanes/a')).toEqual({ active: 'agent-2', split: { orientation: 'stacked', second: 'agent-1' } });
  });

  it('reads garbage, older records and wrong types as the defaults, field by field', () => {
    expect(parseLayout('{not json')).toEqual(defaultLayout());
    expect(parseLayout('[1,2]')).toEqual(defaultLayout());
    const l = parseLayout(JSON.stringify({ view: { kind: 'nowhere' }, railCollapsed: 'yes', panelOpen: false, widths: { rail: 'wide', panel: 9000 }, workspaces: { '/x': { active: 5, split: { orientation: 'diagonal', second: 'b' } } } }));
    expect(l.view).toBeNull();
    expect(l.railCollapsed).toBe(false);
    expect(l.panelOpen).toBe(false);
    expect(l.widths).toEqual({ rail: 260, panel: 720 });
    expect(l.workspaces['/x']).toEqual({ active: null, split: null });
  });

  it('starts a layout saved before widths were kept (fractions of the window, by panel id) from the initial widths', () => {
    const l = parseLayout(JSON.stringify({ railCollapsed: true, sizes: { 'rail-panel': 18, 'centre-panel': 56, 'lane-panel': 26 } }));
    expect(l.widths).toEqual({ rail: 260, panel: 380 });
    expect(l.railCollapsed).toBe(true);
  });

  it('restores a brief’s page, and All briefs for a brief number that is not one', () => {
    expect(parseLayout(JSON.stringify({ view: { kind: 'briefs', brief: 7 } })).view).toEqual({ kind: 'briefs', brief: 7 });
    expect(parseLayout(JSON.stringify({ view: { kind: 'briefs', brief: '7' } })).view).toEqual({ kind: 'briefs' });
    expect(parseLayout(JSON.stringify({ view: { kind: 'briefs', brief: 0 } })).view).toEqual({ kind: 'briefs' });
  });

  it('keeps a bounded number of workspaces, dropping the least recently touched', () => {
    let l = defaultLayout();
    for (let i = 0; i < 100; i++) l = withWorkspace(l, `/w/${i}`, { active: `a${i}` });
    l = withWorkspace(l, '/w/50', { active: 'again' });
    const kept = Object.keys(parseLayout(serializeLayout(l)).workspaces);
    expect(kept).toHaveLength(64);
    expect(kept.at(-1)).toBe('/w/50');
    expect(kept).not.toContain('/w/0');
  });

  it('a storage that refuses writes does not stop the layout from changing', () => {
    const store = new LayoutStore({ getItem: () => null, setItem: () => { throw new Error('quota'); } });
    store.update((l) => ({ ...l, railCollapsed: true }));
    expect(store.getSnapshot().railCollapsed).toBe(true);
  });
});
