/**
 * A round's failure that Grove itself says in a sentence naming no data, and that passes by
 * itself (another Grove holds the schema's migration lock; images leave the shared store while a
 * push uploads them): the status shows that sentence, and the round retries as it does when the
 * server cannot be reached. Any other error's message stays out of the status (round-errors.ts).
 */
export class RetryLater extends Error {}
