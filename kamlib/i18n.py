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

import re

__all__ = ["CONSTRUCTS_ZH", "DATA_COLUMNS", "FIGURE_ZH", "HEADERS_ZH", "HYPOTHESES_ZH",
           "KEY_NUMBERS_ZH", "LABELS_ZH", "NOTE_PATTERNS_ZH", "PATTERNS_ZH", "REPORT_ZH", "SIMULATED_ZH",
           "VALUES_ZH", "codebook_zh", "header_zh", "note_zh", "value_zh"]

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
    "recency": "近度", "monetary_value": "金额", "published": "已发表值", "difference": "差异", "se_difference": "差异标准误",
    "degenerate": "退化参数", "at_bound": "处于边界", "days_covered": "覆盖天数", "partial": "不完整", "value": "数值", "field": "项目", "location": "位置", "subject": "对象", "measure": "指标",
    # cross-selling and recommendation (45_personalisation)
    "antecedents": "前项(已购)", "consequents": "后项(推荐)", "support": "支持度", "confidence": "置信度", "lift": "提升度",
    "leverage": "杠杆值", "conviction": "确信度", "count": "篮数", "antecedent_count": "前项篮数", "consequent_count": "后项篮数",
    "significant": "显著", "baskets": "购物篮数", "item": "条目", "description": "商品描述", "group": "客户组", "rank": "排名",
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
           "reference_tables": "附录 A:参考表格", "other_edition": "English edition",
           "quick": "(快速运行:缩小样本量)"}


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
    "Observed share of positive reviews": "实际正面评论占比", "Reference period (0 by normalisation)": "参照期(标准化为 0)", "simulated survey": "模拟问卷", "survey": "问卷", "trained classifier": "训练的分类器",
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
             "reviews sampled for this run (reviews.sample)": "本次运行抽取的评论(reviews.sample)",
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
    "bgnbd_degenerate": "BG/NBD", "bgnbd_degenerate_value": "退化:无法识别流失,模型退化为 NBD",
    "f001_new_lift": "个性化相对热门推荐的命中率提升(F001 称 +20%)",
    "classifier_accuracy": "评论情感分类的留出准确率",
}

#: The stamp on figures made from simulated data.
SIMULATED_ZH = "模拟数据 (simulated)"


