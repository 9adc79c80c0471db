// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IGuaranteeLedger} from "./interfaces/IGuaranteeLedger.sol";

/**
 * @title GuaranteeLedger
 * @dev Electronic guarantees (电子保函) securing bids (投标保函) and contract performance (履约保函).
 * Only references, hashes and amounts in fen (分) go on chain, never personal data.
 *
 * A guarantor (GUARANTOR_ROLE: bank, insurer, guarantee company) issues a guarantee; the platform
 * (PLATFORM_ROLE) binds it once to the bid or contract it secures; the platform or the beneficiary's
 * account releases it; the beneficiary's account lodges claims, which the issuing guarantor pays or
 * declines, once each. As in {Governor-state}, a guarantee's state is not stored but derived from
 * facts (`boundAt`, `releasedAt`, `paidAmount`) and the clock, so expiry needs no transaction:
 *
 * - `Issued`: not bound, `block.timestamp <= validUntil`. Can be bound or released.
 * - `Bound`: bound, nothing paid, `block.timestamp <= validUntil + claimPeriod`. Claims, release.
 * - `PartlyPaid`: as `Bound`, with claims paid for less than the amount.
 * - `Paid`: claims paid for the whole amount. `Released`: liability ended. Both terminal.
 * - `Expired`: unbound past `validUntil`, or bound past `validUntil + claimPeriod`. Terminal.
 *
 * ```
 * Issued --bind--> Bound --payClaim--> PartlyPaid --payClaim--> Paid
 *   +----------------+-----release---------+--> Released
 *   +----------------+-----(time)----------+--> Expired
 * ```
 *
 * Claims (indexed from 0 per guarantee) go `Pending` -> `Paid` | `Declined`. Pending plus paid claims
 * never exceed the amount; declining frees its share. A claim lodged in time is settled even after
 * the guarantee expired; a guarantee with a pending claim cannot be released.
 *
 * NOTE: the caps of 条例 Art 26 (bid guarantee <= 2% of the estimate) and Art 58 (performance
 * guarantee <= 10% of the price) and the return within 5 days of signing (Art 57) are enforced by
 * the platform, which knows the estimate, the price and the dates.
 *
 * NOTE: a guarantor that loses GUARANTOR_ROLE issues no more but still settles claims on its
 * guarantees: revoking a role does not end a liability.
 */
