"""zh/en strings of the Interests page: typed interests, tags, recommendations, feedback.

Merged into :data:`ui.i18n.CATALOGUE`; keys are ``section.name``, values ``(中文, English)``.
"""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
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
