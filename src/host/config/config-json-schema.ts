import { z } from 'zod';
import { GroveConfig } from '../../shared/config';

/**
 * The JSON Schema of grove.yaml, for editors (docs/grove.schema.json, written by
 * `npm run schema`). Generated from the zod schema so the two cannot drift; a unit test
 * fails when the committed file is stale. It checks keys and types only: rules across keys
 * (serve.site or serve.command) and template variables are Grove's own checks.
 */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(GroveConfig, { io: 'input' });
  return {
    $schema,
    title: 'grove.yaml',
    description: "A repository's recipe for Grove's lanes: what a new lane gets from MAIN, its ports, how it is served and how it is merged. See docs/configuration.md.",
    ...schema,
  };
}

/** The file's exact text: two-space JSON and a final newline. */
export function configJsonSchemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + '\n';
}
