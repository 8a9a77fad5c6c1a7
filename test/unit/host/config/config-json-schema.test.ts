import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchemaText } from '../../../../src/host/config/config-json-schema';

describe('docs/grove.schema.json', () => {
  it('is what the zod schema generates now', () => {
    const committed = readFileSync(new URL('../../../../docs/grove.schema.json', import.meta.url), 'utf8');
    expect(committed, 'docs/grove.schema.json is out of date: run `npm run schema` and commit it').toBe(configJsonSchemaText());
  });

  it('names the file and forbids unknown keys, as Grove does', () => {
    const schema = JSON.parse(configJsonSchemaText()) as { title: string; additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.title).toBe('grove.yaml');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(['lanes', 'setup', 'ports', 'serve', 'merge', 'health', 'dispatch', 'ops']);
  });
});
