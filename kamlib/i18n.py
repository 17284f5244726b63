"""Chinese names of the labels the analyses produce, shared by the figures (kamlib.style) and the
report's tables (kamlib.report); kept free of heavy imports so that the report builds fast."""

#: Names the analyses give to groups of customers, rules and methods: tick labels and legends in
#: figures, and table cells and headers in the Chinese report (exact matches only).
LABELS_ZH = {
    # key-account tiers (kamlib.tiers)
    "Key account": "大客户", "At-risk key account": "流失风险大客户", "Potential key account": "潜力大客户",
    "Develop": "培育客户", "Maintain": "维持客户",
    # RFM segments (kamlib.rfm)
    "Champions": "冠军客户", "Loyal": "忠诚客户", "Big spenders": "高消费客户", "Promising": "有潜力的新客",
    "Potential loyalists": "潜在忠诚客户", "Can't lose them": "不能失去的客户", "At risk": "有流失风险",
    "Hibernating": "休眠客户", "Need attention": "需要关注",
    # lifecycle stages (kamlib.lifecycle) and churn outcomes
    "potential": "潜在", "new": "新客", "growing": "成长", "mature": "成熟", "at-risk": "风险", "churned": "流失",
    "stayed": "留存", "active": "活跃", "lapsed": "沉睡",
    # selection rules, allocations, tiers of the survey and the campaign
    "Monetary (past revenue)": "金额(历史收入)", "Frequency": "频次", "RFM score": "RFM 评分",
    "CLV (BG/NBD x Gamma-Gamma)": "CLV(BG/NBD × Gamma-Gamma)", "Random": "随机", "optimal": "最优", "equal": "平均",
    "revenue-proportional": "按收入比例", "key": "大客户", "regular": "普通客户", "all": "全部",
    "Logistic regression": "逻辑回归",
}
