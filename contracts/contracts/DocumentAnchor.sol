// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/**
 * @title DocumentAnchor
 * @dev Anchors Merkle roots of document hashes, so that anyone holding a document, its proof and the
 * root can show that the document existed, unchanged, when the root was anchored.
 *
 * The anchor batcher (ANCHORER_ROLE) collects the SHA-256 hashes of pending documents, builds a tree,
 * anchors its root with the number of documents, and keeps each document's proof. A root is anchored
 * once; its block timestamp is the proof of time.
 *
 * Leaves use the encoding of `StandardMerkleTree` (OpenZeppelin's merkle-tree package) with leaf encoding
 * `["bytes32"]`, so `StandardMerkleTree.of(hashes.map(h => [h]), ["bytes32"])` builds a tree whose
 * `root` and `getProof(i)` this contract accepts:
 *
 * ```
 * leaf = keccak256(bytes.concat(keccak256(abi.encode(bytes32 sha256OfDocument))))
 * node = keccak256(sort(a, b))     // commutative, as in {MerkleProof}
 * ```
 *
 * Hashing the leaf twice keeps it from ever equalling an inner node (64 bytes hashed once), which
 * rules out second-preimage proofs of inner nodes as documents.
 *
 * NOTE: only the hashes are anchored; the documents, and their proofs, stay off chain.
 */
contract DocumentAnchor is AccessControl {
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    struct Anchor {
        uint64 anchoredAt;
        uint64 documentCount;
    }

    mapping(bytes32 root => Anchor) private _anchors;

    /// @dev `root`, the root of a tree of `documentCount` document hashes, was anchored.
    event RootAnchored(bytes32 indexed root, uint64 documentCount);

    /// @dev The admin given to the constructor is the zero address.
    error DocumentAnchorInvalidAdmin(address admin);

    /// @dev The zero root, which no tree has, cannot be anchored.
    error DocumentAnchorInvalidRoot(bytes32 root);

    /// @dev A tree needs at least one document.
    error DocumentAnchorEmptyBatch(bytes32 root);

    /// @dev `root` was already anchored at `anchoredAt`.
    error DocumentAnchorDuplicateRoot(bytes32 root, uint64 anchoredAt);

    /// @dev Grants DEFAULT_ADMIN_ROLE, which administers ANCHORER_ROLE, to `admin` (not the zero address).
    constructor(address admin) {
        if (admin == address(0)) revert DocumentAnchorInvalidAdmin(admin);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @dev Block timestamp at which `root` was anchored, or 0 if it never was.
    function anchoredAt(bytes32 root) public view returns (uint64) {
        return _anchors[root].anchoredAt;
    }

    /// @dev Number of documents under `root`, as declared when it was anchored, or 0 if it never was.
    function documentCount(bytes32 root) public view returns (uint64) {
        return _anchors[root].documentCount;
    }

    /**
     * @dev The leaf of the document whose SHA-256 is `documentHash`:
     * `keccak256(bytes.concat(keccak256(abi.encode(documentHash))))`, the leaf of
     * `StandardMerkleTree` with leaf encoding `["bytes32"]`.
     */
    function leafHash(bytes32 documentHash) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(documentHash))));
    }

    /**
     * @dev Returns true if `root` was anchored and `proof` shows that the document whose SHA-256 is
     * `documentHash` is one of its leaves (see {leafHash}). Returns false otherwise; never reverts.
     *
     * A tree of one document has its leaf as root and an empty proof.
     */
    function verify(bytes32 root, bytes32 documentHash, bytes32[] calldata proof) public view returns (bool) {
        return _anchors[root].anchoredAt != 0 && MerkleProof.verifyCalldata(proof, root, leafHash(documentHash));
    }

    /**
     * @dev Anchors `root`, the root of a tree of `count` document hashes, at the current block timestamp.
     * Emits {RootAnchored}.
     *
     * Requirements:
     * - the caller has ANCHORER_ROLE;
     * - `root` is not zero and was never anchored; `count > 0`.
     */
    function anchor(bytes32 root, uint64 count) public onlyRole(ANCHORER_ROLE) {
        if (root == bytes32(0)) revert DocumentAnchorInvalidRoot(root);
        if (count == 0) revert DocumentAnchorEmptyBatch(root);
        uint64 previous = _anchors[root].anchoredAt;
        if (previous != 0) revert DocumentAnchorDuplicateRoot(root, previous);

        _anchors[root] = Anchor(uint64(block.timestamp), count);
        emit RootAnchored(root, count);
    }
}
