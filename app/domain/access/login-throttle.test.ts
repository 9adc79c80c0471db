import { describe, expect, it } from "vitest";
import { decideLogin, DEFAULT_THROTTLE, type Attempt } from "./login-throttle.ts";

const now = new Date("2026-11-23T10:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const failures = (n: number, startMinutesAgo: number): Attempt[] =>
  Array.from({ length: n }, (_, i) => ({ at: new Date(minutesAgo(startMinutesAgo).getTime() + i * 30_000), succeeded: false }));

describe("decideLogin", () => {
  it("allows a login after four failures in the window", () => {
    expect(decideLogin({ accountAttempts: failures(4, 5), ipAttempts: [], now })).toEqual({ allowed: true });
  });

  it("locks the account after the fifth failure, until 15 minutes after the last one", () => {
    const attempts = failures(5, 5);
    const decision = decideLogin({ accountAttempts: attempts, ipAttempts: [], now });
    expect(decision).toEqual({ allowed: false, reason: "account", retryAt: new Date(attempts[4]!.at.getTime() + 15 * 60_000) });
  });

  it("forgets failures whose lock has ended", () => {
    expect(decideLogin({ accountAttempts: failures(5, 40), ipAttempts: [], now })).toEqual({ allowed: true });
  });

  it("does not lock for five failures spread wider than the window", () => {
    const spread = [0, 4, 8, 12, 16].map((m) => ({ at: minutesAgo(m), succeeded: false }));
    expect(decideLogin({ accountAttempts: spread, ipAttempts: [], now }).allowed).toBe(true);
  });

  it("counts only the failures after the last success", () => {
    const attempts = [...failures(4, 10), { at: minutesAgo(5), succeeded: true }, ...failures(2, 3)];
    expect(decideLogin({ accountAttempts: attempts, ipAttempts: [], now }).allowed).toBe(true);
  });

  it("locks an address after 20 failures across accounts, even if one succeeded", () => {
    const ip = [...failures(20, 12), { at: minutesAgo(1), succeeded: true }];
    const decision = decideLogin({ accountAttempts: [], ipAttempts: ip, now });
    expect(decision).toMatchObject({ allowed: false, reason: "ip" });
  });

  it("unlocks exactly when the lock ends", () => {
    const attempts = failures(5, 5);
    const unlockAt = new Date(attempts[4]!.at.getTime() + DEFAULT_THROTTLE.lockMinutes * 60_000);
    expect(decideLogin({ accountAttempts: attempts, ipAttempts: [], now: new Date(unlockAt.getTime() - 1) }).allowed).toBe(false);
    expect(decideLogin({ accountAttempts: attempts, ipAttempts: [], now: unlockAt }).allowed).toBe(true);
  });
});
