/**
 * The one error type of bidhall (STYLE.md §4). Every code has an HTTP status and a message in
 * zh-CN and English; `{{name}}` placeholders are filled from `params`. Domain rules, services and
 * routes throw it; `errorResponse()` (app/server/errors.server.ts) turns it into a response, and
 * contract reverts are mapped onto these codes too. Legal sources come from the source table
 * (app/domain/tendering/legal-sources.ts), as parameters where they depend on the procurement type.
 */

export const ERROR_CODES = {
  /** Input failed its schema; `params.issues` lists the fields. */
  VALIDATION_FAILED: {
    status: 400,
    zh: "提交的内容有误，请检查后重试。",
    en: "Some of the input is invalid; please check it and try again.",
  },
  /** A NUL character or a malformed percent-encoding in the address, a form, JSON or a header: refused before any work. */
  REQUEST_MALFORMED: {
    status: 400,
    zh: "请求无效：{{whereZh}}中含有空字符（NUL）或错误的编码，已拒绝处理。",
    en: "Invalid request: the {{whereEn}} contains a NUL character or a malformed encoding, so it was refused.",
  },
  /** A body over the limit of its endpoint (Content-Length, or counted while streaming): refused before it is read. */
  REQUEST_TOO_LARGE: {
    status: 413,
    zh: "提交的内容超过上限 {{limit}}，已拒绝接收。",
    en: "The request body exceeds the limit of {{limit}} and was refused.",
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
  /**
   * A request to /api/uploads that breaks the tus 1.0.0 protocol itself (no Tus-Resumable header, a
   * wrong Upload-Offset, a bad header); answered with tus's own status (412, 409, 400, 415…).
   */
  UPLOAD_PROTOCOL_ERROR: {
    status: 400,
    zh: "上传请求不符合 tus 1.0.0 协议：{{detail}}",
    en: "The upload request does not follow the tus 1.0.0 protocol: {{detail}}",
  },
  /** An `/api` address asked with a method it does not take (docs/openapi.json lists what each takes). */
  METHOD_NOT_ALLOWED: {
    status: 405,
    zh: "此接口不接受 {{method}} 请求，只接受 {{allowed}}。",
    en: "This endpoint does not take {{method}} requests, only {{allowed}}.",
  },
  /**
   * Wrong email or password, or an address not confirmed yet after sign-up; deliberately does not say
   * which (decision 22: a login must not tell whether a sign-up created an account).
   */
  LOGIN_FAILED: {
    status: 401,
    zh: "邮箱或密码错误。",
    en: "Wrong email or password.",
  },
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
  /**
   * An organisation name with an invisible, bidi or control character, or empty or too long after
   * normalisation (app/domain/shared/organisation-name.ts); `problem` says which, `codePoint` the character.
   */
  ORGANISATION_NAME_INVALID: { status: 400, zh: "{{problemZh}}。", en: "The organisation name is not accepted: {{problemEn}}." },
  /** The sign-up confirmation link is unknown or was used already. */
  EMAIL_CONFIRMATION_INVALID: {
    status: 410,
    zh: "邮箱确认链接无效或已使用。如已确认，请直接登录。",
    en: "The confirmation link is invalid or has been used; if you confirmed already, log in.",
  },
  /** The operator already approved or rejected this organisation. */
  ORGANISATION_ALREADY_DECIDED: {
    status: 409,
    zh: "该单位已审核（{{status}}），不能重复审核。",
    en: "This organisation has already been decided ({{status}}).",
  },
  /**
   * Kinds that may never be held together (app/domain/access/organisation-kinds.ts: 办法 Art 23, 法 Art 14,
   * GP法 Art 60, 条例 Arts 5–6), at sign-up and at approval; `rule` is the rule's id.
   */
  ORGANISATION_KINDS_INCOMPATIBLE: {
    status: 400,
    zh: "同一单位不得既是{{kindAZh}}又是{{kindBZh}}：{{ruleZh}}（{{sourceZh}}）。",
    en: "An organisation cannot be both a {{kindAEn}} and a {{kindBEn}}: {{ruleEn}} ({{sourceEn}}).",
  },
  /** The invitation link is unknown, used or expired. */
  INVITATION_INVALID: { status: 410, zh: "邀请链接无效或已过期。", en: "The invitation link is invalid or has expired." },
  /** The invited address already has an account: its owner accepts logged in as that person (decision 20). */
  INVITATION_LOGIN_REQUIRED: {
    status: 401,
    zh: "此邀请发给 {{email}}，该邮箱已有 bidhall 账号：请先以该账号登录，再接受邀请。",
    en: "This invitation is for {{email}}, which already has a bidhall account: log in as that person first, then accept it.",
  },
  /** Accepting while logged in as someone other than the invited address. */
  INVITATION_WRONG_PERSON: {
    status: 403,
    zh: "此邀请发给 {{email}}，不是您当前登录的账号。请退出后以受邀账号登录再接受。",
    en: "This invitation is for {{email}}, not for the account you are logged in as; log out and log in as the invited person.",
  },
  /** The one-time code for the invited address is wrong; `remaining` tries are left on it. */
  INVITATION_CODE_WRONG: {
    status: 400,
    zh: "验证码不正确；此验证码还可尝试 {{remaining}} 次，用完后请重新获取。",
    en: "The code is wrong; {{remaining}} more tries are left on this code, then ask for a new one.",
  },
  /** No code was sent yet, or it expired, or its tries are used up: ask for a new one. */
  INVITATION_CODE_EXPIRED: {
    status: 410,
    zh: "验证码尚未发送、已过期或尝试次数已用完，请重新获取验证码。",
    en: "No code has been sent yet, or it has expired or run out of tries; ask for a new code.",
  },
  /** A new code was asked for too soon after the last one (mail flooding). */
  INVITATION_CODE_TOO_SOON: {
    status: 429,
    zh: "验证码刚刚发送过，请在 {{retryAt}} 之后再获取。",
    en: "A code was sent a moment ago; ask again after {{retryAt}}.",
  },
  /** Every code this invitation may have was sent and used up (brute force): the invitation is void. */
  INVITATION_CODE_LIMIT: {
    status: 429,
    zh: "此邀请的验证码发送或尝试次数已达上限，邀请已失效。请联系单位管理员重新邀请。",
    en: "This invitation has used up its codes and tries and is void; ask the organisation's administrator to invite you again.",
  },
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
  /** `bidhall secrets rotate` (decision 69): the old secret does not open a stored key; nothing was changed. */
  SECRET_DOES_NOT_OPEN_KEY: {
    status: 409,
    zh: "当前的 {{secret}} 无法解开{{keyZh}}，未做任何更改。",
    en: "The current {{secret}} does not open {{keyEn}}; nothing was changed.",
  },
  /** `bidhall secrets rotate` refused before touching anything (no new secret, the same one, a worker still running). */
  SECRET_ROTATION_INVALID: {
    status: 409,
    zh: "无法更换密钥加密口令：{{reasonZh}}。",
    en: "Cannot rotate the secrets: {{reasonEn}}.",
  },
  /** The platform CA has not been created yet (`bidhall ca init`). */
  PKI_NOT_INITIALISED: {
    status: 503,
    zh: "平台证书体系尚未初始化（bidhall ca init）。",
    en: "The platform PKI has not been initialised (bidhall ca init).",
  },
  /** A document handed to the server's verification is larger than it checks (`limit`). */
  DOCUMENT_TOO_LARGE: {
    status: 413,
    zh: "待核验的文件超过 {{limit}}，请使用离线工具 bidhall verify 核验。",
    en: "The document is larger than {{limit}}; check it offline with bidhall verify.",
  },
  /** What was handed to the verification is neither a PDF nor a compact JWS (receipt, confirmation). */
  DOCUMENT_NOT_SIGNED: {
    status: 422,
    zh: "该文件不是可核验的签名文件（PDF 或投标回执、确认 JWS）：{{detail}}",
    en: "This is not a signed document that can be checked (a PDF, or a receipt or confirmation JWS): {{detail}}",
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
  /** A guarantee step asked of a guarantee in another status (`current`, `expected`). */
  GUARANTEE_UNEXPECTED_STATUS: {
    status: 409,
    zh: "该保函当前状态为“{{current}}”，此操作只适用于“{{expected}}”状态。",
    en: "The guarantee is {{current}}; this step applies only to one that is {{expected}}.",
  },
  /** A claim on a guarantee refused by the claim rules (app/domain/guarantee/claims.ts); `reasonZh`/`reasonEn` say why. */
  GUARANTEE_CLAIM_REFUSED: {
    status: 409,
    zh: "不能提出该索赔：{{reasonZh}}。",
    en: "This claim cannot be lodged: {{reasonEn}}.",
  },
  /** A claim lodged after the guarantee's validity and its claim period (decision 0070): `deadline` names the last day. */
  GUARANTEE_CLAIM_PERIOD_OVER: {
    status: 409,
    zh: "索赔期限已于 {{deadlineZh}} 届满（保函有效期至 {{validUntilZh}}，另加索赔期 {{days}} 日），不能再提出索赔。",
    en: "The claim period ended on {{deadlineEn}} (the guarantee was valid until {{validUntilEn}}, plus a claim period of {{days}} days); no claim can be lodged now.",
  },
  /** The section's contract signing date was recorded before: it is recorded once. */
  CONTRACT_SIGNING_ALREADY_RECORDED: {
    status: 409,
    zh: "本标段的合同签订日期已登记，不能重复登记。",
    en: "The contract signing date of this section is already recorded.",
  },
  /** The contract signing date falls before the bid deadline, or in the future. */
  CONTRACT_SIGNING_DATE_INVALID: {
    status: 409,
    zh: "合同签订日期须在开标之后且不晚于今天。",
    en: "The contract signing date must fall after the opening and not later than today.",
  },
  /** The ledger node cannot be reached, or the ledger is not running in this process. */
  LEDGER_UNAVAILABLE: {
    status: 503,
    zh: "区块链账本暂时无法访问，操作将稍后自动重试。",
    en: "The ledger cannot be reached at the moment; the write will be retried.",
  },
  /** A section action in the wrong phase (`assertSectionPhase`); the *Zh params are the phase names in Chinese. */
  SECTION_UNEXPECTED_PHASE: {
    status: 409,
    zh: "标段当前处于“{{currentZh}}”阶段，此操作只能在“{{expectedZh}}”阶段进行。",
    en: "The section is {{current}}; this can only be done while it is {{expected}}.",
  },
  /** 条例 26 / GP条例 33: the bid security exceeds the cap share of the estimate (budget). */
  BID_SECURITY_TOO_HIGH: {
    status: 400,
    zh: "标段 {{section}}：投标保证金 {{security}} 元超过估算价（预算）{{basis}} 元的 {{percent}}，上限为 {{cap}} 元（{{source}}）。",
    en: "Section {{section}}: the bid security of CNY {{security}} exceeds {{percent}} of the estimate of CNY {{basis}}; the cap is CNY {{cap}} ({{sourceEn}}).",
  },
  /**
   * 法 24 / GP法 35 counted per 民法典 201–203 / 87号令 85 (decision 0030): the deadline ends before the
   * period of the rule set's days from issuing the documents, its last day moved off a holiday.
   */
  DOCUMENTS_TO_DEADLINE_TOO_SHORT: {
    status: 400,
    zh: "标段 {{section}}：投标截止日（{{deadlineOn}}）过早。自招标文件发出之日（{{issuedOn}}，当日不计入）起不得少于 {{requiredDays}} 日，期间最后一日为法定节假日或休息日的顺延至其后第一个工作日，因此投标截止日最早为 {{earliestDeadlineOn}}（零时整截止的，该日不计入）{{provisionalZh}}。依据：{{source}}；期间计算：{{countingSource}}。",
    en: "Section {{section}}: the bid deadline ({{deadlineOn}}) is too early. At least {{requiredDays}} days must run from the day the documents are issued ({{issuedOn}}, not counted), and a last day on a public holiday or rest day moves to the next working day, so the deadline can be on {{earliestDeadlineOn}} at the earliest (a deadline at 00:00 ends the day before){{provisionalEn}}. Source: {{sourceEn}}; counting: {{countingSource}}.",
  },
  /** 条例 16 / 87号令 18 counted per 民法典 201–203 / 87号令 85: the sale ends before the statutory sale period. */
  DOCUMENTS_ON_SALE_TOO_SHORT: {
    status: 400,
    zh: "标段 {{section}}：招标文件发售期 {{saleFrom}} 至 {{saleUntil}} 过短。发售期自开始之日（当日不计入）起不得少于 {{required}} {{unitZh}}，最后一日为法定节假日或休息日的顺延至其后第一个工作日，因此最早可于 {{earliestEndOn}} 结束（零时整结束的，该日不计入）{{provisionalZh}}。依据：{{source}}；期间计算：{{countingSource}}。",
    en: "Section {{section}}: the documents are on sale from {{saleFrom}} to {{saleUntil}}, too short. The sale must last at least {{required}} {{unitEn}} from its first day (not counted), and a last day on a public holiday or rest day moves to the next working day, so it can end on {{earliestEndOn}} at the earliest (ending at 00:00 ends the day before){{provisionalEn}}. Source: {{sourceEn}}; counting: {{countingSource}}.",
  },
  /** 条例 21 / 87号令 27: a clarification affecting preparation, too close to the deadline (counted backward, never moved), with no move of the deadline. */
  CLARIFICATION_TOO_LATE: {
    status: 409,
    zh: "澄清或修改可能影响投标文件编制，应在投标截止时间至少 {{requiredDays}} 日前发出：本次发出日 {{issuedOn}}，投标截止日 {{deadlineOn}}，仅相差 {{days}} 日。请将投标截止时间顺延至 {{earliestDeadlineOn}} 或以后（零时整截止的，该日不计入；此期限自截止日倒数，不因节假日顺延）（{{source}}）。",
    en: "A clarification that may affect bid preparation must be issued at least {{requiredDays}} days before the deadline: issued {{issuedOn}}, deadline {{deadlineOn}}, only {{days}} days. Move the deadline to {{earliestDeadlineOn}} or later (a deadline at 00:00 ends the day before; counted back from the deadline, never moved by a holiday) ({{sourceEn}}).",
  },
  /** Decision 33: the operator set a rule set's number looser than its statutory floor or ceiling; names the rule, the bound and its source. */
  RULE_SET_LOOSER_THAN_LAW: {
    status: 400,
    zh: "{{typeZh}}规则“{{ruleZh}}”不能设为 {{valueZh}}：法律规定{{boundZh}}（{{source}}）。交易中心只能在法定标准上从严设定，不能放宽。",
    en: "The {{typeEn}} rule “{{ruleEn}}” cannot be set to {{valueEn}}: the law requires {{boundEn}} ({{sourceEn}}). The trading centre may make a statutory number stricter, never looser.",
  },
  /** Decision 33 (法 28, 条例 44 / 87号令 41): a rule set's or a section's minimum number of bids other than the 3 the law fixes. */
  MINIMUM_BIDS_FIXED_BY_LAW: {
    status: 400,
    zh: "{{subjectZh}}最少投标人数不能设为 {{value}} 家：投标人少于 {{required}} 家的不得开标，达到 {{required}} 家的应当开标（{{source}}），最少投标人数只能为 {{required}} 家。{{effectZh}}",
    en: "{{subjectEn}}the minimum number of bids cannot be {{value}}: fewer than {{required}} bids may not be opened and {{required}} must be ({{sourceEn}}), so the minimum is exactly {{required}}. {{effectEn}}",
  },
  /** A moved deadline must lie after the current one. */
  DEADLINE_MOVE_INVALID: {
    status: 400,
    zh: "新的投标截止时间（{{newDeadline}}）必须晚于原截止时间（{{oldDeadline}}）。",
    en: "The new bid deadline ({{newDeadline}}) must be later than the current one ({{oldDeadline}}).",
  },
  /** The evaluation method does not belong to the project's procurement type. */
  EVALUATION_METHOD_INVALID: {
    status: 400,
    zh: "评标办法“{{method}}”不适用于{{typeZh}}项目。",
    en: "The evaluation method “{{method}}” does not apply to {{typeEn}} projects.",
  },
  /** The section's opening has not closed with a signed opening record (or it failed): there is nothing to evaluate yet (decision 66). */
  EVALUATION_NOT_OPEN: {
    status: 409,
    zh: "该标段的开标尚未结束（开标记录未生成）或已流标，暂不能评标、公示或定标。",
    en: "This section's opening has not closed with its opening record (or it failed): no evaluation, publicity or award yet.",
  },
  /** The committee's result was already recorded for the section; it is recorded once (decision 66). */
  EVALUATION_ALREADY_RECORDED: {
    status: 409,
    zh: "该标段的评标结果已于 {{at}} 录入并公示，不能重复录入。",
    en: "The evaluation result of this section was recorded and published at {{at}}; it cannot be recorded again.",
  },
  /** The committee's result breaks a rule (scores out of range, more than 3 candidates, a rejection without reason…). */
  EVALUATION_RESULT_INVALID: {
    status: 400,
    zh: "评标结果不能录入：{{detailZh}}",
    en: "The evaluation result cannot be recorded: {{detailEn}}",
  },
  /** The evaluation report upload is not a PDF, is empty or too large. */
  EVALUATION_REPORT_INVALID: {
    status: 400,
    zh: "评标报告须为 PDF 文件，且不超过 {{limit}}。",
    en: "The evaluation report must be a PDF file of at most {{limit}}.",
  },
  /** An award refused: during the publicity, while suspended, while an objection to the result is unanswered, or without a legal reason for another candidate. */
  AWARD_BLOCKED: {
    status: 409,
    zh: "现在不能定标：{{reasonZh}}",
    en: "The award cannot be made now: {{reasonEn}}",
  },
  /** The section already has its award. */
  AWARD_ALREADY_DECIDED: {
    status: 409,
    zh: "该标段已于 {{at}} 定标。",
    en: "This section was awarded at {{at}}.",
  },
  /** A notice signed out of turn: the tenderer signs first, then the agency; each once (decision 67). */
  NOTICE_SIGNING_OUT_OF_TURN: {
    status: 409,
    zh: "通知书 {{number}} 现在不能由贵单位签署：{{reasonZh}}",
    en: "Notice {{number}} cannot be signed by your organisation now: {{reasonEn}}",
  },
  /** An acknowledgement of receipt that does not verify, names another notice or comes before the notice was issued. */
  NOTICE_ACKNOWLEDGEMENT_INVALID: {
    status: 400,
    zh: "签收回执无效：{{reasonZh}}",
    en: "The acknowledgement of receipt is invalid: {{reasonEn}}",
  },
  /** A section's evaluation terms do not fit its method (weights not adding up to 100, GP price points not by the benchmark ratio…; decision 65). */
  EVALUATION_TERMS_INVALID: {
    status: 400,
    zh: "标段 {{section}} 的评标办法参数不符合要求（{{problem}}）：综合评估的价格、技术、商务分值合计须为 100 分；政府采购价格分须按最低价基准比值计算且不低于 10 分；最低价法不设分值。",
    en: "The evaluation terms of section {{section}} do not fit its method ({{problem}}): comprehensive scoring needs price, technical and commercial points adding up to 100; GP price points use the lowest-price benchmark ratio and are at least 10; lowest-price methods have no points.",
  },
  /** 发改法规〔2023〕27号 / GP条例 33: non-cash bid security (electronic guarantees) must be accepted; the source is the section's type's. */
  SECURITY_FORMS_INVALID: {
    status: 400,
    zh: "标段 {{section}}：投标保证金必须接受电子保函等非现金形式（{{source}}）。",
    en: "Section {{section}}: the bid security must accept non-cash forms such as electronic guarantees ({{sourceEn}}).",
  },
  /** The project code is not "E" + the region's 6-digit code + digits. */
  PROJECT_CODE_INVALID: {
    status: 400,
    zh: "项目编号 {{code}} 无效：应为“E”+ 项目所在地 6 位行政区划代码（{{region}}）+ 4–20 位数字。",
    en: "The project code {{code}} is invalid: it must be “E” + the 6-digit division code of the project's region ({{region}}) + 4–20 digits.",
  },
  /** Another project already has this code. */
  PROJECT_CODE_TAKEN: { status: 409, zh: "项目编号 {{code}} 已被使用。", en: "The project code {{code}} is already in use." },
  /** Publishing without tender documents. */
  TENDER_DOCUMENTS_MISSING: {
    status: 409,
    zh: "发布前须先上传招标文件（PDF）。",
    en: "Upload the tender documents (PDF) before publishing.",
  },
  /** The upload is not a PDF. */
  NOT_A_PDF: {
    status: 400,
    zh: "招标文件须为 PDF 文件（{{filename}} 不是 PDF）。",
    en: "Tender documents must be PDF files ({{filename}} is not).",
  },
  /** 办法 21 / ARCHITECTURE.md §4: files only to registered bidders, the agency, the tenderer and the regulator. */
  TENDER_DOCUMENT_RESTRICTED: {
    status: 403,
    zh: "招标文件只提供给已报名的投标人、招标人、招标代理机构和监管部门。公众可核对文件的 SHA-256 摘要。",
    en: "Tender documents are available only to registered bidders, the tenderer, the agency and the regulator; anyone may check their SHA-256.",
  },
  /** 条例 Art 13 (agency) / Art 34 (tenderer): a party of the project registers for or bids in its sections. */
  BIDDER_IS_PROJECT_PARTY: {
    status: 403,
    zh: "{{organisation}} 是项目“{{project}}”的{{partyZh}}，不得报名或投标：{{ruleZh}}（{{sourceZh}}）。",
    en: "{{organisation}} is the {{partyEn}} of the project “{{project}}” and may not register or bid: {{ruleEn}} ({{sourceEn}}).",
  },
  /** 条例 16 / 87号令 18: registration (obtaining the documents) outside the sale period (decision 0032). */
  REGISTRATION_OUTSIDE_SALE_PERIOD: {
    status: 409,
    zh: "标段 {{section}}：只能在招标文件发售期内报名并获取招标文件（{{source}}）。发售期为 {{opensAt}} 至 {{closesAt}}{{provisionalZh}}，{{stateZh}}。",
    en: "Section {{section}}: registration, and obtaining the tender documents, is possible only while they are on sale ({{source}}): from {{opensAt}} to {{closesAt}}{{provisionalEn}}; {{stateEn}}.",
  },
  /** A bidder registers a second time for the same section. */
  ALREADY_REGISTERED: {
    status: 409,
    zh: "本单位已报名标段 {{section}}。",
    en: "Your organisation has already registered for section {{section}}.",
  },
  /** DOMAIN.md §6: a black grade refuses registration and bidding, naming grade, source and date. */
  CREDIT_BLACK: {
    status: 403,
    zh: "{{organisation}} 的信用等级为“黑”（严重失信，来源：{{source}}，自 {{since}} 起，事由：{{detail}}），不得报名或投标。",
    en: "{{organisation}} is rated black (serious dishonesty; source: {{source}}, since {{since}}, reason: {{detail}}) and may not register or bid.",
  },
  /** DOMAIN.md §6: an active ban in the project's scope refuses registration and bidding. */
  CREDIT_BANNED: {
    status: 403,
    zh: "{{organisation}} 处于禁止参加{{scopeZh}}活动的期限内（依据：{{basis}}，来源：{{source}}，至 {{until}}），不得报名或投标。",
    en: "{{organisation}} is banned from {{scopeEn}} until {{until}} (basis: {{basis}}; source: {{source}}) and may not register or bid.",
  },
  /** A credit import file with bad lines: nothing was imported. */
  CREDIT_IMPORT_INVALID: {
    status: 400,
    zh: "信用数据文件有误，未导入任何记录：{{errorsZh}}",
    en: "The credit data file has errors; nothing was imported: {{errorsEn}}",
  },
  /** A computation needed a year the holiday calendar does not have (DOMAIN.md §3). */
  CALENDAR_OUT_OF_RANGE: {
    status: 409,
    zh: "节假日日历缺少 {{year}} 年的数据（计算 {{day}} 时需要），当前日历覆盖 {{firstYear}}–{{lastYear}} 年。请交易中心先录入 {{year}} 年的节假日安排。",
    en: "The holiday calendar has no data for {{year}} (needed for {{day}}); it covers {{firstYear}}–{{lastYear}}. The trading centre must add {{year}}'s holiday arrangement first.",
  },
  /** An official year loaded without every statutory holiday of 全国年节及纪念日放假办法 (decision 0031). */
  CALENDAR_YEAR_INCOMPLETE: {
    status: 400,
    zh: "{{year}} 年的放假安排缺少法定节假日，未录入：缺少 {{missingZh}}（{{source}}）。请按国务院办公厅通知录入全部放假日期。",
    en: "The {{year}} arrangement lacks statutory holidays and was not loaded: missing {{missingEn}} ({{source}}). Enter every day off of the State Council's notice.",
  },
  /** Sealing or submitting needs the organisation registered for the section first. */
  BID_NOT_REGISTERED: {
    status: 403,
    zh: "本单位尚未报名标段 {{section}}，请先报名并获取招标文件。",
    en: "Your organisation has not registered for section {{section}}; register and obtain the tender documents first.",
  },
  /** No member with the `bid` role holds a valid certificate: nobody could decrypt the bid at the opening. */
  BID_NO_RECIPIENTS: {
    status: 409,
    zh: "本单位没有持有有效数字证书的投标人员，投标文件将无法在开标时解密。请先在“数字证书”中申请证书。",
    en: "No member of your organisation with the bid role holds a valid certificate, so nobody could decrypt the bid at the opening. Enrol a certificate under “Certificates” first.",
  },
  /** Decision 38: while the regulator suspends the section no bid is submitted, replaced or withdrawn (条例 62 / 政府采购法 57). */
  SECTION_SUSPENDED: {
    status: 409,
    zh: "本标段已被监管部门暂停（自 {{sinceZh}} 起），暂停期间不接受投标文件的递交、替换或撤回（{{sourceZh}}）。暂停跨越投标截止时间的，恢复后截止时间顺延暂停的时长。",
    en: "The regulator has suspended this section (since {{sinceEn}}): no bid can be submitted, replaced or withdrawn while it is suspended ({{sourceEn}}). A suspension across the bid deadline moves the deadline by the time suspended.",
  },
  /** 办法 27: after the bid deadline no upload, replacement or withdrawal is accepted. */
  BID_AFTER_DEADLINE: {
    status: 409,
    zh: "投标截止时间（{{deadline}}）已过，不再接受投标文件的递交、替换或撤回。",
    en: "The bid deadline ({{deadline}}) has passed: no bid can be submitted, replaced or withdrawn any more.",
  },
  /** 办法 26: only a CMS-encrypted bid is accepted; the reason names what is wrong with the file. */
  BID_ENVELOPE_INVALID: {
    status: 400,
    zh: "投标文件未按要求加密，不予接收：{{reasonZh}}",
    en: "The bid is not encrypted as required and is refused: {{reasonEn}}",
  },
  /** The declared Upload-Length is over the section's envelope limit: refused when the upload is created, before a byte is stored. */
  BID_ENVELOPE_TOO_LARGE: {
    status: 413,
    zh: "投标文件（{{size}}）超过本标段允许的上限 {{limit}}，不予接收。",
    en: "The bid envelope ({{size}}) exceeds this section's limit of {{limit}} and is refused.",
  },
  /** One unfinished upload per organisation and section: another one is still receiving bytes (decision 25). */
  BID_UPLOAD_IN_PROGRESS: {
    status: 409,
    zh: "本单位在该标段已有一个正在进行的上传（{{startedBy}}，已收到 {{received}}）。请等待其完成；若已中断，请在 {{retryAfterSeconds}} 秒后重试（闲置超过 {{idleSeconds}} 秒的上传会被新的上传取代）。",
    en: "Your organisation already has an upload in progress for this section ({{startedBy}}, {{received}} received). Wait for it to finish; if it has stopped, try again in {{retryAfterSeconds}} seconds (an upload idle for more than {{idleSeconds}} seconds is replaced by a new one).",
  },
  /** Every recipient of the envelope must be a valid certificate of the bidder's own members. */
  BID_RECIPIENT_UNKNOWN: {
    status: 400,
    zh: "投标文件的解密证书（序列号 {{serial}}）不是本单位投标人员的有效证书，开标时将无法解密。请为本单位投标人员的有效证书重新加密（离线工具：bidhall section 下载的证书）。",
    en: "The envelope is encrypted for a certificate (serial {{serial}}) that is not a valid certificate of your organisation's bid members, so it could not be decrypted at the opening. Seal it again for your bid members' valid certificates (offline tool: the ones `bidhall section` downloads).",
  },
  /** Withdrawing needs a bid. */
  BID_NOTHING_TO_WITHDRAW: {
    status: 409,
    zh: "本单位在该标段没有可撤回的投标文件。",
    en: "Your organisation has no bid in this section to withdraw.",
  },
  /** The bid security declared at submission is not one the section accepts (decision 16). */
  BID_SECURITY_FORM_NOT_ACCEPTED: {
    status: 400,
    zh: "本标段不接受以“{{kind}}”作为投标保证金形式。",
    en: "This section does not accept “{{kind}}” as the bid security.",
  },
  /** 信用承诺 replaces the bid security only for red-rated bidders where the section allows it (DOMAIN.md §6); names the deciding grade. */
  BID_CREDIT_COMMITMENT_NOT_ALLOWED: {
    status: 403,
    zh: "本单位当前信用等级为{{gradeZh}}，不是红色（守信），不能以信用承诺代替投标保证金，请提交电子投标保函。",
    en: "Your organisation is rated {{gradeEn}}, not red (trustworthy), so it cannot offer a credit commitment instead of a bid guarantee; submit an electronic bid guarantee.",
  },
  /** An opening action in the wrong phase (`assertOpeningPhase`); `current`/`expected` are codes, *Zh/*En the phases in words. */
  OPENING_UNEXPECTED_PHASE: {
    status: 409,
    zh: "开标当前处于“{{currentZh}}”阶段，此操作只能在{{expectedZh}}阶段进行。",
    en: "The opening is at the stage “{{currentEn}}”; this can only be done at the stage {{expectedEn}}.",
  },
  /** Pausing a decryption window that is already paused, or closing it early while paused. */
  OPENING_WINDOW_PAUSED: {
    status: 409,
    zh: "解密计时已暂停，请先恢复计时。",
    en: "The decryption window is paused; resume it first.",
  },
  /** Resuming a decryption window that is not paused. */
  OPENING_WINDOW_NOT_PAUSED: { status: 409, zh: "解密计时未暂停，无需恢复。", en: "The decryption window is not paused." },
  /** Closing the decryption window early before every bid is decided. */
  OPENING_BIDS_UNDECIDED: {
    status: 409,
    zh: "尚有投标文件未完成解密，不能提前结束解密。",
    en: "Not every bid is decided yet, so the decryption window cannot be closed early.",
  },
  /** The bids standing at the deadline have not been counted yet (the scheduler does it at the deadline). */
  OPENING_BIDS_NOT_COUNTED: {
    status: 409,
    zh: "系统正在清点投标截止时的有效投标文件，请稍候再试。",
    en: "The bids standing at the deadline are still being counted; try again in a moment.",
  },
  /** Opening the decryption window before the bidder list is published. */
  OPENING_BIDDER_LIST_NOT_PUBLISHED: {
    status: 409,
    zh: "请先公布投标人名单，再开启解密。",
    en: "Publish the list of bidders before opening the decryption window.",
  },
  /** Closing the opening while bidders may still confirm or object. */
  OPENING_CONFIRMATION_PERIOD_RUNNING: {
    status: 409,
    zh: "唱标记录确认期尚未结束（截止 {{endsAtZh}}），不能结束开标。",
    en: "The confirmation period of the reading-out record has not ended (it ends {{endsAtEn}}), so the opening cannot be closed.",
  },
  /** A pause, extension, suspension, reclassification or declared failure without a written reason. */
  OPENING_REASON_REQUIRED: { status: 400, zh: "请填写{{actionZh}}的理由。", en: "Give a written reason for {{actionEn}}." },
  /** Reclassifying a decrypted bid, or to the result it already has: only deemed revoked ↔ deemed withdrawn. */
  OPENING_RECLASSIFICATION_INVALID: {
    status: 409,
    zh: "只能将“视为撤销”改判为“视为撤回”，或将“视为撤回”改判为“视为撤销”（该投标文件当前为“{{fromZh}}”）。",
    en: "Only a bid deemed revoked can be reclassified as deemed withdrawn, or the reverse (this bid is {{fromEn}}).",
  },
  /** 办法 31: the section sets no remedy, or the bid is already decrypted. */
  OPENING_REMEDY_NOT_ALLOWED: {
    status: 409,
    zh: "不能上传明文投标文件：{{problemZh}}。",
    en: "A plaintext package cannot be uploaded: {{problemEn}}.",
  },
  /** 办法 31 remedy: the uploaded plaintext package's SHA-256 differs from the receipt's package digest. */
  OPENING_REMEDY_DIGEST_MISMATCH: {
    status: 400,
    zh: "上传的明文投标文件 SHA-256 摘要（{{actual}}）与投标回执记载的投标文件摘要（{{expected}}）不一致，不予采用。",
    en: "The SHA-256 of the uploaded plaintext package ({{actual}}) differs from the package digest on the receipt ({{expected}}); it does not count.",
  },
  /** Decrypting, confirming or objecting at an opening without having signed in to it first. */
  OPENING_NOT_SIGNED_IN: {
    status: 403,
    zh: "请先签到（以数字证书证明持有私钥），再进行此操作。",
    en: "Sign in to the opening first (proving you hold your certificate's key).",
  },
  /** The bid envelope holds no content key for the certificate chosen (it was not a recipient when the bid was sealed). */
  OPENING_NO_RECIPIENT_FOR_CERTIFICATE: {
    status: 404,
    zh: "本单位的投标文件封装时未使用此证书（序列号 {{serial}}）加密，无法用它解密。请选择封装时列出的证书，或在“数字证书”页导入该证书的备份文件（.p12）；本标段允许补救时，也可上传未加密的投标文件备份。",
    en: "The bid was not sealed for this certificate (serial {{serial}}), so it cannot decrypt it. Choose a certificate listed when the bid was sealed, or import that certificate's backup (.p12) on the Certificates page; where the section allows the remedy, you may also upload the unencrypted backup of the bid.",
  },
  /** 开标记录 names the recorder among the host's members and the supervising regulator among the regulator's members of the project's region. */
  OPENING_OFFICIAL_NOT_ELIGIBLE: {
    status: 403,
    zh: "{{dutyZh}}须为{{whoZh}}的在职人员：开标由招标人（代理机构）主持，开标过程应当记录（《招标投标法》第三十五条、第三十六条；政府采购：87号令第四十二条）。",
    en: "The {{dutyEn}} must be an active member of {{whoEn}}: the tenderer (or its agency) hosts the opening and records it (Tendering Law Arts 35, 36; government procurement: MOF Order 87 Art 42).",
  },
  /** Signing in with a certificate that is not the person's own valid certificate in this organisation. */
  OPENING_CERTIFICATE_NOT_OWN: {
    status: 403,
    zh: "签到或签名所用证书不是您在本单位的有效证书。",
    en: "The certificate used is not your own valid certificate in this organisation.",
  },
  /** A decryption key or remedy posted for a bid that is already decrypted. */
  OPENING_BID_ALREADY_DECRYPTED: { status: 409, zh: "该投标文件已解密。", en: "This bid is already decrypted." },
  /** The confirmation JWS is invalid, or names another opening or another record than the one published. */
  OPENING_CONFIRMATION_INVALID: {
    status: 400,
    zh: "确认签名无效：{{problemZh}}。",
    en: "The confirmation signature is invalid: {{problemEn}}.",
  },
  /** The organisation has already confirmed (or objected to) the reading-out record. */
  OPENING_ALREADY_CONFIRMED: {
    status: 409,
    zh: "本单位已签署唱标记录确认（或异议），不能重复签署。",
    en: "Your organisation has already confirmed (or objected to) the reading-out record.",
  },
  /** Answering an objection that already has its answer. */
  OPENING_OBJECTION_ANSWERED: { status: 409, zh: "该异议已答复。", en: "This objection has already been answered." },
  /** 条例 44 / 87号令 42: the opening cannot be closed while an objection (GP: inquiry) raised at it is unanswered. */
  OPENING_OBJECTIONS_UNANSWERED: {
    status: 409,
    zh: "尚有 {{count}} 项{{kindZh}}未答复，不能结束开标：开标现场提出的{{kindZh}}应当当场答复，答复记入开标记录（{{sourceZh}}）。",
    en: "{{count}} {{kindEn}} raised at the opening still unanswered: the opening cannot be closed until each is answered on the spot and the answer recorded ({{sourceEn}}).",
  },
  /** Decision 39: a declared failure names a ground that is not on the list for the section's procurement type. */
  OPENING_FAILURE_GROUND_UNKNOWN: {
    status: 400,
    zh: "宣布流标须从法定事由中选择一项（{{ground}} 不在其列）。可选事由：{{groundsZh}}。",
    en: "A declared failure needs one of the legal grounds ({{ground}} is not one). The grounds: {{groundsEn}}.",
  },
  /** Decision 39: before the reading-out only grounds that allow no reading-out may be declared. */
  OPENING_FAILURE_GROUND_NEEDS_READING_OUT: {
    status: 409,
    zh: "“{{groundZh}}”（{{sourceZh}}）须在唱标之后才能认定，唱标之前不能以此事由宣布流标。",
    en: "“{{groundEn}}” ({{sourceEn}}) can only be found after the reading-out; it cannot be declared before.",
  },
  /** Decision 39: "fewer than three opened" declared while three or more were decrypted, or before every bid is decided. */
  OPENING_FAILURE_GROUND_NOT_MET: {
    status: 409,
    zh: "“{{groundZh}}”（{{sourceZh}}）不成立：全部投标文件解密结果确定后，已解密 {{decrypted}} 家。",
    en: "“{{groundEn}}” ({{sourceEn}}) does not hold: once every bid is decided, {{decrypted}} were decrypted.",
  },
  /** Hiding a chat message that is already hidden. */
  OPENING_MESSAGE_HIDDEN: { status: 409, zh: "该消息已隐藏。", en: "This message is already hidden." },
  /** Confirming or objecting to the reading-out record after the confirmation period ended (decision 17). */
  OPENING_CONFIRMATION_PERIOD_OVER: {
    status: 409,
    zh: "唱标记录确认期已于 {{endedAtZh}} 结束，不再接受确认或异议。",
    en: "The confirmation period ended at {{endedAtEn}}; confirmations and objections are no longer accepted.",
  },
  /** Reclassifying a bid that is not decided yet. */
  OPENING_BID_UNDECIDED: { status: 409, zh: "该投标文件的解密结果尚未确定。", en: "This bid's decryption result is not decided yet." },
  /** A live-event address asked for without `Accept: text/event-stream` (EventSource always sends it). */
  EVENT_STREAM_ONLY: {
    status: 406,
    zh: "此地址只提供实时事件流（text/event-stream），请在开标大厅页面中打开。",
    en: "This address serves only a live event stream (text/event-stream); open it from the opening hall page.",
  },
  /** Decision 42: a bid security's return or forfeiture is recorded once. */
  BID_SECURITY_ALREADY_SETTLED: {
    status: 409,
    zh: "“{{organisation}}”在标段 {{section}} 的投标保证金已登记退还或不予退还，不能重复登记。",
    en: "The bid security of “{{organisation}}” in section {{section}} has already been recorded as returned or kept.",
  },
  /** 条例 31, 35, 74 / 87号令 29, 38: a forfeiture whose ground does not fit the facts. */
  BID_SECURITY_FORFEITURE_REFUSED: {
    status: 409,
    zh: "不能不予退还“{{organisation}}”在标段 {{section}} 的投标保证金：{{reasonZh}}（{{source}}）。",
    en: "The bid security of “{{organisation}}” in section {{section}} cannot be kept: {{reasonEn}} ({{sourceEn}}).",
  },
  /** Decision 43 (条例 16, 17 / 87号令 14): a prequalification period shorter than the law's. */
  PREQUALIFICATION_PERIOD_TOO_SHORT: {
    status: 400,
    zh: "资格预审{{ruleZh}}不足：自 {{fromOn}}（当日不计入）至 {{toOn}} 仅 {{count}} {{unitZh}}，法定不少于 {{required}} {{unitZh}}，最后一日为法定节假日或休息日的顺延，因此最早为 {{limitOn}}{{provisionalZh}}（{{source}}）。",
    en: "Prequalification: the {{ruleEn}} is too short: from {{fromOn}} (not counted) to {{toOn}} is only {{count}} {{unitEn}}, the law requires at least {{required}} {{unitEn}}, moved off a holiday or rest day, so {{limitOn}} at the earliest{{provisionalEn}} ({{sourceEn}}).",
  },
  /** Decision 43 (条例 21, 22): a prequalification clarification or objection too close to the application deadline. */
  PREQUALIFICATION_TOO_LATE: {
    status: 409,
    zh: "{{whatZh}}应在提交资格预审申请文件截止时间至少 {{required}} 日前提出：本次为 {{fromOn}}，截止日 {{toOn}}，最后可于 {{limitOn}} 提出{{remedyZh}}（{{source}}）。",
    en: "A {{whatEn}} must come at least {{required}} days before the application deadline: this one is on {{fromOn}}, the deadline on {{toOn}}, the last day was {{limitOn}}{{remedyEn}} ({{sourceEn}}).",
  },
  /** Decision 43: a project has one prequalification. */
  PREQUALIFICATION_EXISTS: {
    status: 409,
    zh: "该项目已发布资格预审公告。",
    en: "This project already has a prequalification announcement.",
  },
  /** Decision 43: the prequalification's result comes after the application deadline, once. */
  PREQUALIFICATION_RESULT_NOT_DUE: {
    status: 409,
    zh: "资格预审结果只能在提交资格预审申请文件截止时间（{{deadline}}）之后发布一次。",
    en: "The prequalification result can be published once, after the application deadline ({{deadline}}).",
  },
  /** The object store failed while a finished upload was being stored (decision 52): nothing was recorded. */
  STORAGE_UNAVAILABLE: {
    status: 503,
    zh: "文件存储暂时不可用，本次上传未被记录：没有生成新的投标文件版本和回执，此前已提交的版本不受影响。请稍后重新上传。",
    en: "File storage is unavailable right now, so this upload was not recorded: no new bid version or receipt was made, and any version submitted before stands. Please upload again later.",
  },
  // --- signing a platform PDF with a person's certificate (decision 55) -----------------------
  /** A signing kind that does not exist (prepare names it). */
  SIGNING_KIND_UNKNOWN: {
    status: 400,
    zh: "不支持签署此类文件。",
    en: "Documents of this kind cannot be signed here.",
  },
  /** Signing for an organisation needs an active membership of it, acted for now, with the sign role. */
  SIGNING_ROLE_REQUIRED: {
    status: 403,
    zh: "只有本单位拥有“签章”角色的成员才能以单位名义签署此文件；如您属于多个单位，请先切换到“{{organisationName}}”。",
    en: "Only a member holding the sign role can sign this document for the organisation; if you belong to several, switch to “{{organisationName}}” first.",
  },
  /** The certificate chosen is not the signer's own valid certificate of the organisation that signs. */
  SIGNING_CERTIFICATE_NOT_OWN: {
    status: 403,
    zh: "所选证书不是您在“{{organisationName}}”的有效证书，不能用于签署此文件。",
    en: "The certificate chosen is not your own valid certificate of “{{organisationName}}”, so it cannot sign this document.",
  },
  /** The prepared signature was not completed in time; prepare again. */
  SIGNING_REQUEST_EXPIRED: {
    status: 409,
    zh: "签署已超时（须在 {{expiresAt}} 前完成），请重新打开文件并签署。",
    en: "This signing expired (it had to be completed by {{expiresAt}}); open the document again and sign.",
  },
  /** The request was completed already: a replayed or doubled completion. */
  SIGNING_ALREADY_COMPLETED: {
    status: 409,
    zh: "此文件已于 {{completedAt}} 签署完成，不能重复提交签名。",
    en: "This document was already signed at {{completedAt}}; a signature cannot be submitted twice.",
  },
  /** The signer opened the document again (a newer request replaced this one). */
  SIGNING_REQUEST_SUPERSEDED: {
    status: 409,
    zh: "您已重新打开此文件，本次签署已作废，请在最新打开的页面中签署。",
    en: "You opened this document again, so this signing was cancelled; sign in the page you opened last.",
  },
  /** The document's version moved between prepare and complete: what was shown is not what would be signed. */
  SIGNING_DOCUMENT_CHANGED: {
    status: 409,
    zh: "您打开文件后，文件已发生变化。为保证所见即所签，请重新打开并核对后再签署。",
    en: "The document changed since you opened it. To sign only what you saw, open it again, check it and sign.",
  },
  /** The signature does not verify with the chosen certificate over the prepared signed attributes. */
  SIGNING_SIGNATURE_INVALID: {
    status: 400,
    zh: "签名无效：它不是用所选证书对本次待签内容作出的签名。",
    en: "The signature is invalid: it was not made with the chosen certificate over what was prepared for signing.",
  },
  /** The document cannot take a signature field (a kind returned bytes that are not a usable PDF, or a taken field name). */
  SIGNING_DOCUMENT_INVALID: {
    status: 422,
    zh: "该文件无法添加签名：{{detailZh}}",
    en: "A signature cannot be added to this document: {{detail}}",
  },
  /** The signed PDF failed the platform's own verification; nothing was recorded. */
  SIGNING_VERIFICATION_FAILED: {
    status: 422,
    zh: "签名后的文件未通过平台核验，未予记录。",
    en: "The signed document failed the platform's verification and was not recorded: {{detail}}",
  },
  // The regulator's handling of complaints: issue 15, decision 0063.
  /** A handling step in a state that does not allow it (the states ComplaintLedger allows). */
  COMPLAINT_UNEXPECTED_STATE: {
    status: 409,
    zh: "该投诉当前为“{{currentZh}}”，不能{{actionZh}}；只能在{{expectedZh}}时进行。",
    en: "The complaint is {{currentEn}}, so {{actionEn}} is not possible; it is allowed only when {{expectedEn}}.",
  },
  /** Another routed regulator acts on a complaint handled (on the ledger) by the lead regulator. */
  COMPLAINT_NOT_LEAD_REGULATOR: {
    status: 403,
    zh: "该投诉由{{leadName}}负责处理（最先收到投诉的行政监督部门），本单位只能查看。",
    en: "This complaint is handled by {{leadName}} (the regulator that received it first); your organisation may only view it.",
  },
  /** Suspending a section that is already suspended (by hand or for another complaint). */
  COMPLAINT_SECTION_ALREADY_SUSPENDED: {
    status: 409,
    zh: "标段已于 {{since}} 暂停（{{reason}}），无需再次暂停。",
    en: "The section has been suspended since {{since}} ({{reason}}); it need not be suspended again.",
  },
  /** Resuming by hand a suspension made for a complaint: it is lifted through the complaint, so that the ledger records it. */
  SUSPENSION_BELONGS_TO_COMPLAINT: {
    status: 409,
    zh: "该暂停因投诉（回执号 {{receiptNo}}）而作出，请在投诉处理页面恢复，以便区块链记录同步。",
    en: "This suspension was made for a complaint (receipt {{receiptNo}}); resume it from the complaint's page so that the ledger records it.",
  },
  /** A document request's deadline is not after now, or too far. */
  COMPLAINT_REQUEST_DEADLINE_INVALID: {
    status: 400,
    zh: "材料提交期限应晚于当前时间且不超过 30 日。",
    en: "The deadline for the documents must be later than now and at most 30 days away.",
  },
  /** Answering a document request that is answered, or not addressed to the actor's organisation. */
  COMPLAINT_REQUEST_CLOSED: {
    status: 409,
    zh: "该材料要求已于 {{answeredAt}} 答复，不能再次提交。",
    en: "This request for documents was answered on {{answeredAt}}; it cannot be answered again.",
  },
  /** A decision PDF to sign is asked for before the decision's text is drafted. */
  COMPLAINT_DECISION_NOT_DRAFTED: {
    status: 409,
    zh: "尚未起草处理决定书，请先填写处理结果和理由。",
    en: "No decision has been drafted yet; enter the outcome and the reasons first.",
  },
  // Objections (异议 / 质疑) and complaints (投诉): issue 15, decision 0061.
  /** Engineering: an objection to the opening is raised on the spot, in the hall (条例 44), not in writing afterwards. */
  OBJECTION_ON_THE_SPOT: {
    status: 409,
    zh: "工程建设项目对开标有异议的，应当在开标现场提出并当场答复（{{sourceZh}}），请在开标大厅提出。",
    en: "In an engineering tender an objection to the opening is raised on the spot and answered there ({{sourceEn}}): raise it in the opening hall.",
  },
  /** The act objected to has not happened yet (the result is not published, the opening not ended, the documents not obtained). */
  OBJECTION_NOT_YET: {
    status: 409,
    zh: "{{whatZh}}尚未发布或尚未结束，现在不能对其提出{{wordZh}}（{{sourceZh}}）。",
    en: "{{whatEn}} is not published or not over yet, so no {{wordEn}} can be raised about it now ({{sourceEn}}).",
  },
  /**
   * Decision 74: an objection (GP: challenge) to the tender documents is still unanswered at the
   * opening; the tender is paused until the answer (条例 22), so the opening does not start.
   */
  OPENING_STOPPED_BY_OBJECTION: {
    status: 409,
    zh: "对招标（采购）文件的{{wordZh}}尚有 {{count}} 项未答复（应于 {{dueAt}} 前答复）。作出答复前招标投标活动暂停，开标待答复后进行（{{sourceZh}}）。",
    en: "{{count}} {{wordEn}} about the tender documents still unanswered (due by {{dueAt}}). The tender is paused until the answer, so the opening waits for it ({{sourceEn}}).",
  },
  /** The objection's legal window has closed. */
  OBJECTION_WINDOW_CLOSED: {
    status: 409,
    zh: "对{{whatZh}}提出{{wordZh}}的期限已于 {{closedAt}} 届满（{{sourceZh}}），不再受理。",
    en: "The period for a {{wordEn}} about {{whatEn}} closed on {{closedAt}} ({{sourceEn}}); it can no longer be raised.",
  },
  /** Only those with standing object: who obtained the documents; for the opening and the result, who bid. */
  OBJECTION_NO_STANDING: {
    status: 403,
    zh: "只有{{whoZh}}可以对{{whatZh}}提出{{wordZh}}，本单位不在其列。",
    en: "Only {{whoEn}} may raise a {{wordEn}} about {{whatEn}}; your organisation is not one.",
  },
  /** One unanswered objection per subject at a time; GP: one challenge per step of the procedure (94号令 10). */
  OBJECTION_ALREADY_FILED: {
    status: 409,
    zh: "本单位已就{{whatZh}}提出过{{wordZh}}（{{raisedAt}}）{{stateZh}}。",
    en: "Your organisation already raised a {{wordEn}} about {{whatEn}} ({{raisedAt}}) {{stateEn}}.",
  },
  /** Answering an objection that already has its answer. */
  OBJECTION_ALREADY_ANSWERED: {
    status: 409,
    zh: "该{{wordZh}}已答复（{{answeredAt}}）。",
    en: "This {{wordEn}} was already answered ({{answeredAt}}).",
  },
  /** A complaint is real-name: a confirmed person of an approved organisation, or a natural person with a checked ID number. */
  COMPLAINT_NOT_VERIFIED: {
    status: 403,
    zh: "投诉实行实名制：{{reasonZh}}。",
    en: "Complaints are filed under a verified real name: {{reasonEn}}.",
  },
  /** The ID number fails GB 11643 (length, characters, birth date or check digit). */
  COMPLAINT_ID_NUMBER_INVALID: {
    status: 400,
    zh: "身份证号码无效：{{problemZh}}。",
    en: "The ID number is invalid: {{problemEn}}.",
  },
  /** The complainant is neither a bidder nor another interested party of the section. */
  COMPLAINT_NO_STANDING: {
    status: 403,
    zh: "投诉人应当是投标人（供应商）或者其他利害关系人：{{reasonZh}}。",
    en: "A complainant must be a bidder (supplier) or another interested party: {{reasonEn}}.",
  },
  /** 条例 60 / 政府采购法 55: the law requires an objection (challenge) to the agency before a complaint. */
  COMPLAINT_OBJECTION_REQUIRED: {
    status: 409,
    zh: "就{{whatZh}}投诉，应当先向招标人（采购人）或代理机构提出{{wordZh}}（{{sourceZh}}）；未找到本单位就此提出的{{wordZh}}。",
    en: "A complaint about {{whatEn}} must follow a {{wordEn}} to the tenderer (purchaser) or agency ({{sourceEn}}); none by you was found.",
  },
  /** The prerequisite objection is still within its answer period, unanswered. */
  COMPLAINT_AWAITING_ANSWER: {
    status: 409,
    zh: "{{wordZh}}的答复期限至 {{dueAt}} 届满，尚未答复：请等待答复或答复期满后再投诉（{{sourceZh}}）。",
    en: "The {{wordEn}} may be answered until {{dueAt}} and has not been yet: complain after the answer or after that date ({{sourceEn}}).",
  },
  /** The complaint's legal window has closed. */
  COMPLAINT_WINDOW_CLOSED: {
    status: 409,
    zh: "投诉期限已于 {{closedAt}} 届满（{{sourceZh}}），不再受理。",
    en: "The period for a complaint closed on {{closedAt}} ({{sourceEn}}); it can no longer be filed.",
  },
  /** The same complainant already has an open complaint about the same section and subject. */
  COMPLAINT_DUPLICATE: {
    status: 409,
    zh: "您已就该标段的{{whatZh}}提交过投诉（回执号 {{receiptNo}}），正在处理中，不能重复投诉（{{sourceZh}}）。",
    en: "You already filed a complaint about {{whatEn}} of this section (receipt {{receiptNo}}), which is being handled; it cannot be filed twice ({{sourceEn}}).",
  },
  /** No regulator has declared a jurisdiction covering the project. */
  COMPLAINT_NO_REGULATOR: {
    status: 409,
    zh: "尚无行政监督部门声明对该项目（{{regionCode}}，{{typeZh}}，{{industryZh}}）的管辖，投诉暂不能提交，请联系交易中心。",
    en: "No regulator has declared jurisdiction over this project ({{regionCode}}, {{typeEn}}, {{industryEn}}); the complaint cannot be filed yet — please contact the trading centre.",
  },
  /** An evidence file is not a PDF, PNG or JPEG by its first bytes. */
  EVIDENCE_TYPE_REFUSED: {
    status: 415,
    zh: "证据材料“{{name}}”不是 PDF、PNG 或 JPEG 文件（按文件内容判断，而非扩展名）。",
    en: "The evidence file “{{name}}” is not a PDF, PNG or JPEG file (judged by its content, not its name).",
  },
  /** An evidence file, or all of them together, over the limit; or too many files. */
  EVIDENCE_TOO_LARGE: {
    status: 413,
    zh: "证据材料超出上限：{{limitZh}}。",
    en: "The evidence exceeds the limit: {{limitEn}}.",
  },
  /** Decision 0057: the chosen guarantee product does not serve this section (kind, procurement type, region) or is inactive. */
  GUARANTEE_PRODUCT_NOT_SERVING: {
    status: 409,
    zh: "所选保函产品不服务于标段 {{section}}（已停用，或不覆盖该项目的采购类型或地区），请另选担保机构。",
    en: "The chosen guarantee product does not serve section {{section}} (inactive, or not for this procurement type or region); choose another guarantor.",
  },
  /** Decision 0057: the guaranteed amount is below the section's required bid security. */
  GUARANTEE_AMOUNT_TOO_LOW: {
    status: 409,
    zh: "保函金额 {{amountYuan}} 元低于标段要求的投标保证金 {{requiredYuan}} 元。",
    en: "The guaranteed amount of CNY {{amountYuan}} is below the section's required bid security of CNY {{requiredYuan}}.",
  },
  /** Decision 0057: the validity does not cover the bid validity period (from the deadline to its end). */
  GUARANTEE_VALIDITY_TOO_SHORT: {
    status: 409,
    zh: "保函有效期（{{from}} 至 {{until}}）未覆盖投标有效期（{{requiredFrom}} 至 {{requiredUntil}}）。",
    en: "The validity ({{from}} to {{until}}) does not cover the bid validity period ({{requiredFrom}} to {{requiredUntil}}).",
  },
  /** Decision 0057: a step on an application in a status that does not allow it. */
  GUARANTEE_APPLICATION_UNEXPECTED_STATUS: {
    status: 409,
    zh: "保函申请当前状态为“{{currentZh}}”，不能{{stepZh}}（仅限：{{expectedZh}}）。",
    en: "The guarantee application is {{current}}; it cannot be {{step}} now (only when {{expected}}).",
  },
  /** Decision 0057: the organisation already has a live application for this section. */
  GUARANTEE_APPLICATION_EXISTS: {
    status: 409,
    zh: "本单位已有标段 {{section}} 的保函申请正在办理或已出函，不能重复申请。",
    en: "Your organisation already has a guarantee application for section {{section}} in progress or issued.",
  },
  /**
   * Decisions 0057, 0072: a bid declares a platform guarantee (its ledger id or id) that is not an
   * issued, free guarantee of this bidder for this section; the reason says which.
   */
  GUARANTEE_DECLARATION_INVALID: {
    status: 409,
    zh: "声明的保函 {{reference}} 不能作为本投标的投标保证金：{{reasonZh}}。请在“投标保证金”一栏选择本单位为本标段开立的电子保函。",
    en: "The declared guarantee {{reference}} cannot secure this bid: {{reasonEn}}. Choose, under Bid security, an electronic guarantee issued to your organisation for this section.",
  },
  /** Decision 0057: the signed guarantee letter is not the prepared letter, or its signature does not verify. */
  GUARANTEE_LETTER_INVALID: {
    status: 422,
    zh: "保函签章无效：{{reasonZh}}。",
    en: "The signed guarantee letter is invalid: {{reason}}",
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

/**
 * What `NOT_FOUND` names, in Chinese: the services name the object in English (`{ what: "section" }`),
 * and a Chinese message must not carry an English or internal word (issue 13). A name followed by
 * an identifier (`certificate 1a2b`) keeps the identifier.
 */
const WHAT_ZH: Record<string, string> = {
  "API token": "API 令牌",
  bid: "投标文件",
  certificate: "证书",
  complaint: "投诉",
  "document request": "材料要求",
  demo: "演示数据",
  "demo backup": "演示证书备份",
  document: "文件",
  guarantee: "保函",
  "guarantee application": "保函申请",
  "guarantee product": "保函产品",
  mailbox: "开发邮箱",
  member: "成员",
  message: "消息",
  objection: "异议",
  answer: "答复",
  opening: "开标",
  "opening record": "开标记录表",
  organisation: "单位",
  project: "项目",
  "reading-out record": "唱标记录",
  receipt: "投标回执",
  "signing request": "签署请求",
  "recipient info": "本证书的解密信息",
  section: "标段",
  tenderer: "招标人",
  upload: "上传",
};

export function whatInChinese(what: string): string {
  if (WHAT_ZH[what]) return WHAT_ZH[what];
  const key = Object.keys(WHAT_ZH)
    .filter((k) => what.startsWith(`${k} `))
    .sort((a, b) => b.length - a.length)[0];
  return key ? `${WHAT_ZH[key]} ${what.slice(key.length + 1)}` : what;
}

export function formatErrorMessage(code: ErrorCode, params: ErrorParams, lang: Lang): string {
  const template = lang === "en" ? ERROR_CODES[code].en : ERROR_CODES[code].zh;
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = params[name];
    if (name === "what" && lang !== "en" && typeof v === "string") return whatInChinese(v);
    return v === undefined ? "" : Array.isArray(v) ? v.join(", ") : String(v);
  });
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
