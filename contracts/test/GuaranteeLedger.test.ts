import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { shouldBehaveLikeRoleAdministered } from "./behaviors/access-control.behavior";
import { shouldRejectUnexpectedStates, type Situation } from "./behaviors/state-guard.behavior";
import { DAY, stateBitmap, timestampOf } from "./helpers";

enum Kind {
  Bid,
  Performance,
}

enum State {
  Issued,
  Bound,
  PartlyPaid,
  Paid,
  Released,
  Expired,
}

enum ClaimStatus {
  Pending,
  Paid,
  Declined,
}

const ID = ethers.id("guarantee:BH-2025-000187");
const OTHER_ID = ethers.id("guarantee:BH-2025-000188");
const UNKNOWN_ID = ethers.id("guarantee:never-issued");
const BID_REF = ethers.id("bid:3301-2025-0042-01:bidder-17");
const REASON = ethers.sha256(ethers.toUtf8Bytes("中标人拒绝签订合同"));
const DECLINE_REASON = ethers.sha256(ethers.toUtf8Bytes("索赔材料不全"));
const AMOUNT = 20_000_000n; // 200,000.00 yuan, in fen
const VALIDITY = 90n * DAY;
const CLAIM_PERIOD = 30n * DAY;

async function fixture() {
  const [admin, guarantor, otherGuarantor, platform, beneficiary, stranger] = await ethers.getSigners();
  const ledger = await ethers.deployContract("GuaranteeLedger", [admin.address]);
  const GUARANTOR_ROLE = await ledger.GUARANTOR_ROLE();
  const PLATFORM_ROLE = await ledger.PLATFORM_ROLE();
  await ledger.grantRole(GUARANTOR_ROLE, guarantor);
  await ledger.grantRole(GUARANTOR_ROLE, otherGuarantor);
  await ledger.grantRole(PLATFORM_ROLE, platform);

  const now = BigInt(await time.latest());
  const terms = {
    kind: Kind.Bid,
    beneficiaryAccount: beneficiary.address,
    amount: AMOUNT,
    validFrom: now,
    validUntil: now + VALIDITY,
    claimPeriod: CLAIM_PERIOD,
    beneficiaryRef: ethers.id("beneficiary:91330100MA2H000001"),
    applicantRef: ethers.id("applicant:91330100MA2H000017"),
    subjectRef: ethers.id("section:3301-2025-0042-01"),
    documentHash: ethers.sha256(ethers.toUtf8Bytes("电子投标保函 BH-2025-000187")),
  };
  const deadline = terms.validUntil + CLAIM_PERIOD;
  return {
    ledger,
    admin,
    guarantor,
    otherGuarantor,
    platform,
    beneficiary,
    stranger,
    GUARANTOR_ROLE,
    PLATFORM_ROLE,
    terms,
    deadline,
  };
}

