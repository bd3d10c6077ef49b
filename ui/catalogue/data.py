"""zh/en strings of the Data page: uploads, column mapping, validation, the signal, embeddings and the neighbour index.

Merged into :data:`ui.i18n.CATALOGUE`; keys are ``section.name``, values ``(中文, English)``.
"""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
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
    "data.date_order": ("日期顺序", "Date order"),
    "data.date_order_help": (
        "时间列中的文本日期如何读取：自动（按列检测并在报告中说明）、日/月/年、月/日/年或年/月/日。"
        "像 03/04/2020 这样两种读法都可能的日期，请在这里指定。",
        "How text dates in the timestamp column are read: detected per column (the report says how), day-first, "
        "month-first or year-first. Set it when dates such as 03/04/2020 could be read either way."),
    "data.date_choice.auto": ("自动检测", "Detect"),
    "data.date_choice.dmy": ("日/月/年（03/04/2020 = 4 月 3 日）", "Day first (03/04/2020 = 3 April)"),
    "data.date_choice.mdy": ("月/日/年（03/04/2020 = 3 月 4 日）", "Month first (03/04/2020 = 4 March)"),
    "data.date_choice.ymd": ("年/月/日", "Year first"),
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
}
