// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @dev Types, events and errors of {ComplaintLedger}, kept apart as {IGovernor} keeps {Governor}'s.
 * The `...Ref` and `...Hash` fields are hashes of off-chain references and documents, never personal data.
 */
interface IComplaintLedger {
    /// @dev Derived by {ComplaintLedger-state}; see the contract's essay for each state.
    enum ComplaintState {
        Filed,
        Accepted,
        Rejected,
        Suspended,
        Decided,
        Withdrawn
    }

    /// @dev The regulator's decision (处理决定); `None` until decided.
    enum Outcome {
        None,
        Upheld,
        PartlyUpheld,
        Dismissed
    }

    /// @dev A complaint. Every `...At` is a block timestamp, 0 until the step happens; suspension and
    /// resumption keep the latest time (the events keep every one).
    struct Complaint {
        bytes32 sectionRef; // the section (标段) complained about
        bytes32 contentHash; // SHA-256 of the complaint (投诉书) and its evidence
        bytes32 complainantRef; // the platform's verified complainant
        address regulator; // the assigned regulator (行政监督部门)
        bool sectionSuspended;
        Outcome outcome;
        bytes32 admissionHash; // the notice of acceptance (受理) or the reasons for rejection (不予受理)
        bytes32 decisionHash; // the decision document (处理决定书)
        bytes32 withdrawalHash; // the complainant's written withdrawal (撤回投诉申请)
        uint64 filedAt;
        uint64 acceptedAt;
        uint64 rejectedAt;
        uint64 suspendedAt;
        uint64 resumedAt;
        uint64 decidedAt;
        uint64 withdrawnAt;
    }

    /// @dev Complaint `id` about section `sectionRef` was filed and assigned to `regulator`.
    event ComplaintFiled(
        bytes32 indexed id,
        bytes32 indexed sectionRef,
        address indexed regulator,
        bytes32 contentHash,
        bytes32 complainantRef
    );

    /// @dev Complaint `id` was accepted (受理) with the notice hashed in `reasonHash`.
    event ComplaintAccepted(bytes32 indexed id, bytes32 reasonHash);

    /// @dev Complaint `id` was rejected (不予受理) for the reasons hashed in `reasonHash`.
    event ComplaintRejected(bytes32 indexed id, bytes32 reasonHash);

    /// @dev The bidding activities of section `sectionRef` were suspended because of complaint `id`.
    event SectionSuspended(bytes32 indexed id, bytes32 indexed sectionRef);

    /// @dev The bidding activities of section `sectionRef`, suspended because of complaint `id`, were resumed.
    event SectionResumed(bytes32 indexed id, bytes32 indexed sectionRef);

    /// @dev Complaint `id` was decided with `outcome`, in the document hashed in `decisionHash`.
    event ComplaintDecided(bytes32 indexed id, Outcome outcome, bytes32 decisionHash);

    /// @dev Complaint `id` was withdrawn on the complainant's written request hashed in `requestHash`.
    event ComplaintWithdrawn(bytes32 indexed id, bytes32 requestHash);

    /// @dev The admin given to the constructor is the zero address.
    error ComplaintLedgerInvalidAdmin(address admin);

    /// @dev No complaint `id` was ever filed.
    error ComplaintLedgerNonexistentComplaint(bytes32 id);

    /// @dev A complaint `id` was already filed.
    error ComplaintLedgerDuplicateComplaint(bytes32 id);

    /// @dev `regulator` does not hold REGULATOR_ROLE, so complaint `id` cannot be assigned to it.
    error ComplaintLedgerInvalidRegulator(bytes32 id, address regulator);

    /// @dev `account` is a regulator, but complaint `id` is assigned to `assigned`.
    error ComplaintLedgerUnauthorizedRegulator(bytes32 id, address account, address assigned);

    /// @dev Complaint `id` is in state `current`, not one of the bitmap `expectedStates` (bit `1 << state`).
    error ComplaintLedgerUnexpectedState(bytes32 id, ComplaintState current, bytes32 expectedStates);

    /// @dev A decision must have an outcome other than `None`.
    error ComplaintLedgerInvalidOutcome(bytes32 id, Outcome outcome);
}
