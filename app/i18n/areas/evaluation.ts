import { defineMessages } from "../define.ts";

/** Evaluation terms, the committee's result, publicity and award (issue 16; decisions 65–67). */
export const evaluation = defineMessages(
  {
    terms: {
      title: "评标办法参数（随公告发布）",
      price: "价格分",
      technical: "技术分",
      commercial: "商务分",
      base: "评标基准价",
      baseAverage: "有效报价平均值 × 下浮系数",
      baseLowest: "最低有效报价",
      coefficient: "下浮系数（%）",
      deductAbove: "每高于基准价 1% 扣分",
      deductBelow: "每低于基准价 1% 扣分",
      abnormalLow: "异常低价线（有效报价平均值的 %）",
    },
  },
  {
    terms: {
      title: "Evaluation terms (published with the announcement)",
      price: "Price points",
      technical: "Technical points",
      commercial: "Commercial points",
      base: "Base price",
      baseAverage: "Valid prices' average × coefficient",
      baseLowest: "Lowest valid price",
      coefficient: "Coefficient (%)",
      deductAbove: "Points off per 1% above the base",
      deductBelow: "Points off per 1% below the base",
      abnormalLow: "Abnormal-low line (% of the valid prices' average)",
    },
  },
);
