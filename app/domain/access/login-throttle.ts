/**
 * Login throttling per account and per IP address. A pure rule over the recent failed attempts:
 * the service loads them from `login_attempts` and passes `now`.
 *
 * An account is locked for `lockMinutes` after `maxFailuresPerAccount` failures within the
 * window (counted since its last success); an address after `maxFailuresPerIp` failures within
 * the window, whatever the accounts, which slows password spraying.
 */
export interface ThrottlePolicy {
  windowMinutes: number;
  lockMinutes: number;
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMinutes: 15,
  lockMinutes: 15,
  maxFailuresPerAccount: 5,
  maxFailuresPerIp: 20,
};

export interface Attempt {
  at: Date;
  succeeded: boolean;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; reason: "account" | "ip"; retryAt: Date };

export function decideLogin(
  input: { accountAttempts: readonly Attempt[]; ipAttempts: readonly Attempt[]; now: Date },
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
): ThrottleDecision {
  const sortedFailures = (attempts: readonly Attempt[], resetOnSuccess: boolean) => {
    const sorted = [...attempts].sort((a, b) => a.at.getTime() - b.at.getTime());
    // For an account, a correct password resets the count; for an address it does not.
    const from = resetOnSuccess ? sorted.findLastIndex((a) => a.succeeded) + 1 : 0;
    return sorted.slice(from).filter((a) => !a.succeeded && a.at <= input.now);
  };

  /** Locked while some run of `max` failures inside one window ended less than lockMinutes ago. */
  const check = (failures: Attempt[], max: number, reason: "account" | "ip"): ThrottleDecision | undefined => {
    let retryAt: Date | undefined;
    for (let i = max - 1; i < failures.length; i++) {
      const first = failures[i - max + 1]!.at.getTime();
      const last = failures[i]!.at.getTime();
      if (last - first > policy.windowMinutes * 60_000) continue;
      const until = new Date(last + policy.lockMinutes * 60_000);
      if (until > input.now && (!retryAt || until > retryAt)) retryAt = until;
    }
    return retryAt ? { allowed: false, reason, retryAt } : undefined;
  };

  return (
    check(sortedFailures(input.accountAttempts, true), policy.maxFailuresPerAccount, "account") ??
    check(sortedFailures(input.ipAttempts, false), policy.maxFailuresPerIp, "ip") ?? { allowed: true }
  );
}
