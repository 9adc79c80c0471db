/**
 * A bid's state is derived from its facts (ARCHITECTURE.md §4 step 5): versions exist only once
 * their receipt was issued, withdrawals are facts of their own, and the latest fact decides. The
 * version that stands at the deadline is the one the opening decrypts; older versions are kept
 * for the audit trail and never opened.
 */
export interface VersionFact {
  version: number;
  receivedAt: Date;
}

export interface WithdrawalFact {
  afterVersion: number;
  withdrawnAt: Date;
}

export type BidState =
  | { status: "none" }
  | { status: "submitted"; version: number; receivedAt: Date }
  | { status: "withdrawn"; afterVersion: number; withdrawnAt: Date };

export function bidState(versions: readonly VersionFact[], withdrawals: readonly WithdrawalFact[]): BidState {
  const last = [...versions].sort((a, b) => a.version - b.version).at(-1);
  if (!last) return { status: "none" };
  const withdrawal = [...withdrawals].sort((a, b) => a.withdrawnAt.getTime() - b.withdrawnAt.getTime()).at(-1);
  // A withdrawal stands until a later version is submitted (a bidder may withdraw, then bid again).
  if (withdrawal && withdrawal.afterVersion >= last.version) {
    return { status: "withdrawn", afterVersion: withdrawal.afterVersion, withdrawnAt: withdrawal.withdrawnAt };
  }
  return { status: "submitted", version: last.version, receivedAt: last.receivedAt };
}
