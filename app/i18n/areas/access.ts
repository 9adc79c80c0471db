import { defineMessages } from "../define.ts";

/** Issue 11 (access): invitation codes, sign-up confirmation, look-alike names on the approvals page. */
export const access = defineMessages(
  {
    invitation: {
      sentTo: "邀请发送至 {{email}}。",
      existingIntro: "该邮箱已有 bidhall 账号。为确认是您本人，请以该账号登录后接受邀请。",
      logInToAccept: "登录后接受邀请",
      acceptAsMe: "以当前账号接受邀请",
      wrongPerson: "您当前登录的账号不是受邀邮箱。请退出登录，再以受邀邮箱的账号登录后接受。",
      codeIntro: "为确认您是受邀邮箱的主人，请先获取发送到 {{email}} 的 6 位验证码（{{minutes}} 分钟内有效）。",
      sendCode: "发送验证码",
      resendCode: "重新发送验证码",
      codeSent: "验证码已发送至 {{email}}，请查收邮件。",
      code: "邮件中的验证码（6 位数字）",
      joined: "您已加入“{{organisation}}”。",
    },
    signup: {
      done: "申请已提交。我们已向 {{email}} 发送邮件，请按邮件说明操作：新注册的账号须先打开邮件中的链接确认邮箱，之后即可登录查看审核进度。",
      nameHint: "请输入营业执照上的名称；全角字符会自动转为半角，多余空格会被去掉。",
    },
    confirm: {
      title: "确认邮箱",
      intro: "点击下方按钮确认您的邮箱，之后即可用注册时的邮箱和密码登录。",
      button: "确认邮箱",
      done: "邮箱已确认，现在可以登录。",
      invalid: "邮箱确认链接无效或已使用。如已确认，请直接登录。",
    },
    approvals: {
      similar: "名称相同或相近的单位",
      similarHint: "与已有单位的名称相同或仅有全角/半角、大小写、空格、标点之差，请核实是否冒用他人名称。",
      same: "同名",
      lookAlike: "近似",
      none: "—",
    },
  },
  {
    invitation: {
      sentTo: "This invitation was sent to {{email}}.",
      existingIntro: "This address already has a bidhall account. To make sure it is you, log in as that person and then accept.",
      logInToAccept: "Log in to accept",
      acceptAsMe: "Accept as the person logged in",
      wrongPerson: "You are logged in as someone other than the invited address. Log out, log in as the invited person, then accept.",
      codeIntro:
        "To confirm the invited address is yours, first ask for the 6-digit code sent to {{email}} (valid for {{minutes}} minutes).",
      sendCode: "Send the code",
      resendCode: "Send a new code",
      codeSent: "The code was sent to {{email}}; check your mail.",
      code: "The code from the mail (6 digits)",
      joined: "You have joined “{{organisation}}”.",
    },
    signup: {
      done: "Your application has been submitted. We sent a mail to {{email}}; please follow it: a new account must confirm its address through the link in that mail before it can log in and follow the review.",
      nameHint: "Type the name on the business licence; full-width characters become half-width and extra spaces are removed.",
    },
    confirm: {
      title: "Confirm your email",
      intro: "Press the button to confirm your address; then log in with the email and password you registered with.",
      button: "Confirm my email",
      done: "Your address is confirmed; you can log in now.",
      invalid: "The confirmation link is invalid or has been used; if you confirmed already, log in.",
    },
    approvals: {
      similar: "Organisations with the same or a similar name",
      similarHint:
        "Same name as an existing organisation, or different only in full-/half-width forms, case, spaces or punctuation: check that nobody is using another organisation's name.",
      same: "same name",
      lookAlike: "look-alike",
      none: "—",
    },
  },
);
