import { defineMessages } from "../define.ts";

/** The development page of the demo (/dev/demo, embedded mode only). */
export const demo = defineMessages(
  {
    title: "演示数据",
    warning:
      "本页只在嵌入式（演示）模式下存在，生产模式下没有这个页面。这里的账号、密码和证书私钥备份都是公开的演示数据：能访问本服务器的任何人都能下载，切勿用于真实的招标投标。",
    intro: "一个人即可扮演每个席位：用下面的账号登录，在不同的浏览器（或无痕窗口）中各导入一位投标人的证书备份。",
    seededAt: "演示数据生成时间（首次启动）：",
    noKit: "本数据目录中没有演示证书备份（可能由旧版本生成）。删除数据目录后重新启动即可重新生成。",
    story: {
      title: "演示故事：福州滨海新城市政道路及配套工程",
      section: "标段",
      deadline: "投标截止 / 开标时间",
      what: "可以做什么",
      hall: "开标大厅",
      announcement: "招标公告",
      today: "首次启动后 10 分钟截止。投标人 1–4 已报名：在浏览器中加密并递交投标文件，截止后在线开标。",
      nextWeek: "一周后截止。投标人 1 已报名：可用离线投标工具（bidhall 命令行）制作、加密、递交。",
      readyToOpen:
        "首次启动前几分钟已截止，投标人 2–4 的加密投标文件已递交。招标代理登录开标大厅公布投标人名单、开启解密；投标人导入下方证书备份后签到、解密、确认唱标记录。",
      finished: "已于数日前完成开标：签到、解密、唱标、异议与答复、确认签名、开标记录表。可下载平台签名的唱标记录与开标记录表。",
    },
    accounts: {
      title: "演示账号",
      password: "所有演示账号的登录密码：",
      kind: "单位类型",
      organisation: "单位",
      person: "人员",
      email: "登录邮箱",
      roles: "角色",
      pending: "待审核",
    },
    backups: {
      title: "投标人证书备份（PKCS#12）",
      intro:
        "投标人 2–4 的经办人在演示数据生成时已申请数字证书。用对应账号登录后，打开“数字证书”页面，在“在本机导入证书备份”处选择下载的文件并输入备份密码，私钥即以不可导出的方式保存在该浏览器中，之后即可证书签到、解密、签名确认。",
      password: "备份密码：",
      person: "持有人",
      organisation: "单位",
      serial: "证书序列号",
      notAfter: "有效期至",
      status: "状态",
      download: "下载备份",
      valid: "有效",
      revoked: "已吊销",
      expired: "已过期",
      unknown: "与本数据库不符",
    },
  },
  {
    title: "Demo data",
    warning:
      "This page exists only in embedded (demo) mode; production has no such page. The accounts, passwords and private-key backups here are public demo data: anyone who can reach this server can download them. Never use them for a real tender.",
    intro:
      "One person can play every seat: log in with the accounts below, and import one bidder's certificate backup in each browser (or private window).",
    seededAt: "Demo data created (the first start):",
    noKit:
      "This data directory has no demo certificate backups (perhaps made by an older version). Remove the data directory and start again to create them.",
    story: {
      title: "The demo story: 福州滨海新城市政道路及配套工程",
      section: "Section",
      deadline: "Bid deadline / opening",
      what: "What you can do",
      hall: "Opening hall",
      announcement: "Announcement",
      today:
        "Closes ten minutes after the first start. Bidders 1–4 are registered: seal and submit a bid in the browser, then open it online after the deadline.",
      nextWeek: "Closes a week later. Bidder 1 is registered: prepare, seal and submit with the offline tool (the bidhall CLI).",
      readyToOpen:
        "Closed a few minutes before the first start, with the sealed bids of bidders 2–4. The agency publishes the bidder list and opens decryption in the hall; the bidders import their backups below, sign in, decrypt and confirm the reading-out record.",
      finished:
        "Opened days ago: sign-in, decryption, reading-out, an objection answered, signed confirmations, the opening record. Download the platform-signed reading-out record and opening record.",
    },
    accounts: {
      title: "Demo accounts",
      password: "Every demo account's password:",
      kind: "Kind",
      organisation: "Organisation",
      person: "Person",
      email: "Login email",
      roles: "Roles",
      pending: "waiting for approval",
    },
    backups: {
      title: "Bidders' certificate backups (PKCS#12)",
      intro:
        "The people of bidders 2–4 enrolled certificates when the demo data was created. Log in with that account, open the certificates page, choose the downloaded file where it offers to import a backup, and type the backup password: the private key is kept in that browser as a non-extractable key, ready to sign in, decrypt and confirm.",
      password: "Backup password:",
      person: "Holder",
      organisation: "Organisation",
      serial: "Certificate serial",
      notAfter: "Valid until",
      status: "Status",
      download: "Download backup",
      valid: "valid",
      revoked: "revoked",
      expired: "expired",
      unknown: "not of this database",
    },
  },
);
