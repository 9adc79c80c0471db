import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { AccessControl__factory } from "../../typechain-types";

export interface RoleAdministeredContext {
  address: string;
  admin: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

/**
 * The behaviour every bidhall ledger shares: deployed with an admin (never the zero address) that holds
 * DEFAULT_ADMIN_ROLE and alone grants and revokes each of `roles`, named by the keccak256 of its name.
 */
export function shouldBehaveLikeRoleAdministered(contractName: string, roles: string[], context: () => RoleAdministeredContext): void {
  describe("roles", function () {
    const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
    const contract = () => AccessControl__factory.connect(context().address, context().admin);

    it("cannot be deployed with the zero address as admin", async function () {
      const factory = await ethers.getContractFactory(contractName);
      await expect(factory.deploy(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(factory, `${contractName}InvalidAdmin`)
        .withArgs(ethers.ZeroAddress);
    });

    it("gives the default admin role to the admin it was deployed with, and to no one else", async function () {
      const { admin, stranger } = context();
      expect(await contract().hasRole(DEFAULT_ADMIN_ROLE, admin)).to.equal(true);
      expect(await contract().hasRole(DEFAULT_ADMIN_ROLE, stranger)).to.equal(false);
    });

    for (const role of roles) {
      const roleId = ethers.id(role);

      it(`names ${role} after the keccak256 of its name and lets the default admin administer it`, async function () {
        const named = (await ethers.getContractAt(contractName, context().address)).getFunction(role);
        expect(await named.staticCall()).to.equal(roleId);
        expect(await contract().getRoleAdmin(roleId)).to.equal(DEFAULT_ADMIN_ROLE);
      });

      it(`lets the admin grant and revoke ${role}`, async function () {
        const { admin, stranger } = context();
        await expect(contract().grantRole(roleId, stranger))
          .to.emit(contract(), "RoleGranted")
          .withArgs(roleId, stranger.address, admin.address);
        expect(await contract().hasRole(roleId, stranger)).to.equal(true);
        await expect(contract().revokeRole(roleId, stranger))
          .to.emit(contract(), "RoleRevoked")
          .withArgs(roleId, stranger.address, admin.address);
        expect(await contract().hasRole(roleId, stranger)).to.equal(false);
      });

      it(`does not let an account without the default admin role grant ${role}`, async function () {
        const { stranger } = context();
        await expect(contract().connect(stranger).grantRole(roleId, stranger))
          .to.be.revertedWithCustomError(contract(), "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, DEFAULT_ADMIN_ROLE);
      });
    }
  });
}
