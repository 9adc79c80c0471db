// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IComplaintLedger} from "./interfaces/IComplaintLedger.sol";

/**
 * @title ComplaintLedger
 * @dev Complaints (投诉) about bidding activities, from filing to decision, with a block timestamp
 * for every step. Only hashes and references go on chain, never personal data.
 *
 * The platform (PLATFORM_ROLE) files a complaint for a complainant whose identity it verified, and
 * assigns it to a regulator (an account holding REGULATOR_ROLE). Only that regulator, while it still
 * holds the role, accepts or rejects the complaint, suspends and resumes the section's bidding
 * activities, and decides. Before a decision the platform may record the complainant's withdrawal.
 *
 * As in {Governor-state}, the state is derived from the recorded steps:
 *
 * - `Filed`: filed, not yet accepted or rejected.
 * - `Accepted`: accepted (受理), section not suspended. Can be suspended, decided or withdrawn.
 * - `Suspended`: accepted, section suspended. Can be resumed, decided or withdrawn.
 * - `Rejected`: not accepted (不予受理). Terminal.
 * - `Decided`: decided with an {Outcome}. Terminal.
 * - `Withdrawn`: withdrawn by the complainant through the platform. Terminal.
 *
 * ```
 * Filed --accept--> Accepted --suspendSection--> Suspended
 *   |                 |    ^-------resumeSection-------|
 *   |                 +--decide--> Decided <--decide---+
 *   |                 +-withdraw-> Withdrawn <-withdraw+
 *   +--withdraw--> Withdrawn
 *   +--reject--> Rejected
 * ```
 *
 * A section may be suspended and resumed more than once; the struct keeps the latest times and the
 * events keep them all. Deciding or withdrawing ends the case and with it any suspension: the section
 * is resumed in the same transaction (`resumedAt` set, {SectionResumed} emitted before the case's event).
 *
 * NOTE: 条例 Art 61 gives the regulator 3 working days to accept and 30 more to decide; working days
 * depend on the holiday calendar, so the platform tracks those deadlines. 条例 Art 62 lets the
 * regulator suspend bidding activities "when necessary" while it investigates.
 *
 * NOTE: the 投诉处理办法 lets the regulator refuse a withdrawal once it has found a violation; the
 * platform records a withdrawal only after the regulator has allowed it off chain.
 */
