"""The one zh/en string catalogue of the dashboard, and ``t()`` to look strings up.

Every label, help text, message and chart title lives in ``CATALOGUE`` as ``key: (中文, English)``.
Pages never hold UI literals; they call ``t("section.key", **format_args)``. Sections are grouped by
page so a newcomer finds a page's strings together.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- app shell -----------------------------------------------------------------------------
    "app.title": ("InterestLens 兴趣透镜", "InterestLens"),
    "app.tagline": ("看清推荐系统的内部：兴趣、向量、融合权重、解释与离线评估。",
                    "See inside a recommender: interests, embeddings, fusion weights, explanations, evaluation."),
    "app.language": ("语言 / Language", "Language / 语言"),
    "app.dataset": ("数据集", "Dataset"),
    "app.dataset_help": ("选择内置演示数据或已上传的数据集", "Pick a bundled demo or an uploaded dataset"),
    "app.loading_dataset": ("正在加载数据集…", "Loading dataset…"),
    "app.preparing": ("正在准备向量、索引和评分通道（首次需要几十秒）…",
                      "Preparing vectors, indexes and scoring channels (first time takes tens of seconds)…"),
    "app.ready": ("准备就绪", "Ready"),
    "nav.home": ("概览", "Overview"),
    "nav.data": ("数据", "Data"),
    "nav.interests": ("兴趣", "Interests"),
    "nav.tuning": ("权重调优", "Tuning"),
    "nav.map": ("向量地图", "Map"),
    "nav.evaluate": ("离线评估", "Evaluate"),
    "demo.movielens": ("MovieLens 电影（演示）", "MovieLens movies (demo)"),
    "demo.bilingual": ("中英双语目录（合成演示）", "Bilingual catalogue (synthetic demo)"),
    # --- home ----------------------------------------------------------------------------------
    "home.header": ("概览", "Overview"),
    "home.stats": ("数据集统计", "Dataset statistics"),
    "home.interactions": ("交互数", "Interactions"),
    "home.users": ("用户数", "Users"),
    "home.items": ("物品数", "Items"),
    "home.density": ("稀疏度（密度）", "Density"),
    "home.what_next": ("从左侧导航开始：上传数据、输入兴趣、调节融合权重、查看地图与评估。",
                       "Start from the navigation: upload data, type interests, tune fusion weights, "
                       "explore the map and evaluate."),
    # --- data page (issue 2) -----------------------------------------------------------------
    "data.header": ("数据", "Data"),
    "data.intro": ("上传交互记录（谁在何时与什么物品交互、强度多少）和物品信息，支持中英文表头；"
                   "每一行都会校验，问题行连同原因列出并可下载，其余的行照常载入。",
                   "Upload interactions (who interacted with what, when, how strongly) and item metadata, "
                   "with Chinese or English headers. Every row is checked: bad rows are listed with the reason "
                   "and can be downloaded; all other rows load."),
    "data.tab_upload": ("上传与校验", "Upload & validate"),
    "data.tab_stats": ("数据集统计", "Dataset statistics"),
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
                          "Guessed from the column names; change any of them. “(not used)” means the file has "
                          "no such column."),
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
    "data.role.tag": ("标签", "Tag"),
    "data.load": ("载入数据集", "Load dataset"),
    "data.loading": ("正在校验并载入…", "Validating and loading…"),
    "data.progress": ("进度 {pct}%", "Progress {pct}%"),
    "data.loaded": ("已载入 {rows} 条交互：{users} 个用户、{items} 个物品。已在左侧选中该数据集。",
                    "Loaded {rows} interactions: {users} users, {items} items. It is now selected in the sidebar."),
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
    "data.reason.missing_id": ("缺少{role}", "{role} is missing"),
    "data.reason.rating_missing": ("评分为空", "Rating is empty"),
    "data.reason.rating_nan": ("评分是 NaN", "Rating is NaN"),
    "data.reason.rating_not_numeric": ("评分不是数字", "Rating is not a number"),
    "data.reason.rating_infinite": ("评分是无穷大", "Rating is infinite"),
    "data.reason.rating_negative": ("评分为负数", "Rating is negative"),
    "data.reason.rating_too_large": ("评分大于 1,000,000", "Rating is larger than 1,000,000"),
    "data.reason.timestamp_unparseable": ("时间既不是日期也不是 Unix 时间戳", "Timestamp is neither a date nor a Unix time"),
    "data.reason.timestamp_before_1970": ("时间早于 1970 年", "Timestamp is before 1970"),
    "data.reason.timestamp_future": ("时间在未来", "Timestamp is in the future"),
    "data.reason.duplicate": ("与第 {ref} 行重复（用户、物品、时间都相同）",
                              "Duplicate of line {ref} (same user, item and timestamp)"),
    "data.reason.duplicate_item": ("物品 ID 已在第 {ref} 行出现过", "Item id already defined on line {ref}"),
    "data.reason.unknown_item": ("物品不在物品信息文件中", "Item is not in the item file"),
    "data.reason.tag_missing": ("标签为空", "Tag is empty"),
    "data.reason.bad_field_count": ("这一行的字段数与表头不一致", "The row's number of fields differs from the header"),
    "data.reason.bad_json": ("这一行不是 JSON 对象", "The line is not a JSON object"),
    "data.error.empty_file": ("{name} 是空文件。", "{name} is empty."),
    "data.error.no_rows": ("{name} 只有表头，没有数据行。", "{name} has a header but no data rows."),
    "data.error.binary_file": ("{name} 看起来是二进制文件（如 Excel、压缩包或图片），不是文本表格。请另存为 CSV。",
                               "{name} looks like a binary file (Excel, an archive, an image…), not a text table. "
                               "Save it as CSV."),
    "data.error.unknown_encoding": ("无法识别 {name} 的文本编码，请另存为 UTF-8。",
                                    "The text encoding of {name} could not be recognised; save it as UTF-8."),
    "data.error.unreadable": ("{name} 无法解析为表格。", "{name} could not be read as a table."),
    "data.error.not_found": ("找不到或无法读取 {name}。", "{name} cannot be found or read."),
    "data.error.too_large": ("{name} 太大，内存放不下。", "{name} is too large to load in memory."),
    "data.error.malformed": ("{name} 第 {line} 行无法解析（可能有未闭合的引号）。",
                             "{name}: line {line} cannot be parsed (is a quote left open?)."),
    "data.error.unclosed_quote": ("{name} 第 {line} 行的引号没有闭合，后面的内容会被吞掉。请修正后再上传。",
                                  "{name}: the quote opened on line {line} is never closed, which would swallow "
                                  "the rest of the file. Fix it and upload again."),
    "data.error.missing_column": ("{name} 中找不到“{role}”列（现有列：{columns}）。请在列映射中选择。",
                                  "{name} has no “{role}” column (columns: {columns}). Pick it in the column "
                                  "mapping."),
    "data.error.unknown_column": ("{name} 中没有列“{column}”（现有列：{columns}）。",
                                  "{name} has no column “{column}” (columns: {columns})."),
    "data.error.mapping_conflict": ("列“{column}”同时被用作“{other}”和“{role}”。",
                                    "Column “{column}” is used for both “{other}” and “{role}”."),
    "data.error.unknown_role": ("未知的列角色：{role}。", "Unknown column role: {role}."),
    "data.error.nothing_loaded": ("{name} 的 {rows} 行全部被拒绝，没有可用的数据。原因见下方报告。",
                                  "All {rows} rows of {name} were rejected; nothing usable. See the report below."),
    "data.stats_header": ("当前数据集：{name}", "Current dataset: {name}"),
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
    "emb.neighbours_caption": ("余弦相似度最高的 {k} 个物品（hnswlib 近邻索引）。",
                               "The {k} items with the highest cosine similarity (hnswlib neighbour index)."),
    "emb.col.rank": ("名次", "Rank"),
    "emb.col.title": ("标题", "Title"),
    "emb.col.category": ("类别", "Category"),
    "emb.col.score": ("相似度", "Similarity"),
    "emb.no_neighbours": ("没有可显示的相似物品。", "No similar items to show."),
    # --- interests page (issue 4) ------------------------------------------------------------
    # --- tuning page (issue 5) ---------------------------------------------------------------
    # --- evaluate page (issue 6) -------------------------------------------------------------
    # --- map page (issue 7) ------------------------------------------------------------------
    # --- workspace / presets / security (issue 8) --------------------------------------------
    "auth.password": ("访问密码", "Access password"),
    "auth.wrong": ("密码不正确。", "Wrong password."),
    "auth.login": ("登录", "Log in"),
}


def current_lang() -> str:
    """The language chosen in the sidebar (session state), defaulting to Chinese."""
    try:
        import streamlit as st

        lang = st.session_state.get("lang", DEFAULT_LANG)
    except Exception:  # outside a Streamlit run (tests of the catalogue itself)
        lang = DEFAULT_LANG
    return lang if lang in LANGS else DEFAULT_LANG


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
    dt = datetime.fromtimestamp(epoch_seconds, tz=timezone.utc)
    return f"{dt.year}年{dt.month}月{dt.day}日" if (lang or current_lang()) == "zh" else dt.strftime("%d %b %Y")
