import { describe, expect, it } from 'vitest';
import { isSoftwareGl } from '../../../src/shared/software-gl';

describe('a GL drawn by the CPU', () => {
  it('is told from a GPU by the renderer\'s name, as browsers report it', () => {
    for (const cpu of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'ANGLE (Mesa, llvmpipe (LLVM 17.0.6 256 bits), OpenGL 4.5)',
      'Microsoft Basic Render Driver',
    ]) expect(isSoftwareGl(cpu), cpu).toBe(true);
    for (const gpu of ['ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)', 'Apple M2', 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3070 Direct3D11 vs_5_0 ps_5_0, D3D11)', 'AMD Radeon Pro 560X OpenGL Engine']) {
      expect(isSoftwareGl(gpu), gpu).toBe(false);
    }
  });
});
