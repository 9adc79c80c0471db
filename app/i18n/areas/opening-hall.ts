import { defineMessages } from "../define.ts";

/**
 * Issue 13 in the opening hall: what a bidder without its key can still do, the hall once it is
 * over, the people the record names (decision 46), and the openings list (开标).
 */
export const openingHall = defineMessages(
  {
    noKey: {
      title: "这台电脑上没有本单位的有效数字证书",
      intro: "签到、解密和确认唱标记录都要用证书私钥签名，私钥只保存在申请或导入证书的那台电脑的浏览器里。您现在可以：",
      importBackup: "导入证书备份：在“数字证书”页选择申请证书时下载的备份文件（.p12），输入备份密码，导入后回到本页即可签到、解密。",
      importLink: "去导入证书备份",
      otherMember: "请本单位其他已在自己电脑上保存证书的投标人员签到并解密：投标文件是为本单位全部投标人员的有效证书加密的。",
      remedySignedIn:
        "本标段允许补救：您已签到，解密时段内可在下方直接上传封装时保存的未加密投标文件备份（.zip），无须先解密失败；其 SHA-256 摘要须与投标回执一致。",
      remedyNeedsSignIn:
        "本标段允许补救：解密时段内可上传封装时保存的未加密投标文件备份（.zip），无须先解密失败。上传前须先签到，签到要用证书，所以请先导入证书备份。",
      noRemedy:
        "本标段招标文件未设补救措施（不能上传未加密备份）：请在解密时段结束前导入证书备份并解密，否则将按招标文件规定认定解密结果。",
    },
    remedyAnyTime: "无法解密？上传未加密的投标文件备份（补救）",
    over: {
      failed: "本标段已流标，开标已终止：签到、解密、确认等操作都不再进行。",
      closed: "开标已结束，开标记录已生成，不再接受任何操作。",
      hostFailed: "本标段已流标，开标大厅不再提供开标操作；请按上方“下一步”处理。",
      hostClosed: "开标已结束。开标记录表可在“唱标”栏下载。",
    },
    client: {
      network: "网络连接中断，请检查网络后重试。",
      wrongKey: "这张证书的私钥打不开本单位的投标文件。请换用封装时列出的证书，或导入其备份。",
      browser: "浏览器未能完成此操作，请刷新页面后重试。",
    },
    officials: {
      title: "开标人员",
      intro: "开标记录表载明开标人、记录人和监标人。开标人为开启解密的人员；记录人、监标人可在此指定，未指定时记载实际操作的人员。",
      host: "开标人",
      recorder: "记录人",
      supervisor: "监标人",
      notYet: "尚未确定",
      noSupervisor: "行政监督部门未派员监标",
      chosen: "已指定",
      acted: "按实际操作记载",
      choose: "指定",
      choosePerson: "选择人员",
      none: "无可选人员",
    },
    list: {
      title: "开标",
      intro: "今天及之后的开标，以及尚未结束的开标。进入开标大厅主持或查看。",
      none: "今天及之后没有开标。项目发布后，投标截止时间在此列出。",
      today: "今天",
      coming: "即将开标",
      inProgress: "进行中（今天以前截止）",
      project: "项目",
      section: "标段",
      deadline: "开标时间",
      phase: "阶段",
      role: "身份",
      roleHost: "主持",
      roleTenderer: "招标人（查看）",
      hall: "开标大厅",
      enterHall: "进入开标大厅",
    },
    tendererNote: "您是本项目的招标人：开标由招标代理机构主持，此处显示主持人所见的全部开标情况（只读）。",
    nav: "开标",
    projectHall: "开标大厅",
  },
  {
    noKey: {
      title: "This computer holds no valid certificate of your organisation",
      intro:
        "Signing in, decrypting and confirming the record each sign with a certificate's private key, which is kept only in the browser of the computer where the certificate was requested or imported. You can now:",
      importBackup:
        "Import your certificate backup: on the Certificates page choose the backup file (.p12) you downloaded when requesting the certificate and type its password; then come back here to sign in and decrypt.",
      importLink: "Import a certificate backup",
      otherMember:
        "Ask another bid member of your organisation who keeps a certificate on their own computer to sign in and decrypt: the bid was sealed for every bid member's valid certificate.",
      remedySignedIn:
        "This section allows the remedy: you have signed in, so within the decryption window you may upload below the unencrypted backup of the bid (.zip) saved when sealing, without first failing a decryption; its SHA-256 must equal the receipt's.",
      remedyNeedsSignIn:
        "This section allows the remedy: within the decryption window you may upload the unencrypted backup of the bid (.zip) saved when sealing, without first failing a decryption. Signing in comes first and needs a certificate, so import your backup first.",
      noRemedy:
        "The tender documents of this section set no remedy (no unencrypted backup can be uploaded): import your certificate backup and decrypt before the window ends, or the result is decided as the tender documents provide.",
    },
    remedyAnyTime: "Cannot decrypt? Upload the unencrypted backup of the bid (remedy)",
    over: {
      failed: "This section has failed (流标) and the opening has ended: no more sign-ins, decryptions or confirmations.",
      closed: "The opening is over and its record generated; nothing more can be done here.",
      hostFailed: "This section has failed: the hall offers no more opening actions; follow the next steps above.",
      hostClosed: "The opening is over. The opening record can be downloaded under Reading-out.",
    },
    client: {
      network: "The connection was lost; check the network and try again.",
      wrongKey: "This certificate's private key does not open your bid. Use a certificate listed when sealing, or import its backup.",
      browser: "The browser could not complete this; reload the page and try again.",
    },
    officials: {
      title: "Opening officials",
      intro:
        "The opening record names the host, the recorder and the supervisor. The host is whoever opened decryption; the recorder and the supervisor may be chosen here, otherwise the record names the people who acted.",
      host: "Host",
      recorder: "Recorder",
      supervisor: "Supervisor",
      notYet: "not settled yet",
      noSupervisor: "no regulator supervised",
      chosen: "chosen",
      acted: "as acted",
      choose: "Choose",
      choosePerson: "Choose a person",
      none: "nobody to choose",
    },
    list: {
      title: "Openings",
      intro: "Today's and coming openings, and those still under way. Enter the hall to host or to follow.",
      none: "No opening today or later. Once a project is published, its bid deadlines appear here.",
      today: "Today",
      coming: "Coming",
      inProgress: "Under way (deadline before today)",
      project: "Project",
      section: "Section",
      deadline: "Opening",
      phase: "Phase",
      role: "As",
      roleHost: "host",
      roleTenderer: "tenderer (read only)",
      hall: "Hall",
      enterHall: "Enter the hall",
    },
    tendererNote: "You are this project's tenderer: the agency hosts the opening; you see everything the host sees (read only).",
    nav: "Openings",
    projectHall: "Opening hall",
  },
);
