/**
 * The names of the opening hall's live events (decision 18). Services may publish only these, and
 * the hall page listens for exactly these: an EventSource delivers a named event only to a
 * listener registered for its name, so a type missing here would never reach a screen.
 */
export const OPENING_LIVE_EVENT_TYPES = [
  "signin.recorded",
  "bids.counted",
  "bidders.published",
  "window.opened",
  "window.paused",
  "window.resumed",
  "window.extended",
  "window.ended",
  "decryption.attempted",
  "decryption.decided",
  "decryption.reclassified",
  "bids.all_decided",
  "reading_out.published",
  "record.confirmed",
  "objection.raised",
  "objection.answered",
  "message.sent",
  "message.hidden",
  "confirmation.ended",
  "opening_record.generated",
  "opening.suspended",
  "opening.resumed",
  "opening.failed",
  "opening.closed",
] as const;
export type OpeningLiveEventType = (typeof OPENING_LIVE_EVENT_TYPES)[number];
