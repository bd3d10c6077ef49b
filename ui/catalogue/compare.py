"""zh/en strings of the Evaluate page's comparison of two configurations and the per-user inspector.

Merged into :data:`ui.i18n.CATALOGUE`; keys are ``section.name``, values ``(中文, English)``.
"""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "compare.header": ("比较两个配置", "Compare two configurations"),
    "compare.intro": (
        "在同一划分、同一批测试用户上比较 A 与 B：指标差值（B − A）及 95% 自助法区间和配对 Wilcoxon 检验、"
        "每个用户的胜 / 平 / 负、两份列表的重合度（Jaccard@k 与秩偏重叠 RBO），以及提升和下降最多的用户。"
        "划分、k、种子和用户数取自上方的设置。",
        "Compare A and B on the same split and the same test users: metric deltas (B − A) with 95% bootstrap "
        "intervals and a paired Wilcoxon test, per-user wins / ties / losses, how much the two lists overlap "
        "(Jaccard@k and rank-biased overlap, RBO), and the users who gained or lost most. The split, k, seed and "
        "number of users come from the settings above.",
    ),
    "compare.a": ("参照 A", "Reference A"),
    "compare.b": ("候选 B", "Candidate B"),
    "compare.run": ("比较", "Compare"),
    "compare.running": ("正在比较……", "Comparing…"),
    "compare.failed": ("无法比较：{reason}", "Could not compare: {reason}"),
    "compare.choice.default": ("默认融合", "Default fusion"),
    "compare.choice.current": ("调参页当前权重", "Current Tuning-page weights"),
    "compare.choice.bundled": ("内置预设：{name}", "Bundled preset: {name}"),
    "compare.choice.saved": ("已保存预设：{name}", "Saved preset: {name}"),
    "compare.choice.channel": ("单通道：{name}", "Channel alone: {name}"),
    "compare.choice.baseline": ("基线：{name}", "Baseline: {name}"),
    "compare.summary": (
        "B = {b} 对比 A = {a}，k = {k}，{users} 个测试用户，用时 {seconds} 秒（差值均为 B − A）",
        "B = {b} against A = {a}, k = {k}, {users} test users, {seconds} s (every delta is B − A)",
    ),
    "compare.col.metric": ("指标", "Metric"),
    "compare.col.delta": ("差值 Δ", "Δ"),
    "compare.col.relative": ("相对变化", "Relative"),
    "compare.col.ci": ("Δ 的 95% 区间", "95% CI of Δ"),
    "compare.col.p": ("Wilcoxon p 值", "Wilcoxon p"),
    "compare.col.rank": ("名次", "Rank"),
    "compare.col.list_a": ("A 的列表（✓ = 留出的相关物品）", "A's list (✓ = held-out relevant item)"),
    "compare.col.why_a": ("A：主要通道贡献", "A: top channel contributions"),
    "compare.col.list_b": ("B 的列表（✓ = 留出的相关物品）", "B's list (✓ = held-out relevant item)"),
    "compare.col.why_b": ("B：主要通道贡献", "B: top channel contributions"),
    "compare.hist.title": (
        "每个用户的 NDCG@{k} 变化：B 更好 {wins}，持平 {ties}，更差 {losses}",
        "Per-user NDCG@{k} change: B better {wins}, tied {ties}, worse {losses}",
    ),
    "compare.hist.x": ("NDCG@{k} 的变化（B − A）", "Change in NDCG@{k} (B − A)"),
    "compare.hist.y": ("用户数", "Users"),
    "compare.overlap": (
        "列表重合度：Jaccard@{k} 平均 {jaccard}（中位数 {jaccard_median}），RBO（p = {p}）平均 {rbo}"
        "（中位数 {rbo_median}）；{users} 个用户中有 {identical} 个两份列表完全相同。",
        "List overlap: Jaccard@{k} mean {jaccard} (median {jaccard_median}), RBO (p = {p}) mean {rbo} "
        "(median {rbo_median}); {identical} of {users} users get the same items from both.",
    ),
    "compare.gains": ("提升最多的用户", "Largest gains"),
    "compare.losses": ("下降最多的用户", "Largest losses"),
    "compare.no_cases": ("没有这样的用户。", "No such user."),
    "compare.case": ("用户 {user}：{a} → {b}（{delta}）", "User {user}: {a} → {b} ({delta})"),
    "compare.export_json": ("导出比较 JSON", "Export the comparison as JSON"),
    # --- evaluate page: inspect one user (ui/inspector_views.py) ------------------------------------
    "inspect.header": ("逐个用户查看", "Inspect a user"),
    "inspect.intro": (
        "选一个测试用户：看他的历史（训练部分，带时间和评分）、他写过的标签、所选配置的融合列表和每个通道单独给出的列表，"
        "并排显示，留出的相关物品打 ✓。融合列表还列出每个通道对每个物品得分的贡献。列表直接取自本次运行训练好的模型，"
        "不重新训练。",
        "Pick a test user: their history (the training part, with times and ratings), the tags they wrote, the fused "
        "list of the chosen configuration and each channel's own list side by side, held-out relevant items marked "
        "✓. The fused list also shows what each channel added to every item's score. The lists come from this run's "
        "fitted models; nothing is retrained.",
    ),
    "inspect.unavailable": (
        "这次运行只评估了基线，没有保留通道模型，无法逐个查看用户。请选择融合或至少一个通道后重新运行。",
        "This run evaluated baselines only and kept no channel models, so users cannot be inspected. Run again "
        "with fusion or at least one channel.",
    ),
    "inspect.user": ("用户", "User"),
    "inspect.user_help": ("本次运行评估过的用户（在测试部分至少有一个相关物品）",
                          "The users this run evaluated (at least one relevant held-out item)"),
    "inspect.config": ("配置", "Configuration"),
    "inspect.channels": ("单独列出的通道", "Channels listed alone"),
    "inspect.channels_help": ("每个通道单独排序（只有它有权重），与评估表中“仅某通道”一行相同",
                              "Each channel ranks alone (only it weighted), as the table's “channel alone” "
                              "rows"),
    "inspect.failed": ("无法查看该用户：{reason}", "Could not inspect this user: {reason}"),
    "inspect.summary": (
        "用户 {user}：训练历史 {history} 条，留出 {held} 条（其中 {relevant} 条相关），列表长度 k = {k}",
        "User {user}: {history} training interactions, {held} held out ({relevant} relevant), list length k = {k}",
    ),
    "inspect.lists": ("并排的推荐列表", "The lists side by side"),
    "inspect.legend": ("{hit} = 留出的相关物品（命中）；{held} = 留出但未达到相关标准的物品",
                       "{hit} = held-out relevant item (a hit); {held} = held out but below the relevance rule"),
    "inspect.dropped": ("{channel} 无法为该用户排序：{reason}", "{channel} cannot rank for this user: {reason}"),
    "inspect.contributions": ("融合列表：各通道的贡献", "Fused list: what each channel contributed"),
    "inspect.contributions_help": ("每行各通道贡献之和等于该物品的融合得分（权重 × 归一化得分）",
                                   "Each row's channel contributions add up to the item's fused score (weight × "
                                   "normalised score)"),
    "inspect.history": ("历史（训练部分，最新在前）", "History (training part, newest first)"),
    "inspect.held_out": ("留出的交互（测试部分）", "Held-out interactions (test part)"),
    "inspect.tags": ("该用户写下的标签", "Tags this user wrote"),
    "inspect.no_tags": ("该用户没有写过标签。", "This user wrote no tags."),
    "inspect.typed": ("在工作区里为该用户输入过的兴趣", "Interests typed for this user in the workspace"),
    "inspect.export_json": ("导出该用户 JSON", "Export this user as JSON"),
    "inspect.col.list": ("{name}（命中 {hits}）", "{name} ({hits} hits)"),
    "inspect.col.list_name": ("列表", "List"),
    "inspect.col.hits": ("命中", "Hits"),
    "inspect.col.item": ("物品", "Item"),
    "inspect.col.item_id": ("物品 ID", "Item ID"),
    "inspect.col.score": ("融合得分", "Fused score"),
    "inspect.col.time": ("时间（UTC）", "Time (UTC)"),
    "inspect.col.title": ("标题", "Title"),
    "inspect.col.value": ("评分 / 数值", "Rating / value"),
    "inspect.col.event": ("事件", "Event"),
    "inspect.col.relevant": ("相关", "Relevant"),
    "inspect.col.tag": ("标签", "Tag"),
    "inspect.col.text": ("兴趣文字", "Typed text"),
}
