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

/** Who watches a hall's stream: its role there (read-opening's viewer) and its organisation. */
export interface LiveEventViewer {
  role: "host" | "regulator" | "bidder" | "public";
  organisationId: string | null;
}

/**
 * What a viewer receives of one event: its data (`variant` names the shape, the same for every
 * viewer given it, so a frame is encoded once per shape), or nothing at all.
 */
export type LiveEventDelivery = { variant: "full" | "narrow" | "signal"; data: unknown } | null;

type BidderRule = "all" | "own" | "ownElseSignal";

/**
 * Who receives which event (decision 23): the host and the regulator every event with its data
 * (who signed in is theirs to see, decision 19); a bidder the public facts and its own sign-ins,
 * attempts and reclassifications, never another bidder's before the list of bidders makes them
 * public; the public (and the operator, who is the public here) only the facts its page shows,
 * as bare signals. An event a viewer may not know of is not sent at all — no empty frame, no
 * comment —, since even an empty frame at the moment of a sign-in would tell of it (法 22).
 */
const AUDIENCE: Record<OpeningLiveEventType, { bidder: BidderRule; public: boolean }> = {
  // Before the deadline any registered bidder may sign in, and a sign-in tells that it means to bid.
  "signin.recorded": { bidder: "own", public: false },
  "bids.counted": { bidder: "all", public: true },
  "bidders.published": { bidder: "all", public: true },
  "window.opened": { bidder: "all", public: true },
  "window.paused": { bidder: "all", public: true },
  "window.resumed": { bidder: "all", public: true },
  "window.extended": { bidder: "all", public: true },
  "window.ended": { bidder: "all", public: true },
  // Failures and remedies are the bidder's own business; only the decided result is read out.
  "decryption.attempted": { bidder: "own", public: false },
  // Decryption needs the window, which opens only after the bidder list is published: results are public.
  "decryption.decided": { bidder: "all", public: true },
  "decryption.reclassified": { bidder: "ownElseSignal", public: true },
  "bids.all_decided": { bidder: "all", public: true },
  "reading_out.published": { bidder: "all", public: true },
  // Confirmations, objections and the chat are the participants' (the public's page shows none of them).
  "record.confirmed": { bidder: "all", public: false },
  "objection.raised": { bidder: "all", public: false },
  "objection.answered": { bidder: "all", public: false },
  "message.sent": { bidder: "all", public: false },
  "message.hidden": { bidder: "all", public: false },
  "confirmation.ended": { bidder: "all", public: true },
  "opening_record.generated": { bidder: "all", public: true },
  "opening.suspended": { bidder: "all", public: true },
  "opening.resumed": { bidder: "all", public: true },
  "opening.failed": { bidder: "all", public: true },
  "opening.closed": { bidder: "all", public: true },
};

const isOpeningLiveEventType = (type: string): type is OpeningLiveEventType => Object.hasOwn(AUDIENCE, type);

/** What `viewer` receives of a hall event of `type` carrying `data`. Pure; unknown types reach officials only. */
export function liveEventFor(viewer: LiveEventViewer, event: { type: string; data: unknown }): LiveEventDelivery {
  if (viewer.role === "host" || viewer.role === "regulator") return { variant: "full", data: event.data };
  if (!isOpeningLiveEventType(event.type)) return null;
  const rule = AUDIENCE[event.type];
  if (viewer.role === "public") return rule.public ? { variant: "signal", data: {} } : null;
  const data = (event.data ?? {}) as Record<string, unknown>;
  const own = viewer.organisationId !== null && data.organisationId === viewer.organisationId;
  switch (rule.bidder) {
    case "all":
      return { variant: "full", data: event.data };
    case "own":
      if (!own) return null;
      // Its own sign-in, without the count of organisations signed in (which would tell of the others).
      return event.type === "signin.recorded"
        ? { variant: "narrow", data: { organisationId: data.organisationId, at: data.at } }
        : { variant: "full", data: event.data };
    case "ownElseSignal":
      return own ? { variant: "full", data: event.data } : { variant: "signal", data: {} };
  }
}
