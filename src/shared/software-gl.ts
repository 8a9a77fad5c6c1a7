/**
 * A GL drawn by the CPU (SwiftShader, Mesa's llvmpipe and softpipe, Windows' basic render
 * driver): a VM, a remote desktop, a machine without a GPU driver. The terminal draws with
 * its DOM renderer there (renderer/terminals/gl-renderer.ts); the terminals bench checks it.
 */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software rasterizer|microsoft basic render/i;

export function isSoftwareGl(renderer: string): boolean {
  return SOFTWARE_GL.test(renderer);
}
