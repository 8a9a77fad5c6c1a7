import { afterEach, describe, expect, it } from 'vitest';
import { closeRigs, trackedRig, MIKE, type BriefRig } from '../../../fixtures/brief-service';
import { recallBrief, SPEC_BUDGET, type RecallError } from '../../../../src/host/briefs/recall-brief';
import { formatStamp } from '../../../../src/host/briefs/hybrid-clock';
import { uuidv7 } from '../../../../src/host/ids';
import { MAX_SPEC, MAX_TEXT, MAX_TITLE, type Brief, type BriefEntry, type Recall } from '../../../../src/shared/briefs';

/**
 * The agent's-eye payload stays bounded whatever the brief holds, and says what it left out
 * and how to ask for it. Big briefs are built by importing their entries (one fold), the way
 * a long-lived brief arrives from another machine.
 */
afterEach(closeRigs);
function rig(): BriefRig {
  const r = trackedRig();
  r.db.pragma('synchronous = OFF');
  return r;
}

type Draft = Pick<BriefEntry, 'kind' | 'payload'>;

/** A brief of `created` and the drafts, imported as one export; returns the stored brief. */
function importBrief(r: BriefRig, number: number, drafts: (briefId: string) => Draft[], spec = '', title = `Brief ${number}`): Brief {
  const briefId = uuidv7();
  const base = Date.parse('2026-01-01T00:00:00Z');
  const all: Draft[] = [
    { kind: 'created', payload: { title, kind: 'feature', status: 'in_progress', spec, projects: [{ name: 'flower', primary: true }], number } } as Draft,
    ...drafts(briefId),
  ];
  const entries = all.map(
    (d, i) => ({ ...d, id: uuidv7(base + i), briefId, seq: 0, actor: MIKE, channel: 'api', at: new Date(base + i * 1000).toISOString(), hlc: formatStamp(base + i, 0, 'n0'), redacted: null }) as BriefEntry,
  );
  for (let i = 0; i < entries.length; i += 500) {
    const res = r.service.importEntries(entries.slice(i, i + 500));
    if (!res.ok) throw new Error(res.error.message);
  }
  return r.store.get(briefId)!;
}

function recall(r: BriefRig, brief: Brief, sinceEntry?: string): Recall {
  const out = recallBrief(r.store, r.store.get(brief.id)!, { sinceEntry });
  if ('kind' in out) throw new Error(`recall refused: ${JSON.stringify(out)}`);
  return out;
}

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const notes = (n: number, text: (i: number) => string = (i) => `note ${i}`): Draft[] => Array.from({ length: n }, (_, i) => ({ kind: 'note', payload: { text: text(i) } }) as Draft);