#: More column headers of the Chinese report; with :func:`header_zh`'s rules for suffixes (``_ci_lower``,
#: ``_pvalue``, ``_key`` ...) they cover every table the notebooks write.
HEADERS_ZH.update({
    "account_manager": "客户经理", "active_customers": "活跃客户数", "actual": "实际值", "admissible": "解是否可接受",
    "aic": "AIC", "bic": "BIC", "alpha_if_deleted": "删除该题后的 α", "analysis": "分析", "anova_f": "方差分析 F 值",
    "ari_vs_kmeans": "与 k-means 的 ARI", "artefact": "成果编号", "assumption": "假设条件", "authors": "作者",
    "auto": "自动编码", "auto_themes": "自动编码主题数", "bartlett_chi2": "Bartlett χ²", "bartlett_df": "Bartlett 自由度",
    "base": "基准值", "bootstrap": "自助法", "bootstrap_n": "自助样本数", "both": "两者皆有", "budget": "预算",
    "calibration_repeat_purchases": "校准期重复购买次数", "cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR",
    "change": "变化", "chi2": "χ²", "churn": "流失", "churn_rate": "流失率", "class": "类别", "clusters": "簇数",
    "coef": "系数", "cohort": "同期群", "collaboration": "协作", "communality": "共同度", "comparison": "比较对象",
    "compliance": "合规", "concentration": "集中度", "context": "背景", "conversion": "转化率",
    "corrected_item_total_r": "校正的题项-总分相关", "cross_selling": "交叉销售", "cumulative_capture": "累计捕获率",
    "cumulative_share": "累计占比", "data_driven": "数据驱动", "date": "日期", "decile": "十分位组", "definition": "定义",
    "detractors": "贬损者", "promoters": "推荐者", "difference": "差异", "direct": "直接效应", "indirect": "间接效应",
    "total": "总效应", "direction": "方向", "epsilon_squared": "ε²", "eta_squared": "η²", "example": "示例",
    "example_rows": "示例行号", "expected_purchases": "预期购买次数", "experiments": "实验", "factor": "因子",
    "false_positive_rate": "假阳性率", "fix": "处理办法", "flagged_answers": "被标记的回答数", "groups": "组数",
    "hedges_g": "Hedges g", "high": "高", "low": "低", "actual_cumulative": "实际累计", "holdout_actual": "验证期实际值",
    "holdout_mae": "验证期平均绝对误差", "holdout_predicted": "验证期预测值", "holdout_purchases_share": "验证期购买占比",
    "holdout_revenue_share": "验证期收入占比", "holdout_rmse": "验证期均方根误差", "holdout_total_error_pct": "验证期总误差 (%)",
    "identification": "识别", "inertia": "组内平方和", "information": "信息", "keywords": "关键词",
    "kmo_min_item": "题项 KMO 最小值", "kmo_overall": "总体 KMO", "kpi": "KPI", "kruskal_h": "Kruskal-Wallis H",
    "language": "语言", "lifecycle": "生命周期", "lmg_r2": "LMG R² 分解", "lmg_share": "LMG 占比", "logistics": "物流",
    "loglik": "对数似然", "looks": "查看次数", "loyalty": "忠诚度", "loyalty_programme": "会员与积分计划",
    "manual": "人工编码", "manual_themes": "人工编码主题数", "max": "最大值", "min": "最小值", "mean": "均值",
    "median": "中位数", "std": "标准差", "method_loading": "方法因子载荷", "missing_share": "缺失占比", "month": "月份",
    "multichannel": "多渠道", "needs": "需求", "nominal_alpha": "名义显著性水平", "notebook": "笔记本", "nps": "NPS",
    "observed": "实际值", "observed_rate": "实际比率", "origin": "出处", "orders": "订单数", "outcome": "结果变量",
    "p_alive": "存活概率", "pages": "页数", "parameter": "参数", "parameters": "参数", "personalisation": "个性化",
    "predicted churn": "预测为流失", "predicted stay": "预测为留存", "predictor": "预测变量", "pricing": "定价",
    "prioritisation": "优先级", "promotion": "促销", "published_effect": "已发表的效应", "published_se": "已发表的标准误",
    "range": "全距", "recommendation": "推荐", "relative_lift": "相对提升", "repeat_purchases": "重复购买次数",
    "retain": "保留", "risk": "风险", "rows_dropped": "剔除行数", "amount_dropped": "剔除金额", "rows_flagged": "标记行数", "satisfaction": "满意度",
    "seed_file": "源文件", "segmentation": "细分", "selected": "选中客户数", "service": "服务", "stability_ari": "稳定性 (ARI)",
    "std_coef": "标准化系数", "std_loading": "标准化载荷", "std_loading_clf": "标准化载荷(含共同方法因子)", "survey": "问卷",
    "term": "变量", "test_customers": "测试客户数", "title": "标题", "title_en": "英文标题", "top_customer_share": "头部客户占比",
    "top_decile_capture": "前 10% 捕获率", "top_decile_lift": "前 10% 提升度", "true_difference": "真实差异",
    "true_effect": "真实效应", "true_relative_lift": "真实相对提升", "type": "类型", "unit": "单位", "used_in": "用于",
    "value_share": "价值占比", "variance": "方差", "variance_reduction": "方差缩减", "vif": "VIF", "welch_t": "Welch t",
    "year": "年份", "reference": "参照期", "random_mean": "随机数据均值", "random_q95": "随机数据 95% 分位数", "zh": "名称", "en": "英文名称", "estimator": "估计方法", "avg_order": "平均订单金额",
    "ipt_days": "购买间隔天数", "recency_days": "距上次购买天数", "tenure_days": "客户时长(天)", "predicted": "预测值",
    "per_arm": "每组样本量", "n_per_arm": "每组样本量", "n_control": "对照组样本量", "n_treatment": "实验组样本量",
    "p_control": "对照组转化率", "p_treatment": "实验组转化率", "odds_ratio": "优势比", "or": "优势比", "purchases": "购买",
    "revenue_ci_lower": "收入占比下限", "revenue_ci_upper": "收入占比上限", "purchases_ci_lower": "购买占比下限",
    "purchases_ci_upper": "购买占比上限", "orders_share": "订单占比", "clv_share": "CLV 占比", "gap_se": "间隙统计量标准误",
    "kruskal_pvalue": "Kruskal-Wallis p 值", "anova_pvalue": "方差分析 p 值", "bartlett_pvalue": "Bartlett p 值",
    "estimate_key": "估计值(大客户)", "estimate_regular": "估计值(普通客户)", "keywords_zh": "关键词",
    "keywords_en": "英文关键词", "source_ids": "来源编号", "Expectation": "顾客期望", "Image": "企业形象",
    "Quality": "感知质量", "Value": "感知价值", "Satisfaction": "顾客满意度", "Complaints": "顾客抱怨", "Loyalty": "顾客忠诚",
})

