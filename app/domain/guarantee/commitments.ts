import { AbiCoder, keccak256 } from "ethers";

/**
 * TEMPORARY (w-g-issue): the salted commitments that stand on chain for the applicant, the
 * section and the beneficiary. w-g-verify owns the real function of this name and signature in
 * this file; on merge theirs replaces this one.
 *
 * ref = keccak256(abi.encode(bytes32 salt, string label, string id)): without the salt nobody can
 * test a guess of bidder and section against the chain.
 */
export interface GuaranteeParties {
  applicantOrganisationId: string;
  sectionId: string;
  beneficiaryOrganisationId: string;
}

export interface GuaranteeCommitments {
  applicantRef: string;
  subjectRef: string;
  beneficiaryRef: string;
}

const coder = AbiCoder.defaultAbiCoder();
const commit = (salt: string, label: string, id: string) =>
  keccak256(coder.encode(["bytes32", "string", "string"], [`0x${salt.replace(/^0x/, "")}`, label, id]));

export function guaranteeCommitments(salt: string, parties: GuaranteeParties): GuaranteeCommitments {
  return {
    applicantRef: commit(salt, "applicant", parties.applicantOrganisationId),
    subjectRef: commit(salt, "section", parties.sectionId),
    beneficiaryRef: commit(salt, "beneficiary", parties.beneficiaryOrganisationId),
  };
}
