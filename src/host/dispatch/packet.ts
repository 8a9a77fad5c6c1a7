import type { DispatchPhase } from '../../shared/dispatch';

/**
 * The copy-paste packet: what any agent could be given by hand to do a brief, and the first
 * prompt of an agent Grove starts for it. It names the brief and how to read it, but does
 * not paste the spec: the spec changes, and `recall_brief` always reads it as it is now.
 */
export interface PacketInputs {
  number: number;
  title: string;
  /** The lane's name and path; null when the packet is read before a lane exists. */
  lane: { name: string; path: string | null } | null;
  phase: DispatchPhase;
  /** Whether the reader is an agent Grove started (its MCP tools know its brief). */
  dispatched: boolean;
  /** Attachments copied into the lane (relative paths), for models that cannot see MCP images. */
  attachmentPaths: readonly string[];
}

export function packetText(p: PacketInputs): string {
  const ref = `#${p.number}`;
  const lines = [
    `You are asked to work on brief ${ref}: ${p.title}`,
    '',
    'Read the brief first, and again whenever you need it:',
    p.dispatched
      ? `- over MCP (Grove's "grove" server): recall_brief with no arguments — it is bound to this dispatch`
      : `- over MCP (Grove's "grove" server): recall_brief {"ref": "${ref}"}`,
    `- or in a shell: grove brief recall ${ref}`,
  ];
  if (p.attachmentPaths.length > 0) {
    lines.push('', "The brief's screenshots are files in your lane (not in git):", ...p.attachmentPaths.map((a) => `- ${a}`));
  }
  lines.push(
    '',
    !p.lane
      ? 'Work only in the lane you were given; never in MAIN.'
      : p.lane.path
        ? `Work only in the lane ${p.lane.name} (${p.lane.path}); never in MAIN.`
        : `Work only in the lane ${p.lane.name} (Grove makes it when the dispatch starts); never in MAIN.`,
  );
  if (p.phase === 'design') {
    lines.push(
      '',
      'This is a design pass, before any build:',
      `- claim the brief (claim_brief {"ref": "${ref}"}), read it and the code it touches`,
      '- propose a plan with propose_plan (the spec you would build, as markdown, and a one-line summary)',
      '- do not change code; stop once the plan is proposed — the operator accepts it before the build',
    );
  } else {
    lines.push(
      '',
      'The rules:',
      `- claim the brief (claim_brief {"ref": "${ref}"}) before you start; say what you do with add_note`,
      '- if the spec is unclear or wrong, propose a plan (propose_plan) rather than guess',
      '- commit your work on the lane\'s branch; link what matters (add_link: commits, URLs, other briefs)',
      '- attach screenshots of what you changed on screen: save them under .grove/ in your lane (git ignores it), then attach_screenshot',
      '- when done, set_status in_review with a reason; the merge into MAIN goes through Grove\'s gate: the gate decides',
    );
  }
  return lines.join('\n');
}
