import { describe, expect, it } from "vitest";
import vector from "../../contracts/test/vectors/standard-merkle-tree.json" with { type: "json" };
import { documentHashToBytes32, documentTree, standardLeafHash, verifyProof } from "./merkle.ts";

describe("documentTree", () => {
  it("builds the root and proofs that @openzeppelin/merkle-tree 1.0.8 builds", () => {
    const tree = documentTree(vector.documents);
    expect(tree.root).toBe(vector.root);
    vector.documents.forEach((_, i) => expect(tree.proof(i)).toEqual(vector.proofs[i]));
  });

  it("verifies every document of the vector and refuses a document not in it", () => {
    vector.documents.forEach((d, i) => expect(verifyProof(vector.root, d, vector.proofs[i]!)).toBe(true));
    expect(verifyProof(vector.root, `0x${"ab".repeat(32)}`, vector.proofs[0]!)).toBe(false);
  });

  it("makes a tree of one document its leaf, with an empty proof", () => {
    const d = documentHashToBytes32("AB".repeat(32));
    const tree = documentTree([d]);
    expect(tree.root).toBe(standardLeafHash(d));
    expect(tree.proof(0)).toEqual([]);
  });

  it("refuses an empty tree and a malformed hash", () => {
    expect(() => documentTree([])).toThrow(/at least one/);
    expect(() => documentHashToBytes32("xyz")).toThrow(/SHA-256/);
  });
});
