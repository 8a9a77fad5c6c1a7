import type { CallToolResult, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { AGENT_STATUSES, BRIEF_KINDS, BRIEF_STATUSES, MAX_REASON, MAX_SPEC, MAX_TEXT, MAX_TITLE } from '../../shared/brief-constants';
import { BriefRef, NewBrief, ProjectName, type Actor, type Brief, type BriefAction } from '../../shared/briefs';
import { DispatchParams } from '../../shared/dispatch';
import { apiError, type ApiError } from '../../shared/errors';
import type { Result } from '../../shared/result';
import { attachImage } from '../briefs/attach-image';
import type { BlobStore } from '../briefs/blob-store';
import { unknownBrief, type BriefService } from '../briefs/brief-service';
import { CursorError, type BriefStore } from '../briefs/brief-store';
import { recallBrief } from '../briefs/recall-brief';
import { MAX_RESULT_CHARS } from './bounded-result';
import { openLaneFile } from './lane-file';
import { parseLinkTarget } from './link-target';
import { mayOrchestrate, type McpCaller } from './mcp-caller';
import type { AgentLookup, DispatchPort, MergePort } from './mcp-deps';
import { briefLine, failure, success, successWithText, writtenView } from './tool-result';

/**
 * Grove's MCP tools: plain functions over the same services the API uses, so a note written
 * over MCP is the same entry `grove brief note` writes (BriefService, channel `mcp`, the
 * caller as its actor) and a recall is the same `recallBrief` the UI shows. Which tools a
 * caller gets depends on who it is (docs/mcp.md, "Tools"): every agent may read and write to
 * briefs; the operator and orchestrator agents may also create and dispatch briefs and ask
 * for a merge through the gate. No tool trusts a repository, redacts, or removes a lane.
 */
export interface McpToolDeps {
  briefs: BriefService;
  store: BriefStore;
  blobs: BlobStore;
  dispatch: DispatchPort;
  merges: MergePort;
  agents: AgentLookup;
  /** The brief's attachments that are files in this lane (a dispatch copied them there), by attachment id. */
  laneFiles(brief: Brief, lanePath: string): ReadonlyMap<string, string>;
}

/** A list page: the most any one call returns (the bound below may return fewer). */
const MAX_PAGE = 50;
const DEFAULT_PAGE = 20;

const Ref = BriefRef.describe('The brief: "#12", "12" or its id.');

/** Every tool here is about Grove's own store: nothing reaches outside it. */
const closedWorld = { openWorldHint: false } as const;

/** set_status's input: an agent's enum holds only the statuses it may set. */
function statusInput(statuses: readonly [string, ...string[]]) {
  return z.object({
    ref: Ref,
    status: z.enum(statuses),
    reason: z.string().trim().min(1).max(MAX_REASON),
    expected_version: z.number().int().positive(),
  });
}

/**
 * The tools' inputs, built once: a request gets a fresh server (mcp-route.ts), and building
 * these for each was a sixth of a recall's time.
 */
const Input = {
  recall: z.object({
    ref: Ref.optional(),
    since_entry: z.string().min(1).max(200).optional().describe('An entry id: list only the entries after it.'),
  }),
  list: z.object({
    project: ProjectName.optional().describe('Only briefs of this project (a repository name).'),
    status: z.array(z.enum(BRIEF_STATUSES)).max(BRIEF_STATUSES.length).optional().describe('Only briefs in one of these statuses.'),
    query: z.string().trim().min(1).max(500).optional().describe('Words that must all occur in the title, spec or trace (the last as a prefix).'),
    cursor: z.string().max(500).optional().describe('next_cursor from the previous call.'),
    limit: z.number().int().min(1).max(MAX_PAGE).optional().describe(`How many (default ${DEFAULT_PAGE}, at most ${MAX_PAGE}).`),
  }),
  claim: z.object({ ref: Ref }),
  note: z.object({
    ref: Ref,
    text: z.string().trim().min(1).max(MAX_TEXT).describe('Markdown.'),
    kind: z.enum(['note', 'comment']).default('note').describe('note (the default) or comment.'),
  }),
  plan: z.object({
    ref: Ref,
    spec_markdown: z.string().min(1).max(MAX_SPEC).describe('The whole proposed spec, markdown.'),
    summary: z.string().trim().min(1).max(MAX_REASON).describe('One or two sentences: what the plan does.'),
  }),
  status: statusInput(BRIEF_STATUSES),
  statusForAgent: statusInput(AGENT_STATUSES as readonly [string, ...string[]]),
  link: z.object({
    ref: Ref,
    to: z.string().trim().min(1).max(2000),
    label: z.string().trim().min(1).max(100).optional().describe('What the link is, e.g. "execution", "design", "fix".'),
  }),
  attach: z.object({ ref: Ref, path: z.string().min(1).max(4096) }),
  create: z.object({
    title: z.string().trim().min(1).max(MAX_TITLE),
    kind: z.enum(BRIEF_KINDS).default('feature'),
    spec: z.string().max(MAX_SPEC).default('').describe('Markdown.'),
    projects: z.array(ProjectName).max(20).default([]).describe('Project names; the first is primary.'),
    parent: Ref.optional().describe('An epic this brief belongs to.'),
  }),
  dispatch: z.object({
    ref: Ref,
    lane: z.string().trim().min(1).max(200).optional().describe("A standing lane's name or id; absent: a new ephemeral lane."),
    preset: z.enum(['claude', 'codex']).default('claude'),
    role: z.enum(['worker', 'orchestrator']).default('worker'),
    design_first: z.boolean().default(false),
    auto: z.boolean().default(false),
    repo_id: z.string().min(1).max(200).optional().describe("The repository, when the brief's primary project names none this host knows."),
  }),
  merge: z.object({ lane: z.string().trim().min(1).max(200).describe("The lane's name or id.") }),
};

export function registerTools(server: McpServer, caller: McpCaller, deps: McpToolDeps): void {
  const agent = caller.kind === 'agent' ? caller.agent : null;
  const actor = (): Result<Actor, ApiError> => deps.briefs.actorOf(caller.principal);
  const write = async (ref: string, action: BriefAction, expectedVersion?: number): Promise<CallToolResult> => {
    const who = actor();
    if (!who.ok) return failure(who.error);
    const written = await deps.briefs.appendTogether(ref, action, who.value, 'mcp', expectedVersion);
    return written.ok ? success(writtenView(written.value)) : failure(written.error);
  };
  const ownBrief = agent ? deps.dispatch.briefOfAgent(agent.id) : null;

  server.registerTool(
    'recall_brief',
    {
      title: 'Recall a brief',
      description:
        'What you need to work on a brief, as markdown: its status, spec, relationships, participants, links, attachments and latest trace entries (newest first), bounded. ' +
        (agent
          ? 'Without ref: the brief Grove dispatched to you; recalling it the first time claims it for you.'
          : 'Give ref.') +
        ' With since_entry: only what is new after that entry. structuredContent.version is what set_status takes as expected_version.',
      inputSchema: Input.recall,
      // Recalling its own dispatched brief claims it: a write, for that agent.
      annotations: { ...closedWorld, readOnlyHint: ownBrief === null, destructiveHint: false, idempotentHint: true },
    },
    async ({ ref, since_entry }) => {
      const target = ref ?? ownBrief;
      if (target === null) {
        return failure(
          apiError(
            'invalid_request',
            agent
              ? 'No brief was dispatched to you (you were started by hand): give ref, e.g. "#12"; list_briefs finds briefs.'
              : 'Give ref, e.g. "#12"; list_briefs finds briefs.',
          ),
        );
      }
      let brief = deps.store.resolve(target);
      if (!brief) return failure(unknownBrief(target));
      const notes: string[] = [];
      let claim: unknown = null;
      if (agent && brief.id === ownBrief) {
        const claimed = await deps.dispatch.claim(brief.id, agent.id);
        if (claimed.ok) {
          claim = claimed.value.claim;
          if (!claimed.value.already) {
            brief = claimed.value.brief;
            notes.push(`You have claimed #${brief.number}: it is yours until you exit.`);
          }
        } else {
          claim = { error: claimed.error };
          notes.push(`Your claim of #${brief.number} was refused: ${claimed.error.message}`);
        }
      }
      const recall = recallBrief(deps.store, brief, { sinceEntry: since_entry, attachmentFiles: agent ? deps.laneFiles(brief, agent.lanePath) : undefined });
      if ('kind' in recall) {
        return failure(
          apiError(
            'brief_entry_unknown',
            `#${brief.number} has no entry ${recall.entryId}: since_entry takes the id of one of #${brief.number}'s entries, as a recall lists them ("entry ID"). Leave since_entry out to read the latest entries.`,
            { entryId: recall.entryId },
          ),
        );
      }
      return successWithText({ ...recall, version: brief.version, status: brief.status, claim }, recall.text, notes);
    },
  );

  server.registerTool(
    'list_briefs',
    {
      title: 'List briefs',
      description:
        'Briefs, latest activity first, as one line each (no spec or trace: recall_brief reads one). Filter by project, status and a full-text query. ' +
        `At most ${MAX_PAGE} a call; when next_cursor is not null, call again with cursor = next_cursor for more.`,
      inputSchema: Input.list,
      annotations: { ...closedWorld, readOnlyHint: true, idempotentHint: true },
    },
    ({ project, status, query, cursor, limit }) => {
      const q = { project, status, query, cursor };
      const page = (n: number) => deps.store.list({ ...q, limit: n });
      try {
        let listed = page(limit ?? DEFAULT_PAGE);
        let lines = listed.briefs.map(briefLine);
        // Fewer briefs when the page would pass the bound (room kept for the cursor and the
        // note); asked again for just that many, so the cursor continues after the last one shown.
        const shown = linesThatFit(lines, MAX_RESULT_CHARS - 1000);
        if (shown < lines.length) {
          listed = page(shown);
          lines = listed.briefs.map(briefLine);
        }
        return success({ briefs: lines, next_cursor: listed.nextCursor, ...(listed.nextCursor ? { more: '… more briefs: page with cursor = next_cursor' } : {}) });
      } catch (e) {
        if (e instanceof CursorError) return failure(apiError('cursor_invalid', e.message));
        throw e;
      }
    },
  );

  if (agent) {
    server.registerTool(
      'claim_brief',
      {
        title: 'Claim a brief',
        description:
          'Take a brief dispatched to you: you join it, it moves to in_progress, and no other agent can claim it while you run. Claiming one you already hold answers the same claim. ' +
          'When the team syncs, the shared store decides the claim: if it cannot be reached the claim is refused (claim_undecided) and you may try again shortly.',
        inputSchema: Input.claim,
        annotations: { ...closedWorld, readOnlyHint: false, destructiveHint: false, idempotentHint: true },
      },
      async ({ ref }) => {
        const claimed = await deps.dispatch.claim(ref, agent.id);
        if (!claimed.ok) return failure(claimed.error);
        const { brief, claim, entries, already } = claimed.value;
        return success({ ...writtenView({ brief, entries }), claim, already });
      },
    );
  }

  server.registerTool(
    'add_note',
    {
      title: 'Add a note or comment',
      description: "Write a note (what you did, found or decided) or a comment to a brief's trace, in your name.",
      inputSchema: Input.note,
      annotations: { ...closedWorld, readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    },
    ({ ref, text, kind }) => write(ref, { kind, text }),
  );

  server.registerTool(
    'propose_plan',
    {
      title: 'Propose a plan',
      description: 'Propose a spec for the brief (a plan): it becomes a "plan proposed" entry; the operator accepts it or not.',
      inputSchema: Input.plan,
      annotations: { ...closedWorld, readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    },
    ({ ref, spec_markdown, summary }) => write(ref, { kind: 'plan_proposed', spec: spec_markdown, summary }),
  );

  // An agent may move a brief it takes part in to in_progress or in_review only; its enum says so.
  const statuses = agent ? AGENT_STATUSES : BRIEF_STATUSES;
  server.registerTool(
    'set_status',
    {
      title: 'Set the status',
      description:
        `Move the brief to another status (${statuses.join(', ')}), saying why. expected_version is the brief's version you read (recall_brief's structuredContent.version): ` +
        'if someone wrote since, nothing changes and the answer says so; recall and decide again.',
      inputSchema: agent ? Input.statusForAgent : Input.status,
      annotations: { ...closedWorld, readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    },
    ({ ref, status, reason, expected_version }) => write(ref, { kind: 'status_change', to: status as (typeof BRIEF_STATUSES)[number], reason }, expected_version),
  );

  server.registerTool(
    'add_link',
    {
      title: 'Link the brief to something',
      description:
        'Link the brief to another brief ("#12"), a URL ("https://…"), a commit (its sha, 7 to 40 hex digits), or anything typed as TYPE:TARGET (lane:NAME, merge:ID, incident:ID, agent_run:ID).',
      inputSchema: Input.link,
      annotations: { ...closedWorld, readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    },
    ({ ref, to, label }) => {
      const target = parseLinkTarget(to);
      if (!target.ok) return failure(target.error);
      return write(ref, { kind: 'link_added', ...target.value, ...(label ? { label } : {}) });
    },
  );

  if (agent) {
    server.registerTool(
      'attach_screenshot',
      {
        title: 'Attach a screenshot',
        description: `Attach an image file from your lane (${agent.lanePath}) to the brief: PNG, JPEG, GIF or WebP, up to 20 MiB, its type read from its bytes. The path is relative to the lane or absolute, and must stay inside the lane.`,
        inputSchema: Input.attach,
        annotations: { ...closedWorld, readOnlyHint: false, destructiveHint: false, idempotentHint: false },
      },
      async ({ ref, path }) => {
        const who = actor();
        if (!who.ok) return failure(who.error);
        // Refused before a byte is read: an unknown brief, a path outside the lane, not a file, too large.
        const brief = deps.store.resolve(ref);
        if (!brief) return failure(unknownBrief(ref));
        const file = await openLaneFile(agent.lanePath, path);
        if (!file.ok) return failure(file.error);
        const stream = file.value.stream();
        // Read to its end, its file is closed already; refused before a byte was read (the
        // store's disk failing), it would stay open until collected.
        const attached = await attachImage({ blobs: deps.blobs, service: deps.briefs, store: deps.store }, { briefId: brief.id, name: file.value.name, actor: who.value, channel: 'mcp' }, stream).finally(() => stream.destroy());
        if (!attached.ok) return failure(attached.error.error);
        return success({ ...writtenView(attached.value), attachment: attached.value.attachment });
      },
    );
  }

  if (!mayOrchestrate(caller)) return;

  server.registerTool(
    'create_brief',
    {
      title: 'Create a brief',
      description: 'A new brief (status draft, the next number), in your name.',
      inputSchema: Input.create,
      annotations: { ...closedWorld, readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    },
    (params) => {
      const who = actor();
      if (!who.ok) return failure(who.error);
      const parsed = NewBrief.safeParse(params);
      if (!parsed.success) return failure(apiError('invalid_request', `create_brief: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`));
      const created = deps.briefs.create(parsed.data, who.value, 'mcp');
      return created.ok ? success(writtenView(created.value)) : failure(created.error);
    },
  );

  server.registerTool(
    'dispatch_brief',
    {
      title: 'Dispatch a brief to an agent',
      description:
        "Ask an agent to do a brief: in a standing lane of the brief's project (lane), or a new ephemeral lane when lane is absent. " +
        'design_first asks for a plan before the build; auto waits until the brief is planned and its dependencies are done.',
      inputSchema: Input.dispatch,
      annotations: { ...closedWorld, readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    },
    async ({ ref, lane, preset, role, design_first, auto, repo_id }) => {
      const who = actor();
      if (!who.ok) return failure(who.error);
      const params = DispatchParams.safeParse({ ref, lane, preset, role, designFirst: design_first, auto, repoId: repo_id });
      if (!params.success) return failure(apiError('invalid_request', params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
      // An agent's dispatch starts no agent freer than itself (confine/confine-ceiling.ts).
      const dispatched = await deps.dispatch.dispatch(params.data, who.value, agent);
      return dispatched.ok ? success(dispatched.value) : failure(dispatched.error);
    },
  );

  server.registerTool(
    'request_merge',
    {
      title: "Merge a lane into MAIN through the gate",
      description:
        "The gated merge of a lane into MAIN, exactly as the operator's merge: preflight (clean, ahead, no conflicts, the check), the merge, MAIN's gate; a failing gate rolls MAIN back. An ephemeral lane is removed once merged (only if nothing would be lost).",
      inputSchema: Input.merge,
      annotations: { ...closedWorld, readOnlyHint: false, destructiveHint: true, idempotentHint: false },
    },
    async ({ lane }) => {
      const merged = await deps.merges.requestMerge(lane);
      return merged.ok ? success(merged.value) : failure(merged.error);
    },
  );
}

/** How many of the lines, from the first, fit in `budget` characters of JSON, whole (at least one). */
function linesThatFit(lines: readonly unknown[], budget: number): number {
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    used += JSON.stringify(lines[i]).length + 1;
    if (used > budget) return Math.max(1, i);
  }
  return lines.length;
}