describe("GuaranteeLedger", function () {
  let f: Awaited<ReturnType<typeof fixture>>;

  beforeEach(async function () {
    f = await loadFixture(fixture);
  });

  const issue = (terms: Partial<typeof f.terms> = {}, id = ID) => f.ledger.connect(f.guarantor).issue(id, { ...f.terms, ...terms });
  const bind = () => f.ledger.connect(f.platform).bind(ID, BID_REF);
  const release = () => f.ledger.connect(f.platform).release(ID);
  const lodge = (amount: bigint) => f.ledger.connect(f.beneficiary).lodgeClaim(ID, amount, REASON);
  const pay = (index: number) => f.ledger.connect(f.guarantor).payClaim(ID, index);
  const decline = (index: number) => f.ledger.connect(f.guarantor).declineClaim(ID, index, DECLINE_REASON);
  const issueAndBind = async () => {
    await issue();
    await bind();
  };

  /** Every way a guarantee can be in each state; the state guards are tested against all of them. */
  const situations: Situation[] = [
    { title: "issued", state: State.Issued, reach: issue },
    { title: "bound", state: State.Bound, reach: issueAndBind },
    {
      title: "partly paid",
      state: State.PartlyPaid,
      reach: async () => {
        await issueAndBind();
        await lodge(AMOUNT / 4n);
        await pay(0);
      },
    },
    {
      title: "paid in full",
      state: State.Paid,
      reach: async () => {
        await issueAndBind();
        await lodge(AMOUNT);
        await pay(0);
      },
    },
    {
      title: "released before binding",
      state: State.Released,
      reach: async () => {
        await issue();
        await release();
      },
    },
    {
      title: "released after binding",
      state: State.Released,
      reach: async () => {
        await issueAndBind();
        await f.ledger.connect(f.beneficiary).release(ID);
      },
    },
    {
      title: "expired unbound",
      state: State.Expired,
      reach: async () => {
        await issue();
        await time.increaseTo(f.terms.validUntil + 1n);
      },
    },
    {
      title: "expired after its claim period",
      state: State.Expired,
      reach: async () => {
        await issueAndBind();
        await time.increaseTo(f.deadline + 1n);
      },
    },
  ];

  shouldBehaveLikeRoleAdministered("GuaranteeLedger", ["GUARANTOR_ROLE", "PLATFORM_ROLE"], () => ({
    address: f.ledger.target as string,
    admin: f.admin,
    stranger: f.stranger,
  }));

  describe("state", function () {
    for (const situation of situations) {
      it(`reads ${State[situation.state]} for a guarantee ${situation.title}`, async function () {
        await situation.reach();
        expect(await f.ledger.state(ID)).to.equal(situation.state);
      });
    }

    it("stays Issued until the last second of validity", async function () {
      await issue();
      await time.increaseTo(f.terms.validUntil);
      expect(await f.ledger.state(ID)).to.equal(State.Issued);
    });

    it("stays Bound through the claim period after validity ends", async function () {
      await issueAndBind();
      await time.increaseTo(f.deadline);
      expect(await f.ledger.state(ID)).to.equal(State.Bound);
    });

    it("stays Paid after the claim period ends", async function () {
      await situations.find((s) => s.title === "paid in full")!.reach();
      await time.increaseTo(f.deadline + 1n);
      expect(await f.ledger.state(ID)).to.equal(State.Paid);
    });

    it("reverts for a guarantee that was never issued, as do the other getters", async function () {
      for (const read of [f.ledger.state, f.ledger.guarantee, f.ledger.claimDeadline]) {
        await expect(read(UNKNOWN_ID)).to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerNonexistentGuarantee").withArgs(UNKNOWN_ID);
      }
    });
  });

  describe("issue", function () {
    it("a guarantor issues a bid guarantee and the ledger records its terms", async function () {
      const tx = issue();
      await expect(tx)
        .to.emit(f.ledger, "GuaranteeIssued")
        .withArgs(ID, Kind.Bid, f.guarantor.address, f.beneficiary.address, AMOUNT, f.terms.validFrom, f.terms.validUntil, CLAIM_PERIOD);

      const g = await f.ledger.guarantee(ID);
      expect(g.terms.kind).to.equal(Kind.Bid);
      expect(g.terms.beneficiaryAccount).to.equal(f.beneficiary.address);
      expect(g.terms.amount).to.equal(AMOUNT);
      expect([g.terms.validFrom, g.terms.validUntil, g.terms.claimPeriod]).to.deep.equal([
        f.terms.validFrom,
        f.terms.validUntil,
        CLAIM_PERIOD,
      ]);
      expect([g.terms.beneficiaryRef, g.terms.applicantRef, g.terms.subjectRef, g.terms.documentHash]).to.deep.equal([
        f.terms.beneficiaryRef,
        f.terms.applicantRef,
        f.terms.subjectRef,
        f.terms.documentHash,
      ]);
      expect(g.guarantor).to.equal(f.guarantor.address);
      expect(g.issuedAt).to.equal(await timestampOf(tx));
      expect([g.boundAt, g.releasedAt, g.boundTo]).to.deep.equal([0n, 0n, ethers.ZeroHash]);
      expect([g.pendingAmount, g.paidAmount, g.claimCount]).to.deep.equal([0n, 0n, 0n]);
      expect(await f.ledger.claimDeadline(ID)).to.equal(f.deadline);
    });

    it("a guarantor issues a performance guarantee", async function () {
      await expect(issue({ kind: Kind.Performance })).to.emit(f.ledger, "GuaranteeIssued");
      expect((await f.ledger.guarantee(ID)).terms.kind).to.equal(Kind.Performance);
    });

    it("a guarantee may take effect later, or have taken effect earlier, than its issue", async function () {
      await issue({ validFrom: f.terms.validFrom + 10n * DAY });
      await issue({ validFrom: f.terms.validFrom - 10n * DAY }, OTHER_ID);
      expect(await f.ledger.state(ID)).to.equal(State.Issued);
      expect(await f.ledger.state(OTHER_ID)).to.equal(State.Issued);
    });

    it("a claim period of zero ends claims with validity, and the longest one does not overflow", async function () {
      await issue({ claimPeriod: 0n });
      await issue({ claimPeriod: 2n ** 64n - 1n }, OTHER_ID);
      expect(await f.ledger.claimDeadline(ID)).to.equal(f.terms.validUntil);
      expect(await f.ledger.claimDeadline(OTHER_ID)).to.equal(f.terms.validUntil + 2n ** 64n - 1n);
    });

    for (const who of ["platform", "beneficiary", "stranger"] as const) {
      it(`the ${who} cannot issue a guarantee`, async function () {
        await expect(f.ledger.connect(f[who]).issue(ID, f.terms))
          .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
          .withArgs(f[who].address, f.GUARANTOR_ROLE);
      });
    }

    it("a guarantor whose role was revoked cannot issue", async function () {
      await f.ledger.revokeRole(f.GUARANTOR_ROLE, f.guarantor);
      await expect(issue())
        .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
        .withArgs(f.guarantor.address, f.GUARANTOR_ROLE);
    });

    it("an id cannot be issued twice, even by another guarantor", async function () {
      await issue();
      await expect(f.ledger.connect(f.otherGuarantor).issue(ID, f.terms))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerDuplicateGuarantee")
        .withArgs(ID);
    });

    it("a guarantee of zero fen cannot be issued", async function () {
      await expect(issue({ amount: 0n }))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerInvalidAmount")
        .withArgs(ID, 0n);
    });

    for (const [title, shift] of [
      ["ends when it starts", 0n],
      ["ends before it starts", -1n],
    ] as const) {
      it(`a guarantee whose validity ${title} cannot be issued`, async function () {
        const validUntil = f.terms.validUntil;
        const validFrom = validUntil - shift;
        await time.setNextBlockTimestamp(f.terms.validFrom + 10n);
        await expect(issue({ validFrom, validUntil }))
          .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerInvalidValidity")
          .withArgs(ID, validFrom, validUntil, f.terms.validFrom + 10n);
      });
    }

    it("a guarantee whose validity ends at or before the moment of issue cannot be issued", async function () {
      const validUntil = f.terms.validFrom + 100n;
      await time.setNextBlockTimestamp(validUntil);
      await expect(issue({ validUntil }))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerInvalidValidity")
        .withArgs(ID, f.terms.validFrom, validUntil, validUntil);
    });

    it("a guarantee without a beneficiary account cannot be issued", async function () {
      await expect(issue({ beneficiaryAccount: ethers.ZeroAddress }))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerInvalidBeneficiaryAccount")
        .withArgs(ID, ethers.ZeroAddress);
    });
  });

  describe("bind", function () {
    it("the platform binds an issued guarantee to a bid", async function () {
      await issue();
      const tx = bind();
      await expect(tx).to.emit(f.ledger, "GuaranteeBound").withArgs(ID, BID_REF);
      const g = await f.ledger.guarantee(ID);
      expect(g.boundTo).to.equal(BID_REF);
      expect(g.boundAt).to.equal(await timestampOf(tx));
      expect(await f.ledger.state(ID)).to.equal(State.Bound);
    });

    it("the platform binds a guarantee at the last second of its validity", async function () {
      await issue();
      await time.setNextBlockTimestamp(f.terms.validUntil);
      await expect(bind()).to.emit(f.ledger, "GuaranteeBound");
    });

    for (const who of ["guarantor", "beneficiary", "stranger"] as const) {
      it(`the ${who} cannot bind a guarantee`, async function () {
        await issue();
        await expect(f.ledger.connect(f[who]).bind(ID, BID_REF))
          .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
          .withArgs(f[who].address, f.PLATFORM_ROLE);
      });
    }

    it("the platform cannot bind a guarantee to the zero reference", async function () {
      await issue();
      await expect(f.ledger.connect(f.platform).bind(ID, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerInvalidBinding")
        .withArgs(ID, ethers.ZeroHash);
    });

    it("the platform cannot bind a guarantee that was never issued", async function () {
      await expect(f.ledger.connect(f.platform).bind(UNKNOWN_ID, BID_REF))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerNonexistentGuarantee")
        .withArgs(UNKNOWN_ID);
    });

    shouldRejectUnexpectedStates({
      action: "the platform cannot bind a guarantee",
      situations,
      allowed: [State.Issued],
      contract: () => f.ledger,
      error: "GuaranteeLedgerUnexpectedState",
      id: ID,
      call: bind,
    });
  });

  describe("release", function () {
    it("the platform releases an issued guarantee", async function () {
      await issue();
      const tx = release();
      await expect(tx).to.emit(f.ledger, "GuaranteeReleased").withArgs(ID, f.platform.address);
      expect((await f.ledger.guarantee(ID)).releasedAt).to.equal(await timestampOf(tx));
      expect(await f.ledger.state(ID)).to.equal(State.Released);
    });

    it("the beneficiary releases a bound guarantee", async function () {
      await issueAndBind();
      await expect(f.ledger.connect(f.beneficiary).release(ID)).to.emit(f.ledger, "GuaranteeReleased").withArgs(ID, f.beneficiary.address);
    });

    it("the platform releases a partly paid guarantee, ending the rest of the liability", async function () {
      await situations.find((s) => s.state === State.PartlyPaid)!.reach();
      await expect(release()).to.emit(f.ledger, "GuaranteeReleased");
      expect(await f.ledger.state(ID)).to.equal(State.Released);
    });

    it("the platform releases a bound guarantee during its claim period", async function () {
      await issueAndBind();
      await time.setNextBlockTimestamp(f.deadline);
      await expect(release()).to.emit(f.ledger, "GuaranteeReleased");
    });

    for (const who of ["guarantor", "stranger"] as const) {
      it(`the ${who} cannot release a guarantee`, async function () {
        await issueAndBind();
        await expect(f.ledger.connect(f[who]).release(ID))
          .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerUnauthorizedAccount")
          .withArgs(ID, f[who].address);
      });
    }

    it("no one can release a guarantee that was never issued", async function () {
      await expect(f.ledger.connect(f.platform).release(UNKNOWN_ID))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerNonexistentGuarantee")
        .withArgs(UNKNOWN_ID);
    });

    it("a guarantee with a pending claim cannot be released, until the claim is settled", async function () {
      await issueAndBind();
      await lodge(AMOUNT / 2n);
      await expect(release())
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerPendingClaims")
        .withArgs(ID, AMOUNT / 2n);
      await decline(0);
      await expect(release()).to.emit(f.ledger, "GuaranteeReleased");
    });

    shouldRejectUnexpectedStates({
      action: "the platform cannot release a guarantee",
      situations,
      allowed: [State.Issued, State.Bound, State.PartlyPaid],
      contract: () => f.ledger,
      error: "GuaranteeLedgerUnexpectedState",
      id: ID,
      call: release,
    });
  });

  describe("lodgeClaim", function () {
    it("the beneficiary lodges a claim on a bound guarantee", async function () {
      await issueAndBind();
      expect(await f.ledger.connect(f.beneficiary).lodgeClaim.staticCall(ID, AMOUNT / 2n, REASON)).to.equal(0n);
      const tx = lodge(AMOUNT / 2n);
      await expect(tx)
        .to.emit(f.ledger, "ClaimLodged")
        .withArgs(ID, 0n, AMOUNT / 2n, REASON);

      const c = await f.ledger.claim(ID, 0);
      expect([c.amount, c.reasonHash, c.declineReasonHash]).to.deep.equal([AMOUNT / 2n, REASON, ethers.ZeroHash]);
      expect([c.lodgedAt, c.settledAt, c.status]).to.deep.equal([await timestampOf(tx), 0n, BigInt(ClaimStatus.Pending)]);
      const g = await f.ledger.guarantee(ID);
      expect([g.pendingAmount, g.paidAmount, g.claimCount]).to.deep.equal([AMOUNT / 2n, 0n, 1n]);
      expect(await f.ledger.state(ID)).to.equal(State.Bound);
    });

    it("claims are numbered in the order they are lodged", async function () {
      await issueAndBind();
      await expect(lodge(1n)).to.emit(f.ledger, "ClaimLodged").withArgs(ID, 0n, 1n, REASON);
      await expect(lodge(2n)).to.emit(f.ledger, "ClaimLodged").withArgs(ID, 1n, 2n, REASON);
      expect((await f.ledger.guarantee(ID)).claimCount).to.equal(2n);
    });

    it("the beneficiary claims the whole amount at once", async function () {
      await issueAndBind();
      await expect(lodge(AMOUNT)).to.emit(f.ledger, "ClaimLodged").withArgs(ID, 0n, AMOUNT, REASON);
    });

    it("the beneficiary claims after validity ends, until the last second of the claim period", async function () {
      await issueAndBind();
      await time.setNextBlockTimestamp(f.deadline);
      await expect(lodge(AMOUNT)).to.emit(f.ledger, "ClaimLodged");
    });

    it("the beneficiary claims the rest of a partly paid guarantee", async function () {
      await situations.find((s) => s.state === State.PartlyPaid)!.reach();
      await expect(lodge((AMOUNT * 3n) / 4n))
        .to.emit(f.ledger, "ClaimLodged")
        .withArgs(ID, 1n, (AMOUNT * 3n) / 4n, REASON);
    });

    for (const who of ["platform", "guarantor", "stranger"] as const) {
      it(`the ${who} cannot claim on a guarantee`, async function () {
        await issueAndBind();
        await expect(f.ledger.connect(f[who]).lodgeClaim(ID, AMOUNT, REASON))
          .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerUnauthorizedAccount")
          .withArgs(ID, f[who].address);
      });
    }

    it("no one can claim on a guarantee that was never issued", async function () {
      await expect(f.ledger.connect(f.beneficiary).lodgeClaim(UNKNOWN_ID, AMOUNT, REASON))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerNonexistentGuarantee")
        .withArgs(UNKNOWN_ID);
    });

    it("the beneficiary cannot claim before the guarantee takes effect", async function () {
      const validFrom = f.terms.validFrom + 10n * DAY;
      await issue({ validFrom });
      await bind();
      await time.setNextBlockTimestamp(validFrom - 1n);
      await expect(lodge(AMOUNT))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerOutsideClaimWindow")
        .withArgs(ID, validFrom - 1n, validFrom, f.deadline);
      await expect(lodge(AMOUNT)).to.emit(f.ledger, "ClaimLodged");
    });

    it("the beneficiary cannot claim after the claim period", async function () {
      await issueAndBind();
      await time.setNextBlockTimestamp(f.deadline + 1n);
      await expect(lodge(AMOUNT))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerOutsideClaimWindow")
        .withArgs(ID, f.deadline + 1n, f.terms.validFrom, f.deadline);
    });

    it("the beneficiary cannot claim after validity when the claim period is zero", async function () {
      await issue({ claimPeriod: 0n });
      await bind();
      await time.setNextBlockTimestamp(f.terms.validUntil + 1n);
      await expect(lodge(AMOUNT))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerOutsideClaimWindow")
        .withArgs(ID, f.terms.validUntil + 1n, f.terms.validFrom, f.terms.validUntil);
    });

    shouldRejectUnexpectedStates({
      action: "the beneficiary cannot claim on a guarantee",
      // past its claim period a guarantee is outside the claim window, tested above
      situations: situations.filter((s) => s.title !== "expired after its claim period"),
      allowed: [State.Bound, State.PartlyPaid],
      contract: () => f.ledger,
      error: "GuaranteeLedgerUnexpectedState",
      id: ID,
      call: () => lodge(1n),
    });

    it("the beneficiary cannot claim zero fen", async function () {
      await issueAndBind();
      await expect(lodge(0n)).to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerInvalidAmount").withArgs(ID, 0n);
    });

    it("the beneficiary cannot claim more than the guarantee's amount", async function () {
      await issueAndBind();
      await expect(lodge(AMOUNT + 1n))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerExcessiveClaim")
        .withArgs(ID, AMOUNT + 1n, AMOUNT);
    });

    it("pending claims count against the amount", async function () {
      await issueAndBind();
      await lodge((AMOUNT * 6n) / 10n);
      await expect(lodge(AMOUNT / 2n))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerExcessiveClaim")
        .withArgs(ID, AMOUNT / 2n, (AMOUNT * 4n) / 10n);
      await expect(lodge((AMOUNT * 4n) / 10n)).to.emit(f.ledger, "ClaimLodged");
      await expect(lodge(1n)).to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerExcessiveClaim").withArgs(ID, 1n, 0n);
    });

    it("paid claims count against the amount", async function () {
      await situations.find((s) => s.state === State.PartlyPaid)!.reach();
      await expect(lodge(AMOUNT))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerExcessiveClaim")
        .withArgs(ID, AMOUNT, (AMOUNT * 3n) / 4n);
    });

    it("a declined claim frees its share of the amount", async function () {
      await issueAndBind();
      await lodge(AMOUNT);
      await decline(0);
      await expect(lodge(AMOUNT)).to.emit(f.ledger, "ClaimLodged").withArgs(ID, 1n, AMOUNT, REASON);
    });
  });

  describe("payClaim", function () {
    it("the issuing guarantor pays a pending claim, leaving the guarantee partly paid", async function () {
      await issueAndBind();
      await lodge(AMOUNT / 4n);
      const tx = pay(0);
      await expect(tx)
        .to.emit(f.ledger, "ClaimPaid")
        .withArgs(ID, 0n, AMOUNT / 4n, AMOUNT / 4n);

      const c = await f.ledger.claim(ID, 0);
      expect([c.status, c.settledAt]).to.deep.equal([BigInt(ClaimStatus.Paid), await timestampOf(tx)]);
      const g = await f.ledger.guarantee(ID);
      expect([g.pendingAmount, g.paidAmount]).to.deep.equal([0n, AMOUNT / 4n]);
      expect(await f.ledger.state(ID)).to.equal(State.PartlyPaid);
    });

    it("paying claims up to the amount leaves the guarantee paid in full", async function () {
      await issueAndBind();
      await lodge(AMOUNT / 4n);
      await lodge((AMOUNT * 3n) / 4n);
      await pay(1);
      expect(await f.ledger.state(ID)).to.equal(State.PartlyPaid);
      await expect(pay(0))
        .to.emit(f.ledger, "ClaimPaid")
        .withArgs(ID, 0n, AMOUNT / 4n, AMOUNT);
      expect(await f.ledger.state(ID)).to.equal(State.Paid);
    });

    it("the issuing guarantor pays a claim lodged in time after the guarantee expired", async function () {
      await issueAndBind();
      await lodge(AMOUNT / 2n);
      await time.increaseTo(f.deadline + 1n);
      expect(await f.ledger.state(ID)).to.equal(State.Expired);
      await expect(pay(0))
        .to.emit(f.ledger, "ClaimPaid")
        .withArgs(ID, 0n, AMOUNT / 2n, AMOUNT / 2n);
    });

    it("a guarantor whose role was revoked still pays claims on its guarantees", async function () {
      await issueAndBind();
      await lodge(AMOUNT);
      await f.ledger.revokeRole(f.GUARANTOR_ROLE, f.guarantor);
      await expect(pay(0)).to.emit(f.ledger, "ClaimPaid");
    });

    it("a guarantor cannot pay a claim on another guarantor's guarantee", async function () {
      await issueAndBind();
      await lodge(AMOUNT);
      await expect(f.ledger.connect(f.otherGuarantor).payClaim(ID, 0))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerUnauthorizedAccount")
        .withArgs(ID, f.otherGuarantor.address);
    });

    for (const who of ["platform", "beneficiary", "stranger"] as const) {
      it(`the ${who} cannot pay a claim`, async function () {
        await issueAndBind();
        await lodge(AMOUNT);
        await expect(f.ledger.connect(f[who]).payClaim(ID, 0))
          .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerUnauthorizedAccount")
          .withArgs(ID, f[who].address);
      });
    }

    it("a claim cannot be paid twice", async function () {
      await issueAndBind();
      await lodge(AMOUNT / 2n);
      await pay(0);
      await expect(pay(0)).to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerClaimNotPending").withArgs(ID, 0n, ClaimStatus.Paid);
    });

    it("a declined claim cannot be paid", async function () {
      await issueAndBind();
      await lodge(AMOUNT / 2n);
      await decline(0);
      await expect(pay(0)).to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerClaimNotPending").withArgs(ID, 0n, ClaimStatus.Declined);
    });

    it("a claim that was never lodged cannot be paid", async function () {
      await issueAndBind();
      await lodge(AMOUNT / 2n);
      await expect(pay(1)).to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerNonexistentClaim").withArgs(ID, 1n);
      await expect(f.ledger.connect(f.guarantor).payClaim(UNKNOWN_ID, 0))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerNonexistentGuarantee")
        .withArgs(UNKNOWN_ID);
    });
  });

  describe("declineClaim", function () {
    it("the issuing guarantor declines a pending claim with a reason", async function () {
      await issueAndBind();
      await lodge(AMOUNT / 2n);
      const tx = decline(0);
      await expect(tx).to.emit(f.ledger, "ClaimDeclined").withArgs(ID, 0n, DECLINE_REASON);

      const c = await f.ledger.claim(ID, 0);
      expect([c.status, c.declineReasonHash, c.settledAt]).to.deep.equal([
        BigInt(ClaimStatus.Declined),
        DECLINE_REASON,
        await timestampOf(tx),
      ]);
      const g = await f.ledger.guarantee(ID);
      expect([g.pendingAmount, g.paidAmount]).to.deep.equal([0n, 0n]);
      expect(await f.ledger.state(ID)).to.equal(State.Bound);
    });

    it("the issuing guarantor declines a claim lodged in time after the guarantee expired", async function () {
      await issueAndBind();
      await lodge(AMOUNT);
      await time.increaseTo(f.deadline + 1n);
      await expect(decline(0)).to.emit(f.ledger, "ClaimDeclined");
    });

    it("a guarantor cannot decline a claim on another guarantor's guarantee", async function () {
      await issueAndBind();
      await lodge(AMOUNT);
      await expect(f.ledger.connect(f.otherGuarantor).declineClaim(ID, 0, DECLINE_REASON))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerUnauthorizedAccount")
        .withArgs(ID, f.otherGuarantor.address);
    });

    for (const who of ["platform", "beneficiary"] as const) {
      it(`the ${who} cannot decline a claim`, async function () {
        await issueAndBind();
        await lodge(AMOUNT);
        await expect(f.ledger.connect(f[who]).declineClaim(ID, 0, DECLINE_REASON))
          .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerUnauthorizedAccount")
          .withArgs(ID, f[who].address);
      });
    }

    it("a claim cannot be declined twice", async function () {
      await issueAndBind();
      await lodge(AMOUNT);
      await decline(0);
      await expect(decline(0))
        .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerClaimNotPending")
        .withArgs(ID, 0n, ClaimStatus.Declined);
    });

    it("a paid claim cannot be declined", async function () {
      await issueAndBind();
      await lodge(AMOUNT);
      await pay(0);
      await expect(decline(0)).to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerClaimNotPending").withArgs(ID, 0n, ClaimStatus.Paid);
    });

    it("a claim that was never lodged cannot be declined, nor read", async function () {
      await issueAndBind();
      await expect(decline(0)).to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerNonexistentClaim").withArgs(ID, 0n);
      await expect(f.ledger.claim(ID, 0)).to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerNonexistentClaim").withArgs(ID, 0n);
    });
  });

  it("the state bitmap of the tests matches the contract's encoding", async function () {
    await issue();
    await expect(lodge(1n))
      .to.be.revertedWithCustomError(f.ledger, "GuaranteeLedgerUnexpectedState")
      .withArgs(ID, State.Issued, "0x" + "0".repeat(63) + "6");
    expect(stateBitmap(State.Bound, State.PartlyPaid)).to.equal("0x" + "0".repeat(63) + "6");
  });
});