_SUFFIXES = (("_ci_lower", "{} 置信区间下限"), ("_ci_upper", "{} 置信区间上限"), ("_lower", "{}下限"), ("_upper", "{}上限"),
             ("_pvalue", "{} 的 p 值"), ("_se", "{} 标准误"), ("_key", "{}(大客户)"), ("_regular", "{}(普通客户)"),
             ("_control", "{}(对照组)"), ("_treatment", "{}(实验组)"), ("_share", "{}占比"))
_PREFIXES = (("mean_", "平均{}"), ("holdout_", "验证期{}"), ("true_", "真实{}"))


def header_zh(name: str) -> str | None:
    """The Chinese header of a report column: from the glossary, else by its suffix or prefix (``X_ci_lower``,
    ``mean_X``) with ``X`` from the glossary; None when there is none (an abbreviation stays as it is).

    Parameters
    ----------
    name : str
        The column name as the notebook wrote it.

    Returns
    -------
    str or None

    Examples
    --------
    >>> header_zh("revenue_share"), header_zh("relative_lift_ci_upper"), header_zh("mean_recency_days")
    ('收入占比', '相对提升 置信区间上限', '平均距上次购买天数')
    """
    name = str(name)
    if name in HEADERS_ZH:
        return HEADERS_ZH[name]
    if name in VALUES_ZH:  # holds LABELS_ZH
        return VALUES_ZH[name]
    for suffix, fmt in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = header_zh(name[: -len(suffix)])
            if base:
                return fmt.format(base)
    for prefix, fmt in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            base = header_zh(name[len(prefix):])
            if base:
                return fmt.format(base)
    return None


#: ECSI constructs (the real surveys) and the short codes of the simulated instrument stay as codes.
CONSTRUCTS_ZH = {"Expectation": "顾客期望", "Image": "企业形象", "Quality": "感知质量", "Value": "感知价值",
                 "Satisfaction": "顾客满意度", "Complaints": "顾客抱怨", "Loyalty": "顾客忠诚"}

