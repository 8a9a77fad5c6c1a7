import { z } from 'zod';

/** A registered repository, identified by its MAIN checkout. */
export const Repo = z.object({
  id: z.string(),
  name: z.string(),
  mainPath: z.string(),
  addedAt: z.string(),
});
export type Repo = z.infer<typeof Repo>;
