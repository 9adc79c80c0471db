import { describe, expect, it } from "vitest";
import { securityOffer } from "./security-offer.ts";

describe("the bid security a sealing kit offers", () => {
  it("never offers a transfer, which no upload accepts", () => {
    expect(securityOffer(["guarantee", "transfer", "creditCommitment"], true)).toEqual({
      forms: ["guarantee", "creditCommitment"],
      kinds: ["guarantee", "credit-commitment"],
      creditCommitmentAllowed: true,
    });
    expect(securityOffer(["transfer"], false)).toEqual({ forms: [], kinds: [], creditCommitmentAllowed: false });
  });

  it("offers a credit commitment as an upload kind only to a bidder allowed it now", () => {
    expect(securityOffer(["guarantee", "creditCommitment"], false).kinds).toEqual(["guarantee"]);
  });
});
