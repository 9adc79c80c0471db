import { AbiCoder, concat, keccak256 } from "ethers";

/**
 * The Merkle tree of documents that DocumentAnchor accepts: OpenZeppelin merkle-tree's
 * `StandardMerkleTree.of(hashes.map((h) => [h]), ["bytes32"])`, re-implemented because the
 * package is not a dependency (contracts/test/vectors/standard-merkle-tree.json, made by the
 * library itself, keeps the two in step: app/crypto/merkle.test.ts).
 *
 * leaf = keccak256(bytes.concat(keccak256(abi.encode(bytes32 sha256OfDocument))))
 * node = keccak256(sort(a, b))
 *
 * Leaves are sorted, laid out as a complete binary tree in an array (root at 0, leaves at the
 * end, last leaf first), exactly as the library does, so roots and proofs are identical. Pure:
 * the browser and the CLI verify proofs with it too.
 */

/** `0x`-prefixed 32-byte hex from a document's SHA-256 given as hex (with or without 0x). */
export function documentHashToBytes32(sha256Hex: string): string {
  const hex = sha256Hex.toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`not a SHA-256 in hex: ${sha256Hex}`);
  return `0x${hex}`;
}

export function standardLeafHash(documentHash: string): string {
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32"], [documentHash])));
}

/** Byte order of two 32-byte hex strings: for equal lengths it is the order of their lower-case hex. */
const compare = (a: string, b: string): number => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};

/** keccak256 of the two nodes in ascending byte order (OpenZeppelin `Hashes.commutativeKeccak256`). */
export function hashPair(a: string, b: string): string {
  return keccak256(concat([a, b].sort(compare)));
}

export interface DocumentTree {
  root: string;
  /** Sibling hashes from the leaf of `documents[i]` (in the order given) up to the root. */
  proof(i: number): string[];
}

export function documentTree(documents: readonly string[]): DocumentTree {
  if (documents.length === 0) throw new Error("a tree needs at least one document");
  const leaves = documents.map((d, i) => ({ i, hash: standardLeafHash(d) })).sort((a, b) => compare(a.hash, b.hash));
  const tree = new Array<string>(2 * leaves.length - 1);
  leaves.forEach((leaf, k) => (tree[tree.length - 1 - k] = leaf.hash));
  for (let i = tree.length - 1 - leaves.length; i >= 0; i--) tree[i] = hashPair(tree[2 * i + 1]!, tree[2 * i + 2]!);
  const position = new Map(leaves.map((leaf, k) => [leaf.i, tree.length - 1 - k]));
  return {
    root: tree[0]!,
    proof(i) {
      const start = position.get(i);
      if (start === undefined) throw new Error(`no document ${i} in this tree`);
      const proof: string[] = [];
      for (let index = start; index > 0; index = Math.floor((index - 1) / 2)) {
        proof.push(tree[index % 2 === 1 ? index + 1 : index - 1]!);
      }
      return proof;
    },
  };
}

/** What DocumentAnchor.verify checks, minus "the root was anchored". */
export function verifyProof(root: string, documentHash: string, proof: readonly string[]): boolean {
  let node = standardLeafHash(documentHash);
  for (const sibling of proof) node = hashPair(node, sibling);
  return node.toLowerCase() === root.toLowerCase();
}
