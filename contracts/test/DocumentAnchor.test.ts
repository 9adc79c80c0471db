import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { shouldBehaveLikeRoleAdministered } from "./behaviors/access-control.behavior";
import { documentTree, standardLeafHash } from "./helpers/merkle";
import { timestampOf } from "./helpers";
import vector from "./vectors/standard-merkle-tree.json";

const sha256 = (text: string) => ethers.sha256(ethers.toUtf8Bytes(text));
const DOCUMENTS = ["招标文件.pdf", "开标记录表.pdf", "评标报告.pdf", "中标候选人公示.pdf", "中标通知书.pdf"].map(sha256);
const STRANGER_DOCUMENT = sha256("未上链的文件.pdf");

async function fixture() {
  const [admin, anchorer, otherAnchorer, stranger] = await ethers.getSigners();
  const anchor = await ethers.deployContract("DocumentAnchor", [admin.address]);
  const ANCHORER_ROLE = await anchor.ANCHORER_ROLE();
  await anchor.grantRole(ANCHORER_ROLE, anchorer);
  await anchor.grantRole(ANCHORER_ROLE, otherAnchorer);
  const tree = documentTree(DOCUMENTS);
  return {
    anchor,
    admin,
    anchorer,
    otherAnchorer,
    stranger,
    ANCHORER_ROLE,
    tree,
  };
}

