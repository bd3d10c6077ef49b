"""zh/en strings every page shares: the app shell, navigation, demos, warm-up, workspace, caches, privacy,
sign-in, and the reasons (``explain.*``) shown beside recommendations.

Merged into :data:`ui.i18n.CATALOGUE`; keys are ``section.name``, values ``(中文, English)``.
"""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
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
    "app.fitting_channels": ("正在训练所选权重用到的通道……", "Training the channels your weights use…"),
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
}
