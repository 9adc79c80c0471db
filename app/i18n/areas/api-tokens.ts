import { defineMessages } from "../define.ts";

/** API tokens for the offline tool. */
export const apiTokens = defineMessages(
  {
    title: "离线投标工具 API 令牌",
    intro:
      "离线投标工具（bidhall section / submit，或按平台接口文档编写的工具）使用 API 令牌代表您下载标段的开标一览表格式和解密证书、递交投标文件，并在开标时签到、解密本单位投标文件；签到和解密还须使用您的私钥。令牌仅限本单位的投标事务，有效期 90 天，可随时吊销。",
    name: "令牌名称（例如：投标专用电脑）",
    create: "生成令牌",
    created: "新令牌如下，只显示这一次，请立即复制保存：",
    tableName: "名称",
    owner: "持有人",
    scope: "权限",
    scopeSubmit: "递交本单位投标文件",
    createdAt: "生成时间",
    expiresAt: "到期时间",
    lastUsed: "最近使用",
    status: "状态",
    active: "有效",
    revoked: "已吊销",
    expired: "已过期",
    revoke: "吊销",
    none: "尚未生成令牌。",
    dashboardLink: "管理离线投标工具 API 令牌",
  },
  {
    title: "API tokens for the offline tool",
    intro:
      "The offline tool (bidhall section / submit, or a tool written from the platform's API documents) uses an API token to download a section's opening form and recipient certificates, submit bids on your behalf, and at the opening sign in and decrypt your organisation's bid, which also need your private key. A token only acts on your organisation's own bids, lasts 90 days and can be revoked at any time.",
    name: "Token name (e.g. bidding laptop)",
    create: "Create token",
    created: "Your new token, shown only this once — copy it now:",
    tableName: "Name",
    owner: "Holder",
    scope: "Scope",
    scopeSubmit: "Submit bids for the organisation",
    createdAt: "Created",
    expiresAt: "Expires",
    lastUsed: "Last used",
    status: "Status",
    active: "Active",
    revoked: "Revoked",
    expired: "Expired",
    revoke: "Revoke",
    none: "No tokens yet.",
    dashboardLink: "Manage API tokens for the offline tool",
  },
);
