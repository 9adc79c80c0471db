import { describe, expect, it } from "vitest";
import { liveEventFor, OPENING_LIVE_EVENT_TYPES, type LiveEventViewer } from "./live-events.ts";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";
const host: LiveEventViewer = { role: "host", organisationId: "00000000-0000-4000-8000-0000000000aa" };
const regulator: LiveEventViewer = { role: "regulator", organisationId: "00000000-0000-4000-8000-0000000000bb" };
const bidderA: LiveEventViewer = { role: "bidder", organisationId: A };
const bidderB: LiveEventViewer = { role: "bidder", organisationId: B };
const publicViewer: LiveEventViewer = { role: "public", organisationId: null };
const signIn = { type: "signin.recorded", data: { organisationId: A, organisationsSignedIn: 3, at: "2026-12-20T01:45:00.000Z" } };

describe("who receives which event of the opening hall's stream", () => {
  it("sends a sign-in to the host, the regulator and the organisation itself, never to the public or another bidder", () => {
    expect(liveEventFor(host, signIn)).toEqual({ variant: "full", data: signIn.data });
    expect(liveEventFor(regulator, signIn)).toEqual({ variant: "full", data: signIn.data });
    // The count of organisations signed in would tell of the others.
    expect(liveEventFor(bidderA, signIn)).toEqual({ variant: "narrow", data: { organisationId: A, at: signIn.data.at } });
    expect(liveEventFor(bidderB, signIn)).toBeNull();
    expect(liveEventFor(publicViewer, signIn)).toBeNull();
  });

  it("keeps a bidder's failed attempts its own, and tells the others of a reclassification only that something changed", () => {
    const attempt = { type: "decryption.attempted", data: { organisationId: A, via: "key", ok: false, failure: "WRONG_KEY" } };
    expect(liveEventFor(bidderA, attempt)).toEqual({ variant: "full", data: attempt.data });
    expect(liveEventFor(bidderB, attempt)).toBeNull();
    expect(liveEventFor(publicViewer, attempt)).toBeNull();
    const reclassified = {
      type: "decryption.reclassified",
      data: { organisationId: A, from: "deemedRevoked", to: "deemedWithdrawn", reason: "机房断电" },
    };
    expect(liveEventFor(bidderA, reclassified)).toEqual({ variant: "full", data: reclassified.data });
    expect(liveEventFor(bidderB, reclassified)).toEqual({ variant: "signal", data: {} });
  });

  it("gives the public bare signals of the facts its page shows, and nothing of the participants' chat, objections or confirmations", () => {
    for (const type of OPENING_LIVE_EVENT_TYPES) {
      const got = liveEventFor(publicViewer, { type, data: { organisationId: A, text: "secret" } });
      if (got) expect(got).toEqual({ variant: "signal", data: {} });
    }
    for (const type of ["message.sent", "message.hidden", "objection.raised", "objection.answered", "record.confirmed"])
      expect(liveEventFor(publicViewer, { type, data: {} })).toBeNull();
    expect(liveEventFor(publicViewer, { type: "window.opened", data: { openedAt: "x" } })).toEqual({ variant: "signal", data: {} });
  });

  it("sends an event type it does not know to the officials only", () => {
    expect(liveEventFor(bidderA, { type: "x.new", data: {} })).toBeNull();
    expect(liveEventFor(publicViewer, { type: "x.new", data: {} })).toBeNull();
    expect(liveEventFor(host, { type: "x.new", data: { n: 1 } })).toEqual({ variant: "full", data: { n: 1 } });
  });
});
