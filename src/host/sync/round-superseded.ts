/**
 * Thrown at a sync round's next step once sync's settings changed under it (pointed at another
 * store, turned off, the host stopping): what it read belongs to settings that are gone, so it
 * writes nothing more here (a cursor, an emptied outbox) and ends without a state of its own.
 */
export class RoundSuperseded extends Error {
  constructor() {
    super("sync's settings changed while this round ran; it ends here");
  }
}