#: More table cells: stages, model and method names, validation rules and fixes, measures, facts.
VALUES_ZH.update({
    **CONSTRUCTS_ZH,
    # framework stages and literature
    "literature": "文献", "identify": "识别", "understand": "理解", "segment": "细分", "act": "行动", "evaluate": "评估",
    "slides": "幻灯片", "report": "报告", "paper": "论文",
    "personalised vs regular recommendation": "个性化推荐对比常规推荐",
    "618 festival vs the same period a year earlier": "618 购物节对比上年同期",
    "JD during its 618 shopping festival, cited as a case": "京东 618 购物节期间(作为案例引用)",
    "platform data attributed to Alibaba, cited as a case": "归于阿里巴巴的平台数据(作为案例引用)",
    "at least": "至少", "more than": "超过", "percent": "百分比", "personalised recommendation": "个性化推荐",
    "coupons and promotions": "优惠券与促销", "sales": "销售额", "click-through rate": "点击率",
    "strategy.relative_lift (40_strategy campaign simulator default)": "strategy.relative_lift(40_strategy 活动模拟器的默认值)",
    # provenance fields
    "data": "数据", "citation": "引用", "licence": "许可", "file": "文件", "sha256": "SHA-256",
    # transaction validation (kamlib.transactions) and survey cleaning (kamlib.survey_data)
    "missing customer id": "缺少客户编号", "fill the customer id or remove the row": "补全客户编号或删除该行",
    "unparseable date": "无法解析的日期", "set transactions.date_format (e.g. '%Y-%m-%d')": "设置 transactions.date_format(如 '%Y-%m-%d')",
    "future date": "未来日期", "correct the date or set transactions.as_of": "更正日期或设置 transactions.as_of",
    "codes listed in transactions.exclude_products": "transactions.exclude_products 中列出的代码",
    "non-numeric amount": "金额不是数字", "remove text from the amount column": "删除金额列中的文字",
    "non-numeric quantity or unit price": "数量或单价不是数字", "remove text from those columns": "删除这些列中的文字",
    "zero amount dropped": "金额为零(已剔除)", "zero amount kept": "金额为零(已保留)",
    "set transactions.zero_amounts: keep to count them": "设置 transactions.zero_amounts: keep 以计入",
    "set transactions.zero_amounts: drop to remove them": "设置 transactions.zero_amounts: drop 以剔除",
    "negative amount (return/cancellation) dropped": "负金额(退货或取消,已剔除)",
    "negative amount (return/cancellation) netted": "负金额(退货或取消,已与购买冲抵)",
    "set transactions.negative_amounts: net to net returns against purchases": "设置 transactions.negative_amounts: net 以将退货与购买冲抵",
    "kept; netted against the customer's purchases (a refund-only day is not a purchase)": "保留;与该客户的购买冲抵(只有退款的日子不算购买)",
    "negative; dropped or netted as transactions.negative_amounts says": "负值;按 transactions.negative_amounts 剔除或冲抵",
    "exact duplicate dropped": "完全重复的行(已剔除)", "exact duplicate kept (no order id)": "完全重复的行(已保留,无订单号)",
    "same mapped values, other columns differ: kept": "映射列相同但其他列不同的行(已保留)",
    "exact repeats of an earlier row": "与前面某行完全相同",
    "identical in every column of the file to an earlier line": "与前面某行在文件的每一列上都相同",
    "identical in every mapped column to an earlier line": "与前面某行在每个映射列上都相同",
    "identical in every column of the file to an earlier line; map transactions.columns.order_id or set "
    "transactions.duplicates: drop": "与前面某行在文件的每一列上都相同;映射 transactions.columns.order_id 或设置 "
                                     "transactions.duplicates: drop",
    "identical in every mapped column to an earlier line; map transactions.columns.order_id or set "
    "transactions.duplicates: drop": "与前面某行在每个映射列上都相同;映射 transactions.columns.order_id 或设置 "
                                     "transactions.duplicates: drop",
    "separate lines (e.g. two entries of one product in one order); set transactions.duplicates: drop only if the "
    "file repeats lines": "作为不同的行保留(例如同一订单中同一商品录入两次);仅当文件重复了整行时才设置 transactions.duplicates: drop",
    "the log has no amounts to net them against": "日志没有金额可与之冲抵",
    "map transactions.columns.order_id or set transactions.duplicates: drop": "映射 transactions.columns.order_id 或设置 transactions.duplicates: drop",
    "transactions.sample_share (quick runs)": "transactions.sample_share(快速运行)",
    "out-of-range or unmapped answers set to missing": "超出量表或无法映射的回答(设为缺失)",
    "failed attention check": "未通过注意力检测题", "straight-lining": "直线作答(所有题目同一选项)",
    # data overview and the recommendation split
    "transaction lines": "交易行数", "customers": "客户数", "customer-days (orders)": "客户-天数(订单)",
    "first date": "首日", "last date": "末日", "revenue": "收入", "mean order value": "平均订单金额",
    "mean revenue per customer": "每位客户平均收入", "median revenue per customer": "每位客户收入中位数",
    "share of one-time buyers": "只购买一次的客户占比", "cutoff": "切分日期", "customers in training": "训练期客户数",
    "products in training": "训练期商品数", "new customers after the cutoff": "切分日期后的新客户",
    "new products after the cutoff": "切分日期后的新商品", "share of test purchases of new products": "测试期购买中新商品的占比",
    # models, methods, estimators
    "Gamma-Gamma": "Gamma-Gamma", "CFA (measurement)": "CFA(测量模型)", "SEM (structural)": "SEM(结构模型)",
    "change": "变化", "constructs": "构念模型", "constructs + common latent factor": "构念模型 + 共同潜因子",
    "configural": "形态等值", "metric": "度量等值(载荷相等)", "scalar": "标量等值(截距相等)",
    "k-means": "k-means 聚类", "Gaussian mixture (full covariance)": "高斯混合模型(完全协方差)",
    "Ward hierarchical (sample)": "Ward 层次聚类(抽样)", "CUPED (pre-period covariate)": "CUPED(前期协变量)",
    "difference in means": "均值差", "2x2 with cluster SEs": "2×2 双重差分(聚类稳健标准误)",
    "two-way fixed effects": "双向固定效应", "Fewest expected purchases, BG/NBD": "预期购买最少,BG/NBD",
    "Wooldridge Ex. 13.3 (kielmc): incinerator and house prices": "Wooldridge 例 13.3(kielmc):垃圾焚烧厂与房价",
    "Wooldridge Ex. 13.4 (injury, Kentucky): benefit cap and weeks out": "Wooldridge 例 13.4(injury,肯塔基州):工伤补助上限与休工周数",
    "const": "常数项", "CLV level": "CLV 水平", "budget": "预算", "cost per customer": "每位客户成本",
    # criteria and fit indices
    "alpha": "Cronbach α", "ave": "AVE", "htmt": "HTMT", "rho_a": "ρA", "rho_c": "ρc", "vif": "VIF",
    "cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR", "chi2/df": "χ²/df", "beta": "β",
    # RFM variables and segment names (kamlib.segments.name_segments)
    "frequency": "频次", "recency": "近度", "monetary_value": "金额", "T": "客户时长 T",
    "Champions": "冠军客户", "Loyal regulars": "忠诚常客", "Big spenders": "高消费客户", "New or occasional": "新客或偶购客户",
    "Fading regulars": "渐趋流失的常客", "Lapsed one-timers": "流失的一次性客户", "high value": "高价值", "low value": "低价值",
})

