import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { shouldBehaveLikeRoleAdministered } from "./behaviors/access-control.behavior";
import { shouldRejectUnexpectedStates, type Situation } from "./behaviors/state-guard.behavior";
import { eventNames, timestampOf } from "./helpers";

enum State {
  Filed,
  Accepted,
  Rejected,
  Suspended,
  Decided,
  Withdrawn,
}

enum Outcome {
  None,
  Upheld,
  PartlyUpheld,
  Dismissed,
}

const ID = ethers.id("complaint:TS-2025-0007");
const UNKNOWN_ID = ethers.id("complaint:never-filed");
const SECTION = ethers.id("section:3301-2025-0042-01");
const CONTENT = ethers.sha256(ethers.toUtf8Bytes("投诉书及证明材料"));
const COMPLAINANT = ethers.id("complainant:91330100MA2H000017");
const NOTICE = ethers.sha256(ethers.toUtf8Bytes("受理通知书"));
const REJECTION = ethers.sha256(ethers.toUtf8Bytes("不予受理决定书"));
const DECISION = ethers.sha256(ethers.toUtf8Bytes("投诉处理决定书"));
const REQUEST = ethers.sha256(ethers.toUtf8Bytes("撤回投诉申请书"));

async function fixture() {
  const [admin, platform, regulator, otherRegulator, stranger] = await ethers.getSigners();
  const ledger = await ethers.deployContract("ComplaintLedger", [admin.address]);
  const PLATFORM_ROLE = await ledger.PLATFORM_ROLE();
  const REGULATOR_ROLE = await ledger.REGULATOR_ROLE();
  await ledger.grantRole(PLATFORM_ROLE, platform);
  await ledger.grantRole(REGULATOR_ROLE, regulator);
  await ledger.grantRole(REGULATOR_ROLE, otherRegulator);
  return {
    ledger,
    admin,
    platform,
    regulator,
    otherRegulator,
    stranger,
    PLATFORM_ROLE,
    REGULATOR_ROLE,
  };
}

