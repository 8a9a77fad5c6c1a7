import { z } from 'zod';

/**
 * Every error the host answers with. A client switches on `code`; `message` is for a
 * person and says what was wrong and how to fix it; `details` carries the context.
 */
export const ErrorCode = z.enum([
  // The request itself
  'invalid_request', // the payload does not match the method's schema
  'unknown_method',
  'malformed_json',
  'payload_too_large',
  'not_found', // an HTTP path the host does not serve
  'method_not_allowed',
  // Exposure
  'unauthorized', // missing or wrong token
  'forbidden_host', // Host header is not loopback nor an allowed name (DNS rebinding)
  'forbidden_origin', // Origin is not the host's own (cross-site request or WebSocket)
  'forbidden_user', // the connection comes from another user of the machine (Linux)
  'forbidden', // the token is valid but may not call this method (an agent's token)
  'rate_limited', // an agent called agents.report more often than its limit; the report was dropped
  // Repositories
  'repo_path_missing',
  'repo_not_git',
  'repo_is_bare',
  'repo_is_linked_worktree',
  'repo_already_added',
  'repo_nested', // repos.add refused: the MAIN holds, or is inside, a registered one (details.id)
  'repo_unknown',
  'repo_in_use', // repos.remove refused: details.blockers names the lanes, agents or ops loop in the way
  // Completing a typed path (fs.directories)
  'dir_missing', // the directory to list does not exist: details.path
  'dir_not_directory', // the path names a file, not a directory: details.path
  'dir_unreadable', // the host's user may not list that directory: details.path
  // Lanes
  'lane_name_invalid',
  'lane_exists', // the name, branch or directory is taken
  'lane_unknown',
  'lane_would_lose_work', // removal refused: details.losses lists what would be lost; details.archivable, whether an archive would keep it all
  'lane_has_live_agents',
  'lane_setup_running', // removal refused: the lane's setup still runs (details.jobId)
  'git_failed',
  'lane_missing', // the lane's (or MAIN's) directory is gone or no longer a git worktree
  'lane_not_adoptable', // the path is not a linked worktree of the repository, or is already a lane
  'path_outside_lane', // lanes.resolvePath (or the shell's open): the path resolves outside the lane, after symlinks
  'lane_rebase_conflict', // rebase aborted: details.files lists the conflicting paths
  'lane_setup_failed', // the pre-create hook refused: nothing was created
  'ports_exhausted', // no free block of 10 ports left in grove.yaml's ports range
  'serve_not_configured', // grove.yaml has no serve recipe
  'merge_preflight_failed', // details.checks says which check failed and why
  'merge_running', // a merge or preflight of the lane is under way (details.jobId): a second one, or the lane's removal, waits for it
  'merge_gate_failed', // MAIN's gate failed after the merge: details.merge says whether it was rolled back
  'merge_unknown',
  'merge_not_rollbackable', // the merge is not awaiting a rollback, or MAIN moved on since
  // MAIN's health and the ops loop
  'incident_unknown',
  'ops_not_configured', // no command given and grove.yaml has no ops.command
  'ops_unknown', // the repository has no ops loop
  // Config
  'config_invalid', // grove.yaml or the user's override has problems: details.problems
  // Trust
  'repo_untrusted', // the operator has not trusted the repository's commands: details.digest
  'commands_changed', // grove.yaml's commands changed since they were trusted: details.changes
  'trust_digest_mismatch', // repos.trust was given a digest that is not the commands' current one
  // Agents
  'agent_unknown',
  'agent_lane_invalid', // the lane directory is missing, or is MAIN for an agent that is not the ops loop
  'agent_command_not_found',
  'agent_not_running',
  'agent_is_running', // the operation needs a stopped agent
  'agent_cannot_resume',
  'needs_websocket', // streaming methods are WebSocket-only
  // Briefs (docs/briefs.md)
  'brief_unknown', // no brief has that number or id: details.ref
  'brief_entry_unknown', // the entry is not in this brief: details.entryId
  'brief_cycle', // the dependency or parent would close a loop: details.cycle names it, e.g. ["#3", "#5", "#3"]
  'brief_version_conflict', // expectedVersion is not the brief's version: details.expected, details.actual
  'brief_change_invalid', // the change makes no sense for this brief (same status, unknown link, parent not an epic…)
  'brief_import_invalid', // an imported entry does not fit the store: details.entryId
  'cursor_invalid', // a page cursor this host did not give out
  'attachment_type_refused', // not a PNG, JPEG, GIF or WebP by its bytes: details.detected
  'attachment_missing', // no stored blob has that sha256 (upload it first)
  'storage_failed', // the host's disk refused to store an upload (full, read-only, an I/O error)
  // An attachment's image not on this host (docs/sync.md, "Blobs")
  'blob_unavailable', // not stored here, and sync is off: it is on the machine that attached it
  'blob_not_uploaded', // not on the shared store whole: its upload is not finished, or an older Grove shared the entry; retry later
  'blob_lost', // the host that shared its entry no longer had the image: it is not available anywhere
  'blob_unreachable', // it is to be fetched from the shared store, which cannot be reached now; retry
  'blob_corrupt', // the shared store's copy does not match its sha256: refused, nothing stored
  'blob_not_accepted', // the shared store's copy is the image, of a type or size this Grove does not take: nothing stored
  // Dispatch (docs/mcp.md)
  'brief_claimed', // another agent holds the brief's claim: details.holder (and, decided by the shared store, details.origin, details.since)
  'claim_undecided', // sync is on and the shared store, which decides claims, cannot be reached now: details.reason; try again
  'dispatch_unknown', // no dispatch has that id
  'dispatch_not_possible', // the brief cannot be dispatched as asked (no repository for its project, a lane of another repository, a dispatch already open…)
  'dispatch_not_cancellable', // the dispatch already started its agent (stop the agent instead)
  // Sync (docs/sync.md)
  'sync_not_configured', // sync.now while sync is off (sync.set first)
  'sync_password_in_env', // sync.setPassword while GROVE_SYNC_PASSWORD is set: the variable wins over the file
  'sync_redactions_waiting', // sync.off, or sync.set to another store, while a redaction has not reached the store yet (force: true to leave its text there)
  'host_stopping', // the host is stopping: it starts no new work (an agent, a lane, a merge…); ask the next host
  // The host's own fault; always a bug
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiError = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ApiError = z.infer<typeof ApiError>;

export function apiError(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): ApiError {
  return details === undefined ? { code, message } : { code, message, details };
}

/** HTTP status for each code, so plain HTTP clients can branch without parsing. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'invalid_request':
    case 'malformed_json':
    case 'repo_path_missing':
    case 'repo_not_git':
    case 'repo_is_bare':
    case 'repo_is_linked_worktree':
    case 'dir_missing':
    case 'dir_not_directory':
    case 'dir_unreadable':
    case 'agent_lane_invalid':
    case 'lane_name_invalid':
    case 'agent_command_not_found':
    case 'needs_websocket':
    case 'config_invalid':
    case 'lane_not_adoptable':
    case 'path_outside_lane':
    case 'serve_not_configured':
    case 'ops_not_configured':
    case 'brief_change_invalid':
    case 'brief_import_invalid':
    case 'cursor_invalid':
    case 'attachment_missing':
    case 'sync_not_configured':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden_host':
    case 'forbidden_origin':
    case 'forbidden_user':
    case 'forbidden':
      return 403;
    case 'unknown_method':
    case 'not_found':
    case 'repo_unknown':
    case 'agent_unknown':
    case 'lane_unknown':
    case 'merge_unknown':
    case 'incident_unknown':
    case 'ops_unknown':
    case 'brief_unknown':
    case 'brief_entry_unknown':
    case 'dispatch_unknown':
    case 'blob_unavailable':
    case 'blob_not_uploaded':
      return 404;
    case 'blob_lost':
      return 410;
    case 'blob_corrupt':
    case 'blob_not_accepted':
      return 502;
    case 'blob_unreachable':
      return 503;
    case 'method_not_allowed':
      return 405;
    case 'repo_already_added':
    case 'repo_nested':
    case 'repo_in_use':
    case 'brief_cycle':
    case 'brief_version_conflict':
    case 'agent_not_running':
    case 'agent_is_running':
    case 'agent_cannot_resume':
    case 'lane_exists':
    case 'lane_would_lose_work':
    case 'lane_has_live_agents':
    case 'lane_setup_running':
    case 'lane_missing':
    case 'lane_rebase_conflict':
    case 'lane_setup_failed':
    case 'ports_exhausted':
    case 'merge_preflight_failed':
    case 'merge_running':
    case 'merge_gate_failed':
    case 'merge_not_rollbackable':
    case 'repo_untrusted':
    case 'commands_changed':
    case 'trust_digest_mismatch':
    case 'brief_claimed':
    case 'dispatch_not_possible':
    case 'dispatch_not_cancellable':
    case 'sync_password_in_env':
    case 'sync_redactions_waiting':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'attachment_type_refused':
      return 415;
    case 'storage_failed':
      return 507;
    case 'rate_limited':
      return 429;
    case 'internal':
    case 'git_failed':
      return 500;
    case 'claim_undecided':
    case 'host_stopping':
      return 503;
  }
}