#: Generated cells with numbers or names in them: (pattern, Chinese template); groups are translated in turn.
PATTERNS_ZH = (
    (r"lines without a row in the (\w+) table \(key (\w+)\)", "在 {0} 表中没有对应行的明细(键 {1})"),
    (r"add the missing (\w+) values to that table", "把缺少的 {0} 值补进该表"),
    (r"cancellation \(order id starts with '([^']*)'\) dropped", "取消订单(订单号以 '{0}' 开头,已剔除)"),
    (r"simulated answers \(n = (\d+)\)", "模拟回答(n = {0})"),
    (r"real answers: ECSI (\w+) survey, n = (\d+)", "真实回答:ECSI {0} 问卷,n = {1}"),
    (r"SEM path (\S+) -> (\S+)", "SEM 路径 {0} → {1}"),
    (r"PLS-SEM path (\w+) -> (\w+), BCa bootstrap \(n=(\d+)\)", "PLS-SEM 路径 {0} → {1},BCa 自助法(n = {2})"),
    (r"PLS-SEM total \(mediated\) effect (\w+) -> (\w+), BCa bootstrap \(n=(\d+)\)",
     "PLS-SEM 总效应(含中介){0} → {1},BCa 自助法(n = {2})"),
    (r"bootstrap indirect effect \(n=(\d+)\)", "自助法间接效应(n = {0})"),
    (r"interaction (\w+):key \(OLS, HC3\)", "交互项 {0}×大客户(OLS,HC3 稳健标准误)"),
    (r"multi-group SEM: path (\S+) -> (\S+), (\S+) minus (\S+) \(z test\)",
     "多组 SEM:路径 {0} → {1},{2}减{3}(z 检验)"),  # the groups through the glossary: key, regular
    (r"(\w+) -> (\w+)", "{0} → {1}"),
    (r"(\w+) / (\w+)", "{0} / {1}"),
    (r"uplift: (.+)", "提升:{0}"),
    (r"effect in tier=(\w+)", "层级 {0} 中的效应"),
    (r"effect in lifecycle=(\w+)", "生命周期阶段 {0} 中的效应"),
    (r"effect in segment=(\w+)", "细分群 {0} 中的效应"),
    (r"(.+): ([\d.]+) acceptable", "{0}:{1} 可接受"),
    (r"difference (\w+) vs (\w+)", "{0} 与 {1} 之差"),
    (r"1 - P\(alive\), (.+)", "1 - 存活概率,{0}"),
    (r"(.+), high value", "{0}(高价值)"),
    (r"(.+), low value", "{0}(低价值)"),
    (r"(.+) \(document-sharing site\)", "{0}(文档分享网站)"),
    (r"total: (\d+) rows kept of (\d+) read", "合计:读取 {1} 行,保留 {0} 行"),
    (r"customer sample \((\d+%) of customers\)", "客户抽样(客户的 {0})"),
    (r"cancellation \(order id starts with '(.+)'\)", "取消订单(订单号以 '{0}' 开头)"),
    (r"not a product \((.+)\)", "非商品代码({0})"),
    (r"all rules \(of (\d+) respondents\)", "全部规则(共 {0} 名受访者)"),
    (r"speeder \(under (\d+) seconds\)", "作答过快(少于 {0} 秒)"),
    (r"more than (\d+%) of items missing", "缺失题项超过 {0}"),
)
_PATTERNS = tuple((re.compile(p), t) for p, t in PATTERNS_ZH)


