import type { Handlers } from '../api/dispatch';
import { listDirectories } from './list-directories';

/** `fs.directories`: directory names completing a typed path (see list-directories.ts). */
export function directoryHandlers(): Pick<Handlers, 'fs.directories'> {
  return {
    'fs.directories': ({ prefix }) => listDirectories(prefix),
  };
}