contract GuaranteeLedger is IGuaranteeLedger, AccessControl {
    bytes32 public constant GUARANTOR_ROLE = keccak256("GUARANTOR_ROLE");
    bytes32 public constant PLATFORM_ROLE = keccak256("PLATFORM_ROLE");

    mapping(bytes32 id => Guarantee) private _guarantees;
    mapping(bytes32 id => mapping(uint256 index => Claim)) private _claims;

    /// @dev Grants DEFAULT_ADMIN_ROLE, which administers the other roles, to `admin` (not the zero address).
    constructor(address admin) {
        if (admin == address(0)) revert GuaranteeLedgerInvalidAdmin(admin);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @dev Returns the guarantee `id`. Reverts with {GuaranteeLedgerNonexistentGuarantee} if it was never issued.
    function guarantee(bytes32 id) public view returns (Guarantee memory) {
        return _getGuarantee(id);
    }

    /// @dev Returns claim `index` of guarantee `id`. Reverts with {GuaranteeLedgerNonexistentClaim} if there is none.
    function claim(bytes32 id, uint256 index) public view returns (Claim memory) {
        return _getClaim(id, index);
    }

    /// @dev Last second at which a claim on guarantee `id` can be lodged: `validUntil + claimPeriod`.
    function claimDeadline(bytes32 id) public view returns (uint256) {
        Terms storage terms = _getGuarantee(id).terms;
        return uint256(terms.validUntil) + terms.claimPeriod;
    }

    /// @dev Current state of guarantee `id`, derived from its facts and `block.timestamp` (see the contract's essay).
    function state(bytes32 id) public view returns (GuaranteeState) {
        Guarantee storage g = _getGuarantee(id);
        if (g.releasedAt != 0) return GuaranteeState.Released;
        if (g.paidAmount == g.terms.amount) return GuaranteeState.Paid;
        if (g.boundAt == 0) {
            return block.timestamp > g.terms.validUntil ? GuaranteeState.Expired : GuaranteeState.Issued;
        }
        if (block.timestamp > claimDeadline(id)) return GuaranteeState.Expired;
        return g.paidAmount == 0 ? GuaranteeState.Bound : GuaranteeState.PartlyPaid;
    }

    /**
     * @dev Issues guarantee `id` on `terms`, with the caller as guarantor. Emits {GuaranteeIssued}.
     *
     * Requirements:
     * - the caller has GUARANTOR_ROLE; `id` was never issued;
     * - `terms.amount > 0`, `terms.validFrom < terms.validUntil` and `terms.validUntil > block.timestamp`;
     * - `terms.beneficiaryAccount` is not the zero address.
     */
    function issue(bytes32 id, Terms calldata terms) public onlyRole(GUARANTOR_ROLE) {
        if (_guarantees[id].guarantor != address(0)) revert GuaranteeLedgerDuplicateGuarantee(id);
        if (terms.amount == 0) revert GuaranteeLedgerInvalidAmount(id, 0);
        if (terms.validFrom >= terms.validUntil || terms.validUntil <= block.timestamp) {
            revert GuaranteeLedgerInvalidValidity(id, terms.validFrom, terms.validUntil, block.timestamp);
        }
        if (terms.beneficiaryAccount == address(0)) revert GuaranteeLedgerInvalidBeneficiaryAccount(id, address(0));

        Guarantee storage g = _guarantees[id];
        g.terms = terms;
        g.guarantor = _msgSender();
        g.issuedAt = uint64(block.timestamp);
        emit GuaranteeIssued(
            id,
            terms.kind,
            _msgSender(),
            terms.beneficiaryAccount,
            terms.amount,
            terms.validFrom,
            terms.validUntil,
            terms.claimPeriod
        );
    }

    /**
     * @dev Binds guarantee `id` to the bid or contract `boundTo`. Emits {GuaranteeBound}.
     *
     * Requirements:
     * - the caller has PLATFORM_ROLE; `boundTo` is not zero;
     * - the guarantee is `Issued` (so not yet bound, and not expired).
     */
    function bind(bytes32 id, bytes32 boundTo) public onlyRole(PLATFORM_ROLE) {
        if (boundTo == bytes32(0)) revert GuaranteeLedgerInvalidBinding(id, boundTo);
        _validateStateBitmap(id, _encodeStateBitmap(GuaranteeState.Issued));

        Guarantee storage g = _guarantees[id];
        g.boundTo = boundTo;
        g.boundAt = uint64(block.timestamp);
        emit GuaranteeBound(id, boundTo);
    }

    /**
     * @dev Releases guarantee `id`, ending the guarantor's liability. Emits {GuaranteeReleased}.
     *
     * Requirements:
     * - the caller has PLATFORM_ROLE or is the guarantee's beneficiary account;
     * - the guarantee is `Issued`, `Bound` or `PartlyPaid`, with no pending claim.
     */
    function release(bytes32 id) public {
        Guarantee storage g = _getGuarantee(id);
        address account = _msgSender();
        if (account != g.terms.beneficiaryAccount && !hasRole(PLATFORM_ROLE, account)) {
            revert GuaranteeLedgerUnauthorizedAccount(id, account);
        }
        _validateStateBitmap(
            id,
            _encodeStateBitmap(GuaranteeState.Issued) |
                _encodeStateBitmap(GuaranteeState.Bound) |
                _encodeStateBitmap(GuaranteeState.PartlyPaid)
        );
        if (g.pendingAmount != 0) revert GuaranteeLedgerPendingClaims(id, g.pendingAmount);

        g.releasedAt = uint64(block.timestamp);
        emit GuaranteeReleased(id, account);
    }

    /**
     * @dev Lodges a claim of `amount` on guarantee `id` and returns its index. Emits {ClaimLodged}.
     *
     * Requirements:
     * - the caller is the guarantee's beneficiary account;
     * - `validFrom <= block.timestamp <= claimDeadline(id)`, and the guarantee is `Bound` or `PartlyPaid`;
     * - `amount > 0`, and pending plus paid claims including this one do not exceed the guarantee's amount.
     */
    function lodgeClaim(bytes32 id, uint256 amount, bytes32 reasonHash) public returns (uint256 index) {
        Guarantee storage g = _getGuarantee(id);
        if (_msgSender() != g.terms.beneficiaryAccount) revert GuaranteeLedgerUnauthorizedAccount(id, _msgSender());
        uint256 closesAt = claimDeadline(id);
        if (block.timestamp < g.terms.validFrom || block.timestamp > closesAt) {
            revert GuaranteeLedgerOutsideClaimWindow(id, block.timestamp, g.terms.validFrom, closesAt);
        }
        _validateStateBitmap(
            id,
            _encodeStateBitmap(GuaranteeState.Bound) | _encodeStateBitmap(GuaranteeState.PartlyPaid)
        );
        if (amount == 0) revert GuaranteeLedgerInvalidAmount(id, 0);
        uint256 available = g.terms.amount - g.pendingAmount - g.paidAmount;
        if (amount > available) revert GuaranteeLedgerExcessiveClaim(id, amount, available);

        index = g.claimCount++;
        _claims[id][index] = Claim(amount, reasonHash, bytes32(0), uint64(block.timestamp), 0, ClaimStatus.Pending);
        g.pendingAmount += amount;
        emit ClaimLodged(id, index, amount, reasonHash);
    }

    /**
     * @dev Records claim `index` of guarantee `id` as paid. Emits {ClaimPaid}.
     *
     * Requirements:
     * - the caller is the guarantor that issued the guarantee; the claim is `Pending`.
     */
    function payClaim(bytes32 id, uint256 index) public {
        Claim storage c = _settleClaim(id, index, ClaimStatus.Paid);
        Guarantee storage g = _guarantees[id];
        g.pendingAmount -= c.amount;
        g.paidAmount += c.amount;
        emit ClaimPaid(id, index, c.amount, g.paidAmount);
    }

    /**
     * @dev Declines claim `index` of guarantee `id` for the reason hashed in `reasonHash`, freeing its
     * share of the amount. Emits {ClaimDeclined}.
     *
     * Requirements:
     * - the caller is the guarantor that issued the guarantee; the claim is `Pending`.
     */
    function declineClaim(bytes32 id, uint256 index, bytes32 reasonHash) public {
        Claim storage c = _settleClaim(id, index, ClaimStatus.Declined);
        c.declineReasonHash = reasonHash;
        _guarantees[id].pendingAmount -= c.amount;
        emit ClaimDeclined(id, index, reasonHash);
    }

    /// @dev Checks the caller and the claim's status, then records the claim's `outcome`; the caller emits the event.
    function _settleClaim(bytes32 id, uint256 index, ClaimStatus outcome) private returns (Claim storage c) {
        c = _getClaim(id, index);
        if (_msgSender() != _guarantees[id].guarantor) revert GuaranteeLedgerUnauthorizedAccount(id, _msgSender());
        if (c.status != ClaimStatus.Pending) revert GuaranteeLedgerClaimNotPending(id, index, c.status);
        c.status = outcome;
        c.settledAt = uint64(block.timestamp);
    }

    function _getGuarantee(bytes32 id) private view returns (Guarantee storage g) {
        g = _guarantees[id];
        if (g.guarantor == address(0)) revert GuaranteeLedgerNonexistentGuarantee(id);
    }

    function _getClaim(bytes32 id, uint256 index) private view returns (Claim storage) {
        if (index >= _getGuarantee(id).claimCount) revert GuaranteeLedgerNonexistentClaim(id, index);
        return _claims[id][index];
    }

    /// @dev Encodes `s` as a bitmap with only its bit set, as {Governor-_encodeStateBitmap} does.
    function _encodeStateBitmap(GuaranteeState s) private pure returns (bytes32) {
        return bytes32(1 << uint8(s));
    }

    /// @dev Reverts with {GuaranteeLedgerUnexpectedState} unless the state of `id` is in `allowedStates`.
    function _validateStateBitmap(bytes32 id, bytes32 allowedStates) private view {
        GuaranteeState current = state(id);
        if (_encodeStateBitmap(current) & allowedStates == bytes32(0)) {
            revert GuaranteeLedgerUnexpectedState(id, current, allowedStates);
        }
    }
}
