import { describe, expect, it } from 'vitest';
import type { Brief } from '../../../../src/shared/briefs';
import type { Dispatch } from '../../../../src/shared/dispatch';
import type { EventEnvelope } from '../../../../src/shared/events';
import type { CommitSummary } from '../../../../src/shared/lanes';
import { ok } from '../../../../src/shared/result';
import { AutoLinker, type AutoLinkDeps } from '../../../../src/host/dispatch/auto-link';
import type { HostDraft } from '../../../../src/host/briefs/brief-service';

/**
 * A dispatch in a standing lane whose agent commits and exits at once: the lane's HEAD may be
 * read only after the dispatch finished, when the lane no longer counts as the dispatch's.
 * Its last commits are linked when it finishes; the lane's later work is not.
 */
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, addSecret: () => {} };
const ended = '2026-12-05T10:00:00.500Z';
const finished = { id: 'd1', briefId: 'b1', repoId: 'r1', targetLaneId: 'L', laneId: 'L', laneName: 'design', state: 'finished', startedAt: '2026-12-05T09:59:50.200Z', endedAt: ended } as Dispatch;
const commit = (sha: string, date: string): CommitSummary => ({ sha, subject: `work ${sha}`, author: 'w', date });

function rig(commits: CommitSummary[], atWork: Dispatch | null = null) {
  const linked: string[] = [];
  const deps = {
    briefs: {
      record: (_briefId: string, drafts: (b: Brief) => ReturnType<typeof ok<HostDraft[]>>) => {
        const made = drafts({ links: linked.map((target) => ({ type: 'commit', target })) } as unknown as Brief);
        for (const d of made.value) if (d.kind === 'link_added') linked.push((d.payload as { target: string }).target);
        return ok({});
      },
    },
    // As the host decides it: a finished dispatch in a standing lane no longer owns the lane.
    dispatchOfLane: () => atWork,
    briefOfMerge: () => null,
    lanePath: () => '/lanes/design',
    mainPath: () => '/main',
    ahead: async () => [...commits].reverse(), // newest first, as git lists them
    onMerge: () => 'in_review',
    releaseClaim: () => {},
    mask: (t: string) => t,
    logger,
  } as unknown as AutoLinkDeps;
  return { linker: new AutoLinker(deps), linked };
}

const envelope = (event: EventEnvelope['event']): EventEnvelope => ({ seq: 1, at: ended, event }) as EventEnvelope;

describe('AutoLinker and a standing lane', () => {
  it('links the commits a finished dispatch made during its run (its HEAD read too late to count), not the lane\'s work before or after', async () => {
    const { linker, linked } = rig([commit('old', '2026-12-05T09:40:00Z'), commit('aaa', '2026-12-05T09:59:58Z'), commit('bbb', '2026-12-05T10:00:00Z'), commit('ccc', '2026-12-05T10:00:07Z')]);
    // The HEAD change is handled only after the dispatch finished: nothing owns the lane then.
    linker.onEvent(envelope({ type: 'lane.head', id: 'L', repoId: 'r1', head: 'bbb' }));
    await linker.settled();
    expect(linked).toEqual([]);
    linker.onEvent(envelope({ type: 'dispatch.updated', dispatch: finished }));
    await linker.settled();
    expect(linked).toEqual(['aaa', 'bbb']);
    // Told again (a redaction re-sends the record): nothing new, the later commit still out.
    linker.onEvent(envelope({ type: 'dispatch.updated', dispatch: finished }));
    await linker.settled();
    expect(linked).toEqual(['aaa', 'bbb']);
  });

  it('links to a dispatch at work in a standing lane only the commits made since it started, not an earlier brief\'s unmerged work there', async () => {
    const running = { ...finished, state: 'running', endedAt: null } as Dispatch;
    const { linker, linked } = rig([commit('earlier-brief', '2026-12-05T09:40:00Z'), commit('aaa', '2026-12-05T09:59:50Z'), commit('bbb', '2026-12-05T09:59:58Z')], running);
    linker.onEvent(envelope({ type: 'lane.head', id: 'L', repoId: 'r1', head: 'bbb' }));
    await linker.settled();
    expect(linked).toEqual(['aaa', 'bbb']);
    // A lane made for the dispatch: everything ahead of MAIN in it is its work.
    const made = rig([commit('first', '2026-12-05T09:40:00Z'), commit('aaa', '2026-12-05T09:59:58Z')], { ...running, targetLaneId: null });
    made.linker.onEvent(envelope({ type: 'lane.head', id: 'L', repoId: 'r1', head: 'aaa' }));
    await made.linker.settled();
    expect(made.linked).toEqual(['first', 'aaa']);
  });

  it('leaves a dispatch to a new lane, or one that did not finish, to the lane\'s HEAD events', async () => {
    const { linker, linked } = rig([commit('aaa', '2026-12-05T09:59:58Z')]);
    linker.onEvent(envelope({ type: 'dispatch.updated', dispatch: { ...finished, targetLaneId: null } }));
    linker.onEvent(envelope({ type: 'dispatch.updated', dispatch: { ...finished, state: 'failed' } }));
    linker.onEvent(envelope({ type: 'dispatch.updated', dispatch: { ...finished, state: 'running', endedAt: null } }));
    await linker.settled();
    expect(linked).toEqual([]);
  });
});
