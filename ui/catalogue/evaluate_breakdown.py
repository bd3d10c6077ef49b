"""zh/en strings of the Evaluate page's slices, popularity bias and calibration.

Merged into :data:`ui.i18n.CATALOGUE`; keys are ``section.name``, values ``(中文, English)``.
"""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    # --- evaluate page: slices, popularity bias, calibration (ui/slices_views.py) ----------------------
    "evaluate.slices.header": ("切片、热度偏差与校准", "Slices, popularity bias and calibration"),
    "evaluate.slices.intro": (
        "把同一次运行的指标按用户活跃度、物品热度、类别和（双语目录的）语言拆开，看各配置在哪里赢、在哪里输；"
        "全部由本次运行已有的推荐列表算出，不重新排序。",
        "The same run's metrics split by user activity, item popularity, category and (on bilingual "
        "catalogues) language: where each configuration wins and where it loses. Computed from the run's own "
        "lists; nothing is re-ranked.",
    ),
    "evaluate.slices.computing": ("正在计算切片…", "Computing the slices…"),
    "evaluate.slices.unavailable": (
        "这次运行没有保留划分数据，无法计算切片；请重新运行评估。",
        "This run did not keep its split, so the slices cannot be computed; run the evaluation again.",
    ),
    "evaluate.slices.metric": ("切片指标", "Slice metric"),
    "evaluate.slices.dim.activity": ("用户活跃度", "User activity"),
    "evaluate.slices.dim.popularity": ("物品热度", "Item popularity"),
    "evaluate.slices.dim.category": ("类别", "Category"),
    "evaluate.slices.dim.language": ("语言", "Language"),
    "evaluate.slices.slice.cold": ("冷启动", "Cold"),
    "evaluate.slices.slice.light": ("轻度", "Light"),
    "evaluate.slices.slice.heavy": ("重度", "Heavy"),
    "evaluate.slices.slice.head": ("头部", "Head"),
    "evaluate.slices.slice.mid": ("中部", "Mid"),
    "evaluate.slices.slice.tail": ("长尾", "Tail"),
    "evaluate.slices.slice.zh": ("中文", "Chinese"),
    "evaluate.slices.slice.en": ("英文", "English"),
    "evaluate.slices.slice.mixed": ("中英混合", "Mixed"),
    "evaluate.slices.header_n": ("{label}（{n} 位用户）", "{label} ({n} users)"),
    "evaluate.slices.header_small": ("{label}（{n} 位用户，过少 *）", "{label} ({n} users, too few *)"),
    "evaluate.slices.col.config": ("配置", "Configuration"),
    "evaluate.slices.col.slice": ("切片", "Slice"),
    "evaluate.slices.col.users": ("用户数", "Users"),
    "evaluate.slices.col.mean": ("均值", "Mean"),
    "evaluate.slices.col.low": ("95% 区间下限", "95% CI low"),
    "evaluate.slices.col.high": ("95% 区间上限", "95% CI high"),
    "evaluate.slices.intervals": ("各切片的 95% 自助法区间", "95% bootstrap intervals per slice"),
    "evaluate.slices.rule.terciles": ("按被评估用户的三分位数划分", "terciles of the evaluated users"),
    "evaluate.slices.rule.fixed": ("固定分界", "fixed cut-offs"),
    "evaluate.slices.th.activity": (
        "用户按训练集中交互过的不同物品数分档（{rule}）：冷启动 ≤ {cold}，轻度 ≤ {light}，重度 > {light}"
        "（范围 {min}–{max}）。",
        "Users by the number of distinct items in their training history ({rule}): cold ≤ {cold}, "
        "light ≤ {light}, heavy > {light} (range {min}–{max}).",
    ),
    "evaluate.slices.th.popularity": (
        "物品按训练热度（交互过的用户数）分档：头部 = 合计占前 {head_pct} 训练交互的最热门物品（热度 ≥ {head_min}，"
        "{head_items} 个物品，实占 {head_share} 交互）；长尾 = 合计占后 {tail_pct} 交互的最冷门物品（热度 ≤ "
        "{tail_max}，{tail_items} 个，实占 {tail_share}）；其余 {mid_items} 个为中部。用户只要有一个该档的留出相关"
        "物品就计入，指标只把该档物品算作相关。",
        "Items by training popularity (users who interacted): head = the most popular items making the first "
        "{head_pct} of training interactions (popularity ≥ {head_min}, {head_items} items, {head_share} of "
        "interactions); tail = the least popular making the last {tail_pct} (popularity ≤ {tail_max}, "
        "{tail_items} items, {tail_share}); the other {mid_items} are mid. A user counts in a tier when one of "
        "their relevant held-out items is in it; only that tier's items count as relevant.",
    ),
    "evaluate.slices.th.category": (
        "按物品类别（共 {total} 个类别，显示留出相关物品最多的 {shown} 个）。用户只要有一个该类别的留出相关物品"
        "就计入，指标只把该类别的物品算作相关。",
        "By item category ({shown} of {total} categories shown: those with the most relevant held-out items). "
        "A user counts in a category when one of their relevant held-out items is in it; only that "
        "category's items count as relevant.",
    ),
    "evaluate.slices.th.language": (
        "按物品文本（标题 + 简介）的语言：中文 {zh}、英文 {en}、中英混合 {mixed} 的物品。用户只要有一个该语言的"
        "留出相关物品就计入，指标只把该语言的物品算作相关。",
        "By the language of the item text (title + description): {zh} of the items Chinese, {en} English, "
        "{mixed} mixed. A user counts in a language when one of their relevant held-out items is in it; only "
        "that language's items count as relevant.",
    ),
    "evaluate.slices.small_note": (
        "标 * 的切片不足 {n} 位用户，均值噪声大，不宜据此下结论。",
        "Slices marked * have fewer than {n} users: their means are too noisy to act on.",
    ),
    "evaluate.slices.skipped.no_categories": ("{dimension}：物品没有类别，未切分。",
                                              "{dimension}: the items have no category; not sliced."),
    "evaluate.slices.skipped.monolingual": ("{dimension}：目录不是中英双语，未切分。",
                                            "{dimension}: the catalogue is not bilingual; not sliced."),
    "evaluate.bias.tab": ("热度偏差", "Popularity bias"),
    "evaluate.bias.configs": ("对比的配置", "Configurations to show"),
    "evaluate.bias.title": ("推荐在各热度十分位的占比与训练交互占比",
                            "Share of recommendations per popularity decile vs share of interactions"),
    "evaluate.bias.axis_x": ("训练热度十分位（1 = 最热门的 10% 物品）",
                             "Training popularity decile (1 = most popular 10% of items)"),
    "evaluate.bias.axis_y": ("占比", "Share"),
    "evaluate.bias.interactions": ("训练交互", "Training interactions"),
    "evaluate.bias.caption": (
        "物品按训练热度排序后等分为十档。灰色柱是各档占训练交互的比例，彩色柱是各配置推荐位落在该档的比例："
        "彩色柱在第 1 档远高于灰色柱，说明推荐比用户自己更偏向热门。",
        "Items ranked by training popularity and cut into ten equal groups. Grey: each decile's share of "
        "training interactions; colours: the share of each configuration's recommended slots in it. A "
        "coloured bar far above grey in decile 1 means the lists favour popular items more than users do.",
    ),
    "evaluate.bias.col.tail": ("长尾推荐占比", "Long-tail share of lists"),
    "evaluate.calib.tab": ("类型校准", "Genre calibration"),
    "evaluate.calib.caption": (
        "Steck（2018）的校准失准度：用户历史的类型分布 p 与推荐列表的类型分布 q 之间的 KL(p‖q̃)，"
        "q̃ = {keep}·q + {alpha}·p。每个物品的 {genres} 个类型取自其{source}，均分权重。0 = 列表的类型比例与"
        "历史一致；越低越好。",
        "Steck's (2018) miscalibration: KL(p‖q̃) between the genre mix p of a user's history and q of their "
        "list, q̃ = {keep}·q + {alpha}·p. Genres ({genres}) come from the items' {source}, an item's genres "
        "sharing it equally. 0 = the list mirrors the history's genre mix; lower is better.",
    ),
    "evaluate.calib.source.tags": ("标签", "tags"),
    "evaluate.calib.source.category": ("类别", "category"),
    "evaluate.calib.col.score": ("失准度（KL，越低越好）", "Miscalibration (KL, lower is better)"),
    "evaluate.calib.col.users": ("用户数", "Users"),
    "evaluate.calib.none": ("物品没有类型信息（标签或类别），无法计算校准。",
                            "The items have no genres (tags or category), so calibration cannot be computed."),
}
