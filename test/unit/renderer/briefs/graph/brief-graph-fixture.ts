import type { BriefStatusName } from '../../../../../src/shared/brief-constants';
import type { Brief, BriefLink, BriefSummary } from '../../../../../src/shared/briefs';

/** Summaries as briefs.list returns them, written as the test needs them: `summary(3, { dependsOn: [1] })`. */
export function summary(number: number, opts: { status?: BriefStatusName; dependsOn?: number[]; parent?: number; kind?: BriefSummary['kind']; title?: string } = {}): BriefSummary {
  return {
    id: idOf(number),
    number,
    numberProvisional: false,
    title: opts.title ?? `Brief ${number}`,
    kind: opts.kind ?? 'feature',
    status: opts.status ?? 'planned',
    projects: [{ name: 'flower', primary: true }],
    parentId: opts.parent === undefined ? null : idOf(opts.parent),
    dependsOn: (opts.dependsOn ?? []).map(idOf),
    participants: [],
    createdAt: '2026-12-01T10:00:00.000Z',
    createdBy: { kind: 'operator', name: 'mike' },
    updatedAt: '2026-12-01T10:00:00.000Z',
    version: 1,
    linkCount: 0,
  };
}

export const idOf = (number: number): string => `brief-${number}`;

export function fullBrief(s: BriefSummary, links: Pick<BriefLink, 'type' | 'target'>[] = []): Brief {
  const { linkCount: _linkCount, ...rest } = s;
  return {
    ...rest,
    spec: '',
    attachments: [],
    links: links.map((l, i) => ({ id: `link-${i}`, label: null, addedBy: { kind: 'operator', name: 'mike' }, at: s.createdAt, ...l })),
  };
}
