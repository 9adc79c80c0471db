// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @dev Types, events and errors of {GuaranteeLedger}, kept apart as {IGovernor} keeps {Governor}'s.
 * Amounts are in fen (分); the `...Ref` fields are hashes of off-chain references, never personal data.
 */
interface IGuaranteeLedger {
    enum GuaranteeKind {
        Bid,
        Performance
    }

    /// @dev Derived by {GuaranteeLedger-state}; see the contract's essay for each state.
    enum GuaranteeState {
        Issued,
        Bound,
        PartlyPaid,
        Paid,
        Released,
        Expired
    }

    enum ClaimStatus {
        Pending,
        Paid,
        Declined
    }

    /// @dev The terms of a guarantee, as its guarantor issues them.
    struct Terms {
        GuaranteeKind kind;
        address beneficiaryAccount; // may release the guarantee and lodge claims on it
        uint256 amount;
        uint64 validFrom;
        uint64 validUntil;
        uint64 claimPeriod; // seconds after `validUntil` during which a bound guarantee can be claimed
        bytes32 beneficiaryRef; // the tenderer (招标人) or purchaser
        bytes32 applicantRef; // the bidder or supplier whose obligation is guaranteed
        bytes32 subjectRef; // the section (标段) or contract the guarantee is issued for
        bytes32 documentHash; // SHA-256 of the signed guarantee document
    }

    struct Guarantee {
        Terms terms;
        address guarantor;
        uint64 issuedAt;
        uint64 boundAt; // 0 until bound
        uint64 releasedAt; // 0 until released
        bytes32 boundTo; // the bid or contract reference, once bound
        uint256 pendingAmount;
        uint256 paidAmount;
        uint256 claimCount;
    }

    struct Claim {
        uint256 amount;
        bytes32 reasonHash;
        bytes32 declineReasonHash; // 0 unless declined
        uint64 lodgedAt;
        uint64 settledAt; // 0 while pending
        ClaimStatus status;
    }

    /// @dev Guarantee `id` was issued by `guarantor` in favour of `beneficiaryAccount`.
    event GuaranteeIssued(
        bytes32 indexed id,
        GuaranteeKind kind,
        address indexed guarantor,
        address indexed beneficiaryAccount,
        uint256 amount,
        uint64 validFrom,
        uint64 validUntil,
        uint64 claimPeriod
    );

    /// @dev Guarantee `id` was bound to the bid or contract `boundTo`.
    event GuaranteeBound(bytes32 indexed id, bytes32 indexed boundTo);

    /// @dev Guarantee `id` was released by `account` (the platform or the beneficiary).
    event GuaranteeReleased(bytes32 indexed id, address indexed account);

    /// @dev Claim `index` of `amount` was lodged on guarantee `id`.
    event ClaimLodged(bytes32 indexed id, uint256 indexed index, uint256 amount, bytes32 reasonHash);

    /// @dev Claim `index` of guarantee `id` was paid; `totalPaid` is the sum paid on the guarantee so far.
    event ClaimPaid(bytes32 indexed id, uint256 indexed index, uint256 amount, uint256 totalPaid);

    /// @dev Claim `index` of guarantee `id` was declined for the reason hashed in `reasonHash`.
    event ClaimDeclined(bytes32 indexed id, uint256 indexed index, bytes32 reasonHash);

    /// @dev The admin given to the constructor is the zero address.
    error GuaranteeLedgerInvalidAdmin(address admin);

    /// @dev No guarantee `id` was ever issued.
    error GuaranteeLedgerNonexistentGuarantee(bytes32 id);

    /// @dev A guarantee `id` was already issued.
    error GuaranteeLedgerDuplicateGuarantee(bytes32 id);

    /// @dev A guarantee or a claim of zero.
    error GuaranteeLedgerInvalidAmount(bytes32 id, uint256 amount);

    /// @dev The validity window is empty or already over at `timestamp`.
    error GuaranteeLedgerInvalidValidity(bytes32 id, uint64 validFrom, uint64 validUntil, uint256 timestamp);

    /// @dev The beneficiary account is the zero address.
    error GuaranteeLedgerInvalidBeneficiaryAccount(bytes32 id, address account);

    /// @dev Binding to the zero reference.
    error GuaranteeLedgerInvalidBinding(bytes32 id, bytes32 boundTo);

    /// @dev Guarantee `id` is in state `current`, not one of the bitmap `expectedStates` (bit `1 << state`).
    error GuaranteeLedgerUnexpectedState(bytes32 id, GuaranteeState current, bytes32 expectedStates);

    /// @dev `account` may not perform this operation on guarantee `id`.
    error GuaranteeLedgerUnauthorizedAccount(bytes32 id, address account);

    /// @dev Guarantee `id` cannot be released while claims of `pendingAmount` await settlement.
    error GuaranteeLedgerPendingClaims(bytes32 id, uint256 pendingAmount);

    /// @dev A claim at `timestamp` falls outside the window [`opensAt`, `closesAt`].
    error GuaranteeLedgerOutsideClaimWindow(bytes32 id, uint256 timestamp, uint256 opensAt, uint256 closesAt);

    /// @dev A claim of `amount` exceeds the `available` amount (the guarantee's amount less pending and paid claims).
    error GuaranteeLedgerExcessiveClaim(bytes32 id, uint256 amount, uint256 available);

    /// @dev Guarantee `id` has no claim `index`.
    error GuaranteeLedgerNonexistentClaim(bytes32 id, uint256 index);

    /// @dev Claim `index` of guarantee `id` was already settled with `status`.
    error GuaranteeLedgerClaimNotPending(bytes32 id, uint256 index, ClaimStatus status);
}
