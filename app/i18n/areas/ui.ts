import { defineMessages } from "../define.ts";

/** The header's menus, the to-do dashboard, the profile page and the readable audit (issue 13, decision 48). */
export const ui = defineMessages(
  {
    nav: {
      menu: "菜单",
      groups: { organisation: "本单位", platform: "平台管理", records: "审计与账本" },
      apiTokens: "API 令牌",
      profile: "个人信息与权限",
    },
    todo: {
      title: "待办事项",
      intro: "需要您处理的事项，截止时间最近的在前。",
      empty: "目前没有待办事项。新的投标截止、开标、澄清期限和异议会出现在这里。",
      go: "去处理",
      due: {
        overdue: "已到期 · {{at}}",
        today: "24 小时内 · {{at}}",
        soon: "7 天内 · {{at}}",
        later: "{{at}}",
        open: "无截止时间",
      },
      kinds: {
        certificate: {
          missing: {
            title: "尚未取得数字证书",
            detail: "投标文件的封装、签到和解密都需要本人的数字证书。请先在本机申请证书并下载备份。",
          },
        },
        bid: {
          not_submitted: { title: "投标文件尚未递交", detail: "{{project}} · {{section}}：截止前递交，逾期不予受理。" },
          submitted_closing: { title: "已递交，投标即将截止", detail: "{{project}} · {{section}}：截止前仍可替换或撤回。" },
        },
        opening: {
          sign_in: { title: "开标签到", detail: "{{project}} · {{section}}：签到已开始，请用本人证书签到，以便开标时解密。" },
          today: { title: "今日开标", detail: "{{project}} · {{section}}：请按时主持开标。" },
          suspended: { title: "开标已暂停", detail: "{{project}} · {{section}}：暂停理由：{{reason}}。调查结束后请恢复或作出处理。" },
          overdue: { title: "开标逾期未结束", detail: "{{project}} · {{section}}：投标截止已超过一天，开标仍未结束。" },
        },
        complaint: {
          acceptance: { title: "投诉待受理审查", detail: "回执号 {{receipt}} · {{section}}：请在期限内决定是否受理（{{source}}）。" },
          decision: { title: "投诉待作出处理决定", detail: "回执号 {{receipt}} · {{section}}：请在期限内作出书面处理决定（{{source}}）。" },
          documents: { title: "补充材料通知", detail: "回执号 {{receipt}} · {{section}}：行政监督部门要求提交材料：{{what}}" },
        },
        evaluation: {
          record: { title: "录入评标结果", detail: "{{project}} · {{section}}：开标已结束，请录入评标委员会的评审结果并公示中标候选人。" },
        },
        award: {
          decide: { title: "确定中标人", detail: "{{project}} · {{section}}：中标候选人公示期已满，请定标。" },
        },
        notice: {
          sign: { title: "签署中标通知书", detail: "{{project}} · {{section}}：中标通知书和中标结果通知书待本单位签署。" },
          issue: { title: "发出中标通知书", detail: "{{project}} · {{section}}：通知书已全部签署，请在线发出。" },
          acknowledge: { title: "签收通知书", detail: "{{project}} · {{section}}：{{number}} 已发出，请下载并签名签收。" },
        },
        clarification: {
          last_day: {
            title: "澄清或修改的最后期限",
            detail:
              "{{project}} · {{section}}：影响投标文件编制的澄清或修改须在投标截止 15 日前发出，否则须顺延截止时间（《招标投标法》第二十三条）。",
          },
        },
        objection: {
          waiting: {
            title: "开标异议待答复",
            detail: "{{project}} · {{section}}：对开标有异议的，应当场答复并记录（《招标投标法实施条例》第四十四条）。",
          },
        },
        approvals: {
          waiting: { title: "单位入驻待审核", detail: "{{count}} 家单位等待审核。" },
        },
        incident: {
          open: { title: "平台故障进行中", detail: "{{description}}" },
        },
        guarantee: {
          underwrite: { title: "保函申请待审核", detail: "{{count}} 份保函申请等待承保审核。" },
          issue: { title: "保函待出函", detail: "{{count}} 份已缴费的保函待签署出函，或上链失败待重试。" },
          claim: { title: "索赔待处理", detail: "{{count}} 项索赔等待赔付或拒绝。" },
          fee_due: { title: "保函费用待缴纳", detail: "{{project}} · {{section}}：{{guarantor}} 已同意承保，请缴纳保函费用。" },
          documents_requested: { title: "担保机构要求补充材料", detail: "{{project}} · {{section}}：{{guarantor}} 要求：{{what}}" },
          declare: {
            title: "电子保函已开立，待声明",
            detail: "{{project}} · {{section}}：{{guarantor}} 的保函已上链，请在投标文件中声明为投标保证金。",
          },
        },
      },
    },
    profile: {
      title: "个人信息与权限",
      name: "姓名",
      email: "邮箱",
      organisation: "当前单位",
      roles: "我的角色",
      permissionsTitle: "我的权限",
      permissionsIntro: "权限由单位类型和您在单位中的角色决定；如需调整，请联系本单位管理员。",
      noPermissions: "您在本单位尚无任何权限。",
      links: "相关页面",
    },
    audit: {
      fields: {
        sectionId: "标段",
        projectId: "项目",
        organisationId: "单位",
        personId: "人员",
        openingId: "开标",
        documentId: "文件",
        announcementId: "公告",
        clarificationId: "澄清",
        receiptNo: "回执编号",
        version: "版本",
        sha256: "SHA-256",
        envelopeSha256: "密封文件 SHA-256",
        packageDigest: "投标包摘要",
        size: "大小（字节）",
        name: "名称",
        code: "编号",
        uscc: "统一社会信用代码",
        kinds: "单位类型",
        email: "邮箱",
        reason: "理由",
        roles: "角色",
        serial: "证书序列号",
        serialHex: "证书序列号",
        year: "年份",
        filename: "文件名",
        records: "记录数",
        note: "说明",
        oldDeadline: "原截止时间",
        newDeadline: "新截止时间",
        result: "结果",
        text: "内容",
        description: "描述",
        via: "方式",
        ip: "IP",
      },
      noData: "—",
      more: "其余字段",
    },
  },
  {
    nav: {
      menu: "Menu",
      groups: { organisation: "Organisation", platform: "Platform", records: "Audit & ledger" },
      apiTokens: "API tokens",
      profile: "Profile & permissions",
    },
    todo: {
      title: "To do",
      intro: "What needs your attention, the nearest deadline first.",
      empty: "Nothing to do right now. Coming deadlines, openings, clarification limits and objections will appear here.",
      go: "Open",
      due: {
        overdue: "Overdue · {{at}}",
        today: "Within 24 hours · {{at}}",
        soon: "Within 7 days · {{at}}",
        later: "{{at}}",
        open: "No deadline",
      },
      kinds: {
        certificate: {
          missing: {
            title: "No digital certificate yet",
            detail:
              "Sealing a bid, signing in and decrypting all need your own certificate. Request one on this computer and download its backup.",
          },
        },
        bid: {
          not_submitted: {
            title: "Bid not submitted yet",
            detail: "{{project}} · {{section}}: submit before the deadline; late bids are refused.",
          },
          submitted_closing: {
            title: "Submitted; the deadline is near",
            detail: "{{project}} · {{section}}: you can still replace or withdraw it before the deadline.",
          },
        },
        opening: {
          sign_in: {
            title: "Sign in to the opening",
            detail: "{{project}} · {{section}}: sign-in is open; sign in with your certificate so you can decrypt at the opening.",
          },
          today: { title: "Opening today", detail: "{{project}} · {{section}}: host the opening on time." },
          suspended: {
            title: "Opening suspended",
            detail: "{{project}} · {{section}}: reason: {{reason}}. Resume it or decide once the investigation ends.",
          },
          overdue: {
            title: "Opening not closed in time",
            detail: "{{project}} · {{section}}: the deadline passed more than a day ago and the opening has not closed.",
          },
        },
        complaint: {
          acceptance: {
            title: "Complaint awaiting acceptance",
            detail: "Receipt {{receipt}} · {{section}}: decide whether to accept it in time ({{source}}).",
          },
          decision: {
            title: "Complaint awaiting its decision",
            detail: "Receipt {{receipt}} · {{section}}: decide in writing in time ({{source}}).",
          },
          documents: { title: "Documents requested", detail: "Receipt {{receipt}} · {{section}}: a regulator asks for: {{what}}" },
        },
        evaluation: {
          record: {
            title: "Record the evaluation result",
            detail: "{{project}} · {{section}}: the opening has closed; record the committee's result and publish the candidates.",
          },
        },
        award: {
          decide: { title: "Decide the award", detail: "{{project}} · {{section}}: the candidate publicity is over; decide the award." },
        },
        notice: {
          sign: {
            title: "Sign the award notices",
            detail: "{{project}} · {{section}}: the award and result notices wait for your organisation's signature.",
          },
          issue: { title: "Issue the award notices", detail: "{{project}} · {{section}}: every notice is signed; issue them online." },
          acknowledge: {
            title: "Acknowledge a notice",
            detail: "{{project}} · {{section}}: {{number}} is issued; download it and acknowledge receipt with a signature.",
          },
        },
        clarification: {
          last_day: {
            title: "Last day for clarifications",
            detail:
              "{{project}} · {{section}}: a clarification or change that affects the preparation of bids must be issued 15 days before the deadline, or the deadline moves (Tendering and Bidding Law, Art 23).",
          },
        },
        objection: {
          waiting: {
            title: "Objection at the opening awaits an answer",
            detail:
              "{{project}} · {{section}}: objections at the opening are answered on the spot and recorded (Regulation on the Tendering and Bidding Law, Art 44).",
          },
        },
        approvals: {
          waiting: { title: "Organisations awaiting approval", detail: "{{count}} organisation(s) waiting." },
        },
        incident: {
          open: { title: "Platform incident in progress", detail: "{{description}}" },
        },
        guarantee: {
          underwrite: { title: "Guarantee applications to underwrite", detail: "{{count}} application(s) waiting for underwriting." },
          issue: { title: "Guarantees to issue", detail: "{{count}} paid guarantee(s) to sign and issue, or to retry on the ledger." },
          claim: { title: "Claims to answer", detail: "{{count}} claim(s) to pay or decline." },
          fee_due: {
            title: "Guarantee fee to pay",
            detail: "{{project}} · {{section}}: {{guarantor}} approved your application; pay the fee.",
          },
          documents_requested: {
            title: "The guarantor asks for documents",
            detail: "{{project}} · {{section}}: {{guarantor}} asks for: {{what}}",
          },
          declare: {
            title: "Guarantee issued: declare it",
            detail: "{{project}} · {{section}}: the guarantee from {{guarantor}} is on the ledger; declare it as your bid security.",
          },
        },
      },
    },
    profile: {
      title: "Profile & permissions",
      name: "Name",
      email: "Email",
      organisation: "Acting for",
      roles: "My roles",
      permissionsTitle: "My permissions",
      permissionsIntro:
        "Permissions follow from the organisation's kinds and your roles in it; ask your organisation's administrator to change them.",
      noPermissions: "You have no permissions in this organisation yet.",
      links: "Related pages",
    },
    audit: {
      fields: {
        sectionId: "Section",
        projectId: "Project",
        organisationId: "Organisation",
        personId: "Person",
        openingId: "Opening",
        documentId: "Document",
        announcementId: "Announcement",
        clarificationId: "Clarification",
        receiptNo: "Receipt no.",
        version: "Version",
        sha256: "SHA-256",
        envelopeSha256: "Envelope SHA-256",
        packageDigest: "Package digest",
        size: "Size (bytes)",
        name: "Name",
        code: "Code",
        uscc: "USCC",
        kinds: "Kinds",
        email: "Email",
        reason: "Reason",
        roles: "Roles",
        serial: "Certificate serial",
        serialHex: "Certificate serial",
        year: "Year",
        filename: "File name",
        records: "Records",
        note: "Note",
        oldDeadline: "Old deadline",
        newDeadline: "New deadline",
        result: "Result",
        text: "Text",
        description: "Description",
        via: "Via",
        ip: "IP",
      },
      noData: "—",
      more: "Other fields",
    },
  },
);