def value_zh(text: str, extra: dict | None = None) -> str | None:
    """The Chinese of a report cell that is a word or a generated phrase (None when the glossary has none): an
    exact entry of :data:`VALUES_ZH` (or ``extra``, e.g. the codebook's theme labels), else a pattern of
    :data:`PATTERNS_ZH` with its parts translated in turn (a part without a translation stays as it is: a
    code, a name).

    Parameters
    ----------
    text : str
        The cell.
    extra : dict, optional
        More exact entries (English to Chinese).

    Returns
    -------
    str or None

    Examples
    --------
    >>> value_zh("SEM path SQ -> SAT"), value_zh("Image / Quality"), value_zh("uplift: Key account")
    ('SEM 路径 SQ → SAT', '企业形象 / 感知质量', '提升:大客户')
    """
    extra = extra or {}
    if text in extra:
        return extra[text]
    if text in VALUES_ZH:
        return VALUES_ZH[text]
    for pattern, template in _PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            return template.format(*(value_zh(g, extra) or g for g in m.groups()))
    return None


#: Columns whose cells are data, not words: names, codes, ids, citations and file names stay as they are in the
#: Chinese report (not translated; the vocabulary test skips them). Columns that mix data and generated words
#: (``term``, ``source``) are translated where the glossary knows a cell.
DATA_COLUMNS = frozenset({
    "description", "item", "antecedents", "consequents", "because_of", "phrase", "seed_file", "file",
    "citation", "authors", "location", "artefact", "notebook", "indicator", "customer_id",
    "value", "example_rows", "id", "source_ids", "keywords_en", "title_en", "sha256", "date", "month", "cohort",
    "used_in", "parameter",
})


