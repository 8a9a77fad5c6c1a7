import { isSoftwareGl } from '../../shared/software-gl';

/**
 * Whether a terminal should draw with WebGL. On a GL drawn by the CPU (SwiftShader, Mesa's
 * llvmpipe: a VM, a remote desktop, a machine without a GPU driver) xterm's WebGL renderer
 * is far slower than its DOM renderer: under a flood it held the page at about 10 frames a
 * second with most of the time in long tasks, where the DOM renderer kept 60 with at most
 * one dropped frame (`npm run bench -- terminals`, frames). So WebGL only on a real GPU.
 */
let answer: boolean | null = null;

/** Asked once per page: a throwaway context's renderer name, then the context is let go. */
export function wantsWebgl(): boolean {
  if (answer !== null) return answer;
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return (answer = false);
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    answer = !isSoftwareGl(name);
  } catch {
    answer = false;
  }
  return answer;
}
