"""The one zh/en string catalogue of the dashboard, and ``t()`` to look strings up.

Every label, help text, message and chart title lives in ``CATALOGUE`` as ``key: (中文, English)``.
Pages never hold UI literals; they call ``t("section.key", **format_args)``. Sections are grouped by
page so a newcomer finds a page's strings together.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- reasons (core.ranking.explain codes; ui/reasons.py builds the sentences) ----------------------
    "explain.none": ("综合各项信号排序靠前。", "Ranked high by the combined signals."),
    "explain.semantic": ("符合你的兴趣「{tag}」", "matches your interest “{tag}”"),
    "explain.history_rated": ("因为你给《{title}》打了高分", "because you rated “{title}” highly"),
    "explain.history_liked": ("因为你喜欢《{title}》", "because you liked “{title}”"),
    "explain.co_liked": ("喜欢《{title}》的人也喜欢它", "people who liked “{title}” also liked this"),
    "explain.named_item": ("喜欢你提到的《{title}》的人也喜欢它",
                           "people who liked “{title}”, which you named, also liked this"),
    "explain.similar_users": ("和你口味相似的人也喜欢它", "people with similar taste liked it"),
    "explain.popular": ("热门：{count} 位用户与它互动过", "popular: {count} people interacted with it"),
    "explain.popular_window": ("近 {days} 天有 {count} 位用户与它互动",
                               "popular: {count} people interacted with it in the last {days} days"),
    "explain.fresh_year": ("较新的作品（{year} 年）", "recent: from {year}"),
    "explain.fresh_seen": ("新近上架（{date}）", "new: first seen {date}"),
    "explain.attributes_history": ("与你喜欢的内容同属{attributes}", "shares {attributes} with what you like"),
    "explain.attributes_interests": ("与你的兴趣同属{attributes}", "shares {attributes} with your interests"),
    "explain.gist": ("与你整段话的意思相近", "close to what you wrote as a whole"),
    "explain.learned": ("写下类似「{tag}」的人喜欢这类作品", "people whose words resemble “{tag}” liked it"),
    "explain.outside_avoided": ("不属于你要避开的{avoided}", "outside what you avoid ({avoided})"),
    # --- app shell -----------------------------------------------------------------------------
    "app.title": ("InterestLens 兴趣透镜", "InterestLens"),
    "app.tagline": ("看清推荐系统的内部：兴趣、向量、融合权重、解释与离线评估。",
                    "See inside a recommender: interests, embeddings, fusion weights, explanations, evaluation."),
    "app.language": ("语言 / Language", "Language / 语言"),
    "app.dataset": ("数据集", "Dataset"),
    "app.dataset_help": ("选择内置演示数据或已上传的数据集", "Pick a bundled demo or an uploaded dataset"),
    "app.choose_one": ("请选择", "Choose one"),
    "app.choose_many": ("请选择（可多选）", "Choose one or more"),
    "app.user_option": ("用户 {id}（{n} 条交互）", "user {id} ({n} interactions)"),
    "app.loading_dataset": ("正在加载数据集…", "Loading dataset…"),
    "app.preparing": ("正在准备向量、索引和评分通道（首次需要几十秒）…",
                      "Preparing vectors, indexes and scoring channels (first time takes tens of seconds)…"),
    "app.ready": ("准备就绪", "Ready"),
    "warmup.starting": ("正在开始准备…", "Starting…"),
    "warmup.step": ("第 {i}/{n} 步：{stage}", "Step {i} of {n}: {stage}"),
    "warmup.stage.model": ("加载文本模型", "Loading the text model"),
    "warmup.stage.embed": ("为物品文本生成向量", "Embedding the item texts"),
    "warmup.stage.index": ("建立物品近邻索引", "Building the item neighbour index"),
    "warmup.stage.users": ("计算用户画像", "Computing user profiles"),
    "warmup.stage.catalogue": ("索引标题、类别和人物", "Indexing titles, genres and people"),
    "warmup.stage.channels": ("训练评分通道", "Fitting the scoring channels"),
    "warmup.stage.deferred": ("训练可选通道", "Training the optional channels"),
    "warmup.stage.map": ("计算地图布局", "Laying out the map"),
    "warmup.detail.texts": ("已完成 {done}/{total} 个物品", "{done} of {total} items done"),
    "warmup.detail.fitting": ("正在训练：{channel}", "fitting: {channel}"),
    "warmup.failed": ("准备失败：{error}。刷新页面会重试。",
                      "Preparation failed: {error}. Reload the page to try again."),
    "nav.home": ("概览", "Overview"),
    "nav.data": ("数据", "Data"),
    "nav.interests": ("兴趣", "Interests"),
    "nav.tuning": ("权重调优", "Tuning"),
    "nav.map": ("向量地图", "Map"),
    "nav.evaluate": ("离线评估", "Evaluate"),
    "demo.movielens": ("MovieLens 电影（演示）", "MovieLens movies (demo)"),
    "demo.bilingual": ("中英双语目录（合成演示）", "Bilingual catalogue (synthetic demo)"),
    "demo.plays": ("音乐播放次数（合成隐式演示）", "Music play counts (synthetic implicit demo)"),
    # --- home ----------------------------------------------------------------------------------
    "home.header": ("概览", "Overview"),
    "home.loading": ("正在汇总数据集…", "Summarising the dataset…"),
    "home.dataset": ("当前数据集：{name}", "Current dataset: {name}"),
    "home.interactions": ("交互数", "Interactions"),
    "home.users": ("用户数", "Users"),
    "home.items": ("物品数", "Items"),
    "home.density": ("稀疏度（密度）", "Density"),
    "home.median_user": ("人均交互（中位数）", "Median per user"),
    "home.summary": ("{active} 个物品至少有一次交互；时间跨度 {first} 至 {last}。",
                     "{active} items have at least one interaction; from {first} to {last}."),
    "home.summary_undated": ("{active} 个物品至少有一次交互；交互没有时间戳。",
                             "{active} items have at least one interaction; the interactions have no timestamps."),
    # guided path for a first-time visitor
    "home.guide.header": ("第一次来？四步看懂推荐是怎么来的",
                          "New here? Four steps to see how recommendations come about"),
    "home.guide.step1.title": ("① 输入兴趣", "1 · Type an interest"),
    "home.guide.step1.body": ("用一句话说出想看什么，比如「科幻和轻松的喜剧，不要恐怖片」。"
                              "系统会把它拆成带权重的兴趣标签，并给出推荐列表。",
                              "Say in one sentence what you are after, e.g. “sci-fi and light comedy, no horror”. "
                              "It is split into weighted interest tags and turned into a ranked list."),
    "home.guide.step1.link": ("去输入兴趣", "Type an interest"),
    "home.guide.step2.title": ("② 看懂原因", "2 · See why"),
    "home.guide.step2.body": ("每条推荐都写明理由：符合哪个兴趣、和你提到的哪部作品相似、哪些口味相近的人喜欢它。"
                              "用 👍 / 👎 告诉系统对不对，列表会随之改变。",
                              "Every result says why: which interest it matches, which title you named it resembles, "
                              "which people with similar taste liked it. Answer with 👍 / 👎 and the list follows."),
    "home.guide.step2.link": ("查看推荐理由", "See the reasons"),
    "home.guide.step3.title": ("③ 调节权重", "3 · Tune"),
    "home.guide.step3.body": ("推荐由多个通道（语义、协同过滤、热门、新近……）融合而成。拖动滑块改变它们的权重，"
                              "看哪些物品上升、哪些下降。",
                              "Recommendations blend several channels (meaning, collaborative filtering, popularity, "
                              "recency…). Move their weights with the sliders and see what rises and what falls."),
    "home.guide.step3.link": ("去调节权重", "Tune the weights"),
    "home.guide.step4.title": ("④ 离线评估", "4 · Evaluate"),
    "home.guide.step4.body": ("在留出的真实交互上比较不同配置的准确率和覆盖度，确认一次调整是不是真的更好。",
                              "Compare configurations on held-out interactions (accuracy, coverage) to check that a "
                              "change really is better."),
    "home.guide.step4.link": ("去离线评估", "Evaluate"),
    "home.guide.upload": ("换成自己的数据：上传 CSV / Parquet / JSON Lines，中英文表头均可",
                          "Use your own data: upload CSV / Parquet / JSON Lines, Chinese or English headers"),
    # the dataset at a glance
    "home.glance": ("数据一览", "The dataset at a glance"),
    "home.axis.interactions": ("交互数", "Interactions"),
    "home.axis.time": ("时间", "Time"),
    "home.unit.day": ("天", "day"),
    "home.unit.week": ("周", "week"),
    "home.unit.month": ("月", "month"),
    "home.unit.year": ("年", "year"),
    "home.period.month": ("{year}年{month}月", "{month} {year}"),
    "home.period.year": ("{year}年", "{year}"),
    "home.timeline.title": ("每{unit}的交互数", "Interactions per {unit}"),
    "home.timeline.caption": ("从 {first} 到 {last}；交互最多的{unit}是 {busiest}（{count} 次）。",
                              "From {first} to {last}; the busiest {unit} was {busiest} ({count} interactions)."),
    "home.timeline.undated": ("另有 {n} 条交互没有时间，未计入上图。",
                              "{n} more interactions have no time and are not in the chart."),
    "home.timeline.none": ("这个数据集的交互没有时间戳，所以画不出随时间的分布。上传时把时间列映射为「时间」即可看到。",
                           "The interactions of this dataset have no timestamps, so there is no timeline. Map a "
                           "column to “Timestamp” when uploading to see one."),
    "home.tail.title": ("热门长尾：按交互数排序的物品", "Popularity long tail: items sorted by interactions"),
    "home.tail.x": ("物品排名（占目录的比例）", "Item rank (share of the catalogue)"),
    "home.tail.y": ("每个物品的交互数（对数刻度）", "Interactions per item (log scale)"),
    "home.tail.y2": ("累计占全部交互", "Cumulative share of interactions"),
    "home.tail.per_item": ("每个物品的交互数", "Interactions per item"),
    "home.tail.cumulative": ("累计份额", "Cumulative share"),
    "home.tail.mark": ("前 {pct}% 的物品：{share}", "top {pct}% of items: {share}"),
    "home.tail.hover": ("第 {rank} 名 · {count} 次交互 · 累计 {cum}",
                        "rank {rank} · {count} interactions · {cum} cumulative"),
    "home.tail.top10": ("前 10% 的物品占交互", "Top 10 % of items hold"),
    "home.tail.top20": ("前 20% 的物品占交互", "Top 20 % of items hold"),
    "home.tail.caption": ("一半的交互集中在 {half} 的物品上。", "Half of all interactions go to {half} of the items."),
    "home.tail.without": ("{without} 个物品没有任何交互。", "{without} items have no interactions at all."),
    "home.tail.top": ("最热门的物品", "Most popular items"),
    "home.col.title": ("标题", "Title"),
    "home.col.interactions": ("交互数", "Interactions"),
    "home.col.users": ("用户数", "Users"),
    "home.col.share": ("占比", "Share"),
    "home.cat.title": ("类别构成（交互最多的 {n} 个）", "Category mix (the {n} with most interactions)"),
    "home.cat.source": ("统计哪一项物品属性", "Item attribute"),
    "home.cat.source.category": ("类别", "Category"),
    "home.cat.source.tags": ("标签 / 类型", "Tags / genres"),
    "home.cat.items_share": ("占物品的比例", "Share of items"),
    "home.cat.inter_share": ("占交互的比例", "Share of interactions"),
    "home.cat.x": ("比例", "Share"),
    "home.cat.hover": ("{items} 个物品 · {interactions} 次交互", "{items} items · {interactions} interactions"),
    "home.cat.caption": ("{with_value} / {items} 个物品有这一属性，共 {values} 个不同的值。",
                         "{with_value} of {items} items have this attribute, with {values} distinct values."),
    "home.cat.multi": ("一个物品有多个值时在每个值下各计一次，所以比例之和可能超过 100%。",
                       "An item with several values counts under each, so the shares can add up to more than 100 %."),
    "home.cat.none": ("物品没有类别或标签，无法统计类别构成。",
                      "The items have no category or tags, so there is no category mix."),
    "home.users.title": ("用户活跃度：每个用户的交互数", "User activity: interactions per user"),
    "home.users.x": ("每个用户的交互数", "Interactions per user"),
    "home.users.y": ("用户数", "Users"),
    "home.users.median_mark": ("中位数 {median}", "median {median}"),
    "home.users.caption": ("中位数 {median} 次，平均 {mean} 次；90% 的用户不超过 {p90} 次，最活跃的用户有 {max} 次。",
                           "Median {median}, mean {mean}; 90 % of users have at most {p90}, the most active one "
                           "{max}."),
    "home.users.single": ("{single} 个用户只有一次交互。", "{single} users have a single interaction."),
    "home.ratings.title": ("评分分布", "Rating distribution"),
    "home.ratings.x": ("评分", "Rating"),
    "home.ratings.caption": ("平均 {mean}，中位数 {median}。", "Mean {mean}, median {median}."),
    "home.values.title.count": ("每个用户-物品对的次数分布（区间宽度逐级翻倍）",
                                "Counts per user-item pair (bins double in width)"),
    "home.values.x.count": ("次数（播放、点击……）", "Count (plays, clicks, …)"),
    "home.values.title.duration": ("每个用户-物品对的时长分布（对数区间）",
                                   "Durations per user-item pair (log-spaced bins)"),
    "home.values.x.duration": ("时长", "Duration"),
    "home.ratings.implicit": ("隐式反馈：每次交互的权重都是 {value}，没有评分分布。",
                              "Implicit feedback: every interaction weighs {value}, so there is no rating "
                              "distribution."),
    "home.events.title": ("行为类型", "Event types"),
    # --- data page (issue 2) -----------------------------------------------------------------
    "data.header": ("数据", "Data"),
    "data.intro": ("上传交互记录（谁在何时与什么物品交互、强度多少）和物品信息，支持中英文表头；"
                   "每一行都会校验，问题行连同原因列出并可下载，其余的行照常载入。",
                   "Upload interactions (who interacted with what, when, how strongly) and item metadata, "
                   "with Chinese or English headers. Every row is checked: bad rows are listed with the "
                   "reason and can be downloaded; all other rows load."),
    "data.tab_upload": ("上传与校验", "Upload & validate"),
    "data.tab_stats": ("数据集统计", "Dataset statistics"),
    "data.tab_embeddings": ("向量与近邻", "Embeddings & neighbours"),
    "data.inter_file": ("交互文件（必填）", "Interaction file (required)"),
    "data.items_file": ("物品信息文件（可选）", "Item metadata file (optional)"),
    "data.upload_help": ("支持 CSV / TSV / 任意分隔符、Parquet、JSON Lines、RecBole .inter/.item；"
                         "编码 UTF-8、带 BOM 的 UTF-8、GBK/GB18030 自动识别。单个文件不超过 {mb} MB。",
                         "CSV / TSV / any delimiter, Parquet, JSON Lines, RecBole .inter/.item; UTF-8, UTF-8 "
                         "with BOM and GBK/GB18030 are detected automatically. At most {mb} MB per file."),
    "data.file_info": ("格式 {fmt} · 编码 {enc} · 分隔符 {delim} · {rows} 行 · {cols} 列",
                       "Format {fmt} · encoding {enc} · delimiter {delim} · {rows} rows · {cols} columns"),
    "data.preview": ("前 {n} 行预览", "Preview of the first {n} rows"),
    "data.reading": ("正在读取 {name}…", "Reading {name}…"),
    "data.mapping": ("列映射", "Column mapping"),
    "data.mapping_help": ("已根据列名自动猜测，可以手动修改；“（不使用）”表示文件中没有这一项。",
                          "Guessed from the column names; change any of them. “(not used)” means the file "
                          "has no such column."),
    "data.mapping_inter": ("交互文件的列", "Interaction columns"),
    "data.mapping_items": ("物品文件的列", "Item columns"),
    "data.none": ("（不使用）", "(not used)"),
    "data.required_missing": ("请为“{role}”选择一列。", "Pick a column for “{role}”."),
    "data.role.user": ("用户 ID", "User id"),
    "data.role.item": ("物品 ID", "Item id"),
    "data.role.rating": ("评分 / 权重", "Rating / weight"),
    "data.role.timestamp": ("时间", "Timestamp"),
    "data.role.event": ("行为类型", "Event type"),
    "data.role.title": ("标题", "Title"),
    "data.role.description": ("简介", "Description"),
    "data.role.tags": ("标签", "Tags"),
    "data.role.genres": ("类型（拆成标签，第一个作类别）", "Genres (split into tags; first = category)"),
    "data.role.category": ("类别", "Category"),
    "data.role.year": ("年份", "Year"),
    "data.role.title_en": ("英文标题", "English title"),
    "data.role.description_en": ("英文简介", "English description"),
    "data.role.people": ("人物（导演 / 演员 / 作者）", "People (director / cast / author)"),
    "data.role.tag": ("标签", "Tag"),
    "data.signal": ("数值列的含义", "What the value column measures"),
    "data.signal_help": ("决定模型如何使用数值、评估时哪些物品算“相关”：显式评分按“评分 ≥ 阈值”，"
                         "次数、是否发生和时长则每个被留出的物品都算相关。默认采用推测。",
                         "Decides how the models use the values and what counts as relevant in evaluation: "
                         "explicit ratings use “rating ≥ threshold”, counts, binary events and durations count "
                         "every held-out item. Defaults to the guess."),
    "data.signal.kind.explicit": ("显式评分", "Explicit ratings"),
    "data.signal.kind.count": ("隐式次数（播放、点击、购买）", "Implicit counts (plays, clicks, purchases)"),
    "data.signal.kind.binary": ("是否发生（0/1）", "Binary events (happened or not)"),
    "data.signal.kind.duration": ("时长（观看 / 收听时间）", "Durations (watch / listen time)"),
    "data.signal.guessed": ("{kind}（推测）", "{kind} (guessed)"),
    "data.signal.guess": ("推测：{kind}（{why}）", "Guess: {kind} ({why})"),
    "data.signal.scale": ("评分范围 {low}–{high}", "rating scale {low}–{high}"),
    "data.signal.reason.declared": ("由用户指定", "declared by the user"),
    "data.signal.reason.no_value_column": ("没有数值列，每条交互计一次",
                                           "no value column, every interaction counts once"),
    "data.signal.reason.no_values": ("没有可用的数值", "no numeric value"),
    "data.signal.reason.one_value": ("所有值都是 {value:g}", "every value is {value:g}"),
    "data.signal.reason.zero_one": ("只有 0 和 1（{share_one:.0%} 为 1）", "only 0 and 1 ({share_one:.0%} ones)"),
    "data.signal.reason.negative_values": ("取值 {min:g} 到 {max:g}，含负值，像是喜欢 / 不喜欢的打分",
                                           "values from {min:g} to {max:g}, some negative: a like / dislike scale"),
    "data.signal.reason.small_counts": ("整数 {min:g}–{max:g}，{share_min:.0%} 为 {min:g}，值越大越少，像是次数",
                                        "integers {min:g}–{max:g}, {share_min:.0%} at {min:g} and fewer at each "
                                        "higher value: counts"),
    "data.signal.reason.rating_grid": ("{distinct} 个不同取值，间隔 {step:g}，从 {min:g} 到 {max:g}，像是评分",
                                       "{distinct} distinct values on a {step:g} grid from {min:g} to {max:g}: "
                                       "a rating scale"),
    "data.signal.reason.integer_counts": ("整数 {min:,.0f}–{max:,.0f}，中位数 {median:,.0f}，{share_le_50:.0%} ≤ 50，"
                                          "像是次数",
                                          "integers {min:,.0f}–{max:,.0f}, median {median:,.0f}, "
                                          "{share_le_50:.0%} ≤ 50: counts"),
    "data.signal.reason.fractions": ("取值在 {min:g} 到 {max:g} 之间，像是 0–1 的分数",
                                     "numbers between {min:g} and {max:g}: scores on a 0–1 scale"),
    "data.signal.reason.bounded_numbers": ("取值在 {min:g} 到 {max:g} 之间，像是有上限的打分",
                                           "numbers between {min:g} and {max:g}: scores on a bounded scale"),
    "data.signal.reason.continuous": ("数值 {min:,.4g}–{max:,.4g}，中位数 {median:,.4g}，"
                                      "{distinct_share:.0%} 互不相同，像是时长",
                                      "numbers {min:,.4g}–{max:,.4g}, median {median:,.4g}, {distinct_share:.0%} "
                                      "distinct: durations"),
    "data.signal.reason.events_aggregated": ("{events:,} 条行为（{types} 种）累计为 {pairs:,} 个用户-物品对",
                                             "{events:,} events of {types} type(s) summed into {pairs:,} "
                                             "user-item pairs"),
    "data.signal.events_preview": ("没有数值列：{events:,} 条行为（{types} 种）将按类型权重累计为每个用户-物品对的次数",
                                   "No value column: {events:,} events of {types} type(s) will be summed per "
                                   "user-item pair, weighted by type"),
    "data.event_weights": ("行为类型权重", "Event type weights"),
    "data.event_weights_help": ("格式：类型=权重，用逗号分隔，例如 浏览=1,收藏=2,加购=3,购买=5。"
                                "英文 view / favourite / cart / purchase 适用于所有同义写法；其他类型默认 1；"
                                "权重 0 表示忽略该类型。",
                                "name=weight pairs separated by commas, e.g. view=1,favourite=2,cart=3,purchase=5. "
                                "The English names cover their synonyms (pv, click, add_to_cart, buy … and the "
                                "Chinese names); other types weigh 1; 0 ignores a type."),
    "data.event_weights_bad": ("行为类型权重无法读取：{error}", "The event type weights cannot be read: {error}"),
    "data.load": ("载入数据集", "Load dataset"),
    "data.loading": ("正在校验并载入…", "Validating and loading…"),
    "data.progress": ("进度 {pct}%", "Progress {pct}%"),
    "data.loaded": ("已载入 {rows} 条交互：{users} 个用户、{items} 个物品。已在左侧选中该数据集。",
                    "Loaded {rows} interactions: {users} users, {items} items. It is now selected in the "
                    "sidebar."),
    "data.load_failed": ("没有载入任何数据。", "Nothing was loaded."),
    "data.report_header": ("校验报告", "Validation report"),
    "data.kind.interactions": ("交互文件", "Interaction file"),
    "data.kind.items": ("物品文件", "Item file"),
    "data.kind.user_tags": ("用户标签文件", "User tag file"),
    "data.rows_total": ("总行数", "Rows in file"),
    "data.rows_loaded": ("已载入", "Loaded"),
    "data.rows_rejected": ("已拒绝", "Rejected"),
    "data.no_problems": ("所有行都通过了校验。", "Every row passed validation."),
    "data.problem_counts": ("问题类型统计", "Problems by reason"),
    "data.problems": ("问题明细", "Problems"),
    "data.problems_shown": ("只显示前 {n} 条（共 {total} 条）；完整列表请下载被拒绝的行。",
                            "Showing the first {n} of {total}; download the rejected rows for all of them."),
    "data.col.line": ("行号", "Line"),
    "data.col.column": ("列", "Column"),
    "data.col.value": ("值", "Value"),
    "data.col.reason": ("原因", "Reason"),
    "data.col.count": ("数量", "Count"),
    "data.download_rejected": ("下载被拒绝的行（CSV）", "Download rejected rows (CSV)"),
    "data.download_rejected_all": ("下载全部 {total} 行被拒绝的行（CSV）", "Download all {total} rejected rows (CSV)"),
    "data.rejected_rows": ("被拒绝的行", "Rejected rows"),
    "data.rejected_shown": ("只显示前 {n} 行（共 {total} 行被拒绝）；全部被拒绝的行都在下载的 CSV 里。",
                            "Showing the first {n} of {total} rejected rows; the download has all of them."),
    "data.value_hidden": ("（已隐藏：可能含有原始用户 ID）", "(hidden: may contain a raw user id)"),
    "data.preview_hidden": ("已开启假名化：预览中的用户 ID 列显示为假名。",
                            "Pseudonymisation is on: the preview shows the user id column as pseudonyms."),
    "data.reason.missing_id": ("缺少{role}", "{role} is missing"),
    "data.reason.rating_missing": ("评分为空", "Rating is empty"),
    "data.reason.rating_nan": ("评分是 NaN", "Rating is NaN"),
    "data.reason.rating_not_numeric": ("评分不是数字", "Rating is not a number"),
    "data.reason.rating_infinite": ("评分是无穷大", "Rating is infinite"),
    "data.reason.rating_negative": ("评分为负数", "Rating is negative"),
    "data.reason.rating_too_large": ("评分大于 1,000,000", "Rating is larger than 1,000,000"),
    "data.reason.timestamp_missing": ("时间为空", "Timestamp is empty"),
    "data.reason.timestamp_nan": ("时间是 NaN", "Timestamp is NaN"),
    "data.reason.timestamp_unparseable": ("时间既不是日期也不是 Unix 时间戳",
                                          "Timestamp is neither a date nor a Unix time"),
    "data.reason.timestamp_before_1970": ("时间早于 1970 年", "Timestamp is before 1970"),
    "data.reason.timestamp_future": ("时间在未来", "Timestamp is in the future"),
    "data.reason.duplicate": ("与第 {ref} 行重复（用户、物品、时间都相同）",
                              "Duplicate of line {ref} (same user, item and timestamp)"),
    "data.reason.duplicate_item": ("物品 ID 已在第 {ref} 行出现过", "Item id already defined on line {ref}"),
    "data.reason.unknown_item": ("物品不在物品信息文件中", "Item is not in the item file"),
    "data.reason.tag_missing": ("标签为空", "Tag is empty"),
    "data.reason.bad_field_count": ("这一行的字段数与表头不一致",
                                    "The row's number of fields differs from the header"),
    "data.reason.bad_json": ("这一行不是 JSON 对象", "The line is not a JSON object"),
    "data.reason.nul_byte": ("单元格含有 NUL 字节（二进制数据）", "The cell contains a NUL byte (binary data)"),
    "data.reason.cell_too_large": ("单元格有 {size} 字节，超过上限 {limit} 字节",
                                   "The cell is {size} bytes, over the limit of {limit} bytes"),
    "data.reason.date_order": ("日期与这一列其他日期的日/月顺序（{order}）不一致",
                               "The date does not fit the day/month order of the rest of the column ({order})"),
    "data.error.too_many_rows": ("{name} 有 {rows} 行，超过上限 {limit} 行。请在设置中调高 max_rows"
                                 "（环境变量 INTERESTLENS_MAX_ROWS），或用命令行的 --max-rows 载入。",
                                 "{name}: {rows} rows; the limit is {limit} rows. Raise max_rows in settings "
                                 "(INTERESTLENS_MAX_ROWS) or use the CLI with --max-rows."),
    "data.error.table_too_large": ("{name} 的单元格解码后有 {size}，超过上限 {limit} MB。请在设置中调高 "
                                   "max_table_mb（环境变量 INTERESTLENS_MAX_TABLE_MB）。",
                                   "{name}: its cells decode to {size}; the limit is {limit} MB. Raise max_table_mb "
                                   "in settings (INTERESTLENS_MAX_TABLE_MB)."),
    "data.date_order.dmy": ("日在前（日/月/年）", "day-first (dd/mm/yyyy)"),
    "data.date_order.mdy": ("月在前（月/日/年）", "month-first (mm/dd/yyyy)"),
    "data.date_order.ymd": ("年在前（年/月/日）", "year-first (yyyy/mm/dd)"),
    "data.notice.dates_day_first": ("“{column}”列的日期按{order}读取：第 {line} 行的“{value}”第一个数大于 12。",
                                    "Column “{column}”: dates read {order}, because the first number is above 12 "
                                    "on line {line} (“{value}”)."),
    "data.notice.dates_month_first": ("“{column}”列的日期按{order}读取：第 {line} 行的“{value}”第二个数大于 12。",
                                      "Column “{column}”: dates read {order}, because the second number is above "
                                      "12 on line {line} (“{value}”)."),
    "data.notice.dates_ambiguous": ("“{column}”列有 {count} 个日期（如第 {line} 行的“{value}”）既可能是日在前也可能是"
                                    "月在前，文件里没有能判断的日期，已按{order}读取。如果是日在前，请把 date_format "
                                    "设为 dmy（命令行：--date-format dmy）。",
                                    "Column “{column}”: {count} dates such as “{value}” (line {line}) could be "
                                    "day-first or month-first and no date in the file tells which; read {order}. "
                                    "If they are day-first, set date_format to dmy (CLI: --date-format dmy)."),
    "data.notice.dates_conflict": ("“{column}”列的日期既有日在前的（{day_first} 个，如第 {day_line} 行“{day_value}”），"
                                   "也有月在前的（{month_first} 个，如第 {month_line} 行“{month_value}”）；已按多数的"
                                   "{order}读取，不符合的 {rejected} 行被拒绝。",
                                   "Column “{column}”: dates are written both day-first ({day_first}, e.g. line "
                                   "{day_line}, “{day_value}”) and month-first ({month_first}, e.g. line {month_line}, "
                                   "“{month_value}”); read {order}, the majority, and rejected the {rejected} rows "
                                   "that do not fit."),
    "data.notice.dates_explicit": ("“{column}”列的日期按设置读取：{order}。",
                                   "Column “{column}”: dates read {order} (date_format setting)."),
    "data.notice.dates_format": ("“{column}”列的日期按设置的格式 {format} 读取。",
                                 "Column “{column}”: dates read with the format {format} (date_format setting)."),
    "data.error.empty_file": ("{name} 是空文件。", "{name} is empty."),
    "data.error.no_rows": ("{name} 只有表头，没有数据行。", "{name} has a header but no data rows."),
    "data.error.binary_file": ("{name} 看起来是二进制文件（如 Excel、压缩包或图片），"
                               "不是文本表格。请另存为 CSV。",
                               "{name} looks like a binary file (Excel, an archive, an image…), not a text "
                               "table. Save it as CSV."),
    "data.error.unknown_encoding": ("无法识别 {name} 的文本编码，请另存为 UTF-8。",
                                    "The text encoding of {name} could not be recognised; save it as UTF-8."),
    "data.error.unreadable": ("{name} 无法解析为表格。", "{name} could not be read as a table."),
    "data.error.rejected_unwritable": ("无法把被拒绝的行写入 {name}。", "Cannot write the rejected rows to {name}."),
    "data.error.not_found": ("找不到或无法读取 {name}。", "{name} cannot be found or read."),
    "data.error.too_large": ("{name} 太大，内存放不下。", "{name} is too large to load in memory."),
    "data.error.malformed": ("{name} 第 {line} 行无法解析（可能有未闭合的引号）。",
                             "{name}: line {line} cannot be parsed (is a quote left open?)."),
    "data.error.unclosed_quote": ("{name} 第 {line} 行的引号没有闭合，后面的内容会被吞掉。请修正后再上传。",
                                  "{name}: the quote opened on line {line} is never closed, which would "
                                  "swallow the rest of the file. Fix it and upload again."),
    "data.error.missing_column": ("{name} 中找不到“{role}”列（现有列：{columns}）。请在列映射中选择。",
                                  "{name} has no “{role}” column (columns: {columns}). Pick it in the column "
                                  "mapping."),
    "data.error.unknown_column": ("{name} 中没有列“{column}”（现有列：{columns}）。",
                                  "{name} has no column “{column}” (columns: {columns})."),
    "data.error.mapping_conflict": ("列“{column}”同时被用作“{other}”和“{role}”。",
                                    "Column “{column}” is used for both “{other}” and “{role}”."),
    "data.error.unknown_role": ("未知的列角色：{role}。", "Unknown column role: {role}."),
    "data.error.nothing_loaded": ("{name} 的 {rows} 行全部被拒绝，没有可用的数据。原因见下方报告。",
                                  "All {rows} rows of {name} were rejected; nothing usable. See the report "
                                  "below."),
    "data.stats_header": ("当前数据集：{name}", "Current dataset: {name}"),
    "data.stats.signal": ("数值列：{kind}（{why}）", "Value column: {kind} ({why})"),
    "data.stats.interactions": ("交互数", "Interactions"),
    "data.stats.users": ("用户数", "Users"),
    "data.stats.items": ("物品数", "Items"),
    "data.stats.density": ("密度", "Density"),
    "data.stats.span": ("时间范围", "Time span"),
    "data.stats.rejected": ("载入时拒绝的行", "Rows rejected at load"),
    "data.chart.per_user": ("每个用户的交互数（双对数坐标）", "Interactions per user (log–log)"),
    "data.chart.per_item": ("每个物品的交互数（双对数坐标）", "Interactions per item (log–log)"),
    "data.chart.per_user_x": ("交互数", "Interactions"),
    "data.chart.per_user_y": ("用户数", "Users"),
    "data.chart.per_item_y": ("物品数", "Items"),
    "data.chart.rating": ("评分分布", "Rating distribution"),
    "data.chart.rating_x": ("评分 / 权重", "Rating / weight"),
    "data.chart.count": ("交互数", "Interactions"),
    "data.chart.activity": ("随时间的活跃度", "Activity over time"),
    "data.chart.activity_x": ("时间", "Time"),
    "data.chart.top_categories": ("交互最多的类别", "Top categories by interactions"),
    "data.chart.top_tags": ("交互最多的标签", "Top tags by interactions"),
    "data.chart.no_timestamps": ("这个数据集没有时间信息。", "This dataset has no timestamps."),
    "data.chart.implicit": ("所有交互的权重都是 {value}（隐式反馈），没有评分分布可画。",
                            "Every interaction has weight {value} (implicit feedback); there is no rating "
                            "distribution to draw."),
    "data.chart.no_categories": ("物品没有类别信息。", "Items have no categories."),
    "data.chart.no_tags": ("物品没有标签。", "Items have no tags."),
    # --- embeddings (issue 3) ----------------------------------------------------------------
    "emb.header": ("向量嵌入", "Embeddings"),
    "emb.intro": ("把每个物品的标题、类别、标签和描述拼成一段文本，用句向量模型编码；"
                  "向量缓存在磁盘上，重启后直接复用。",
                  "Each item's title, category, tags and description are joined into one text and encoded "
                  "by a sentence-embedding model; vectors are cached on disk and reused after a restart."),
    "emb.model": ("向量模型", "Embedding model"),
    "emb.model.use-m3": ("多语言 Universal Sentence Encoder v3（中英同一空间，512 维，默认）",
                         "Multilingual Universal Sentence Encoder v3 (Chinese + English, 512-d, default)"),
    "emb.model.minilm": ("all-MiniLM-L6-v2（仅英文，384 维）", "all-MiniLM-L6-v2 (English only, 384-d)"),
    "emb.english_only": ("注意：MiniLM 只懂英文，中文物品和中文兴趣的向量几乎没有意义。",
                         "Note: MiniLM understands English only; vectors of Chinese items or interests are "
                         "close to meaningless."),
    "emb.coverage": ("磁盘缓存中已有 {cached} / {total} 条不同的物品文本。",
                     "{cached} of {total} distinct item texts are already in the disk cache."),
    "emb.compute": ("计算物品向量", "Compute item vectors"),
    "emb.progress": ("正在编码：{message}", "Encoding: {message}"),
    "emb.where": ("在哪里计算", "Where to compute"),
    "emb.where.local": ("本机（当前进程）", "This machine (this process)"),
    "emb.where.ray": ("Ray 集群", "Ray cluster"),
    "emb.where_help": ("Ray：用 Ray Data 的 actor 池编码，每个 worker 只加载一次模型，每批结果立即写入向量缓存；"
                       "中断后再次计算只编码剩下的文本。",
                       "Ray: encode with a Ray Data actor pool, the model loaded once per worker, each batch "
                       "written to the vector cache as it finishes; after an interruption only the remaining "
                       "texts are encoded."),
    "emb.ray_address": ("Ray 集群地址（留空则在本机启动 Ray）",
                        "Ray cluster address (empty: start Ray on this machine)"),
    "emb.ray_address_help": ("`ray start --head` 打印的地址，例如 10.0.0.5:6379；auto 表示本机已运行的集群。",
                             "The address `ray start --head` prints, e.g. 10.0.0.5:6379; auto = the cluster "
                             "already running on this machine."),
    "emb.ray_progress": ("Ray 编码中：{message}", "Encoding on Ray: {message}"),
    "emb.ray_done": ("已在 {where} 上编码 {encoded} 条文本，全部写入向量缓存。",
                     "Encoded {encoded} texts on {where}; every vector is in the vector cache."),
    "emb.ray_local": ("本机的 Ray", "Ray on this machine"),
    "emb.done": ("物品向量已就绪。", "Item vectors are ready."),
    "emb.items": ("物品数", "Items"),
    "emb.cached": ("来自缓存", "From cache"),
    "emb.encoded": ("新编码", "Newly encoded"),
    "emb.seconds": ("耗时（秒）", "Elapsed (s)"),
    "emb.dim": ("维度", "Dimension"),
    "emb.template": ("编码文本模板", "Document template"),
    "emb.neighbours_header": ("相似物品", "Similar items"),
    "emb.compute_first": ("请先在上方计算物品向量。", "Compute the item vectors above first."),
    "emb.pick_item": ("选择物品（可输入标题搜索）", "Pick an item (type to search titles)"),
    "emb.document": ("被编码的文本", "Encoded text"),
    "emb.neighbours_caption": ("余弦相似度最高的 {k} 个物品（来自近邻索引，见下方“近邻索引”设置）。",
                               "The {k} items with the highest cosine similarity (from the neighbour index set "
                               "under “Neighbour index”)."),
    "emb.col.rank": ("名次", "Rank"),
    "emb.col.title": ("标题", "Title"),
    "emb.col.category": ("类别", "Category"),
    "emb.col.score": ("相似度", "Similarity"),
    "emb.no_neighbours": ("没有可显示的相似物品。", "No similar items to show."),
    "index.header": ("近邻索引", "Neighbour index"),
    "index.intro": ("相似物品、兴趣匹配和用户近邻都查询这个索引。默认的 hnswlib 在本进程内运行；"
                    "Qdrant 把向量存进集合：本地文件夹（精确的暴力搜索，适合约 2 万个物品以内）或 Qdrant 服务器"
                    "（HNSW，适合大型目录）。更改后，下次准备数据时生效。",
                    "Similar items, interest matching and user neighbours all query this index. The default, "
                    "hnswlib, runs in this process; Qdrant keeps the vectors in a collection: a local folder "
                    "(exact brute-force search, fine up to about 20,000 items) or a Qdrant server (HNSW, for large "
                    "catalogues). A change applies the next time the data is prepared."),
    "index.current": ("当前索引：{uri}", "Current index: {uri}"),
    "index.kind": ("索引类型", "Index type"),
    "index.kind.hnsw": ("hnswlib（本进程内，默认）", "hnswlib (in this process, default)"),
    "index.kind.folder": ("Qdrant 本地文件夹", "Qdrant local folder"),
    "index.kind.server": ("Qdrant 服务器", "Qdrant server"),
    "index.location.folder": ("文件夹路径", "Folder path"),
    "index.location.server": ("服务器地址（REST 端口，通常为 6333）", "Server URL (REST port, usually 6333)"),
    "index.help.folder": ("同一时间只能有一个进程打开该文件夹；命令行任务与看板同时运行时请改用服务器。",
                          "Only one process can open the folder at a time; use a server when batch jobs run "
                          "next to the dashboard."),
    "index.help.server": ("若服务器需要 API 密钥，请在启动看板前设置环境变量 QDRANT_API_KEY。",
                          "If the server needs an API key, set the QDRANT_API_KEY environment variable before "
                          "starting the dashboard."),
    "index.apply": ("检查并使用", "Check and use"),
    "index.invalid": ("无法使用这个索引：{detail}", "This index cannot be used: {detail}"),
    "index.not_saved": ("设置无法保存到工作区：{detail}", "The setting could not be saved to the workspace: {detail}"),
    "index.saved": ("已改用 {uri}。", "Now using {uri}."),
    # --- interests page (issue 4) ------------------------------------------------------------
    # --- tuning page (issue 5) ---------------------------------------------------------------
    "tuning.header": ("融合权重调优", "Fusion tuning"),
    "tuning.intro": ("每个通道各自给所有物品打分；拖动滑块只会重新加权已缓存的分数，"
                     "列表、贡献和理由会立即更新。",
                     "Each channel scores every item; moving a slider only re-weights the cached scores, "
                     "so the list, the contributions and the reasons update at once."),
    "tuning.user": ("用户", "User"),
    "tuning.no_user": ("（不选用户：只用兴趣）", "(no user: typed interests only)"),
    "tuning.use_page_interests": ("使用「兴趣」页的兴趣", "Use the interests from the Interests page"),
    "tuning.interests_input": ("或在这里输入兴趣（可选）", "Or type interests here (optional)"),
    "tuning.interests_help": ("例如：我喜欢科幻电影，也想看点轻松的喜剧，不要恐怖片",
                              "e.g. cozy mysteries and space operas, no horror"),
    "tuning.tags": ("兴趣标签：{tags}", "Interest tags: {tags}"),
    "tuning.need_query": ("请选择一个用户，或输入兴趣。", "Pick a user, or type some interests."),
    "tuning.weights": ("通道权重", "Channel weights"),
    "tuning.channel.semantic": ("语义（兴趣）", "Semantic (interests)"),
    "tuning.channel.history": ("历史内容", "History content"),
    "tuning.channel.mf": ("矩阵分解", "Matrix factorisation"),
    "tuning.channel.item_knn": ("物品近邻", "Item neighbours"),
    "tuning.channel.ease": ("EASE^R 线性模型", "EASE^R linear model"),
    "tuning.channel.rp3beta": ("RP3beta 随机游走", "RP3beta random walk"),
    "tuning.channel.popularity": ("热度", "Popularity"),
    "tuning.channel.recency": ("新鲜度", "Freshness"),
    "tuning.channel.graph": ("知识图谱", "Knowledge graph"),
    "tuning.channel.learned": ("学习的文本→物品映射", "Learned text → items"),
    "tuning.channel.gist": ("整句语义", "Whole text"),
    "tuning.help.semantic": ("输入的兴趣标签与物品文本向量的余弦相似度",
                             "Typed interest tags vs item text vectors (cosine)"),
    "tuning.help.history": ("用户历史向量与物品向量的相似度", "The user's history vector vs item vectors"),
    "tuning.help.mf": ("隐式反馈矩阵分解（ALS / BPR）", "Implicit-feedback matrix factorisation (ALS / BPR)"),
    "tuning.help.item_knn": ("与用户交互过的物品的共现余弦相似度之和",
                             "Sum of item-item cosine similarities to the user's items"),
    "tuning.help.ease": ("EASE^R：由全部交互闭式求解的物品×物品权重（稠密矩阵；目录太大时跳过），"
                         "对用户交互过的和兴趣里提到的物品求和；默认权重为 0，给它权重后才训练",
                         "EASE^R: item-item weights solved in closed form from all interactions (a dense "
                         "matrix; skipped when the catalogue is too large), summed over the user's items and "
                         "the items the interests name; weight 0 by default, trained once given a weight"),
    "tuning.help.rp3beta": ("RP3beta：用户→物品→用户→物品的三步随机游走，按物品热度打折，每个物品保留前 k 个近邻；"
                            "默认权重为 0，给它权重后才训练",
                            "RP3beta: a three-step random walk user → item → user → item, discounted by item "
                            "popularity, top k neighbours per item; weight 0 by default, trained once given a "
                            "weight"),
    "tuning.help.popularity": ("与物品互动过的用户数（取对数）",
                               "Number of people who interacted with the item (log)"),
    "tuning.help.recency": ("按年份或首次出现时间计算的新鲜度",
                            "Freshness from the release year or first interaction"),
    "tuning.help.graph": ("物品—属性图上的个性化 PageRank",
                          "Personalised PageRank over the item-attribute graph"),
    "tuning.help.learned": ("在本数据集上训练的模型把兴趣文字映射到协同过滤空间：喜欢相似内容的人喜欢什么",
                            "A model trained on this dataset maps typed text into the collaborative space: "
                            "what people who liked similar things liked"),
    "tuning.help.gist": ("把整段输入作为一个查询，与物品文本向量的余弦相似度（去掉了否定的部分）",
                         "The whole typed text as one query vs item text vectors (cosine; negated parts removed)"),
    "tuning.dropped": ("{channel} 未参与：{reason}", "{channel} is off: {reason}"),
    "tuning.reason.not_fitted": ("通道尚未训练", "the channel has not been fitted"),
    "tuning.reason.on_first_use": ("给它一个权重后才训练（首次需要几十秒，之后从缓存读取）",
                                   "trained once you give it a weight (tens of seconds the first time, then cached)"),
    "tuning.reason.no_item_vectors": ("没有物品向量", "no item vectors"),
    "tuning.reason.no_profile": ("没有输入兴趣", "no typed interests"),
    "tuning.reason.profile_without_vectors": ("兴趣标签没有向量", "the interest tags carry no vectors"),
    "tuning.reason.no_text_tags": ("兴趣里没有带向量的自由文本标签（只有片名或属性）",
                                   "the interests have no free-text tags with vectors (only titles or attributes)"),
    "tuning.reason.no_gist": ("兴趣里没有整句标签", "the interests have no whole-text (gist) tag"),
    "tuning.reason.no_user": ("没有选择用户", "no user picked"),
    "tuning.reason.unknown_user": ("交互数据中没有这个用户", "the user is not in the interaction data"),
    "tuning.reason.no_history": ("该用户没有可用的历史", "the user has no usable history"),
    "tuning.reason.no_interactions": ("数据集没有交互记录", "the dataset has no interactions"),
    "tuning.reason.no_time": ("数据既没有时间戳也没有年份", "the data has neither timestamps nor years"),
    "tuning.reason.no_attributes": ("物品没有可建图的属性",
                                    "the items carry no attributes to build a graph from"),
    "tuning.reason.no_seed": ("历史和兴趣都连不到图中的属性",
                              "neither history nor interests reach the item graph"),
    "tuning.reason.too_large": ("目录太大：物品×物品稠密矩阵超出可用内存，已跳过",
                                "the catalogue is too large: its dense item × item matrix does not fit the "
                                "memory available, so it is skipped"),
    "tuning.normalisation": ("归一化", "Normalisation"),
    "tuning.norm.minmax": ("最小-最大", "Min-max"),
    "tuning.norm.zscore": ("Z 分数", "Z-score"),
    "tuning.norm.rank": ("排名百分位", "Rank percentile"),
    "tuning.rrf": ("倒数排名融合（RRF）", "Reciprocal rank fusion (RRF)"),
    "tuning.rrf_k": ("RRF 常数 k", "RRF constant k"),
    "tuning.mmr": ("多样性 MMR λ（1 = 不重排）", "Diversity MMR λ (1 = no re-rank)"),
    "tuning.k": ("列表长度", "List length"),
    "tuning.bundled": ("内置预设", "Built-in presets"),
    "tuning.bundled_help": ("随产品提供、在数据上调好的融合设置；应用后可以继续调整滑块",
                            "Fusion settings shipped with the product, tuned on data; adjust the sliders afterwards"),
    "tuning.bundled.typed_cold_start": ("只有输入的兴趣、没有历史", "Typed interests, no history"),
    "tuning.bundled_note.typed_cold_start": (
        "在 INSPIRED 真实对话（dev 部分）上针对 MovieLens 目录调出的权重，适合没有历史、只输入兴趣的用户；"
        "在 test 部分的效果见 bench/results/bench_typed.md。",
        "Weights tuned on real INSPIRED dialogues (the dev part) over the MovieLens catalogue, for a person with "
        "no history who typed what they want; its test figures are in bench/results/bench_typed.md."),
    "tuning.apply_bundled": ("应用预设", "Apply preset"),
    "tuning.reset": ("恢复默认权重", "Reset weights"),
    "tuning.results": ("推荐结果", "Recommendations"),
    "tuning.chart_title": ("各通道对最终分数的贡献", "Each channel's contribution to the final score"),
    "tuning.contribution": ("贡献", "Contribution"),
    "tuning.col.rank": ("名次", "Rank"),
    "tuning.col.move": ("变化", "Move"),
    "tuning.col.title": ("标题", "Title"),
    "tuning.col.score": ("分数", "Score"),
    "tuning.col.reason": ("推荐理由", "Reason"),
    "tuning.col.without": ("去掉{channel}", "without {channel}"),
    "tuning.move.up": ("▲{n}", "▲{n}"),
    "tuning.move.down": ("▼{n}", "▼{n}"),
    "tuning.move.same": ("—", "—"),
    "tuning.move.new": ("新", "new"),
    "tuning.whatif": ("「去掉××」列：把该通道权重设为 0 时这件物品的名次。"
                      "「变化」列：与上一次权重相比的名次变化。",
                      "“without …” columns: the item's rank if that channel's weight were 0. "
                      "“Move”: rank change since the previous weights."),
    "tuning.col.reason_help": ("这件物品为什么在列表里；完整的说明见下方“单个物品详情”。",
                               "Why the item is in the list; the full text is in “One item in detail” below."),
    "tuning.col.without_help": ("把这个通道的权重设为 0 时这件物品的名次。",
                                "The item's rank if this channel's weight were 0."),
    "tuning.detail.title": ("单个物品详情", "One item in detail"),
    "tuning.detail.pick": ("物品", "Item"),
    "tuning.detail.channel": ("通道", "Channel"),
    "tuning.detail.weight": ("权重", "Weight"),
    "tuning.detail.contribution": ("贡献", "Contribution"),
    "tuning.detail.without": ("去掉该通道后的名次", "Rank without it"),
    "tuning.mix.none": ("没有选择用户：列表只按输入的兴趣排序，与「兴趣」页（不选用户时）相同。",
                        "No user picked: the list ranks the typed interests alone, as the Interests page does "
                        "without a user."),
    "tuning.mix.title": ("这份列表混合了用户 {user} 的历史和输入的兴趣：",
                         "This list mixes user {user}'s history with the typed interests:"),
    "tuning.mix.tags": ("兴趣标签：想要的权重中，历史兴趣占 {history}%，输入的兴趣占 {typed}%"
                        "（用“历史兴趣占比”滑块调整）；"
                        "输入中“不想要”的标签始终有效。",
                        "Interest tags: history interests carry {history}% of the wanted weight, the typed "
                        "interests {typed}% (the history share slider sets this); avoided tags always apply."),
    "tuning.mix.history_only": ("没有输入兴趣：列表只来自这个用户的历史。",
                                "No typed interests: the list comes from this user's history alone."),
    "tuning.mix.channels": ("直接读取用户历史的通道（{channels}）占列表中各物品分数的 {share}%。",
                            "Channels that read the user's history ({channels}) make up {share}% of the listed "
                            "items' scores."),
    "tuning.mix.seen": ("用户看过的 {n} 件物品不会出现在列表中。",
                        "The {n} items the user has already seen are left out."),
    "tuning.mix.why": ("所以这份列表和只按输入兴趣排序的列表（「兴趣」页不选用户时）不同；"
                       "选“不选用户”即可只看输入的兴趣。",
                       "That is why this list differs from the typed interests alone (the Interests page without "
                       "a user); pick “no user” to see those alone."),
    "tuning.timing": ("融合 {n} 个物品用时 {ms} 毫秒", "Fused {n} items in {ms} ms"),
    "tuning.no_results": ("没有可推荐的物品。", "No item can be recommended."),
    "tuning.weights_error.all_zero": (
        "所有通道的权重都是 0，没有可以排序的依据，所以不显示列表：请至少把一个通道的权重调到 0 以上。",
        "Every channel weight is 0, so there is nothing to rank by and no list is shown: raise at least one "
        "channel's weight above 0."),
    "tuning.weights_error.too_large": ("「{channel}」的权重 {value} 超过上限 {cap}。",
                                       "The weight of “{channel}” is {value}, above the limit of {cap}."),
    "tuning.weights_error.negative": ("「{channel}」的权重 {value} 是负数；权重范围是 0 到 {cap}。",
                                      "The weight of “{channel}” is {value}; weights go from 0 to {cap}."),
    "tuning.weights_error.not_finite": ("「{channel}」的权重 {value} 不是有限的数。",
                                        "The weight of “{channel}” is {value}, not a finite number."),
    "tuning.weights_error.not_a_number": ("「{channel}」的权重 {value} 不是数字。",
                                          "The weight of “{channel}” is {value}, not a number."),
    "tuning.weights_error.unknown_channel": ("没有名为 {value} 的通道。", "There is no channel named {value}."),
    "tuning.presets": ("权重预设", "Weight presets"),
    "tuning.preset_name": ("预设名称", "Preset name"),
    "tuning.save": ("保存当前设置", "Save current settings"),
    "tuning.saved": ("已保存预设：{name}", "Saved preset: {name}"),
    "tuning.preset_pick": ("已保存的预设", "Saved presets"),
    "tuning.load": ("载入", "Load"),
    "tuning.loaded": ("已载入预设：{name}", "Loaded preset: {name}"),
    "tuning.no_presets": ("还没有保存的预设。", "No saved presets yet."),
    "tuning.preset_error": ("预设操作失败：{error}", "Preset operation failed: {error}"),
    "tuning.name_needed": ("请先输入预设名称。", "Type a preset name first."),
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
    "evaluate.typed": ("评估输入兴趣", "Evaluate typed interests"),
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
    "evaluate.typed.ndcg_history": ("NDCG（只用历史）", "NDCG (history only)"),
    "evaluate.typed.ndcg_typed": ("NDCG（+兴趣，自带权重）", "NDCG (+ typed, own weight)"),
    "evaluate.typed.ndcg_tuned": ("NDCG（+兴趣，验证集选权重）", "NDCG (+ typed, chosen weight)"),
    "evaluate.typed.weight": ("选出的兴趣通道权重（语义、整句）",
                              "Chosen weight of the interest channels (semantic, whole text)"),
    "evaluate.typed.off": ("不用（只用历史）", "off (history only)"),
    "evaluate.typed.recall_history": ("召回（只用历史）", "Recall (history only)"),
    "evaluate.typed.recall_tuned": ("召回（+兴趣，选权重）", "Recall (+ typed, chosen weight)"),
    "evaluate.typed.p": ("Wilcoxon p", "Wilcoxon p"),
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
    # --- map page (issue 7) ------------------------------------------------------------------
    "map.header": ("向量地图", "Embedding map"),
    "map.intro": (
        "物品（彩色圆点）、用户（浅灰色小菱形）和你输入的兴趣（★）画在同一张 UMAP 地图上。点击一个点（或在下方"
        "查找）会连线显示它在 hnswlib 索引中的近邻；用框选或套索选中一片区域，即可列出并下载其中的物品。",
        "Items (coloured dots), users (small pale diamonds) and the interests you typed (★), on one UMAP map. "
        "Click a point (or find it below) to "
        "draw lines to its nearest neighbours in the hnswlib index; box- or lasso-select an area to list "
        "and download its items.",
    ),
    "map.computing": (
        "正在计算 UMAP 投影（首次约需 10–30 秒）…",
        "Computing the UMAP projection (10–30 s the first time)…",
    ),
    "map.loaded_cache": ("已从磁盘缓存载入地图（{s} 秒）", "Map loaded from the disk cache ({s} s)"),
    "map.computed": ("地图已计算完成（{s} 秒），并已缓存", "Map computed ({s} s) and cached"),
    "map.settings": ("投影参数", "Projection settings"),
    "map.n_neighbors": ("UMAP 近邻数（n_neighbors）", "UMAP n_neighbors"),
    "map.n_neighbors_help": (
        "越小越强调局部结构，越大越保留整体布局；修改后会重新计算（结果会缓存）。",
        "Smaller keeps local detail, larger keeps the global layout; changing it recomputes the map (the "
        "result is cached).",
    ),
    "map.min_dist": ("最小距离（min_dist）", "min_dist"),
    "map.min_dist_help": (
        "点之间允许的最小间距：越小簇越紧凑。",
        "How tightly points may pack: smaller gives tighter clusters.",
    ),
    "map.colour": ("着色方式", "Colour by"),
    "map.colour_placeholder": ("选择着色方式…", "Choose a colouring…"),
    "map.colour.category": ("类别 / 类型", "Category / genre"),
    "map.colour.popularity": ("流行度（log）", "Popularity (log)"),
    "map.colour.cluster": ("历史兴趣簇（所选用户）", "History-interest cluster (picked user)"),
    "map.cluster_outside": ("不在该用户的喜欢记录中", "Not in this user's liked items"),
    "map.clusters_computing": ("正在聚类该用户的历史兴趣…", "Clustering the user's history interests…"),
    "map.cluster_unavailable": (
        "先在地图上点选一个用户（或用查找框），才能按其历史兴趣簇着色。",
        "Pick a user on the map (or with the finder) to colour by their history-interest clusters.",
    ),
    "map.colour.score": ("当前融合得分", "Current fused score"),
    "map.items_shown": ("显示的物品数", "Items shown"),
    "map.users_shown": ("显示的用户数", "Users shown"),
    "map.sample_help": (
        "按类别分层抽样：各类按比例、每类有下限、随机种子固定，不是取前 N 个；选中、近邻和推荐的点总会显示"
        "。",
        "A stratified sample: proportional per category with a minimum per category and a fixed seed, "
        "never the first N; selected, neighbouring and recommended points are always drawn.",
    ),
    "map.sample_caption": (
        "显示 {items} / {n_items} 个物品（分层抽样，覆盖 {strata} 个类别）和 {users} / {n_users} 个用户。",
        "Showing {items} of {n_items} items (stratified sample over {strata} categories) and {users} of "
        "{n_users} users.",
    ),
    "map.k": ("近邻数 k", "Neighbours k"),
    "map.neighbour_pool": ("近邻范围", "Neighbours among"),
    "map.pool.items": ("物品", "items"),
    "map.pool.users": ("用户", "users"),
    "map.find": ("查找物品或用户", "Find an item or user"),
    "map.find_placeholder": ("输入片名或用户编号…", "Type a title or a user id…"),
    "map.recs_toggle": ("推荐", "Recommendations"),
    "map.recs_toggle_help": (
        "在地图上用紫色方框标出推荐列表（数字为名次）：默认是“兴趣”页当前兴趣得到的列表（同样的 k），点选用户后"
        "改为该用户的推荐。",
        "Mark the recommended items on the map as purple squares (numbers are ranks): by default the list the "
        "Interests page's current interests produce (same k); after you pick a user, that user's list.",
    ),
    "map.recs_computing": ("正在计算推荐与融合得分…", "Computing recommendations and fused scores…"),
    "map.recs_caption.typed": (
        "紫色方框：你在“兴趣”页输入的兴趣得到的前 {k} 个推荐（与“兴趣”页的列表相同，数字为名次）。",
        "Purple squares: the top {k} recommendations for the interests typed on the Interests page (the same "
        "list as there; numbers are ranks).",
    ),
    "map.recs_caption.typed_user": (
        "紫色方框：你输入的兴趣与用户 {id} 的历史兴趣合并后得到的前 {k} 个推荐（与“兴趣”页的列表相同，数字为名次）。",
        "Purple squares: the top {k} recommendations for the typed interests mixed with user {id}'s history "
        "(the same list as on the Interests page; numbers are ranks).",
    ),
    "map.recs_caption.user": (
        "紫色方框：地图上选中的用户 {id} 的前 {k} 个推荐（数字为名次）。清除选择后恢复为你输入的兴趣的推荐。",
        "Purple squares: the top {k} recommendations for user {id}, picked on the map (numbers are ranks). "
        "Clear the selection to see the list for your typed interests again.",
    ),
    "map.recs_caption.none": (
        "还没有输入兴趣，所以地图上没有推荐：在“兴趣”页输入兴趣（或在地图上点选一个用户）后，推荐会以紫色方框显示。",
        "No interests typed yet, so no recommendations are drawn: type interests on the Interests page (or "
        "pick a user on the map) and their recommendations appear as purple squares.",
    ),
    "map.score_unavailable": (
        "先在“兴趣”页输入兴趣，或在地图上点选一个用户，才能按融合得分着色。",
        "Type interests on the Interests page, or pick a user on the map, to colour by fused score.",
    ),
    "map.clear": ("清除选择", "Clear selection"),
    "map.user_label": ("用户 {id}", "User {id}"),
    "map.user_tags": ("{n} 次交互", "{n} interactions"),
    "map.composed_label": ("合成兴趣", "composed interest"),
    "map.interests_caption": (
        "★ 为“兴趣”页输入的兴趣标签（红色为不想要的），◆ 为合成后的兴趣向量；它们按近邻加权放到已有地图上，"
        "没有重新拟合。",
        "★ are the interest tags typed on the Interests page (red: things to avoid), ◆ is the composed "
        "interest vector; they are placed on the existing map from their neighbours, without refitting.",
    ),
    "map.no_interests": (
        "在“兴趣”页输入兴趣后，它们会以星标出现在地图上。",
        "Type interests on the Interests page and they appear here as stars.",
    ),
    "map.trust": ("可信度（trustworthiness）", "Trustworthiness"),
    "map.trust_help": (
        "地图上相邻的点在原始向量空间中是否也相邻：1 为完全可信，随机布局约 0.5。",
        "Whether points that are close on the map are also close in the vector space: 1 is perfect, a "
        "random layout scores about 0.5.",
    ),
    "map.trust_caption": (
        "在 {n} 个点的随机样本上测得（k={k}）。UMAP 保留局部近邻，但会扭曲全局：簇之间的距离、簇的大小和空"
        "白都没有含义。请以 hnswlib 近邻表中的余弦相似度为准，不要过度解读地图上的距离。",
        "Measured on a random sample of {n} points (k={k}). UMAP keeps local neighbourhoods but distorts "
        "the global picture: distances between clusters, cluster sizes and empty space mean nothing. Trust "
        "the cosine similarities in the neighbour table, not distances on the map.",
    ),
    "map.params_caption": (
        "n_neighbors={n}，min_dist={d}，近邻图：{knn}；拟合耗时 {s} 秒。",
        "n_neighbors={n}, min_dist={d}, neighbour graph: {knn}; fitted in {s} s.",
    ),
    "map.no_pick": (
        "点击地图上的点（或用上方的查找框）查看它的近邻。",
        "Click a point on the map (or use the finder above) to see its neighbours.",
    ),
    "map.neighbours_header": (
        "{k} 个最近邻（hnswlib 索引，余弦相似度）",
        "{k} nearest neighbours (hnswlib index, cosine similarity)",
    ),
    "map.selected_point": ("已选：{name}", "Selected: {name}"),
    "map.lasso_header": ("框选 / 套索选中的物品（{n}）", "Items in the box / lasso selection ({n})"),
    "map.lasso_hint": (
        "用图表右上角的框选或套索工具圈出一片区域，这里就会列出其中的物品，并可下载为 CSV。",
        "Use the box or lasso tool (top right of the chart) to circle an area; its items are listed here "
        "and can be downloaded as CSV.",
    ),
    "map.lasso_users": (
        "选区中还有 {n} 个用户（未列出）。",
        "The selection also holds {n} users (not listed).",
    ),
    "map.download": ("下载 CSV", "Download CSV"),
    "map.error": ("无法计算地图：{err}", "Could not compute the map: {err}"),
    "map.too_small": (
        "数据集太小，无法绘制地图（至少需要 {n} 个物品）。",
        "The dataset is too small for a map (at least {n} items are needed).",
    ),
    "map.kind.item": ("物品", "item"),
    "map.kind.user": ("用户", "user"),
    "map.col.rank": ("名次", "Rank"),
    "map.col.kind": ("类型", "Kind"),
    "map.col.id": ("编号", "ID"),
    "map.col.item_id": ("物品编号", "Item ID"),
    "map.col.title": ("标题", "Title"),
    "map.col.category": ("类别", "Category"),
    "map.col.tags": ("标签", "Tags"),
    "map.col.year": ("年份", "Year"),
    "map.col.popularity": ("流行度（用户数）", "Popularity (users)"),
    "map.col.similarity": ("余弦相似度", "Cosine similarity"),
    "map.col.x": ("地图 x", "Map x"),
    "map.col.y": ("地图 y", "Map y"),
    "map.legend.items": ("物品", "Items"),
    "map.legend.users": ("用户", "Users"),
    "map.legend.other": ("其他类别", "Other categories"),
    "map.legend.category": ("类别", "Category"),
    "map.legend.tags": ("标签", "Tags"),
    "map.legend.neighbours": ("近邻", "Neighbours"),
    "map.legend.recommended.typed": ("推荐 · 你的兴趣", "Recommended · your interests"),
    "map.legend.recommended.typed_user": ("推荐 · 你的兴趣 + 用户 {id}", "Recommended · your interests + user {id}"),
    "map.legend.recommended.user": ("推荐 · 用户 {id}", "Recommended · user {id}"),
    "map.legend.recommended.none": ("推荐（未输入兴趣）", "Recommended (no interests typed)"),
    "map.legend.selected": ("已选", "Selected"),
    "map.legend.interest": ("兴趣标签", "Interest tags"),
    "map.legend.avoid": ("不想要", "Avoid"),
    "map.legend.composed": ("合成兴趣", "Composed interest"),
    "map.legend.similarity": ("相似度", "Similarity"),
    "map.legend.rank": ("名次", "Rank"),
    "map.legend.none": ("（无类别）", "(no category)"),
    # --- workspace / presets / security (issue 8) --------------------------------------------
    "ws.dataset_label": ("⬆ {name}（{rows} 条交互）", "⬆ {name} ({rows} interactions)"),
    "ws.saved": ("已保存到工作区：重启应用后仍在左侧数据集列表中。",
                 "Saved to the workspace: it stays in the sidebar's dataset list after a restart."),
    "ws.save_failed": ("无法写入工作区（{error}）；该数据集只在本次会话中可用。",
                       "Could not write to the workspace ({error}); this dataset is kept for this "
                       "session only."),
    "ws.missing": ("所选数据集已不在工作区中，已改用 MovieLens 演示数据。",
                   "The chosen dataset is no longer in the workspace; showing the MovieLens demo instead."),
    "ws.unusable": ("无法打开工作区，只能使用演示数据集；已保存的数据集、预设和运行记录暂不可用：{error}",
                    "The workspace cannot be opened, so only the demo datasets are offered; saved datasets, "
                    "presets and runs are unavailable until it is fixed: {error}"),
    # --- cache verification (issue 16) -------------------------------------------------------
    "cache.kind.index": ("近邻索引", "neighbour index"),
    "cache.kind.vectors": ("向量缓存分片", "vector cache shard"),
    "cache.kind.map": ("地图", "map"),
    "cache.notice.corrupt": ("缓存的{kind}文件 {file} 已损坏（内容与写入时的校验和不符或无法读取），已删除并重新生成。",
                             "The cached {kind} file {file} was damaged (its bytes no longer match the checksum "
                             "written with it, or it cannot be read); it was deleted and rebuilt."),
    "cache.notice.unverified": ("缓存的{kind}文件 {file} 没有校验和（旧版本写入），未被信任，已重新生成。",
                                "The cached {kind} file {file} had no checksum (written by an older version), "
                                "so it was not trusted and was rebuilt."),
    "cache.notice.versions": ("缓存的{kind}文件 {file} 由其他版本的库生成（{detail}），已重新生成。",
                              "The cached {kind} file {file} was built by other library versions ({detail}); "
                              "it was rebuilt."),
    "privacy.pseudonymise": ("假名化用户 ID（带密钥哈希）", "Pseudonymise user ids (keyed hash)"),
    "privacy.pseudonymise_help": ("载入时用 HMAC-SHA256(密钥, 用户ID) 的前 16 位十六进制替换每个用户 ID；"
                                  "原始 ID 不会写入工作区。同一密钥得到同一假名，便于再次上传时对齐。",
                                  "At ingest each user id becomes the first 16 hex digits of "
                                  "HMAC-SHA256(key, id); the original ids never reach the workspace. The same "
                                  "key gives the same pseudonyms, so later uploads line up."),
    "privacy.key": ("假名化密钥", "Pseudonymisation key"),
    "privacy.key_help": ("请妥善保管；不保存到任何地方。", "Keep it safe; it is not stored anywhere."),
    "privacy.key_missing": ("请输入假名化密钥，或取消勾选假名化。",
                            "Enter a pseudonymisation key, or untick pseudonymisation."),
    "auth.password": ("访问密码", "Access password"),
    "auth.wrong": ("密码不正确。", "Wrong password."),
    "auth.login": ("登录", "Log in"),
    "auth.wrong_left": ("密码不正确。再输错 {n} 次后将暂停尝试。", "Wrong password. {n} more wrong attempt(s) and "
                        "attempts pause."),
    "auth.locked": ("输错次数过多：请在 {seconds} 秒后再试（每次输错都会使暂停时间加倍）。本次输入未被检查。",
                    "Too many wrong passwords: try again in {seconds} s (each further failure doubles the "
                    "pause). This entry was not checked."),
    "auth.password_help": ("连续输错 {n} 次后暂停 {seconds} 秒，此后每次输错暂停时间加倍。",
                           "After {n} wrong passwords attempts pause for {seconds} s, doubling with each "
                           "further failure."),
    "auth.misconfigured": ("访问控制配置有误：.streamlit/secrets.toml 中的密码哈希无法读取。管理员请用 "
                           "`{command}` 生成新的 `password_hash`。",
                           "Access control is misconfigured: the password hash in .streamlit/secrets.toml cannot "
                           "be read. An administrator should make a new `password_hash` with `{command}`."),
    "auth.legacy": ("管理员请注意：访问密码仍以未加盐的 SHA-256（`password_sha256`）保存。请用 `{command}` "
                    "生成加盐的 `password_hash` 替换它。",
                    "For the administrator: the access password is still stored as an unsalted SHA-256 "
                    "(`password_sha256`). Replace it with a salted `password_hash` made by `{command}`."),
    "auth.open_network": ("本服务器监听 {address}（网络上的其他设备可以访问），但没有配置访问控制，因此拒绝访问。"
                          "管理员请在 .streamlit/secrets.toml 的 `[interestlens]` 中设置 `password_hash`"
                          "（`python -m core hash-password`）或 `require_oidc`；若网络可信，可设置 "
                          "`allow_open_network = true`。仅在本机使用时请保留 `server.address = \"127.0.0.1\"`。",
                          "This server listens on {address} (reachable from other machines) with no access "
                          "control, so it refuses every page. An administrator should set `password_hash` "
                          "(`python -m core hash-password`) or `require_oidc` under `[interestlens]` in "
                          ".streamlit/secrets.toml, or `allow_open_network = true` if the network is trusted. "
                          "For use on this machine only, keep `server.address = \"127.0.0.1\"`."),
    # --- interests page (issue 5) -------------------------------------------------------------
    "interests.header": ("兴趣分解与推荐", "Interests: decompose and recommend"),
    "interests.intro": ("用一句话描述你喜欢和不喜欢的内容：系统把它拆成带权重的兴趣标签（可编辑），"
                        "在目录中检验每个标签，再按「权重调优」页的融合权重排序。"
                        "对结果点 👍 / 👎 会立刻调整权重并重新排序。",
                        "Describe what you like and dislike in a sentence: it is split into weighted interest tags "
                        "(editable), each checked against the catalogue, then ranked with the Tuning page's fusion "
                        "weights. 👍 / 👎 on a result moves the weights and re-ranks at once."),
    "interests.input": ("你的兴趣", "Your interests"),
    "interests.input_help": ("中文、英文或混合均可；可以写“不要……”来排除内容。超过 1,000 字只使用开头部分。",
                             "Chinese, English or mixed; write “no …” to exclude something. Beyond 1,000 "
                             "characters only the beginning is used."),
    "interests.placeholder": ("例如：我喜欢科幻电影和轻松的喜剧，不要恐怖片",
                              "e.g. space operas and cozy mysteries, no horror"),
    "interests.examples": ("示例（点击填入）：", "Examples (click to use):"),
    "interests.temperature": ("温度（权重集中程度）", "Temperature (how even the weights are)"),
    "interests.temperature_help": ("权重 = softmax(得分 / 温度)：温度低时最相关的标签占大头，温度高时各标签更平均。",
                                   "Weights = softmax(score / temperature): low temperature gives the most "
                                   "relevant tag most of the weight, high temperature spreads it evenly."),
    "interests.diversity": ("多样性（MMR）", "Diversity (MMR)"),
    "interests.diversity_help": ("最大边际相关性：越高越排斥彼此相似的标签。",
                                 "Maximal marginal relevance: higher values drop tags too similar to one another."),
    "interests.max_tags": ("最多标签数", "Maximum number of tags"),
    "interests.empty": ("请输入你的兴趣，或点击一个示例。", "Type your interests, or click an example."),
    "interests.decompose_error": ("无法从这段文字中找到兴趣：{error}",
                                  "No interests could be read from this text: {error}"),
    "interests.tags": ("兴趣标签", "Interest tags"),
    "interests.col.text": ("标签", "Tag"),
    "interests.col.weight": ("权重", "Weight"),
    "interests.col.weight_help": ("你给这个标签的数字（0 或更大）。只有同方向标签之间的比例起作用（见“占比”）；"
                                  "改一个不会改动其他标签的数字。不接受负数：要避开一个标签，请把“方向”设为 −1。",
                                  "Your number for this tag (0 or more). Only the ratios between tags of the same "
                                  "polarity count (see Share); changing one leaves the others' numbers as they are. "
                                  "Negative numbers are refused: to avoid a tag, set its Polarity to −1."),
    "interests.col.share": ("占比", "Share"),
    "interests.col.share_help": ("这个标签在同方向（想要 / 不想要）标签的权重之和中所占的比例；"
                                 "排序用的就是它，图中显示的也是它。",
                                 "This tag's part of the total weight of its polarity (wanted or avoided); the "
                                 "ranking uses it, and the chart shows it."),
    "interests.col.polarity": ("方向", "Polarity"),
    "interests.col.polarity_help": ("+1 = 想要，−1 = 不想要（要避开一个标签就在这里改，而不是把权重改成负数）",
                                    "+1 = want, −1 = avoid (to avoid a tag, change it here, not by a negative "
                                    "weight)"),
    "interests.polarity.want": ("+1 想要", "+1 want"),
    "interests.polarity.avoid": ("−1 不想要", "−1 avoid"),
    "interests.group.want": ("想要的", "wanted"),
    "interests.group.avoid": ("不想要的", "avoided"),
    "interests.weight_refused.negative": (
        "没有应用“{tag}”的权重 {value}：权重不能为负数。要避开这个标签，请把它的“方向”设为 −1（不想要）。",
        "Weight {value} for “{tag}” was not applied: weights are 0 or more. To avoid this tag, set its Polarity "
        "to −1 (avoid)."),
    "interests.weight_refused.not_finite": ("没有应用“{tag}”的权重 {value}：权重必须是有限的数字。",
                                            "Weight {value} for “{tag}” was not applied: a weight must be a finite "
                                            "number."),
    "interests.weight_refused.all_zero": ("没有应用修改：{group}标签的权重全都是 0。"
                                          "请至少给一个大于 0 的权重，或者删除这些行。",
                                          "The edit was not applied: every {group} tag has weight 0. Give at least "
                                          "one a weight above 0, or delete the rows."),
    "interests.col.grounded": ("目录中有依据", "Grounded"),
    "interests.col.grounded_help": ("目录里有足够相近的物品；未勾选表示该标签在目录中找不到对应内容。",
                                    "Close enough items exist in the catalogue; unticked means nothing in the "
                                    "catalogue matches this tag."),
    "interests.col.grounding": ("依据强度", "Grounding"),
    "interests.col.source": ("来源", "Source"),
    "interests.col.kind": ("种类", "Kind"),
    "interests.col.kind_help": ("物品 = 文字中提到的目录条目（如片名）；属性 = 体裁、标签或人物；"
                                "自由文本 = 按语义匹配；整段大意 = 整段文字。改为“自由文本”即去掉匹配。",
                                "Item = a catalogue entry the text names (e.g. a title); attribute = a genre, tag or "
                                "person; free text = matched by meaning; gist = the whole text. Set “free text” to "
                                "drop a match."),
    "interests.col.match": ("匹配到", "Match"),
    "interests.col.match_help": ("这个标签在目录中识别到的条目；在表格下方可以更换或去掉。",
                                 "What the tag was recognised as in the catalogue; change or drop it below the "
                                 "table."),
    "interests.kind.item": ("物品", "Item"),
    "interests.kind.attribute": ("属性", "Attribute"),
    "interests.kind.text": ("自由文本", "Free text"),
    "interests.kind.gist": ("整段大意", "Gist"),
    "interests.facet.tag": ("标签", "tag"),
    "interests.facet.category": ("类别", "category"),
    "interests.facet.user_tag": ("用户标签", "users' tag"),
    "interests.facet.person": ("人物", "person"),
    "interests.match.attribute": ("{facet}：{label}", "{facet}: {label}"),
    "interests.fix.title": ("更正识别结果", "Correct what was recognised"),
    "interests.fix.help": ("选一个标签，改成另一个物品或属性，或者改为自由文本（不再匹配目录）。列表可以输入文字筛选。",
                           "Pick a tag, then match it to another item or attribute, or make it free text (no "
                           "catalogue match). Type in a list to filter it."),
    "interests.fix.tag": ("标签", "Tag"),
    "interests.fix.kind": ("改为", "Make it"),
    "interests.fix.item": ("匹配的物品", "Matched item"),
    "interests.fix.attribute": ("匹配的属性", "Matched attribute"),
    "interests.fix.no_match": ("自由文本和整段大意不匹配目录条目，按语义检索。",
                               "Free text and the gist match no catalogue entry; they are searched by meaning."),
    "interests.fix.apply": ("应用", "Apply"),
    "interests.fix.drop": ("去掉匹配（改为自由文本）", "Drop the match (free text)"),
    "interests.fix.drop_help": ("不是这部作品 / 不是这个人：把标签当作普通文字。",
                                "Not this title / not this person: treat the tag as plain text."),
    "interests.fix.missed": ("没有为“{text}”找到可匹配的{kind}，请在表格下方选择。",
                             "No {kind} found for “{text}”; pick one below the table."),
    "interests.table_help": ("可直接修改标签文字、类型、权重和方向，或增删行；修改会立即生效。权重是你输入的数字，"
                             "不会被改写；“占比”是它在同方向标签中所占的比例。",
                             "Edit a tag's text, kind, weight or polarity, or add and delete rows; changes apply "
                             "at once. Weights stay the numbers you typed; Share is each one's part of its "
                             "polarity's total."),
    "interests.edit_error": ("无法应用修改：{error}", "Could not apply the edit: {error}"),
    "interests.reset": ("恢复为分解结果", "Back to the decomposed tags"),
    "interests.chart_title": ("各标签的占比（右：想要，左：不想要）", "Each tag's share (right: want, left: avoid)"),
    "interests.chart_axis": ("占比（%）", "Share (%)"),
    "interests.ungrounded_mark": ("⚠ 无依据", "⚠ ungrounded"),
    "interests.ungrounded_tags": ("这些标签在目录中找不到对应内容（已保留但标为无依据）：{tags}",
                                  "These tags match nothing in the catalogue (kept, flagged as ungrounded): {tags}"),
    "interests.notice.truncated": ("文字超过 {n} 个字符，只使用了开头部分。",
                                   "The text was longer than {n} characters; only the beginning was used."),
    "interests.notice.markup_removed": ("已移除文字中的 HTML 标记。", "HTML markup was removed from the text."),
    "interests.notice.ungrounded": ("部分标签在目录中找不到对应内容（标为无依据）。",
                                    "Some tags match nothing in the catalogue (flagged as ungrounded)."),
    "interests.notice.only_negative": ("只找到了不想要的内容，没有可以搜索的方向。",
                                       "Only things to avoid were found; nothing to search towards."),
    "interests.notice.only_negative_popular": (
        "只找到了要避开的内容，没有可以搜索的方向：下面显示{avoided}以外的热门作品。",
        "Only things to avoid were found, so there is nothing to search towards: showing popular items outside "
        "{avoided}."),
    "interests.notice.only_negative_other": (
        "只找到了要避开的内容，没有可以搜索的方向：下面显示其他信号在{avoided}以外排得最高的作品。",
        "Only things to avoid were found, so there is nothing to search towards: showing what the other signals "
        "rank highest outside {avoided}."),
    "interests.notice.only_negative_user": (
        "文字里只有要避开的内容：下面按所选用户的历史推荐，并排除{avoided}。",
        "The text only says what to avoid: the list follows the selected user's history, outside {avoided}."),
    "interests.notice.away_from": ("与{avoided}相近的作品排在后面（自由文本无法精确排除）。",
                                   "Items close to {avoided} are ranked lower (free text cannot be excluded "
                                   "exactly)."),
    "interests.notice.contradiction": ("有内容既是想要的又是要避开的：两个标签都保留了，请删除不需要的那个。",
                                       "Something is both wanted and avoided: both tags are kept; delete the one "
                                       "you do not mean."),
    "interests.notice.contradiction_tag": (
        "「{label}」既是想要的（{wanted}）又是要避开的（{avoided}）：两个标签都保留了，它不会被排除；"
        "请在下表删除不需要的那个。",
        "“{label}” is both wanted ({wanted}) and avoided ({avoided}): both tags are kept and it is not "
        "excluded; delete the one you do not mean in the table below."),
    "interests.notice.fallback_whole_text": ("没有找到分开的兴趣，整段文字作为一个标签。",
                                             "No separate interests were found; the whole text is used as one tag."),
    "interests.notice.no_catalogue": ("没有目录向量，未检验标签依据。",
                                      "No catalogue vectors were given, so grounding was not measured."),
    "interests.history": ("用户的历史兴趣", "A user's history interests"),
    "interests.user": ("用户（可选）", "User (optional)"),
    "interests.user_help": ("选择一个用户，把其历史中喜欢的物品聚成几类兴趣，并与输入的兴趣混合。",
                            "Pick a user: the items they liked are clustered into a few interests and mixed "
                            "with the typed ones."),
    "interests.no_user": ("（不选用户）", "(no user)"),
    "interests.no_history": ("该用户没有可用的历史。", "This user has no usable history."),
    "interests.hcol.label": ("历史兴趣", "History interest"),
    "interests.hcol.weight": ("权重", "Weight"),
    "interests.hcol.medoid": ("代表物品", "Representative item"),
    "interests.hcol.items": ("物品数", "Items"),
    "interests.hcol.cohesion": ("凝聚度", "Cohesion"),
    "interests.history_help": ("每一类的代表物品是与同类其他物品平均最相似的那一个；标签由该类最有区分度的词组成。",
                               "Each cluster's representative item is the member most similar to the others; "
                               "its label holds the cluster's most distinctive words."),
    "interests.alpha": ("历史兴趣占比（0 = 只用输入，1 = 只用历史）",
                        "History share (0 = typed only, 1 = history only)"),
    "interests.alpha_help": ("想要的权重中历史兴趣所占比例；输入中“不想要”的标签始终保留。",
                             "The history's share of the wanted weight; typed tags to avoid always stay."),
    "interests.need_input": ("还没有兴趣：请输入文字或选择一个有历史的用户。",
                             "No interests yet: type some text or pick a user with a history."),
    "interests.results": ("推荐结果", "Recommendations"),
    "interests.mode": ("组合方式", "Composition"),
    "interests.mode.single": ("单一向量", "Single vector"),
    "interests.mode.multi": ("多兴趣", "Multi-interest"),
    "interests.mode_help": ("单一向量：把标签加权合成一个向量再检索；多兴趣：每个标签各自检索近邻，再按权重合并。",
                            "Single vector: tags are summed by weight into one vector; multi-interest: each tag "
                            "retrieves its own neighbours, merged by weight."),
    "interests.k": ("显示条数", "Results shown"),
    "interests.no_results": ("没有可推荐的物品。", "No items to recommend."),
    "interests.seen_excluded": ("已排除该用户交互过的 {n} 个物品。", "The user's {n} already-seen items are left out."),
    "interests.like": ("喜欢：把它作为喜欢的物品加入兴趣（不再推荐它，推荐更多类似的）",
                       "Like: add it to your interests as a liked item (it leaves the list; more like it come in)"),
    "interests.dislike": ("不喜欢：从列表中移除，并把与它相似的物品往后排",
                          "Dislike: remove it from the list and push items like it down"),
    "interests.feedback.like": ("已喜欢「{title}」：已作为喜欢的物品加入兴趣",
                                "Liked “{title}”: added to your interests as a liked item"),
    "interests.feedback.dislike": ("不喜欢「{title}」：已作为要避开的物品加入兴趣",
                                   "Disliked “{title}”: added to your interests as an item to avoid"),
    "interests.feedback.left_like": ("它已离开列表（喜欢过的不再推荐）",
                                     "it left the list (what you like is not recommended back)"),
    "interests.feedback.left_dislike": ("它已从列表中移除", "it is removed from the list"),
    "interests.feedback.still_listed": ("它仍在第 {rank} 位", "it is still listed at #{rank}"),
    "interests.feedback.entered": ("新进入列表 {n} 个：{names}", "{n} new in the list: {names}"),
    "interests.feedback.moved_up": ("上移 {n} 个：{names}", "{n} moved up: {names}"),
    "interests.feedback.moved_down": ("下移 {n} 个：{names}", "{n} moved down: {names}"),
    "interests.feedback.dropped": ("移出列表 {n} 个：{names}", "{n} dropped out of the list: {names}"),
    "interests.feedback.rest_unchanged": ("其余物品的位置没有变化", "the other items kept their places"),
    "interests.feedback.no_change": ("列表没有变化", "the list did not change"),
    "interests.feedback.sep": ("；", "; "),
    "interests.feedback.end": ("。", "."),
    "interests.feedback_help": ("👍 把物品作为喜欢的物品加入兴趣（像看过的一样带动协同推荐，本身不再推荐），"
                                "👎 把它作为要避开的物品加入；两者也会调整与之相符的标签权重，"
                                "这部分随后续反馈逐渐回到最初的分解结果。这些物品列在上方的标签表中，可以在那里删除。",
                                "👍 adds the item to your interests as a liked item (used like a watched one by the "
                                "collaborative channels, and not recommended back), 👎 as one to avoid; both also move "
                                "the weights of the tags it matches, which drift back toward the decomposed tags with "
                                "later events. These items are listed in the tag table above, where you can delete "
                                "them."),
    "interests.feedback_kept": ("本会话的 {n} 条反馈已存入工作区，刷新页面后会重新应用。",
                                "{n} feedback events of this session are kept in the workspace and replayed "
                                "after a reload."),
    "interests.clear_feedback": ("清除反馈", "Clear feedback"),
    "interests.feedback_not_saved": ("反馈未能存入工作区，只在本次会话中生效。",
                                     "The feedback could not be saved in the workspace; it holds for this "
                                     "session only."),
    "interests.weights_note": ("排序使用的融合权重：{weights}（在「权重调优」页修改，两页共用）。",
                               "Ranked with the fusion weights {weights} (set on the Tuning page, shared by "
                               "both pages)."),
}


LANG_ENV = "INTERESTLENS_LANG"
"""Environment variable naming the deployment's default language (``zh`` or ``en``)."""