describe("ComplaintLedger", function () {
  let f: Awaited<ReturnType<typeof fixture>>;

  beforeEach(async function () {
    f = await loadFixture(fixture);
  });

  const file = (regulator: string = f.regulator.address, id = ID) =>
    f.ledger.connect(f.platform).file(id, SECTION, CONTENT, COMPLAINANT, regulator);
  const accept = (as = f.regulator) => f.ledger.connect(as).accept(ID, NOTICE);
  const reject = (as = f.regulator) => f.ledger.connect(as).reject(ID, REJECTION);
  const suspend = (as = f.regulator) => f.ledger.connect(as).suspendSection(ID);
  const resume = (as = f.regulator) => f.ledger.connect(as).resumeSection(ID);
  const decide = (as = f.regulator, outcome = Outcome.Upheld) => f.ledger.connect(as).decide(ID, outcome, DECISION);
  const withdraw = (as = f.platform) => f.ledger.connect(as).withdraw(ID, REQUEST);
  const steps =
    (...actions: (() => Promise<unknown>)[]) =>
    async () => {
      for (const action of actions) await action();
    };

  /** Every way a complaint can be in each state; the state guards are tested against all of them. */
  const situations: Situation[] = [
    { title: "filed", state: State.Filed, reach: () => file() },
    { title: "accepted", state: State.Accepted, reach: steps(file, accept) },
    {
      title: "accepted, its section suspended and resumed",
      state: State.Accepted,
      reach: steps(file, accept, suspend, resume),
    },
    { title: "rejected", state: State.Rejected, reach: steps(file, reject) },
    {
      title: "accepted, its section suspended",
      state: State.Suspended,
      reach: steps(file, accept, suspend),
    },
    {
      title: "decided",
      state: State.Decided,
      reach: steps(file, accept, decide),
    },
    {
      title: "decided while its section was suspended",
      state: State.Decided,
      reach: steps(file, accept, suspend, decide),
    },
    {
      title: "withdrawn before acceptance",
      state: State.Withdrawn,
      reach: steps(file, withdraw),
    },
    {
      title: "withdrawn after acceptance",
      state: State.Withdrawn,
      reach: steps(file, accept, withdraw),
    },
    {
      title: "withdrawn while its section was suspended",
      state: State.Withdrawn,
      reach: steps(file, accept, suspend, withdraw),
    },
  ];
  const situation = (title: string) => situations.find((s) => s.title === title)!;

  shouldBehaveLikeRoleAdministered("ComplaintLedger", ["PLATFORM_ROLE", "REGULATOR_ROLE"], () => ({
    address: f.ledger.target as string,
    admin: f.admin,
    stranger: f.stranger,
  }));

  /**
   * The behaviour of every step reserved to the assigned regulator: anyone else, and the assigned
   * regulator once its role is revoked, is refused before the state is even looked at.
   */
  function shouldOnlyAllowTheAssignedRegulator(
    verb: string,
    ready: () => Promise<unknown>,
    act: (as: HardhatEthersSigner) => Promise<ContractTransactionResponse>,
  ): void {
    for (const who of ["platform", "stranger"] as const) {
      it(`the ${who}, not being a regulator, cannot ${verb}`, async function () {
        await ready();
        await expect(act(f[who]))
          .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
          .withArgs(f[who].address, f.REGULATOR_ROLE);
      });
    }

    it(`a regulator cannot ${verb} when the complaint is assigned to another regulator`, async function () {
      await ready();
      await expect(act(f.otherRegulator))
        .to.be.revertedWithCustomError(f.ledger, "ComplaintLedgerUnauthorizedRegulator")
        .withArgs(ID, f.otherRegulator.address, f.regulator.address);
    });

    it(`the assigned regulator cannot ${verb} once its role is revoked`, async function () {
      await ready();
      await f.ledger.revokeRole(f.REGULATOR_ROLE, f.regulator);
      await expect(act(f.regulator))
        .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
        .withArgs(f.regulator.address, f.REGULATOR_ROLE);
    });
  }

  function shouldNotFindAComplaintThatWasNeverFiled(action: string, call: () => Promise<unknown>): void {
    it(`${action} that was never filed`, async function () {
      await expect(call()).to.be.revertedWithCustomError(f.ledger, "ComplaintLedgerNonexistentComplaint").withArgs(UNKNOWN_ID);
    });
  }

  describe("state", function () {
    for (const s of situations) {
      it(`reads ${State[s.state]} for a complaint ${s.title}`, async function () {
        await s.reach();
        expect(await f.ledger.state(ID)).to.equal(s.state);
      });
    }

    it("reverts for a complaint that was never filed, as does the complaint getter", async function () {
      for (const read of [f.ledger.state, f.ledger.complaint]) {
        await expect(read(UNKNOWN_ID)).to.be.revertedWithCustomError(f.ledger, "ComplaintLedgerNonexistentComplaint").withArgs(UNKNOWN_ID);
      }
    });

    it("records the block timestamp of every step", async function () {
      const filedAt = await timestampOf(file());
      await time.increase(3n * 24n * 3600n);
      const acceptedAt = await timestampOf(accept());
      const suspendedAt = await timestampOf(suspend());
      await time.increase(7n * 24n * 3600n);
      const resumedAt = await timestampOf(resume());
      await time.increase(20n * 24n * 3600n);
      const decidedAt = await timestampOf(decide());

      const c = await f.ledger.complaint(ID);
      expect([c.filedAt, c.acceptedAt, c.rejectedAt, c.suspendedAt, c.resumedAt, c.decidedAt, c.withdrawnAt]).to.deep.equal([
        filedAt,
        acceptedAt,
        0n,
        suspendedAt,
        resumedAt,
        decidedAt,
        0n,
      ]);
      expect(new Set([filedAt, acceptedAt, suspendedAt, resumedAt, decidedAt]).size).to.equal(5);
    });
  });

  describe("file", function () {
    it("the platform files a complaint and assigns it to a regulator", async function () {
      const tx = file();
      await expect(tx).to.emit(f.ledger, "ComplaintFiled").withArgs(ID, SECTION, f.regulator.address, CONTENT, COMPLAINANT);

      const c = await f.ledger.complaint(ID);
      expect([c.sectionRef, c.contentHash, c.complainantRef, c.regulator]).to.deep.equal([
        SECTION,
        CONTENT,
        COMPLAINANT,
        f.regulator.address,
      ]);
      expect([c.sectionSuspended, c.outcome]).to.deep.equal([false, BigInt(Outcome.None)]);
      expect([c.admissionHash, c.decisionHash, c.withdrawalHash]).to.deep.equal([ethers.ZeroHash, ethers.ZeroHash, ethers.ZeroHash]);
      expect(c.filedAt).to.equal(await timestampOf(tx));
      expect([c.acceptedAt, c.rejectedAt, c.suspendedAt, c.resumedAt, c.decidedAt, c.withdrawnAt]).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n]);
      expect(await f.ledger.state(ID)).to.equal(State.Filed);
    });

    for (const who of ["regulator", "stranger"] as const) {
      it(`the ${who} cannot file a complaint`, async function () {
        await expect(f.ledger.connect(f[who]).file(ID, SECTION, CONTENT, COMPLAINANT, f.regulator))
          .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
          .withArgs(f[who].address, f.PLATFORM_ROLE);
      });
    }

    it("an id cannot be filed twice", async function () {
      await file();
      await expect(file(f.otherRegulator.address))
        .to.be.revertedWithCustomError(f.ledger, "ComplaintLedgerDuplicateComplaint")
        .withArgs(ID);
    });

    it("a complaint cannot be assigned to an account that is not a regulator", async function () {
      for (const account of [f.stranger.address, f.platform.address, ethers.ZeroAddress]) {
        await expect(file(account)).to.be.revertedWithCustomError(f.ledger, "ComplaintLedgerInvalidRegulator").withArgs(ID, account);
      }
    });

    it("a complaint cannot be assigned to a regulator whose role was revoked", async function () {
      await f.ledger.revokeRole(f.REGULATOR_ROLE, f.otherRegulator);
      await expect(file(f.otherRegulator.address))
        .to.be.revertedWithCustomError(f.ledger, "ComplaintLedgerInvalidRegulator")
        .withArgs(ID, f.otherRegulator.address);
    });
  });

  describe("accept", function () {
    it("the assigned regulator accepts a filed complaint with a notice", async function () {
      await file();
      const tx = accept();
      await expect(tx).to.emit(f.ledger, "ComplaintAccepted").withArgs(ID, NOTICE);
      const c = await f.ledger.complaint(ID);
      expect([c.admissionHash, c.acceptedAt]).to.deep.equal([NOTICE, await timestampOf(tx)]);
      expect(await f.ledger.state(ID)).to.equal(State.Accepted);
    });

    shouldOnlyAllowTheAssignedRegulator("accept a complaint", () => file(), accept);
    shouldNotFindAComplaintThatWasNeverFiled("a regulator cannot accept a complaint", () =>
      f.ledger.connect(f.regulator).accept(UNKNOWN_ID, NOTICE),
    );
    shouldRejectUnexpectedStates({
      action: "the assigned regulator cannot accept a complaint",
      situations,
      allowed: [State.Filed],
      contract: () => f.ledger,
      error: "ComplaintLedgerUnexpectedState",
      id: ID,
      call: () => accept(),
    });
  });

  describe("reject", function () {
    it("the assigned regulator rejects a filed complaint with its reasons", async function () {
      await file();
      const tx = reject();
      await expect(tx).to.emit(f.ledger, "ComplaintRejected").withArgs(ID, REJECTION);
      const c = await f.ledger.complaint(ID);
      expect([c.admissionHash, c.rejectedAt, c.acceptedAt]).to.deep.equal([REJECTION, await timestampOf(tx), 0n]);
      expect(await f.ledger.state(ID)).to.equal(State.Rejected);
    });

    shouldOnlyAllowTheAssignedRegulator("reject a complaint", () => file(), reject);
    shouldNotFindAComplaintThatWasNeverFiled("a regulator cannot reject a complaint", () =>
      f.ledger.connect(f.regulator).reject(UNKNOWN_ID, REJECTION),
    );
    shouldRejectUnexpectedStates({
      action: "the assigned regulator cannot reject a complaint",
      situations,
      allowed: [State.Filed],
      contract: () => f.ledger,
      error: "ComplaintLedgerUnexpectedState",
      id: ID,
      call: () => reject(),
    });
  });

  describe("suspendSection", function () {
    it("the assigned regulator suspends the section of an accepted complaint", async function () {
      await situation("accepted").reach();
      const tx = suspend();
      await expect(tx).to.emit(f.ledger, "SectionSuspended").withArgs(ID, SECTION);
      const c = await f.ledger.complaint(ID);
      expect([c.sectionSuspended, c.suspendedAt]).to.deep.equal([true, await timestampOf(tx)]);
      expect(await f.ledger.state(ID)).to.equal(State.Suspended);
    });

    it("the assigned regulator suspends a section again after resuming it, and the latest time is kept", async function () {
      await situation("accepted, its section suspended and resumed").reach();
      const first = (await f.ledger.complaint(ID)).suspendedAt;
      const tx = suspend();
      await expect(tx).to.emit(f.ledger, "SectionSuspended").withArgs(ID, SECTION);
      const again = await timestampOf(tx);
      expect(again).to.be.above(first);
      expect((await f.ledger.complaint(ID)).suspendedAt).to.equal(again);
      expect(await f.ledger.state(ID)).to.equal(State.Suspended);
    });

    shouldOnlyAllowTheAssignedRegulator("suspend a section", situation("accepted").reach, suspend);
    shouldNotFindAComplaintThatWasNeverFiled("a regulator cannot suspend the section of a complaint", () =>
      f.ledger.connect(f.regulator).suspendSection(UNKNOWN_ID),
    );
    shouldRejectUnexpectedStates({
      action: "the assigned regulator cannot suspend the section of a complaint",
      situations,
      allowed: [State.Accepted],
      contract: () => f.ledger,
      error: "ComplaintLedgerUnexpectedState",
      id: ID,
      call: () => suspend(),
    });
  });

  describe("resumeSection", function () {
    it("the assigned regulator resumes a suspended section", async function () {
      await situation("accepted, its section suspended").reach();
      const tx = resume();
      await expect(tx).to.emit(f.ledger, "SectionResumed").withArgs(ID, SECTION);
      const c = await f.ledger.complaint(ID);
      expect([c.sectionSuspended, c.resumedAt]).to.deep.equal([false, await timestampOf(tx)]);
      expect(await f.ledger.state(ID)).to.equal(State.Accepted);
    });

    shouldOnlyAllowTheAssignedRegulator("resume a section", situation("accepted, its section suspended").reach, resume);
    shouldNotFindAComplaintThatWasNeverFiled("a regulator cannot resume the section of a complaint", () =>
      f.ledger.connect(f.regulator).resumeSection(UNKNOWN_ID),
    );
    shouldRejectUnexpectedStates({
      action: "the assigned regulator cannot resume the section of a complaint",
      situations,
      allowed: [State.Suspended],
      contract: () => f.ledger,
      error: "ComplaintLedgerUnexpectedState",
      id: ID,
      call: () => resume(),
    });
  });

  describe("decide", function () {
    for (const outcome of [Outcome.Upheld, Outcome.PartlyUpheld, Outcome.Dismissed]) {
      it(`the assigned regulator decides an accepted complaint as ${Outcome[outcome]}`, async function () {
        await situation("accepted").reach();
        const tx = decide(f.regulator, outcome);
        await expect(tx).to.emit(f.ledger, "ComplaintDecided").withArgs(ID, outcome, DECISION);
        await expect(tx).not.to.emit(f.ledger, "SectionResumed");
        const c = await f.ledger.complaint(ID);
        expect([c.outcome, c.decisionHash, c.decidedAt, c.resumedAt]).to.deep.equal([BigInt(outcome), DECISION, await timestampOf(tx), 0n]);
        expect(await f.ledger.state(ID)).to.equal(State.Decided);
      });
    }

    it("deciding a complaint while its section is suspended resumes the section first", async function () {
      await situation("accepted, its section suspended").reach();
      const tx = decide(f.regulator, Outcome.PartlyUpheld);
      await expect(tx).to.emit(f.ledger, "SectionResumed").withArgs(ID, SECTION);
      await expect(tx).to.emit(f.ledger, "ComplaintDecided").withArgs(ID, Outcome.PartlyUpheld, DECISION);
      expect(await eventNames(f.ledger, tx)).to.deep.equal(["SectionResumed", "ComplaintDecided"]);
      const c = await f.ledger.complaint(ID);
      expect(c.sectionSuspended).to.equal(false);
      expect(c.resumedAt).to.equal(c.decidedAt);
    });

    it("the assigned regulator cannot decide without an outcome", async function () {
      await situation("accepted").reach();
      await expect(decide(f.regulator, Outcome.None))
        .to.be.revertedWithCustomError(f.ledger, "ComplaintLedgerInvalidOutcome")
        .withArgs(ID, Outcome.None);
    });

    it("an outcome outside the enum is refused by the ABI decoder", async function () {
      await situation("accepted").reach();
      await expect(f.ledger.connect(f.regulator).decide(ID, 4, DECISION)).to.be.reverted;
    });

    shouldOnlyAllowTheAssignedRegulator("decide a complaint", situation("accepted").reach, (as) => decide(as));
    shouldNotFindAComplaintThatWasNeverFiled("a regulator cannot decide a complaint", () =>
      f.ledger.connect(f.regulator).decide(UNKNOWN_ID, Outcome.Upheld, DECISION),
    );
    shouldRejectUnexpectedStates({
      action: "the assigned regulator cannot decide a complaint",
      situations,
      allowed: [State.Accepted, State.Suspended],
      contract: () => f.ledger,
      error: "ComplaintLedgerUnexpectedState",
      id: ID,
      call: () => decide(),
    });
  });

  describe("withdraw", function () {
    it("the platform withdraws a filed complaint on the complainant's request", async function () {
      await file();
      const tx = withdraw();
      await expect(tx).to.emit(f.ledger, "ComplaintWithdrawn").withArgs(ID, REQUEST);
      await expect(tx).not.to.emit(f.ledger, "SectionResumed");
      const c = await f.ledger.complaint(ID);
      expect([c.withdrawalHash, c.withdrawnAt]).to.deep.equal([REQUEST, await timestampOf(tx)]);
      expect(await f.ledger.state(ID)).to.equal(State.Withdrawn);
    });

    it("the platform withdraws an accepted complaint", async function () {
      await situation("accepted").reach();
      await expect(withdraw()).to.emit(f.ledger, "ComplaintWithdrawn").withArgs(ID, REQUEST);
      expect(await f.ledger.state(ID)).to.equal(State.Withdrawn);
    });

    it("withdrawing a complaint while its section is suspended resumes the section first", async function () {
      await situation("accepted, its section suspended").reach();
      const tx = withdraw();
      await expect(tx).to.emit(f.ledger, "SectionResumed").withArgs(ID, SECTION);
      expect(await eventNames(f.ledger, tx)).to.deep.equal(["SectionResumed", "ComplaintWithdrawn"]);
      const c = await f.ledger.complaint(ID);
      expect(c.sectionSuspended).to.equal(false);
      expect(c.resumedAt).to.equal(c.withdrawnAt);
    });

    for (const who of ["regulator", "stranger"] as const) {
      it(`the ${who} cannot withdraw a complaint`, async function () {
        await file();
        await expect(withdraw(f[who]))
          .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
          .withArgs(f[who].address, f.PLATFORM_ROLE);
      });
    }

    shouldNotFindAComplaintThatWasNeverFiled("the platform cannot withdraw a complaint", () =>
      f.ledger.connect(f.platform).withdraw(UNKNOWN_ID, REQUEST),
    );
    shouldRejectUnexpectedStates({
      action: "the platform cannot withdraw a complaint",
      situations,
      allowed: [State.Filed, State.Accepted, State.Suspended],
      contract: () => f.ledger,
      error: "ComplaintLedgerUnexpectedState",
      id: ID,
      call: () => withdraw(),
    });
  });
});
