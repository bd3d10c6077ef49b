"""zh/en strings of the Map page: UMAP maps of users and items (merged into :data:`ui.i18n.CATALOGUE`)."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
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
}
