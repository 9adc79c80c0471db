/**
 * Node-only envelope operations (streaming, node:crypto). The format itself, the parser and the
 * WebCrypto paths are in app/crypto/envelope and are re-exported here for server callers.
 */
export { SealTransform, createSealTransform, sealFile, sealStream } from "./seal.server.ts";
export type { SealResult } from "./seal.server.ts";
export { OpenTransform, createOpenTransform, openFile, openWithContentKey } from "./open.server.ts";
export type { OpenResult } from "./open.server.ts";
export { certificateDer, toPrivateKey, unwrapContentKey, wrapContentKey } from "./keys.server.ts";
export type { CertificateInput, PrivateKeyInput } from "./keys.server.ts";
export { inspectEnvelope } from "./inspect.server.ts";
export type { EnvelopeInspection } from "./inspect.server.ts";
export { removeUnfinishedOutputs, writeViaTemporaryFile } from "./files.server.ts";
export { EnvelopeError, isEnvelopeError } from "#app/crypto/envelope/index.ts";
export type { EnvelopeErrorCode, EnvelopeHeader } from "#app/crypto/envelope/index.ts";
