import { LINK_TYPES } from '../../shared/brief-constants';
import type { LinkType } from '../../shared/briefs';
import { apiError, type ApiError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';

/**
 * What `add_link`'s `to` names, read the way a person would write it: `#12` is a brief, an
 * http(s) (or mailto) URL is a URL, 7 to 40 hex digits are a commit. Anything else may say
 * its type outright, `TYPE:TARGET` (`lane:fix-login`, `merge:0193…`, `url:https://…`).
 * A text that fits none of these is refused with the forms that would work, never guessed.
 */
export type LinkTarget = { type: LinkType; target: string };

const BRIEF = /^#\d{1,9}$/;
const URL_START = /^(https?:\/\/|mailto:)/i;
const SHA = /^[0-9a-f]{7,40}$/i;
const TYPED = new RegExp(`^(${LINK_TYPES.join('|')}):(.+)$`, 's');

export function parseLinkTarget(to: string): Result<LinkTarget, ApiError> {
  const text = to.trim();
  if (BRIEF.test(text)) return ok({ type: 'brief', target: text });
  if (URL_START.test(text)) return isUrl(text) ? ok({ type: 'url', target: text }) : err(refused(to, 'it starts like a URL but is not one'));
  if (SHA.test(text)) return ok({ type: 'commit', target: text.toLowerCase() });
  const typed = TYPED.exec(text);
  if (typed) {
    const type = typed[1] as LinkType;
    const target = typed[2]!.trim();
    if (target === '') return err(refused(to, `nothing follows "${type}:"`));
    if (type === 'commit' && !SHA.test(target)) return err(refused(to, 'a commit is 7 to 40 hex digits'));
    if (type === 'url' && !(URL_START.test(target) && isUrl(target))) return err(refused(to, 'a URL starts with http://, https:// or mailto:'));
    return ok({ type, target: type === 'commit' ? target.toLowerCase() : target });
  }
  return err(refused(to));
}

function isUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

function refused(to: string, why?: string): ApiError {
  const shown = to.length > 80 ? `${to.slice(0, 80)}…` : to;
  return apiError(
    'invalid_request',
    `Cannot tell what ${JSON.stringify(shown)} links to${why ? ` (${why})` : ''}. Give #N for a brief, an http(s) URL, a commit sha (7 to 40 hex digits), or TYPE:TARGET with TYPE one of ${LINK_TYPES.join(', ')} (e.g. lane:fix-login).`,
    { to: shown },
  );
}
