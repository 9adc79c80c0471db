import { defineMessages } from "../define.ts";

/**
 * Audit event types in words (issue 13): `t(`auditTypes.${type}`)` reads `organisation.signed_up`
 * as nested keys. A unit test (audit-type-labels.test.ts) fails when an audit event type has no label.
 */
export const auditTypes = defineMessages(
  {
    organisation: {
      signed_up: "单位注册",
      approved: "单位入驻审核通过",
      rejected: "单位入驻审核未通过",
      sign_up_collided: "重复注册被拒（邮箱或信用代码已存在）",
    },
    person: {
      email_confirmed: "邮箱已确认",
      logged_in: "登录",
      login_failed: "登录失败",
      logged_out: "退出登录",
    },
    project: {
      created: "创建招标项目",
      published: "发布招标公告",
    },
    tender_document: {
      uploaded: "上传招标文件",
      downloaded: "下载招标文件",
    },
    clarification: {
      issued: "发出澄清或修改",
    },
    section: {
      registered: "报名标段",
      registration_refused: "报名被拒",
      period_changed: "法定期限随节假日调整",
      deadline_moved: "暂停跨越截止时间，截止时间顺延",
      terminated: "终止招标",
      contract_signed_recorded: "登记合同签订日期",
    },
    credit: {
      imported: "导入信用数据",
    },
    notice: {
      read: "阅读通知（回执）",
    },
    bid_security: {
      settled: "登记投标保证金退还或不予退还",
    },
    evaluation: {
      result_recorded: "录入评标结果并公示中标候选人",
    },
    award: {
      decided: "定标",
      announced: "发布中标结果公告",
    },
    award_notice: {
      signed: "签署中标（结果）通知书",
      acknowledged: "签收中标（结果）通知书",
    },
    document: {
      signed: "以数字证书签署文件",
    },
    guarantee: {
      issue_started: "开始出具保函",
      letter_signed: "保函电子签章",
      issued: "保函已上链开立",
      issue_failed: "保函上链失败",
      issue_retried: "重新提交保函上链开立",
      ledger_refused: "账本合约拒绝保函操作",
      release_requested: "申请退还（解除）保函",
      release_cancelled: "撤销已排队的保函退还（重新声明为投标保证金）",
      claim_lodged: "提出保函索赔",
      claim_paid: "担保机构赔付索赔",
      claim_declined: "担保机构拒绝索赔",
    },
    prequalification: {
      published: "发布资格预审公告",
      item_recorded: "记录资格预审澄清或异议",
      result_published: "发布资格预审结果",
    },
    rule_set: {
      changed: "修改规则设置",
    },
    calendar: {
      year_loaded: "载入节假日安排",
    },
    secrets: {
      rotated: "更换密钥加密口令（重新加密平台密钥）",
    },
    member: {
      invited: "邀请成员",
      joined: "成员加入",
      invitation_code_sent: "发送邀请验证码",
      invitation_code_refused: "邀请验证码错误",
      roles_changed: "调整成员角色",
      removed: "移除成员",
    },
    api_token: {
      created: "创建 API 令牌",
      revoked: "吊销 API 令牌",
    },
    bid: {
      submitted: "递交投标文件",
      withdrawn: "撤回投标文件",
      upload_discarded: "丢弃未完成的上传",
      document_signed: "签署与投标有关的文件（截止前密封）",
    },
    guarantee_product: {
      created: "新增保函产品",
      updated: "修改保函产品",
    },
    guarantee_application: {
      submitted: "提交保函申请",
      approved: "同意承保",
      declined: "拒绝承保",
      documents_requested: "要求补充材料",
      supplemented: "补充材料",
      fee_paid: "缴纳保函费用",
    },
    clock: {
      advanced: "测试时钟前移",
    },
    pki: {
      initialised: "平台 CA 初始化",
      platform_certificate_renewed: "平台签名证书更新",
    },
    certificate: {
      issued: "签发数字证书",
      revoked: "吊销数字证书",
      login_refused: "证书登录被拒",
    },
    crl: {
      published: "发布证书吊销列表",
    },
    opening: {
      official_assigned: "指定记录人或监标人",
      signed_in: "开标签到",
      bids_counted: "清点投标文件",
      failed: "流标",
      bidder_list_published: "公布投标人名单",
      window_opened: "开启解密",
      window_paused: "暂停解密",
      window_resumed: "恢复解密",
      window_extended: "延长解密时间",
      window_closed_early: "提前结束解密",
      window_ended: "解密结束",
      all_decided: "全部投标文件已有解密结果",
      decryption_attempted: "解密投标文件",
      security_defects_recorded: "记录投标保证金缺陷",
      security_verified: "核验投标保证金（电子保函或信用承诺）",
      bid_decided: "投标文件解密结果确定",
      decryption_reclassified: "更正解密失败原因",
      reading_out_published: "公布唱标结果",
      record_confirmed: "确认唱标记录",
      objection_raised: "提出开标异议",
      objection_answered: "答复开标异议",
      message_sent: "开标大厅发言",
      message_hidden: "隐藏大厅发言",
      suspended: "暂停开标",
      resumed: "恢复开标",
      confirmation_ended: "唱标记录确认期结束",
      record_generated: "生成开标记录",
      closed: "开标结束",
    },
    platform: {
      incident_recorded: "记录平台故障",
    },
    objection: {
      filed: "提出书面异议（质疑）",
      answered: "答复异议（质疑）",
    },
    complaint: {
      filed: "提交投诉",
      accepted: "受理投诉",
      rejected: "不予受理投诉",
      section_suspended: "因投诉暂停标段",
      section_resumed: "恢复因投诉暂停的标段",
      documents_requested: "要求当事人补充材料",
      documents_answered: "当事人提交补充材料",
      decision_drafted: "起草投诉处理决定",
      decided: "作出投诉处理决定（签名）",
      withdrawn: "撤回投诉",
    },
    jurisdiction: {
      declared: "声明监管管辖范围",
    },
  },
  {
    organisation: {
      signed_up: "Organisation signed up",
      approved: "Organisation approved",
      rejected: "Organisation rejected",
      sign_up_collided: "Sign-up refused (email or USCC already registered)",
    },
    person: {
      email_confirmed: "Email confirmed",
      logged_in: "Logged in",
      login_failed: "Login failed",
      logged_out: "Logged out",
    },
    project: {
      created: "Project created",
      published: "Project published",
    },
    tender_document: {
      uploaded: "Tender document uploaded",
      downloaded: "Tender document downloaded",
    },
    clarification: {
      issued: "Clarification issued",
    },
    section: {
      registered: "Registered for a section",
      registration_refused: "Registration refused",
      period_changed: "Statutory period moved by the calendar",
      deadline_moved: "Deadline moved by a suspension that covered it",
      terminated: "Tender terminated",
      contract_signed_recorded: "Contract signing date recorded",
    },
    credit: {
      imported: "Credit data imported",
    },
    notice: {
      read: "Notice read (receipt)",
    },
    bid_security: {
      settled: "Bid security returned or kept",
    },
    evaluation: {
      result_recorded: "Evaluation result recorded, candidates published",
    },
    award: {
      decided: "Award decided",
      announced: "Award result announced",
    },
    award_notice: {
      signed: "Award or result notice signed",
      acknowledged: "Award or result notice acknowledged",
    },
    document: {
      signed: "Document signed with a certificate",
    },
    guarantee: {
      issue_started: "Guarantee issuing started",
      letter_signed: "Guarantee letter signed",
      issued: "Guarantee issued on the ledger",
      issue_failed: "Guarantee issue on the ledger failed",
      issue_retried: "Guarantee issue sent again",
      ledger_refused: "Ledger refused a guarantee step",
      release_requested: "Guarantee release requested",
      release_cancelled: "Queued guarantee release taken back (declared again)",
      claim_lodged: "Claim lodged on a guarantee",
      claim_paid: "Claim paid by the guarantor",
      claim_declined: "Claim declined by the guarantor",
    },
    prequalification: {
      published: "Prequalification announced",
      item_recorded: "Prequalification clarification or objection recorded",
      result_published: "Prequalification result published",
    },
    rule_set: {
      changed: "Rule set changed",
    },
    calendar: {
      year_loaded: "Holiday calendar year loaded",
    },
    secrets: {
      rotated: "Key-encryption secrets rotated (platform keys re-encrypted)",
    },
    member: {
      invited: "Member invited",
      joined: "Member joined",
      invitation_code_sent: "Invitation code sent",
      invitation_code_refused: "Invitation code refused",
      roles_changed: "Member roles changed",
      removed: "Member removed",
    },
    api_token: {
      created: "API token created",
      revoked: "API token revoked",
    },
    bid: {
      submitted: "Bid submitted",
      withdrawn: "Bid withdrawn",
      upload_discarded: "Unfinished upload discarded",
      document_signed: "Document about a bid signed (sealed until the deadline)",
    },
    guarantee_product: {
      created: "Guarantee product created",
      updated: "Guarantee product changed",
    },
    guarantee_application: {
      submitted: "Guarantee application submitted",
      approved: "Guarantee application approved",
      declined: "Guarantee application declined",
      documents_requested: "More documents requested",
      supplemented: "Documents supplemented",
      fee_paid: "Guarantee fee paid",
    },
    clock: {
      advanced: "Test clock advanced",
    },
    pki: {
      initialised: "Platform CA initialised",
      platform_certificate_renewed: "Platform signing certificate renewed",
    },
    certificate: {
      issued: "Certificate issued",
      revoked: "Certificate revoked",
      login_refused: "Certificate login refused",
    },
    crl: {
      published: "CRL published",
    },
    opening: {
      official_assigned: "Recorder or supervising regulator assigned",
      signed_in: "Signed in to the opening",
      bids_counted: "Bids counted",
      failed: "Opening failed",
      bidder_list_published: "Bidder list published",
      window_opened: "Decryption window opened",
      window_paused: "Decryption window paused",
      window_resumed: "Decryption window resumed",
      window_extended: "Decryption window extended",
      window_closed_early: "Decryption window closed early",
      window_ended: "Decryption window ended",
      all_decided: "All bids decided",
      decryption_attempted: "Decryption attempted",
      security_defects_recorded: "Bid security defects recorded",
      security_verified: "Bid security verified (guarantee or credit commitment)",
      bid_decided: "Bid decided",
      decryption_reclassified: "Decryption failure reclassified",
      reading_out_published: "Reading-out published",
      record_confirmed: "Reading-out record confirmed",
      objection_raised: "Objection raised",
      objection_answered: "Objection answered",
      message_sent: "Message sent in the hall",
      message_hidden: "Hall message hidden",
      suspended: "Opening suspended",
      resumed: "Opening resumed",
      confirmation_ended: "Confirmation period ended",
      record_generated: "Opening record generated",
      closed: "Opening closed",
    },
    platform: {
      incident_recorded: "Platform incident recorded",
    },
    objection: {
      filed: "Written objection (challenge) filed",
      answered: "Objection (challenge) answered",
    },
    complaint: {
      filed: "Complaint filed",
      accepted: "Complaint accepted",
      rejected: "Complaint not accepted",
      section_suspended: "Section suspended for a complaint",
      section_resumed: "Section resumed after a complaint's suspension",
      documents_requested: "Documents requested from a party",
      documents_answered: "Documents supplied by a party",
      decision_drafted: "Complaint decision drafted",
      decided: "Complaint decided (signed)",
      withdrawn: "Complaint withdrawn",
    },
    jurisdiction: {
      declared: "Regulator's jurisdiction declared",
    },
  },
);
