/**
 * The one error type of bidhall (STYLE.md §4). Every code has an HTTP status and a message in
 * zh-CN and English; `{{name}}` placeholders are filled from `params`. Domain rules, services and
 * routes throw it; `errorResponse()` (app/server/errors.server.ts) turns it into a response, and
 * contract reverts are mapped onto these codes too.
 */
export const ERROR_CODES = {
  /** Input failed its schema; `params.issues` lists the fields. */
  VALIDATION_FAILED: {
    status: 400,
    zh: "提交的内容有误，请检查后重试。",
    en: "Some of the input is invalid; please check it and try again.",
  },
  /** No session, or it expired. */
  UNAUTHENTICATED: { status: 401, zh: "请先登录。", en: "Please log in first." },
  /** The actor lacks the permission, or the object belongs to another organisation. */
  FORBIDDEN: { status: 403, zh: "您无权执行此操作或查看此页面。", en: "You are not allowed to do this or to see this page." },
  /** A mutation arrived without a valid CSRF token. */
  CSRF_TOKEN_INVALID: {
    status: 403,
    zh: "表单已过期或来源不可信，请刷新页面后重试。",
    en: "The form has expired or did not come from this site; reload the page and try again.",
  },
  /** The object does not exist (or must not be revealed). */
  NOT_FOUND: { status: 404, zh: "未找到{{what}}。", en: "{{what}} not found." },
  /** Wrong email or password; deliberately does not say which. */
  LOGIN_FAILED: { status: 401, zh: "邮箱或密码错误。", en: "Wrong email or password." },
  /** Too many failed logins for this account or from this address. */
  LOGIN_THROTTLED: {
    status: 429,
    zh: "登录失败次数过多，请在 {{retryAt}} 之后再试。",
    en: "Too many failed logins; try again after {{retryAt}}.",
  },
  /** The person's organisation is still waiting for the operator, or was rejected. */
  ORGANISATION_NOT_APPROVED: {
    status: 403,
    zh: "单位“{{name}}”尚未通过交易中心审核（当前状态：{{status}}）。",
    en: "The organisation “{{name}}” has not been approved by the trading centre (status: {{status}}).",
  },
  /** Another organisation already has this USCC. */
  ORGANISATION_DUPLICATE: { status: 409, zh: "统一社会信用代码 {{uscc}} 已注册。", en: "The USCC {{uscc}} is already registered." },
  /** Another person already uses this email. */
  EMAIL_TAKEN: { status: 409, zh: "邮箱 {{email}} 已被使用。", en: "The email {{email}} is already in use." },
  /** The operator already approved or rejected this organisation. */
  ORGANISATION_ALREADY_DECIDED: {
    status: 409,
    zh: "该单位已审核（{{status}}），不能重复审核。",
    en: "This organisation has already been decided ({{status}}).",
  },
  /** 电子招标投标办法 Art 23: the platform operator may not bid or act as agency on its own platform. */
  OPERATOR_KIND_CONFLICT: {
    status: 400,
    zh: "交易平台运营机构不得在本平台投标或代理招标（《电子招标投标办法》第二十三条）。",
    en: "The platform operator may not bid or act as an agency on its own platform (Electronic Bidding Measures Art 23).",
  },
  /** The invitation link is unknown, used or expired. */
  INVITATION_INVALID: { status: 410, zh: "邀请链接无效或已过期。", en: "The invitation link is invalid or has expired." },
  /** The change would leave the organisation without an administrator. */
  LAST_ADMIN: { status: 409, zh: "单位至少需要保留一名管理员。", en: "The organisation must keep at least one administrator." },
  /** The person already belongs to this organisation. */
  ALREADY_MEMBER: { status: 409, zh: "{{email}} 已是本单位成员。", en: "{{email}} is already a member." },
  /** Test hooks are off (BIDHALL_TEST_HOOKS) or the request is malformed. */
  TEST_HOOKS_DISABLED: { status: 404, zh: "测试接口未启用。", en: "Test hooks are not enabled." },
  /** Certificate login or signing with a certificate the platform CA has revoked. */
  CERTIFICATE_REVOKED: {
    status: 401,
    zh: "该数字证书已于 {{revokedAt}} 被吊销，不能再使用。请重新申请证书。",
    en: "This certificate was revoked on {{revokedAt}} and can no longer be used; please enrol for a new one.",
  },
  /** The certificate is outside its validity period. */
  CERTIFICATE_EXPIRED: {
    status: 401,
    zh: "该数字证书已过期或尚未生效，请重新申请证书。",
    en: "This certificate has expired or is not yet valid; please enrol for a new one.",
  },
  /** The certificate is unknown, does not chain to the platform CA, or its key usage is wrong. */
  CERTIFICATE_UNTRUSTED: {
    status: 401,
    zh: "该数字证书不是本平台签发的有效证书。",
    en: "This certificate was not issued by this platform or is not valid.",
  },
  /** The key-possession challenge is unknown, used already or expired, or the signature is wrong. */
  CHALLENGE_INVALID: {
    status: 401,
    zh: "身份验证已失效或签名不正确，请重试。",
    en: "The verification has expired or the signature is wrong; please try again.",
  },
  /** Certificates go only to members holding bid, sign or operate (ARCHITECTURE.md §3). */
  CERTIFICATE_ROLE_REQUIRED: {
    status: 403,
    zh: "只有拥有“投标”“签章”或“经办”角色的成员才能申请数字证书。",
    en: "Only members with the bid, sign or operate role can hold a certificate.",
  },
  /** The certificate request (CSR) is malformed, its key is too weak, or its signature is wrong. */
  CSR_INVALID: { status: 400, zh: "证书申请无效：{{reason}}", en: "The certificate request is invalid: {{reason}}" },
  /** Revoking a certificate that is already revoked. */
  CERTIFICATE_ALREADY_REVOKED: { status: 409, zh: "该证书已被吊销。", en: "This certificate is already revoked." },
  /** The platform CA has not been created yet (`bidhall ca init`). */
  PKI_NOT_INITIALISED: {
    status: 503,
    zh: "平台证书体系尚未初始化（bidhall ca init）。",
    en: "The platform PKI has not been initialised (bidhall ca init).",
  },
  /**
   * A ledger contract refused a write: `error` is the contract's custom error (e.g.
   * `GuaranteeLedgerDuplicateGuarantee`, `ComplaintLedgerUnexpectedState`), `args` its values.
   */
  LEDGER_REVERTED: {
    status: 409,
    zh: "账本合约拒绝了该操作（{{contract}}.{{method}}：{{error}} {{args}}）。",
    en: "The ledger contract refused this ({{contract}}.{{method}}: {{error}} {{args}}).",
  },
  /** The ledger node cannot be reached, or the ledger is not running in this process. */
  LEDGER_UNAVAILABLE: {
    status: 503,
    zh: "区块链账本暂时无法访问，操作将稍后自动重试。",
    en: "The ledger cannot be reached at the moment; the write will be retried.",
  },
  /** Anything unexpected; details go to the log, never to the user. */
  INTERNAL: { status: 500, zh: "系统内部错误，请稍后重试。", en: "Something went wrong on our side; please try again later." },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type Lang = "zh-CN" | "en";

export type ErrorParams = Record<string, string | number | readonly unknown[] | undefined>;

export class AppError extends Error {
  override name = "AppError";
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly params: ErrorParams = {},
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${formatErrorMessage(code, params, "en")}`, options);
    this.status = ERROR_CODES[code].status;
  }

  messageIn(lang: Lang): string {
    return formatErrorMessage(this.code, this.params, lang);
  }
}

export function formatErrorMessage(code: ErrorCode, params: ErrorParams, lang: Lang): string {
  const template = lang === "en" ? ERROR_CODES[code].en : ERROR_CODES[code].zh;
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = params[name];
    return v === undefined ? "" : Array.isArray(v) ? v.join(", ") : String(v);
  });
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
