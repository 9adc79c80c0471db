import { describe, expect, it } from "vitest";
import { checkClaim } from "./claims.ts";

const now = new Date("2027-01-10T00:00:00Z");
const facts = {
  guaranteeStatus: "bound",
  terminated: false,
  withdrawnBeforeDeadline: false,
  decryption: "decrypted" as const,
  claimDeadline: new Date("2027-03-01T00:00:00Z"),
  hasOpenClaim: false,
};

describe("checkClaim", () => {
  it("allows a claim on a bound guarantee within its period for the winner's refusals", () => {
    expect(checkClaim("refusedContract", facts, now)).toBeNull();
    expect(checkClaim("noPerformanceSecurity", facts, now)).toBeNull();
    expect(checkClaim("refusedAward", facts, now)).toBeNull();
  });
  it("allows 'revoked after the deadline' only for a bid the opening deemed revoked", () => {
    expect(checkClaim("withdrawnAfterDeadline", facts, now)).toBe("notRevoked");
    expect(checkClaim("withdrawnAfterDeadline", { ...facts, decryption: "deemedRevoked" }, now)).toBeNull();
  });
  it("refuses a terminated tender, a bid withdrawn before the deadline, an unbound guarantee, a second open claim", () => {
    expect(checkClaim("refusedContract", { ...facts, terminated: true }, now)).toBe("terminated");
    expect(checkClaim("refusedContract", { ...facts, withdrawnBeforeDeadline: true }, now)).toBe("withdrawnBeforeDeadline");
    expect(checkClaim("refusedContract", { ...facts, guaranteeStatus: "released" }, now)).toBe("notBound");
    expect(checkClaim("refusedContract", { ...facts, guaranteeStatus: "claimed", hasOpenClaim: true }, now)).toBe("claimOpen");
  });
  it("refuses a claim one second after the claim deadline, and takes one at the deadline", () => {
    expect(checkClaim("refusedContract", facts, facts.claimDeadline)).toBeNull();
    expect(checkClaim("refusedContract", facts, new Date(facts.claimDeadline.getTime() + 1000))).toBe("claimPeriodOver");
  });
});