def default_lang() -> str:
    """The language a new session opens in without ``?lang=``: ``$INTERESTLENS_LANG`` if valid, else Chinese."""
    lang = os.environ.get(LANG_ENV, "").strip().lower()
    return lang if lang in LANGS else DEFAULT_LANG


def current_lang() -> str:
    """The language of this browser session (the sidebar's toggle), else the deployment's default."""
    try:
        import streamlit as st

        lang = st.session_state.get("lang")
    except Exception:  # outside a Streamlit run (tests of the catalogue itself)
        lang = None
    return lang if lang in LANGS else default_lang()


def t(key: str, lang: str | None = None, **fmt: Any) -> str:
    """Translate ``key`` into ``lang`` (default: the session's language) and format it.

    A missing key returns the key itself in brackets, so a gap is visible rather than fatal.
    """
    entry = CATALOGUE.get(key)
    if entry is None:
        return f"[{key}]"
    text = entry[LANGS.index(lang or current_lang())]
    return text.format(**fmt) if fmt else text


def fmt_number(value: float, digits: int = 0, lang: str | None = None) -> str:
    """Format a number for the language: thousands separators; 万/亿 for large values in Chinese."""
    lang = lang or current_lang()
    if lang == "zh" and abs(value) >= 100_000_000:
        return f"{value / 100_000_000:.2f} 亿"
    if lang == "zh" and abs(value) >= 100_000:
        return f"{value / 10_000:.1f} 万"
    return f"{value:,.{digits}f}"


def fmt_date(epoch_seconds: float, lang: str | None = None) -> str:
    """Format a Unix time as a date in the language's usual form."""
    if epoch_seconds != epoch_seconds:  # NaN
        return "—"
    dt = datetime.fromtimestamp(epoch_seconds, tz=UTC)
    return f"{dt.year}年{dt.month}月{dt.day}日" if (lang or current_lang()) == "zh" else dt.strftime("%d %b %Y")