def codebook_zh() -> dict:
    """Theme ids and English theme labels of the literature codebook, to their Chinese labels
    (``data/literature/codebook.yaml``; read once).

    Returns
    -------
    dict
        ``{"rfm": "RFM分析", "RFM analysis": "RFM分析", ...}``.
    """
    global _CODEBOOK
    if _CODEBOOK is None:
        import yaml

        from .config import DATA

        path = DATA / "literature" / "codebook.yaml"
        themes = yaml.safe_load(path.read_text(encoding="utf-8")).get("themes", {}) if path.exists() else {}
        _CODEBOOK = {**{k: t["zh"] for k, t in themes.items()}, **{t["en"]: t["zh"] for t in themes.values()}}
    return _CODEBOOK


_CODEBOOK = None


#: Sentences of the notes notebooks make about a run (degenerate models, partial months, fallbacks): (pattern,
#: Chinese template). A note is translated sentence by sentence; one the glossary lacks is shown in English.
NOTE_PATTERNS_ZH = tuple((re.compile(p), t) for p, t in (
    (r"(\d{4}-\d{2}) is a partial month: the log covers (\d+) of its (\d+) days, so its totals are not comparable "
     r"with full months \(drawn hollow\)\.", "{0} 是不完整月份:记录只覆盖其 {2} 天中的 {1} 天,因此其合计不能与完整月份比较(图中以空心表示)。"),
    (r"(\S+): the dropout parameters are at a bound \(([^)]+)\): no dropout can be identified in this "
     r"window, so the model reduces to the NBD and its P\(alive\) is about 1 for everyone and carries no information; "
     r"use a longer calibration period or judge risk by recency\.",
     "{0}:流失参数处于边界({1}):在该时间窗口内无法识别流失,模型退化为 NBD,其存活概率对每位客户都约为 1,"
     "不含信息;请使用更长的校准期,或按近度判断风险。"),
    (r"(\S+): (.+) at a bound of the parameter space; the estimates are not identified in this window "
     r"\(standard errors omitted\); try a longer calibration period or a penalizer\.",
     "{0}:{1} 处于参数空间的边界;在该时间窗口内估计不可识别(不报告标准误);请使用更长的校准期或加入惩罚项。"),
    (r"The at-risk and churned stages therefore use the days since the last purchase \(more than (\d+) and (\d+) days\)\.",
     "因此风险与流失阶段改用距上次购买的天数(分别超过 {0} 天和 {1} 天)。"),
    (r"On (\S+) the (\S+) P\(alive\) is at least ([\d.]+) for every customer, so no customer would be at risk by "
     r"P\(alive\) < ([\d.]+); the model sees little dropout\.",
     "在 {0},{1} 的存活概率对每位客户都至少为 {2},按存活概率 < {3} 没有客户处于风险中;模型几乎看不到流失。"),
    (r"Its 1 - P\(alive\) score below ranks customers only by differences far below the printed precision; judge it "
     r"by its AUC against the logistic regression, not as probabilities\.",
     "下文其 1 - 存活概率评分对客户的排序只依赖远小于显示精度的差异;请以它与逻辑回归相比的 AUC 来评判,而不要当作概率解读。"),
    (r"No customer falls in the tiers? (.+); check the tier thresholds \(tiers\.\* in a study\) against the data\.",
     "没有客户属于层级 {0};请对照数据检查层级阈值(研究文件中的 tiers.*)。"),
    (r"Key-account risk is judged by recency, not P\(alive\): a top customer is at risk after (\d+) days without a "
     r"purchase \(tiers\.max_inactive_days\), because the purchase model cannot identify dropout \(its parameters "
     r"are at a bound\)\.",
     "大客户的风险按近度而非存活概率判断:头部客户在 {0} 天未购买后视为有风险(tiers.max_inactive_days),"
     "因为购买模型无法识别流失(其参数处于边界)。"),
    (r"Key-account risk is judged by recency, not P\(alive\): a top customer is at risk after (\d+) days without a "
     r"purchase \(tiers\.max_inactive_days\), because its P\(alive\) is at least ([\d.]+) for every customer, so no "
     r"one would be at risk by it\.",
     "大客户的风险按近度而非存活概率判断:头部客户在 {0} 天未购买后视为有风险(tiers.max_inactive_days),"
     "因为其存活概率对每位客户都至少为 {1},按它没有客户会处于风险中。"),
    (r"The trained classifier does not beat the simpler baselines on the held-out reviews; more labelled reviews are "
     r"needed before its scores are used\.", "训练的分类器在留出评论上没有超过更简单的基准方法;在使用其评分之前需要更多有标签的评论。"),
    (r"No review mentions a term of the aspect lexicon; add your domain's terms to reviews\.aspects\.",
     "没有评论提到方面词典中的词语;请把您所在领域的词语加入 reviews.aspects。"),
    (r"The log has no product descriptions \(transactions\.columns\.description\), so the content-based and hybrid "
     r"methods are left out\.", "交易记录没有商品描述(transactions.columns.description),因此未使用基于内容的方法与混合方法。"),
    (r"No P\(alive\) histogram: the BG/NBD model fitted up to (\S+) cannot identify dropout \(its parameters are at a "
     r"bound\), so P\(alive\) carries no information about who is about to leave; judge risk by recency\.",
     "不绘制存活概率直方图:截至 {0} 拟合的 BG/NBD 模型无法识别流失(参数处于边界),存活概率不含谁将流失的信息;请按近度判断风险。"),
    (r"No P\(alive\) histogram: the BG/NBD model fitted up to (\S+) gives every customer nearly the same P\(alive\) "
     r"\(range ([^)]+)\), so P\(alive\) carries no information about who is about to leave; judge risk by recency\.",
     "不绘制存活概率直方图:截至 {0} 拟合的 BG/NBD 模型给每位客户几乎相同的存活概率(范围 {1}),存活概率不含谁将流失的信息;"
     "请按近度判断风险。"),
    (r"(\d+) month\(s\) without any purchase \(([^)]+)\) are shown as zeros; check whether the export is complete "
     r"for them\.", "{0} 个月没有任何购买({1}),以零显示;请检查导出数据在这些月份是否完整。"),
    (r"The (.+?) needs? amounts, and the log has customers and dates only; map transactions\.columns\.amount \(or "
     r"quantity and unit_price\)(?: to run them)?\.",
     "「{0}」需要金额,而日志只有客户与日期;请映射 transactions.columns.amount(或 quantity 与 unit_price)。"),
))


def note_zh(note: str) -> str | None:
    """A run's note in Chinese, sentence by sentence (:data:`NOTE_PATTERNS_ZH`); None when a sentence has no
    translation (the report then shows the English note, marked as such).

    Parameters
    ----------
    note : str
        A note as :meth:`kamlib.workbench.artefacts.Artefacts.note` recorded it.

    Returns
    -------
    str or None

    Examples
    --------
    >>> note_zh("No customer falls in the tier Develop; check the tier thresholds (tiers.* in a study) against the data.")
    '没有客户属于层级 培育客户;请对照数据检查层级阈值(研究文件中的 tiers.*)。'
    """
    out = []
    for sentence in re.split(r"(?<=[.)])\s+(?=[A-Z])", note.strip()):
        dated = re.fullmatch(r"On (\S+): (.+)", sentence, flags=re.S)  # a note about one date of several
        prefix, sentence = (f"在 {dated.group(1)}:", dated.group(2)) if dated else ("", sentence)
        for pattern, template in NOTE_PATTERNS_ZH:
            m = pattern.fullmatch(sentence)
            if m:
                out.append(prefix + template.format(*(VALUES_ZH.get(g, g) for g in m.groups())))
                break
        else:
            return None
    return "".join(out)
