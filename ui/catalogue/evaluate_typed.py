"""zh/en strings of the Evaluate page's typed-interest study and cases files (merged into :data:`ui.i18n.CATALOGUE`)."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "evaluate.typed": ("评估输入兴趣", "Evaluate typed interests"),
    "evaluate.typed.ndcg_history": ("NDCG（只用历史）", "NDCG (history only)"),
    "evaluate.typed.ndcg_typed": ("NDCG（+兴趣，自带权重）", "NDCG (+ typed, own weight)"),
    "evaluate.typed.ndcg_tuned": ("NDCG（+兴趣，验证集选权重）", "NDCG (+ typed, chosen weight)"),
    "evaluate.typed.weight": ("选出的兴趣通道权重（语义、整句）",
                              "Chosen weight of the interest channels (semantic, whole text)"),
    "evaluate.typed.off": ("不用（只用历史）", "off (history only)"),
    "evaluate.typed.recall_history": ("召回（只用历史）", "Recall (history only)"),
    "evaluate.typed.recall_tuned": ("召回（+兴趣，选权重）", "Recall (+ typed, chosen weight)"),
    "evaluate.typed.p": ("Wilcoxon p", "Wilcoxon p"),
    "evaluate.cases.intro": (
        "上传一份用例文件：每条是一个人写下的文字和之后推荐给他的物品（目标）。每条文字按冷启动用户分解成兴趣"
        "标签，在全部物品上排序；融合排序、每种标签单独使用（消融）和几条基线在同一次运行中、同样的用例上比较，"
        "与命令 `python -m core evaluate-interests` 相同。文字中提到的物品不计入任何列表。",
        "Upload a cases file: each case is what a person wrote and the items they were then recommended "
        "(the targets). Each text is decomposed into interest tags for a cold user and ranked over the whole "
        "catalogue; the fused ranking, each tag kind alone (ablation) and the baselines are compared in one "
        "run on the same cases, exactly as `python -m core evaluate-interests` does. Items the text names "
        "are left out of every list.",
    ),
    "evaluate.cases.file": ("用例文件（JSON）", "Cases file (JSON)"),
    "evaluate.cases.file_help": (
        "JSON 列表，每条形如 {\"text\": 文字, \"targets\": [物品 ID 或标题], \"mentioned\": [...]（可选）, "
        "\"id\"（可选）, \"split\"（可选，如 dev / test）}；标题会用与兴趣识别相同的标题匹配解析。",
        "A JSON list of {\"text\": what was written, \"targets\": [item ids or titles], \"mentioned\": [...] "
        "(optional), \"id\" (optional), \"split\" (optional, e.g. dev / test)}; titles are resolved with the "
        "same title matcher that recognises them in typed text.",
    ),
    "evaluate.cases.template": ("下载模板", "Download a template"),
    "evaluate.cases.template_help": (
        "用当前数据集里真实的物品 ID 和标题写成的小示例文件，可直接上传试用",
        "A small example built from real item ids and titles of the current dataset; upload it as is to "
        "try the tab",
    ),
    "evaluate.cases.template.like": ("想找和《{title}》类似的", "Something like {title}"),
    "evaluate.cases.template.two": (
        "我喜欢《{first}》和《{second}》，还有什么值得看？",
        "I loved {first} and {second}; what else would I like?",
    ),
    "evaluate.cases.template.category": ("最近想看{category}类的", "In the mood for some {category}"),
    "evaluate.cases.need_file": (
        "上传用例文件，或先下载模板看看格式。",
        "Upload a cases file, or download the template to see the format.",
    ),
    "evaluate.cases.bad_file": ("用例文件无法使用：{reason}", "The cases file cannot be used: {reason}"),
    "evaluate.cases.loaded": (
        "{n} 条用例（{splits}）；{titles} 个条目按标题解析到物品。",
        "{n} cases ({splits}); {titles} entries resolved as titles.",
    ),
    "evaluate.cases.no_split": ("未标注子集", "no split"),
    "evaluate.cases.unresolved": (
        "{n} 个条目没有对应到数据集中的物品（目标 {targets} 个，提到的 {mentioned} 个），评估时不计入：",
        "{n} entries name no item of the dataset (targets {targets}, mentioned {mentioned}) and are left "
        "out of the evaluation:",
    ),
    "evaluate.cases.all_resolved": ("所有条目都对应到了物品。", "Every entry names an item of the dataset."),
    "evaluate.cases.col.case": ("用例序号", "Case #"),
    "evaluate.cases.col.id": ("用例 ID", "Case id"),
    "evaluate.cases.col.field": ("字段", "Field"),
    "evaluate.cases.col.value": ("条目", "Entry"),
    "evaluate.cases.field.targets": ("目标", "targets"),
    "evaluate.cases.field.mentioned": ("提到的", "mentioned"),
    "evaluate.cases.export_unresolved": ("下载未解析条目 CSV", "Download the unresolved entries (CSV)"),
    "evaluate.cases.split": ("用例子集", "Cases"),
    "evaluate.cases.split_help": (
        "只评估文件中 split 为该值的用例；调权重请用 dev，报告请用 test",
        "Evaluate only the cases whose split is this value; tune on dev, report on test",
    ),
    "evaluate.cases.all": ("全部", "all"),
    "evaluate.cases.split_option": ("{split}（{n} 条）", "{split} ({n} cases)"),
    "evaluate.cases.k": ("列表长度 k", "List lengths k"),
    "evaluate.cases.k_help": (
        "每个 k 计算 Recall@k 与 NDCG@k；MRR 在最大的 k 以内计算",
        "Recall@k and NDCG@k for each k; MRR within the largest k",
    ),
    "evaluate.cases.need_k": ("至少选择一个列表长度 k。", "Choose at least one list length k."),
    "evaluate.cases.run": ("评估输入的兴趣", "Evaluate typed interests"),
    "evaluate.cases.weights": (
        "融合排序使用“权重调优”页当前的融合设置：{weights}",
        "The fused ranking uses the Tuning page's current fusion settings: {weights}",
    ),
    "evaluate.cases.stage.start": ("正在评估输入的兴趣…", "Evaluating typed interests…"),
    "evaluate.cases.stage.decompose": ("正在分解用例文字 {i}/{n}", "Decomposing case texts {i}/{n}"),
    "evaluate.cases.stage.rank": ("正在排序用例 {i}/{n}", "Ranking case {i}/{n}"),
    "evaluate.cases.stage.done": ("评估完成", "Evaluation done"),
    "evaluate.cases.results": ("结果：{n} 条用例（{split}）", "Results: {n} cases ({split})"),
    "evaluate.cases.source": ("用例文件 {source}，用时 {seconds} 秒。", "Cases file {source}; {seconds} s."),
    "evaluate.cases.counts": (
        "评估用例 {cases} 条，跳过 {skipped} 条（目标都是文字中提到的物品）；每条平均提到 {named} 个物品"
        "（文字中识别出 {recognised} 个）；因被提到而移出目标的有 {removed} 个。",
        "{cases} cases evaluated, {skipped} skipped (every target was named in the text); {named} named "
        "items per case ({recognised} recognised in the text); {removed} targets removed because they were "
        "named.",
    ),
    "evaluate.cases.kinds": ("含各类标签的用例数：{counts}", "Cases with tags of each kind: {counts}"),
    "evaluate.cases.undecomposed": (
        "{n} 条用例的文字无法分解成兴趣，兴趣方法在这些用例上记为未命中。",
        "{n} case texts could not be decomposed; the typed methods count them as misses.",
    ),
    "evaluate.cases.unresolved_run": (
        "这次评估的用例中有 {n} 个条目没有对应到物品",
        "{n} entries of the evaluated cases name no item",
    ),
    "evaluate.cases.table_note": (
        "均值旁是 95% 自助法置信区间（按用例重采样）；文字中提到的物品不计入任何列表；MRR 在前 {k} 名内计算。",
        "Next to each mean its 95% bootstrap interval (cases resampled); items named in the text are left "
        "out of every list; MRR within the top {k}.",
    ),
    "evaluate.cases.col.method": ("方法", "Method"),
    "evaluate.cases.col.group": ("类别", "Group"),
    "evaluate.cases.col.ranked": ("有结果的用例", "Cases ranked"),
    "evaluate.cases.col.ci": ("{metric} 95% 区间", "{metric} 95% CI"),
    "evaluate.cases.col.metric": ("指标", "Metric"),
    "evaluate.cases.col.candidate_mean": ("融合均值", "Fused mean"),
    "evaluate.cases.col.reference_mean": ("基线均值", "Baseline mean"),
    "evaluate.cases.col.cases": ("用例数", "Cases"),
    "evaluate.cases.group.fused": ("融合", "fused"),
    "evaluate.cases.group.ablation": ("消融（单一标签类型）", "ablation (one tag kind)"),
    "evaluate.cases.group.baseline": ("基线", "baseline"),
    "evaluate.cases.method.fused": ("融合排序（分解后的兴趣）", "Fused (decomposed interests)"),
    "evaluate.cases.method.only": ("只用{kind}标签", "{kind} tags only"),
    "evaluate.cases.kind.item": ("物品", "Item"),
    "evaluate.cases.kind.attribute": ("属性", "Attribute"),
    "evaluate.cases.kind.text": ("自由文本", "Free-text"),
    "evaluate.cases.kind.gist": ("整体大意", "Gist"),
    "evaluate.cases.method.most_popular": ("最热门", "Most popular"),
    "evaluate.cases.method.whole_text": ("整段文字作为一个查询", "Whole text as one query"),
    "evaluate.cases.method.item_knn": ("从提到的物品出发的物品近邻", "Item-kNN from the named items"),
    "evaluate.cases.method.seed_recipe": ("种子方法（平均标签向量）", "Seed recipe (mean tag vector)"),
    "evaluate.cases.chart": (
        "各方法的召回率（误差线为 95% 置信区间）",
        "Recall per method (error bars: 95% CI)",
    ),
    "evaluate.cases.comparisons": (
        "与最好的基线配对比较（逐用例）",
        "Paired comparisons against the best baseline (per case)",
    ),
    "evaluate.cases.export_json": ("下载报告 JSON", "Download the report (JSON)"),
    "evaluate.cases.export_md": ("下载报告 Markdown", "Download the report (Markdown)"),
}
