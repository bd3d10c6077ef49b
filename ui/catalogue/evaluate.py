"""zh/en strings of the Evaluate page: settings, results, tuning, transforms, progress.

Merged into :data:`ui.i18n.CATALOGUE`; keys are ``section.name``, values ``(中文, English)``.
"""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    # --- evaluate page (issue 6) -------------------------------------------------------------
    "evaluate.header": ("离线评估", "Offline evaluation"),
    "evaluate.intro": (
        "在留出数据上用全量物品排序（不做负采样）评估各配置：基线、单个通道、默认融合与在验证集上调优的融"
        "合，同一划分、同一指标，附 95% 自助法置信区间与配对显著性检验。",
        "Every configuration is scored on held-out data by ranking the full catalogue (no sampled "
        "negatives): baselines, single channels, default fusion and fusion tuned on a validation split, "
        "on one split with one set of metrics, with 95% bootstrap intervals and paired tests.",
    ),
    "evaluate.dataset": (
        "数据集：{name}（{users} 个用户，{items} 个物品）",
        "Dataset: {name} ({users} users, {items} items)",
    ),
    "evaluate.bench_settings": ("载入基准设置", "Load the benchmark settings"),
    "evaluate.bench_help": (
        "与 `python -m bench.bench_evaluate` 完全相同的设置，在 MovieLens 上可复现 bench/results 中的表格",
        "Exactly the settings of `python -m bench.bench_evaluate`; on MovieLens this reproduces the "
        "table in bench/results",
    ),
    "evaluate.bench_run_name": ("基准设置", "benchmark settings"),
    "evaluate.bench_run": ("已记录的基准结果（MovieLens）", "Recorded benchmark (MovieLens)"),
    "evaluate.split_section": ("数据划分", "Split"),
    "evaluate.measure_section": ("度量", "Measure"),
    "evaluate.config_section": ("配置与基线", "Configurations and baselines"),
    "evaluate.split": ("划分方式", "Split"),
    "evaluate.split_help": (
        "全局时间切分：按时间点切，模型看不到未来；按用户留最后 N 条；按用户随机比例",
        "Global temporal: one cut-off time, the model never sees the future; per-user leave-last-N; "
        "per-user random ratio",
    ),
    "evaluate.split.random": ("按用户随机比例", "Per-user random ratio"),
    "evaluate.split.leave_last": ("按用户留最后 N 条", "Per-user leave-last-N"),
    "evaluate.split.temporal": ("全局时间切分", "Global temporal"),
    "evaluate.ratio": ("测试比例（随机 / 时间）", "Test share (random / temporal)"),
    "evaluate.n_last": ("每个用户留出条数 N", "Held out per user (N)"),
    "evaluate.threshold": ("相关性阈值（评分 ≥）", "Relevance threshold (rating ≥)"),
    "evaluate.threshold_help": (
        "auto：按数据集的信号决定——显式评分取量表上限的 80%（5 星制为 4），"
        "播放 / 点击等隐式次数则所有留出的物品都算相关；none：所有留出的物品都算相关；也可填一个数",
        "auto: follows the dataset's signal: 80% of the scale's top for explicit ratings (4 on a 5-star scale), every "
        "held-out item for implicit counts, events and durations; none: every held-out item is relevant; or a number",
    ),
    "evaluate.relevance.implicit_all": (
        "相关性（阈值 auto）：数值列是{kind}，所以每个留出的物品都算相关——"
        "隐式反馈没有“喜欢”的分数线，播放、点击本身就是证据。",
        "Relevance (threshold auto): the value column holds {kind}, so every held-out item counts as relevant: "
        "implicit feedback has no “liked” cut-off, the play or click itself is the evidence.",
    ),
    "evaluate.relevance.explicit_threshold": (
        "相关性（阈值 auto）：数值列是 {low}–{high} 的显式评分，评分 ≥ {threshold}（量表上限的 80%）的留出物品才算相关"
        "——低分说明看过但不喜欢。",
        "Relevance (threshold auto): the value column holds explicit ratings on a {low}–{high} scale, so a held-out "
        "item is relevant when rated ≥ {threshold} (80% of the top): a low rating means seen but not liked.",
    ),
    "evaluate.relevance.explicit_flat": (
        "相关性（阈值 auto）：所有评分都相同，分不出喜欢与否，所以每个留出的物品都算相关。",
        "Relevance (threshold auto): every rating is the same, so liking cannot be told apart: every held-out "
        "item counts as relevant.",
    ),
    "evaluate.relevance.override": ("当前阈值填的是 {value}，它替代上面的默认规则。",
                                    "The threshold field says {value}, which replaces this default."),
    "evaluate.seed": ("随机种子", "Seed"),
    "evaluate.k": ("列表长度 k", "List length k"),
    "evaluate.metrics": ("指标", "Metrics"),
    "evaluate.max_users": ("最多评估用户数（0 = 全部）", "Users to evaluate at most (0 = all)"),
    "evaluate.max_users_help": (
        "大数据集上先抽样一部分测试用户，加快评估",
        "Sample test users on large datasets for speed",
    ),
    "evaluate.run_name": ("本次运行名称", "Run name"),
    "evaluate.run_name_hint": ("可选，便于之后比较", "optional, to find it when comparing"),
    "evaluate.baselines": ("基线", "Baselines"),
    "evaluate.channels": ("单独评估的通道", "Channels evaluated alone"),
    "evaluate.channels_help": ("这些通道也会参与权重调优", "These channels are also the ones tuned"),
    "evaluate.fused": ("融合（默认权重）", "Fusion, default weights"),
    "evaluate.fused_help": (
        "用默认权重把所有通道的分数融合成一个排序，与基线和单个通道对比",
        "All channels' scores fused into one ranking with the default weights, compared with the baselines "
        "and the single channels",
    ),
    "evaluate.tune": ("调优融合权重", "Tune fusion weights"),
    "evaluate.tune_help": (
        "用 Optuna 在验证集上自动寻找融合权重；验证集从训练部分切出，调优后的权重只在测试集上评估一次",
        "Optuna searches the fusion weights on a validation split carved out of the training part; the tuned "
        "weights are scored once, on the test split",
    ),
    "evaluate.trials": ("调优试验次数", "Tuning trials"),
    "evaluate.tune_baselines": ("也调优基线", "Tune baselines too"),
    "evaluate.tune_baselines_help": (
        "在同一验证集上调优各基线的超参数，让对比更公平（更慢）",
        "Tune the baselines' hyper-parameters on the same validation split, for a fair comparison (slower)",
    ),
    "evaluate.tune_channels": ("也调优通道参数", "Tune channel settings too"),
    "evaluate.tune_channels_help": (
        "在验证集上调优矩阵分解和物品近邻两个通道的超参数（更慢）",
        "Tune the hyper-parameters of the matrix-factorisation and item-neighbour channels on the validation "
        "split (slower)",
    ),
    "evaluate.typed_help": (
        "写过自由文本标签的用户：把这些标签当作输入的兴趣，比较只用历史与历史+兴趣",
        "Users who wrote free-text tags: use them as typed interests and compare history only with "
        "history + typed",
    ),
    "evaluate.run": ("运行评估", "Run evaluation"),
    "evaluate.done": ("完成，用时 {seconds} 秒", "Done in {seconds} s"),
    "evaluate.bad_settings": ("设置无法使用：{reason}", "These settings cannot be used: {reason}"),
    "evaluate.failed": ("评估失败：{reason}", "Evaluation failed: {reason}"),
    "evaluate.default_run_name": ("{split}，k={k}", "{split}, k={k}"),
    "evaluate.saved": ("已保存为运行 #{id}：{name}", "Saved as run #{id}: {name}"),
    "evaluate.not_saved": (
        "无法写入工作区，本次运行只保留在当前会话：{reason}",
        "The workspace cannot be written; this run is kept for this session only: {reason}",
    ),
    "evaluate.nothing_yet": (
        "选择设置后点击「运行评估」。",
        "Choose the settings and press “Run evaluation”.",
    ),
    "evaluate.results": ("结果（测试集）", "Results (test split)"),
    "evaluate.split_stats": (
        "评估用户 {users} 个（有留出数据 {held} 个；无相关物品跳过 {no_rel} 个，冷启动跳过 {cold} 个）；"
        "相关物品 {relevant} 个；用时 {seconds} 秒。",
        "{users} users evaluated ({held} had held-out data; skipped: {no_rel} without a relevant item, "
        "{cold} cold users); {relevant} relevant items; {seconds} s.",
    ),
    "evaluate.table_note": (
        "每列最好的值已高亮（曝光基尼系数和平均推荐热度越低越好）；置信区间见下方图表和导出文件。",
        "The best value of every column is highlighted (lower is better for the Gini of exposure and "
        "average popularity); intervals are in the chart below and the exports.",
    ),
    "evaluate.dropped": ("未评估 {name}：{reason}", "Not evaluated: {name}: {reason}"),
    "evaluate.group.baseline": ("基线", "Baseline"),
    "evaluate.group.channel": ("单通道", "Single channel"),
    "evaluate.group.fused": ("融合（默认）", "Fusion (default)"),
    "evaluate.group.tuned": ("融合（调优）", "Fusion (tuned)"),
    "evaluate.baseline.most_popular": ("最热门", "Most popular"),
    "evaluate.baseline.item_knn_cf": ("物品 kNN（implicit）", "Item kNN (implicit)"),
    "evaluate.baseline.als": ("ALS 矩阵分解（implicit）", "ALS (implicit)"),
    "evaluate.baseline.bpr": ("BPR 矩阵分解（implicit）", "BPR (implicit)"),
    "evaluate.baseline.mean_vector": ("平均向量余弦（种子文章方法）", "Mean-vector cosine (seed articles)"),
    "evaluate.baseline.ease": ("EASE^R（闭式线性模型）", "EASE^R (closed-form linear model)"),
    "evaluate.baseline.rp3beta": ("RP3beta（随机游走）", "RP3beta (random walk)"),
    "evaluate.metric.precision": ("精确率", "Precision"),
    "evaluate.metric.recall": ("召回率", "Recall"),
    "evaluate.metric.ndcg": ("NDCG", "NDCG"),
    "evaluate.metric.map": ("MAP", "MAP"),
    "evaluate.metric.mrr": ("MRR", "MRR"),
    "evaluate.metric.hit_rate": ("命中率", "Hit rate"),
    "evaluate.metric.coverage": ("目录覆盖率", "Catalogue coverage"),
    "evaluate.metric.gini": ("曝光基尼系数", "Gini of exposure"),
    "evaluate.metric.novelty": ("新颖度", "Novelty"),
    "evaluate.metric.ild": ("列表内多样性", "Intra-list diversity"),
    "evaluate.metric.arp": ("平均推荐热度", "Average popularity"),
    "evaluate.significance": (
        "配对显著性检验（逐用户 NDCG，对比最好的基线 / 单通道）",
        "Paired significance tests (per-user NDCG, against the best baseline / single channel)",
    ),
    "evaluate.sig.candidate": ("配置", "Configuration"),
    "evaluate.sig.reference": ("对照", "Reference"),
    "evaluate.sig.delta": ("均值差", "Δ mean"),
    "evaluate.sig.relative": ("相对提升", "Relative"),
    "evaluate.sig.ci": ("差值 95% 区间", "95% CI of Δ"),
    "evaluate.sig.wilcoxon": ("Wilcoxon p", "Wilcoxon p"),
    "evaluate.sig.ttest": ("配对 t 检验 p", "Paired t-test p"),
    "evaluate.sig.users": ("用户数", "Users"),
    "evaluate.sig_yes": (
        "{candidate} 比 {reference} 高 {rel}，差异显著（Wilcoxon p = {p}）。",
        "{candidate} beats {reference} by {rel}, significantly (Wilcoxon p = {p}).",
    ),
    "evaluate.sig_no": (
        "{candidate} 相对 {reference}：{rel}，差异不显著（Wilcoxon p = {p}）。",
        "{candidate} vs {reference}: {rel}, not significant (Wilcoxon p = {p}).",
    ),
    "evaluate.chart_metric": ("图表指标", "Chart metric"),
    "evaluate.chart_x": ("权衡图横轴", "Trade-off x axis"),
    "evaluate.chart.metric": (
        "各配置的 {metric}（误差线为 95% 置信区间）",
        "{metric} per configuration (bars: 95% CI)",
    ),
    "evaluate.chart.tradeoff": ("准确性与覆盖 / 新颖的权衡", "Accuracy vs coverage / novelty trade-off"),
    "evaluate.chart.sweep": ("{channel} 权重扫描（验证集）", "{channel} weight sweep (validation split)"),
    "evaluate.chart.trials": ("调优过程", "Tuning trials"),
    "evaluate.chart.runs": ("运行对比：{metric}", "Runs compared: {metric}"),
    "evaluate.sweep": ("单通道权重扫描", "Weight sweep for one channel"),
    "evaluate.sweep_help": (
        "其他权重保持调优结果（未调优时为默认），只改变一个通道的权重；在验证集上计算，避免在测试集上挑权"
        "重。",
        "Other weights stay at the tuned (or default) values while one channel's weight moves; computed "
        "on the validation split so the test split is never used to pick weights.",
    ),
    "evaluate.sweep_unavailable": (
        "这次运行没有验证集，无法扫描。",
        "This run has no validation split to sweep on.",
    ),
    "evaluate.sweep_channel": ("通道", "Channel"),
    "evaluate.sweep_run": ("计算扫描", "Compute sweep"),
    "evaluate.sweep_running": ("正在扫描…", "Sweeping…"),
    "evaluate.sweep_weight": ("权重", "Weight"),
    "evaluate.sweep_value": ("验证集指标", "Validation metric"),
    "evaluate.sweep_current": ("当前权重", "current weight"),
    "evaluate.tuning": ("调优详情", "Tuning details"),
    "evaluate.tuning_summary": (
        "{trials} 次试验：验证集 {metric} 从 {base}（默认）提升到 {best}；归一化方式 {norm}。",
        "{trials} trials: validation {metric} {base} (default) → {best}; normalisation {norm}.",
    ),
    "evaluate.guard.adopted": (
        "采用调优权重：在未参与调优的验证折上比默认高 {rel}（Wilcoxon p = {p}，{n} 位用户，{folds} 折）。",
        "Adopted the tuned weights: {rel} over the defaults on validation folds they were not tuned on "
        "(Wilcoxon p = {p}, {n} users, {folds} folds).",
    ),
    "evaluate.guard.in_sample": (
        "采用调优权重：验证集上比默认高 {rel}（p = {p}，{n} 位用户）；只有一折，比较用的是调优所用的用户，结果偏乐观。",
        "Adopted the tuned weights: {rel} on validation (p = {p}, {n} users); with a single fold this "
        "compares on the users tuned on, which flatters the tuned weights.",
    ),
    "evaluate.guard.kept": (
        "保留默认权重：调优权重在未参与调优的验证折上变化 {rel}（Wilcoxon p = {p}，{n} 位用户，{folds} 折），"
        "不显著优于默认。搜索到的权重仅供参考。",
        "Kept the defaults: the tuned weights changed validation {rel} on folds they were not tuned on "
        "(Wilcoxon p = {p}, {n} users, {folds} folds), not a significant gain. The searched weights are "
        "shown for reference only.",
    ),
    "evaluate.guard.identical": (
        "保留默认权重：调优没有改变任何用户的推荐列表。",
        "Kept the defaults: tuning changed no user's list.",
    ),
    "evaluate.guard.tuned_channels": ("调优的通道：{tuned}；固定为默认权重：{fixed}。",
                                      "Channels tuned: {tuned}; kept at their default weight: {fixed}."),
    "evaluate.chart.importance": ("哪些权重重要（fANOVA 参数重要性）", "Which weights matter (fANOVA importance)"),
    "evaluate.importance": ("重要性占比", "Share of importance"),
    "evaluate.importance.normalisation": ("归一化方式", "Normalisation"),
    "evaluate.col.channel": ("通道", "Channel"),
    "evaluate.col.weight": ("调优后的权重", "Tuned weight"),
    "evaluate.col.name": ("名称", "Name"),
    "evaluate.col.default": ("默认（验证集 NDCG）", "Default (validation NDCG)"),
    "evaluate.col.tuned": ("调优后（验证集 NDCG）", "Tuned (validation NDCG)"),
    "evaluate.col.params": ("参数", "Parameters"),
    "evaluate.trial": ("试验", "Trial"),
    "evaluate.trial_value": ("试验结果", "trial"),
    "evaluate.trial_best": ("目前最好", "best so far"),
    "evaluate.baseline_tuning": ("基线超参数调优", "Baseline hyper-parameter tuning"),
    "evaluate.transform.title": ("交互数值的变换（在验证集上选择）", "Interaction transform (chosen on validation)"),
    "evaluate.transform.adopted": (
        "{signal}：在 {n} 个验证用户上，{chosen} 显著优于默认的 {default}（Wilcoxon p = {p}），"
        "矩阵分解通道和 ALS / BPR 基线都使用它。",
        "{signal}: {chosen} beat the default {default} on {n} validation users (Wilcoxon p = {p}); the matrix "
        "factorisation channel and the ALS / BPR baselines all learn from it."),
    "evaluate.transform.kept": (
        "{signal}：在 {n} 个验证用户上没有变换显著优于默认的 {default}（最佳者 p = {p}），因此保留默认。",
        "{signal}: no transform beat the default {default} significantly on {n} validation users (best one's "
        "p = {p}), so the default is kept."),
    "evaluate.transform.only": ("{signal}：只有一种变换 {chosen}。", "{signal}: the only transform is {chosen}."),
    "evaluate.transform.dashboard": ("其他页面（兴趣、地图、调权）的矩阵分解通道使用：{used}。",
                                     "The other pages (Interests, Map, Tuning) rank with the matrix factorisation "
                                     "channel learning from: {used}."),
    "evaluate.transform.apply": ("在其他页面使用 {chosen}", "Use {chosen} on the other pages"),
    "evaluate.transform.reset": ("其他页面恢复默认变换", "Back to the default transform on the other pages"),
    "evaluate.transform.binary": ("二值化", "Binary"),
    "evaluate.transform.linear": ("线性", "Linear"),
    "evaluate.transform.log": ("对数缩放", "Log scaling"),
    "evaluate.transform.bm25": ("BM25 加权", "BM25 weighting"),
    "evaluate.transform.tfidf": ("TF-IDF 加权", "TF-IDF weighting"),
    "evaluate.transform.centred": ("按用户均值中心化", "Centred on the user's mean"),
    "evaluate.transform.threshold": ("阈值化", "Thresholded"),
    "evaluate.transform.param.alpha": ("α", "α"),
    "evaluate.transform.param.eps": ("ε", "ε"),
    "evaluate.transform.param.k1": ("K1", "K1"),
    "evaluate.transform.param.b": ("B", "B"),
    "evaluate.transform.param.threshold": ("阈值", "threshold"),
    "evaluate.col.transform": ("变换", "Transform"),
    "evaluate.col.used": ("本次使用", "Used"),
    "evaluate.param.confidence": ("交互变换", "Interaction transform"),
    "evaluate.channel_tuning": ("通道超参数调优", "Channel hyper-parameter tuning"),
    "evaluate.typed_section": ("输入兴趣带来多少提升", "What typed interests add"),
    "evaluate.typed_no_dataset_tags": (
        "这个数据集没有用户自己写的标签，所以无法衡量输入兴趣（MovieLens 演示数据有）。",
        "This dataset has no tags written by its users, so typed interests cannot be measured here (the "
        "MovieLens demo has them).",
    ),
    "evaluate.typed_no_tags": (
        "这次评估的 {users} 个测试用户都没有在训练数据里写过标签，所以无法衡量输入兴趣。",
        "None of the {users} test users of this run wrote tags in the training data, so typed interests "
        "cannot be measured here.",
    ),
    "evaluate.typed_sampled": (
        "本次只评估了 {max} 个用户：把「最多评估用户数」设为 0 可纳入全部用户。",
        "This run evaluated only {max} users: set “Users to evaluate at most” to 0 to include everyone.",
    ),
    "evaluate.typed_unusable": (
        "{n} 个测试用户写过标签，但其中没有能分解成兴趣的词。",
        "{n} test users wrote tags, but none of them holds words that can be decomposed into interests.",
    ),
    "evaluate.typed_only_zero": (
        "只用输入兴趣（仅语义通道）时，{n} 个用户的留出物品没有一个进入前 {k} 名，所以 NDCG 和召回都是 0："
        "他们写的标签单独不足以找回之后看的物品。",
        "Typed interests alone (semantic channel only) put none of the {n} users' held-out items in their "
        "top {k}, so NDCG and recall are 0: their tags alone do not find what they went on to watch.",
    ),
    "evaluate.typed_small": (
        "只有 {n} 个写过标签的用户，数字波动很大。",
        "Only {n} users with tags: the figures are noisy.",
    ),
    "evaluate.typed_caption": (
        "{n} 个写过标签的测试用户；语义通道权重用配置自带的值，或在验证集用户上选出。",
        "{n} test users who wrote tags; the semantic weight is the configuration's own or chosen on "
        "validation users.",
    ),
    "evaluate.typed_only": (
        "只用输入兴趣（语义通道单独）：NDCG {ndcg}，召回 {recall}。",
        "Typed interests alone (semantic channel only): NDCG {ndcg}, recall {recall}.",
    ),
    "evaluate.export_csv": ("导出 CSV", "Export CSV"),
    "evaluate.export_md": ("导出 Markdown", "Export Markdown"),
    "evaluate.export_json": ("导出 JSON", "Export JSON"),
    "evaluate.runs": ("已保存的运行", "Stored runs"),
    "evaluate.no_runs": ("这个数据集还没有保存的运行。", "No stored runs for this dataset yet."),
    "evaluate.compare": ("选择要比较的运行", "Runs to compare"),
    "evaluate.export_runs": ("导出对比 CSV", "Export the comparison as CSV"),
    "evaluate.exports_help": (
        "导出文件保留程序内部的名称（如 fused_tuned、ndcg@10），便于脚本处理",
        "Exports keep the internal names (such as fused_tuned, ndcg@10) so scripts can read them",
    ),
    # --- evaluate page: names shown for the core's ids (ui/evaluate_labels.py) -----------------------
    "evaluate.config.channel": ("仅{channel}", "{channel} alone"),
    "evaluate.config.fused_default": ("融合（默认权重）", "Fusion, default weights"),
    "evaluate.config.fused_tuned": ("融合（调优权重）", "Fusion, tuned weights"),
    "evaluate.col.configuration": ("配置", "Configuration"),
    "evaluate.col.group": ("类别", "Group"),
    "evaluate.col.run": ("运行", "Run"),
    "evaluate.col.fit_s": ("训练用时（秒）", "Fit time (s)"),
    "evaluate.col.recommend_s": ("推荐用时（秒）", "Recommend time (s)"),
    "evaluate.param.neighbours": ("近邻数", "Neighbours"),
    "evaluate.param.factors": ("隐因子数", "Factors"),
    "evaluate.param.regularization": ("正则化", "Regularisation"),
    "evaluate.param.alpha": ("置信度 α", "Confidence α"),
    "evaluate.param.learning_rate": ("学习率", "Learning rate"),
    "evaluate.param.iterations": ("迭代次数", "Iterations"),
    "evaluate.param.mf_factors": ("隐因子数", "Factors"),
    "evaluate.param.mf_regularization": ("正则化", "Regularisation"),
    "evaluate.param.mf_alpha": ("置信度 α", "Confidence α"),
    "evaluate.param.knn_neighbours": ("近邻数", "Neighbours"),
    "evaluate.param.knn_use_rating": ("使用评分", "Use ratings"),
    "evaluate.param.l2": ("L2 正则 λ", "L2 regularisation λ"),
    "evaluate.param.rp3_alpha": ("转移概率指数 α", "Transition exponent α"),
    "evaluate.param.rp3_beta": ("热度折扣指数 β", "Popularity discount β"),
    "evaluate.yes": ("是", "yes"),
    "evaluate.no": ("否", "no"),
    "evaluate.reason.needs_vectors": ("需要物品向量（没有物品文本或语言模型）",
                                      "it needs item vectors (no item text or no language model)"),
    "evaluate.reason.too_large": (
        "目录太大：{n_items} × {n_items} 的物品矩阵约需 {need_mb} MB 内存，可用上限 {limit_mb} MB、"
        "最多 {max_items} 个物品，已跳过",
        "the catalogue is too large: its {n_items} × {n_items} item matrix needs about {need_mb} MB, "
        "{limit_mb} MB may be used and at most {max_items} items, so it is skipped",
    ),
    "evaluate.chart.legend_hint": ("点击图例可隐藏或显示某个配置；悬停在点上可看数值。",
                                   "Click a legend entry to hide or show a configuration; hover a point for "
                                   "its values."),
    # --- evaluate page: progress of a run (ui/evaluate_progress.py) ------------------------------------
    "evaluate.progress.start": ("正在准备评估…", "Preparing the evaluation…"),
    "evaluate.progress.line": ("{text} · {pct}%", "{text} · {pct}%"),
    "evaluate.progress.step": ("第 {i}/{n} 步：{stage}", "Step {i} of {n}: {stage}"),
    "evaluate.progress.finishing": ("正在汇总结果…", "Putting the results together…"),
    "evaluate.progress.stage.split": ("划分训练集与测试集", "Splitting into training and test data"),
    "evaluate.progress.stage.embed": ("计算物品向量", "Embedding the items"),
    "evaluate.progress.stage.tune_baselines": ("调优基线", "Tuning the baselines"),
    "evaluate.progress.stage.tune_channels": ("调优通道参数", "Tuning the channel settings"),
    "evaluate.progress.stage.tune_fusion": ("在验证集上调优融合权重", "Tuning the fusion weights on validation users"),
    "evaluate.progress.stage.fit": ("在训练数据上训练各通道", "Fitting the channels on the training data"),
    "evaluate.progress.stage.configs": ("评估各配置", "Scoring the configurations"),
    "evaluate.progress.stage.typed": ("评估输入兴趣", "Evaluating typed interests"),
    "evaluate.progress.stage.sweep": ("扫描权重", "Sweeping the weight"),
    "evaluate.progress.stage.done": ("完成", "Done"),
    "evaluate.progress.detail.encoder": ("载入语言模型", "loading the language model"),
    "evaluate.progress.detail.cache": ("读取向量缓存", "reading the vector cache"),
    "evaluate.progress.detail.texts": ("已编码 {i}/{n} 条文本", "{i} of {n} texts encoded"),
    "evaluate.progress.detail.fit_validation": ("在验证数据上训练各通道", "fitting the channels on validation data"),
    "evaluate.progress.detail.fit_channel": ("训练「{channel}」", "fitting “{channel}”"),
    "evaluate.progress.detail.item_neighbours": ("计算物品近邻", "finding item neighbours"),
    "evaluate.progress.detail.learned_epoch": ("学习文本→物品映射：第 {i}/{n} 轮",
                                               "learning the text → items map: epoch {i} of {n}"),
    "evaluate.progress.detail.learned": ("学习文本→物品映射", "learning the text → items map"),
    "evaluate.progress.detail.scored": ("已为 {i}/{n} 个用户打分", "{i} of {n} users scored"),
    "evaluate.progress.detail.trial_best": ("第 {i}/{n} 次试验，目前最好 {metric} {value}",
                                            "trial {i} of {n}, best {metric} so far {value}"),
    "evaluate.progress.detail.trial_of": ("{name}：第 {i}/{n} 次试验", "{name}: trial {i} of {n}"),
    "evaluate.progress.detail.typed_users": ("分解用户写的标签 {i}/{n}", "decomposing users' tags: {i} of {n}"),
    "evaluate.progress.detail.resumed": ("沿用上次中断时的结果", "reusing what the interrupted run finished"),
    "evaluate.progress.detail.resumed_of": ("{name}（沿用上次中断时的结果）",
                                            "{name} (reusing what the interrupted run finished)"),
    "evaluate.progress.detail.config": ("第 {i}/{n} 个配置：{name}", "configuration {i} of {n}: {name}"),
    # --- evaluate page: typed-interest cases tab (issue 15; ui/typed_eval_panel.py) ------------------
    "evaluate.tab.history": ("用户历史", "Users' histories"),
    "evaluate.tab.typed": ("输入的兴趣", "Typed interests"),
}