describe('recallBrief', () => {
  it('keeps a brief of 5,000 entries, with the longest spec and the longest notes, under 8,000 tokens', () => {
    const r = rig();
    const long = 'word '.repeat(MAX_TEXT / 5);
    const brief = importBrief(r, 1, () => notes(4_999, (i) => (i >= 4_900 ? long : `note ${i}`)), 's'.repeat(MAX_SPEC));
    const out = recall(r, brief);
    expect(out.entriesTotal).toBe(5_000);
    expect(out.approxTokens).toBeLessThanOrEqual(8_000);
    expect(out.chars).toBe(out.text.length);
    expect(out.approxTokens).toBe(Math.ceil(out.text.length / 4));
  });

  it('keeps a brief of 5,000 entries that are links, participants, dependencies and attachments, all at their longest, under 8,000 tokens', { timeout: 30_000 }, async () => {
    const r = rig();
    const put = await r.blobs.put((async function* () {
      yield PNG;
    })());
    if (!put.ok) throw new Error(JSON.stringify(put.error));
    // 400 briefs to depend on, with the longest titles.
    const others = Array.from({ length: 400 }, (_, i) => importBrief(r, 100 + i, () => [], '', 't'.repeat(MAX_TITLE)));
    const brief = importBrief(
      r,
      2,
      (briefId) => [
        ...Array.from({ length: 1_500 }, (_, i) => ({ kind: 'link_added', payload: { linkId: `link-${i}`, type: 'url', target: `https://example.test/${'x'.repeat(1_970)}${i}`, label: 'l'.repeat(100) } }) as Draft),
        ...Array.from({ length: 1_500 }, (_, i) => ({ kind: 'participant_joined', payload: { name: `${'p'.repeat(190)}-${i}`, kind: 'agent', role: 'r'.repeat(60), wave: i } }) as Draft),
        ...others.map((o) => ({ kind: 'dependency_added', payload: { briefId: o.id } }) as Draft),
        ...Array.from({ length: 1_599 }, (_, i) => ({ kind: 'attachment_added', payload: { attachmentId: `${briefId}-a${i}`, sha256: put.value.sha256, name: `${'n'.repeat(245)}-${i}.png`, type: 'image/png', size: PNG.length } }) as Draft),
      ],
      's'.repeat(MAX_SPEC),
    );
    const out = recall(r, brief);
    expect(out.entriesTotal).toBe(5_000);
    expect(out.approxTokens).toBeLessThanOrEqual(8_000);
    // Each list says how many it left out, and where they all are.
    expect(out.text.match(/^- \[[\d,]+ more: `grove brief show #2`\]$/gm)).toHaveLength(3);
    expect(out.text).toMatch(/^- depends on: .*; \[[\d,]+ more: `grove brief show #2`\]$/m);
  });

  it('bounds a contested spec\'s list of versions, as every list, and says how many it left out', () => {
    const r = rig();
    const brief = importBrief(r, 1, () => notes(3), 'the spec');
    const version = (i: number) => ({ entryId: uuidv7(), actor: { kind: 'agent' as const, name: `agent-with-a-long-name-${i}` }, at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() });
    r.store.save({ ...brief, specConflicts: Array.from({ length: 300 }, (_, i) => version(i)) });
    const out = recall(r, brief);
    expect(out.text).toContain('## Spec contested');
    expect(out.text).toMatch(/\[\d+ more: `grove brief show #1`\]/);
    expect(out.approxTokens).toBeLessThanOrEqual(8_000);
    expect(out.text.split('\n').filter((l) => l.startsWith('- agent-with-a-long-name-')).length).toBeLessThan(20);
  });

  it('cuts a 200,000-character spec and says where it was cut and where the whole one is', () => {
    const r = rig();
    const spec = Array.from({ length: MAX_SPEC }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    const brief = importBrief(r, 7, () => [], spec);
    const { text } = recall(r, brief);
    expect(text).toContain(spec.slice(0, SPEC_BUDGET));
    expect(text).not.toContain(spec.slice(0, SPEC_BUDGET + 1));
    expect(text).toContain('[spec cut at 12,000 of 200,000 characters; the whole spec: `grove brief show #7`]');
  });

  it('counts the entries it does not show and names the page that follows the ones it shows', () => {
    const r = rig();
    const brief = importBrief(r, 3, () => notes(999));
    const out = recall(r, brief);
    const shown = [...out.text.matchAll(/ · entry (\S+)/g)].map((m) => m[1]!);
    expect(shown).toHaveLength(out.entriesShown);
    // The newest entries, newest first, with no gap.
    expect(shown).toEqual(r.store.page(brief.id, out.entriesShown).map((e) => e.id));
    const left = 1_000 - out.entriesShown;
    const oldestShown = r.store.entry(shown[shown.length - 1]!)!;
    expect(out.text).toContain(`[${left.toLocaleString('en')} earlier entries are not shown. Read the whole trace with \`grove brief show #3\`, or page on with briefs.get {"ref": "#3", "before": ${oldestShown.seq}}.]`);
    // That page starts right after what was shown, and it and what follows hold exactly the rest.
    expect(r.store.page(brief.id, 1, oldestShown.seq)[0]!.seq).toBe(r.store.page(brief.id, out.entriesShown + 1)[out.entriesShown]!.seq);
    expect(r.store.count(brief.id) - out.entriesShown).toBe(left);
  });

  it('shows every entry and no "not shown" line when all fit', () => {
    const r = rig();
    const brief = importBrief(r, 4, () => notes(5));
    const out = recall(r, brief);
    expect(out.entriesShown).toBe(6);
    expect(out.text).not.toContain('not shown');
  });

  it('with sinceEntry shows only newer entries, counts only those, and says "Nothing new." when there are none', () => {
    const r = rig();
    const brief = importBrief(r, 5, () => notes(100));
    const trace = r.store.trace(brief.id);
    const since = trace[89]!; // 11 entries are newer
    const out = recall(r, brief, since.id);
    const shown = [...out.text.matchAll(/ · entry (\S+)/g)].map((m) => m[1]!);
    expect(shown).toEqual(trace.slice(90).reverse().map((e) => e.id));
    expect(out.text).toContain(`## Trace since entry ${since.id} (newest first)`);
    expect(out.text).not.toContain('not shown');

    const older = recall(r, brief, trace[0]!.id);
    expect(older.text).toContain(`[${(100 - older.entriesShown).toLocaleString('en')} earlier entries are not shown.`);

    const latest = recall(r, brief, trace[trace.length - 1]!.id);
    expect(latest.entriesShown).toBe(0);
    expect(latest.text).toContain('Nothing new.');
    expect(latest.text).not.toContain('not shown');
  });

  it('refuses a sinceEntry that is not an entry of this brief', () => {
    const r = rig();
    const a = importBrief(r, 8, () => notes(2));
    const b = importBrief(r, 9, () => notes(2));
    const other = r.store.trace(b.id)[1]!;
    for (const id of ['no-such-entry', other.id]) {
      expect(recallBrief(r.store, a, { sinceEntry: id }) as RecallError).toEqual({ kind: 'since_unknown', entryId: id });
    }
  });
});
