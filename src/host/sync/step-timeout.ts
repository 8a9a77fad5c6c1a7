/** A step of a conversation with the shared store that did not answer in time (the link, not the server, is in doubt). */
export class StepTimeout extends Error {}
