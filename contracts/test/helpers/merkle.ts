import { AbiCoder, concat, getBytes, keccak256 } from "ethers";

/**
 * A copy, for tests, of @openzeppelin/merkle-tree's `StandardMerkleTree` restricted to the leaf
 * encoding `["bytes32"]` that DocumentAnchor documents. test/vectors/standard-merkle-tree.json,
 * produced by the library itself, keeps the two in step.
 */

/** keccak256(keccak256(abi.encode(bytes32 documentHash))), the library's `standardLeafHash`. */
export function standardLeafHash(documentHash: string): string {
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32"], [documentHash])));
}

const compare = (a: string, b: string): number => Buffer.compare(Buffer.from(getBytes(a)), Buffer.from(getBytes(b)));

/** keccak256 of the two nodes in ascending order, as OpenZeppelin's `Hashes.commutativeKeccak256`. */
export function hashPair(a: string, b: string): string {
  return keccak256(concat([a, b].sort(compare)));
}

export interface DocumentTree {
  root: string;
  /** The proof of `documents[i]`, in the order the documents were given. */
  proof(i: number): string[];
  /** The inner node at `index` of the array-shaped tree (0 is the root). */
  node(index: number): string;
}

/** Builds the tree `StandardMerkleTree.of(documents.map((d) => [d]), ["bytes32"])` would build. */
export function documentTree(documents: string[]): DocumentTree {
  if (documents.length === 0) throw new Error("a tree needs at least one document");
  const leaves = documents.map((d, i) => ({ i, hash: standardLeafHash(d) })).sort((a, b) => compare(a.hash, b.hash));
  const tree = new Array<string>(2 * leaves.length - 1);
  leaves.forEach((leaf, k) => (tree[tree.length - 1 - k] = leaf.hash));
  for (let i = tree.length - 1 - leaves.length; i >= 0; i--) tree[i] = hashPair(tree[2 * i + 1], tree[2 * i + 2]);

  const treeIndex = new Map(leaves.map((leaf, k) => [leaf.i, tree.length - 1 - k]));
  return {
    root: tree[0],
    node: (index) => tree[index],
    proof(i) {
      const proof: string[] = [];
      for (let index = treeIndex.get(i)!; index > 0; index = Math.floor((index - 1) / 2)) {
        proof.push(tree[index % 2 === 1 ? index + 1 : index - 1]);
      }
      return proof;
    },
  };
}