describe("DocumentAnchor", function () {
  let f: Awaited<ReturnType<typeof fixture>>;

  beforeEach(async function () {
    f = await loadFixture(fixture);
  });

  const anchorRoot = (root: string = f.tree.root, count = BigInt(DOCUMENTS.length)) => f.anchor.connect(f.anchorer).anchor(root, count);

  shouldBehaveLikeRoleAdministered("DocumentAnchor", ["ANCHORER_ROLE"], () => ({
    address: f.anchor.target as string,
    admin: f.admin,
    stranger: f.stranger,
  }));

  describe("anchor", function () {
    it("the anchorer anchors a root with its document count at the block's time", async function () {
      await time.setNextBlockTimestamp(BigInt(await time.latest()) + 3600n);
      const tx = anchorRoot();
      await expect(tx).to.emit(f.anchor, "RootAnchored").withArgs(f.tree.root, DOCUMENTS.length);
      expect(await f.anchor.anchoredAt(f.tree.root)).to.equal(await timestampOf(tx));
      expect(await f.anchor.documentCount(f.tree.root)).to.equal(DOCUMENTS.length);
    });

    it("knows nothing of a root that was never anchored", async function () {
      expect(await f.anchor.anchoredAt(f.tree.root)).to.equal(0n);
      expect(await f.anchor.documentCount(f.tree.root)).to.equal(0n);
    });

    it("anchors many roots, each with its own time and count", async function () {
      const single = documentTree([STRANGER_DOCUMENT]);
      const first = await timestampOf(anchorRoot());
      const second = await timestampOf(f.anchor.connect(f.otherAnchorer).anchor(single.root, 1));
      expect([await f.anchor.anchoredAt(f.tree.root), await f.anchor.anchoredAt(single.root)]).to.deep.equal([first, second]);
      expect(await f.anchor.documentCount(single.root)).to.equal(1n);
    });

    for (const who of ["admin", "stranger"] as const) {
      it(`the ${who}, without the anchorer role, cannot anchor a root`, async function () {
        await expect(f.anchor.connect(f[who]).anchor(f.tree.root, DOCUMENTS.length))
          .to.be.revertedWithCustomError(f.anchor, "AccessControlUnauthorizedAccount")
          .withArgs(f[who].address, f.ANCHORER_ROLE);
      });
    }

    it("the anchorer cannot anchor the zero root", async function () {
      await expect(anchorRoot(ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.anchor, "DocumentAnchorInvalidRoot")
        .withArgs(ethers.ZeroHash);
    });

    it("the anchorer cannot anchor a root of no documents", async function () {
      await expect(anchorRoot(f.tree.root, 0n)).to.be.revertedWithCustomError(f.anchor, "DocumentAnchorEmptyBatch").withArgs(f.tree.root);
    });

    it("a root cannot be anchored twice, even by another anchorer with another count, and keeps its first time", async function () {
      const first = await timestampOf(anchorRoot());
      await time.increase(3600);
      await expect(f.anchor.connect(f.otherAnchorer).anchor(f.tree.root, 1))
        .to.be.revertedWithCustomError(f.anchor, "DocumentAnchorDuplicateRoot")
        .withArgs(f.tree.root, first);
      expect(await f.anchor.anchoredAt(f.tree.root)).to.equal(first);
      expect(await f.anchor.documentCount(f.tree.root)).to.equal(DOCUMENTS.length);
    });
  });

  describe("leafHash", function () {
    it("double-hashes the ABI encoding of the document hash, as StandardMerkleTree does", async function () {
      for (const document of DOCUMENTS) {
        const expected = ethers.keccak256(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32"], [document])));
        expect(await f.anchor.leafHash(document)).to.equal(expected);
        expect(await f.anchor.leafHash(document)).to.equal(standardLeafHash(document));
      }
    });
  });

  describe("verify", function () {
    beforeEach(async function () {
      await anchorRoot();
    });

    it("proves every document of an anchored root", async function () {
      for (const [i, document] of DOCUMENTS.entries()) {
        expect(await f.anchor.verify(f.tree.root, document, f.tree.proof(i))).to.equal(true);
      }
    });

    it("proves the documents of a tree built by @openzeppelin/merkle-tree", async function () {
      const tree = documentTree(vector.documents);
      expect(tree.root).to.equal(vector.root);
      vector.documents.forEach((_, i) => expect(tree.proof(i)).to.deep.equal(vector.proofs[i]));

      await anchorRoot(vector.root, BigInt(vector.documents.length));
      for (const [i, document] of vector.documents.entries()) {
        expect(await f.anchor.verify(vector.root, document, vector.proofs[i])).to.equal(true);
      }
    });

    it("proves the only document of a one-document tree with an empty proof", async function () {
      const single = documentTree([STRANGER_DOCUMENT]);
      expect(single.root).to.equal(standardLeafHash(STRANGER_DOCUMENT));
      await anchorRoot(single.root, 1n);
      expect(await f.anchor.verify(single.root, STRANGER_DOCUMENT, [])).to.equal(true);
    });

    it("does not prove a document that is not in the tree", async function () {
      expect(await f.anchor.verify(f.tree.root, STRANGER_DOCUMENT, f.tree.proof(0))).to.equal(false);
    });

    it("does not prove a document with another document's proof", async function () {
      expect(await f.anchor.verify(f.tree.root, DOCUMENTS[0], f.tree.proof(2))).to.equal(false);
    });

    it("does not prove a document with a tampered, shortened or empty proof", async function () {
      const proof = f.tree.proof(3);
      const tampered = [...proof.slice(0, -1), ethers.id("tampered")];
      expect(await f.anchor.verify(f.tree.root, DOCUMENTS[3], tampered)).to.equal(false);
      expect(await f.anchor.verify(f.tree.root, DOCUMENTS[3], proof.slice(1))).to.equal(false);
      expect(await f.anchor.verify(f.tree.root, DOCUMENTS[3], [])).to.equal(false);
    });

    it("does not prove the document hash itself used as a leaf, nor a leaf hashed only once", async function () {
      const proof = f.tree.proof(1);
      const leaf = standardLeafHash(DOCUMENTS[1]);
      const hashedOnce = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32"], [DOCUMENTS[1]]));
      expect(await f.anchor.verify(f.tree.root, leaf, proof)).to.equal(false);
      expect(await f.anchor.verify(f.tree.root, hashedOnce, proof)).to.equal(false);
    });

    it("does not prove an inner node of the tree as a document (no second preimage)", async function () {
      // node 1 is the left child of the root, so its proof is its sibling, node 2
      expect(await f.anchor.verify(f.tree.root, f.tree.node(1), [f.tree.node(2)])).to.equal(false);
    });

    it("does not prove a valid proof against a root that was never anchored", async function () {
      const other = documentTree(DOCUMENTS.slice(0, 3));
      expect(await f.anchor.verify(other.root, DOCUMENTS[0], other.proof(0))).to.equal(false);
      await anchorRoot(other.root, 3n);
      expect(await f.anchor.verify(other.root, DOCUMENTS[0], other.proof(0))).to.equal(true);
    });
  });
});