contract ComplaintLedger is IComplaintLedger, AccessControl {
    bytes32 public constant PLATFORM_ROLE = keccak256("PLATFORM_ROLE");
    bytes32 public constant REGULATOR_ROLE = keccak256("REGULATOR_ROLE");

    mapping(bytes32 id => Complaint) private _complaints;

    /// @dev Grants DEFAULT_ADMIN_ROLE, which administers the other roles, to `admin` (not the zero address).
    constructor(address admin) {
        if (admin == address(0)) revert ComplaintLedgerInvalidAdmin(admin);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @dev Returns complaint `id`. Reverts with {ComplaintLedgerNonexistentComplaint} if it was never filed.
    function complaint(bytes32 id) public view returns (Complaint memory) {
        return _getComplaint(id);
    }

    /// @dev Current state of complaint `id`, derived from its recorded steps (see the contract's essay).
    function state(bytes32 id) public view returns (ComplaintState) {
        Complaint storage c = _getComplaint(id);
        if (c.withdrawnAt != 0) return ComplaintState.Withdrawn;
        if (c.decidedAt != 0) return ComplaintState.Decided;
        if (c.rejectedAt != 0) return ComplaintState.Rejected;
        if (c.sectionSuspended) return ComplaintState.Suspended;
        if (c.acceptedAt != 0) return ComplaintState.Accepted;
        return ComplaintState.Filed;
    }

    /**
     * @dev Files complaint `id` about section `sectionRef` and assigns it to `regulator`. Emits {ComplaintFiled}.
     *
     * Requirements:
     * - the caller has PLATFORM_ROLE; `id` was never filed;
     * - `regulator` holds REGULATOR_ROLE.
     */
    function file(
        bytes32 id,
        bytes32 sectionRef,
        bytes32 contentHash,
        bytes32 complainantRef,
        address regulator
    ) public onlyRole(PLATFORM_ROLE) {
        Complaint storage c = _complaints[id];
        if (c.filedAt != 0) revert ComplaintLedgerDuplicateComplaint(id);
        if (!hasRole(REGULATOR_ROLE, regulator)) revert ComplaintLedgerInvalidRegulator(id, regulator);

        c.sectionRef = sectionRef;
        c.contentHash = contentHash;
        c.complainantRef = complainantRef;
        c.regulator = regulator;
        c.filedAt = uint64(block.timestamp);
        emit ComplaintFiled(id, sectionRef, regulator, contentHash, complainantRef);
    }

    /**
     * @dev Accepts complaint `id` (受理) with the notice hashed in `reasonHash`. Emits {ComplaintAccepted}.
     *
     * Requirements:
     * - the caller is the assigned regulator and holds REGULATOR_ROLE; the complaint is `Filed`.
     */
    function accept(bytes32 id, bytes32 reasonHash) public {
        Complaint storage c = _checkRegulatorAndState(id, _encodeStateBitmap(ComplaintState.Filed));
        c.admissionHash = reasonHash;
        c.acceptedAt = uint64(block.timestamp);
        emit ComplaintAccepted(id, reasonHash);
    }

    /**
     * @dev Rejects complaint `id` (不予受理) for the reasons hashed in `reasonHash`. Emits {ComplaintRejected}.
     *
     * Requirements:
     * - the caller is the assigned regulator and holds REGULATOR_ROLE; the complaint is `Filed`.
     */
    function reject(bytes32 id, bytes32 reasonHash) public {
        Complaint storage c = _checkRegulatorAndState(id, _encodeStateBitmap(ComplaintState.Filed));
        c.admissionHash = reasonHash;
        c.rejectedAt = uint64(block.timestamp);
        emit ComplaintRejected(id, reasonHash);
    }

    /**
     * @dev Suspends the bidding activities of the complaint's section. Emits {SectionSuspended}.
     *
     * Requirements:
     * - the caller is the assigned regulator and holds REGULATOR_ROLE; the complaint is `Accepted`.
     */
    function suspendSection(bytes32 id) public {
        Complaint storage c = _checkRegulatorAndState(id, _encodeStateBitmap(ComplaintState.Accepted));
        c.sectionSuspended = true;
        c.suspendedAt = uint64(block.timestamp);
        emit SectionSuspended(id, c.sectionRef);
    }

    /**
     * @dev Resumes the bidding activities of the complaint's section. Emits {SectionResumed}.
     *
     * Requirements:
     * - the caller is the assigned regulator and holds REGULATOR_ROLE; the complaint is `Suspended`.
     */
    function resumeSection(bytes32 id) public {
        _resumeSection(id, _checkRegulatorAndState(id, _encodeStateBitmap(ComplaintState.Suspended)));
    }

    /**
     * @dev Decides complaint `id` with `outcome`, in the document hashed in `decisionHash`, resuming a
     * suspended section first. Emits {ComplaintDecided}, after {SectionResumed} if the section was suspended.
     *
     * Requirements:
     * - the caller is the assigned regulator and holds REGULATOR_ROLE;
     * - the complaint is `Accepted` or `Suspended`; `outcome` is not `None`.
     */
    function decide(bytes32 id, Outcome outcome, bytes32 decisionHash) public {
        Complaint storage c = _checkRegulatorAndState(id, _ongoingStates());
        if (outcome == Outcome.None) revert ComplaintLedgerInvalidOutcome(id, outcome);

        if (c.sectionSuspended) _resumeSection(id, c);
        c.outcome = outcome;
        c.decisionHash = decisionHash;
        c.decidedAt = uint64(block.timestamp);
        emit ComplaintDecided(id, outcome, decisionHash);
    }

    /**
     * @dev Records the withdrawal of complaint `id` on the complainant's written request hashed in
     * `requestHash`, resuming a suspended section first. Emits {ComplaintWithdrawn}, after
     * {SectionResumed} if the section was suspended.
     *
     * Requirements:
     * - the caller has PLATFORM_ROLE;
     * - the complaint is `Filed`, `Accepted` or `Suspended` (not yet rejected or decided).
     */
    function withdraw(bytes32 id, bytes32 requestHash) public onlyRole(PLATFORM_ROLE) {
        _validateStateBitmap(id, _encodeStateBitmap(ComplaintState.Filed) | _ongoingStates());
        Complaint storage c = _complaints[id];

        if (c.sectionSuspended) _resumeSection(id, c);
        c.withdrawalHash = requestHash;
        c.withdrawnAt = uint64(block.timestamp);
        emit ComplaintWithdrawn(id, requestHash);
    }

    /// @dev Lifts the suspension of the section of complaint `id`; the caller checked that it is suspended.
    function _resumeSection(bytes32 id, Complaint storage c) private {
        c.sectionSuspended = false;
        c.resumedAt = uint64(block.timestamp);
        emit SectionResumed(id, c.sectionRef);
    }

    /**
     * @dev Reverts unless the caller holds REGULATOR_ROLE and is the regulator assigned complaint `id`,
     * and the complaint's state is in `allowedStates`. Returns the complaint.
     */
    function _checkRegulatorAndState(bytes32 id, bytes32 allowedStates) private view returns (Complaint storage c) {
        _checkRole(REGULATOR_ROLE);
        c = _getComplaint(id);
        if (_msgSender() != c.regulator) revert ComplaintLedgerUnauthorizedRegulator(id, _msgSender(), c.regulator);
        _validateStateBitmap(id, allowedStates);
    }

    function _getComplaint(bytes32 id) private view returns (Complaint storage c) {
        c = _complaints[id];
        if (c.filedAt == 0) revert ComplaintLedgerNonexistentComplaint(id);
    }

    /// @dev The states of an accepted complaint awaiting its decision.
    function _ongoingStates() private pure returns (bytes32) {
        return _encodeStateBitmap(ComplaintState.Accepted) | _encodeStateBitmap(ComplaintState.Suspended);
    }

    /// @dev Encodes `s` as a bitmap with only its bit set, as {Governor-_encodeStateBitmap} does.
    function _encodeStateBitmap(ComplaintState s) private pure returns (bytes32) {
        return bytes32(1 << uint8(s));
    }

    /// @dev Reverts with {ComplaintLedgerUnexpectedState} unless the state of `id` is in `allowedStates`.
    function _validateStateBitmap(bytes32 id, bytes32 allowedStates) private view {
        ComplaintState current = state(id);
        if (_encodeStateBitmap(current) & allowedStates == bytes32(0)) {
            revert ComplaintLedgerUnexpectedState(id, current, allowedStates);
        }
    }
}
