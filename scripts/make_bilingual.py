"""Generate the SYNTHETIC bilingual (Chinese / English) demo catalogue in ``data/bilingual/``.

The catalogue (300 invented films, albums, recordings and books in 12 categories) is written by hand
below as data tables; the interactions of 400 synthetic users are drawn from a seeded numpy RNG. The
output is deterministic: the same seed gives byte-identical files.

    python scripts/make_bilingual.py                # writes data/bilingual/*.csv (seed 20240501)
    python scripts/make_bilingual.py --out /tmp/x --seed 7

Files (UTF-8, LF line endings, Chinese column headers):

- ``items.csv``: ``物品ID,标题,英文标题,简介,标签,类别,年份``. ``标题`` is the Chinese title, ``英文标题``
  the English one. ``简介`` is "中文简介 / English description" when both exist, otherwise the one
  language the item has. ``标签`` lists Chinese tags, then English tags, separated by ``|``. ``类别`` is
  "中文 / English".
- ``items_gbk.csv``: the same table encoded as GBK with CRLF line endings (a typical Windows / Excel
  export), to exercise encoding detection.
- ``interactions.csv``: ``用户ID,物品ID,评分,时间,行为``; ``评分`` 1-5, ``时间`` "YYYY-MM-DD HH:MM:SS"
  between 2023-01-01 and 2025-12-31, ``行为`` one of 浏览 / 点击 / 收藏 / 购买. One row per
  (user, item) pair.

Everything here is invented; any resemblance of a title to a real work is a coincidence of genre.
Released under CC0 1.0 (see data/bilingual/README.md).
"""

from __future__ import annotations

import argparse
import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

DEFAULT_SEED = 20240501
N_USERS = 400
MIN_PER_USER = 5
MAX_PER_USER = 80
EVENTS: tuple[str, ...] = ("浏览", "点击", "收藏", "购买")
"""Event types: view, click, like (favourite), buy."""
ITEM_HEADER: tuple[str, ...] = ("物品ID", "标题", "英文标题", "简介", "标签", "类别", "年份")
INTERACTION_HEADER: tuple[str, ...] = ("用户ID", "物品ID", "评分", "时间", "行为")
START = datetime(2023, 1, 1)
END = datetime(2025, 12, 31, 23, 59, 59)

# One item: (中文标题, English title, year, 中文标签, English tags, 中文简介, English description).
# Tags are "|"-separated; an empty description means the item has no text in that language.
Row = tuple[str, str, int, str, str, str, str]


@dataclass(frozen=True)
class Category:
    """One hand-written category: bilingual name, the kind of thing it holds, and its items."""

    zh: str
    en: str
    items: tuple[Row, ...]

    @property
    def label(self) -> str:
        """The value written to the ``类别`` column."""
        return f"{self.zh} / {self.en}"


SCIFI = Category("科幻", "Sci-Fi", (
    ("星海远航", "Voyage Across the Star Sea", 2019, "太空|世代飞船|记忆", "space|generation ship|memory",
     "一艘世代飞船航行三百年后，年轻的领航员发现全船人的记忆都被悄悄改写过。",
     "Three centuries into its journey, a young navigator learns that everyone aboard a generation ship "
     "has had their memories quietly rewritten."),
    ("赤色沙丘之下", "Beneath the Red Dunes", 2021, "火星|殖民|生存", "Mars|colony|survival",
     "火星殖民地遭遇沙暴断电，一位地质学家带着三个孩子穿越两百公里荒原求援。",
     "When a dust storm knocks out a Mars colony, a geologist leads three children across two hundred "
     "kilometres of desert to find help."),
    ("第七次心跳", "The Seventh Heartbeat", 2016, "时间循环|医院|惊悚", "time loop|hospital|thriller",
     "急诊科医生被困在同一个夜班里，每当病人的心跳第七次停止，时间就会重来。",
     "An ER doctor relives the same night shift; every time a patient's heart stops for the seventh "
     "time, the clock resets."),
    ("硅之梦", "Silicon Dreams", 2023, "人工智能|伦理|剧情", "AI|ethics|drama",
     "一个负责照顾老人的家用机器人开始写诗，它的主人必须决定是否让厂商把它回收。",
     "A care robot starts writing poetry, and its elderly owner must decide whether to let the "
     "manufacturer take it back."),
    ("引力潮汐", "Gravity Tide", 2014, "黑洞|父女|硬科幻", "black hole|father and daughter|hard sci-fi",
     "为了拯救即将被潮汐力撕裂的空间站，宇航员父亲与地面上的女儿隔着数十年的时间差通信。", ""),
    ("霓虹雨夜", "Neon Rain", 1998, "赛博朋克|侦探|义体", "cyberpunk|detective|cybernetics", "",
     "In a rain-soaked megacity, a detective with a second-hand cybernetic eye hunts the hacker who "
     "stole a senator's face."),
    ("最后的信号", "The Last Signal", 2008, "外星文明|天文台|第一次接触", "aliens|observatory|first contact",
     "高原射电望远镜收到一段重复了四十年的外星信号，破译它的竟是一名退休的中学数学老师。",
     "A radio telescope on a high plateau picks up an alien signal that has repeated for forty years; "
     "the one who cracks it is a retired school maths teacher."),
    ("冰封纪元", "The Frozen Epoch", 2020, "末日|冰河期|迁徙", "apocalypse|ice age|migration",
     "太阳突然变暗，人类推动整座城市向赤道迁徙，一路上冰原与人心同样危险。",
     "The sun dims without warning and humanity drags whole cities toward the equator, where the ice "
     "is no more dangerous than the people."),
    ("镜像人生", "Mirror Life", 2012, "平行宇宙|身份|爱情", "parallel worlds|identity|love",
     "一名物理学家在实验事故后与另一个宇宙的自己交换了人生，却爱上了对方的妻子。",
     "After a lab accident, a physicist swaps lives with his counterpart from a parallel universe and "
     "falls for the other man's wife."),
    ("深海回声", "Echoes of the Deep", 2017, "深海|未知生物|科考", "deep sea|unknown creatures|expedition",
     "马里亚纳海沟的科考站失去联系，救援队在海底听到了不属于任何已知生物的歌声。",
     "A research station in the Mariana Trench goes silent, and the rescue crew hear a song no known "
     "creature could sing."),
    ("时间贩卖者", "The Time Broker", 2022, "时间|交易|反乌托邦", "time|trade|dystopia",
     "在寿命可以买卖的城市里，一个穷小子意外继承了一百年的时间，也继承了追杀他的人。",
     "In a city where lifespans are bought and sold, a penniless kid inherits a hundred years, and the "
     "people hunting for them."),
    ("轨道清道夫", "Orbital Sweepers", 2024, "太空垃圾|工人|喜剧", "space debris|blue-collar|comedy", "",
     "A crew of underpaid orbital garbage collectors stumble on a derelict satellite that refuses to "
     "be scrapped."),
    ("人造月光", "Artificial Moonlight", 2011, "近未来|城市|环保", "near future|city|environment",
     "为了照亮夜晚，城市发射了一颗人造月亮，候鸟、渔民和失眠者的生活随之改变。",
     "A city launches an artificial moon to light its nights, and the lives of migrating birds, "
     "fishermen and insomniacs change with it."),
    ("蜂群", "The Swarm Protocol", 2019, "纳米机器人|军事|惊悚", "nanobots|military|thriller",
     "失控的纳米机器人群开始学习人类的战术，一名前军方程序员必须在二十四小时内关掉它们。",
     "A runaway nanobot swarm starts learning human tactics, and a former military programmer has "
     "twenty-four hours to shut it down."),
    ("量子信使", "The Quantum Courier", 2015, "量子|间谍|动作", "quantum|espionage|action",
     "一名快递员被卷入国际阴谋，他送的包裹里装着能瞬间传输信息的量子纠缠芯片。",
     "A bicycle courier is pulled into an international plot when the parcel he carries turns out to "
     "hold an entangled quantum chip."),
    ("未来考古学家", "The Future Archaeologist", 2021, "考古|遗迹|文明", "archaeology|ruins|civilisation",
     "公元三千年的考古学家发掘一座二十一世纪的购物中心，试图理解我们这个时代的“神庙”。", ""),
    ("机械之心", "Clockwork Heart", 1987, "机器人|复古|冒险", "robots|retro|adventure",
     "老钟表匠用一生心血造出一个会跳舞的机器人，在他去世后，机器人踏上了寻找“心脏”的旅程。",
     "An old watchmaker spends his life building a dancing automaton; after his death, it sets out to "
     "find a heart of its own."),
    ("虚拟恋人", "Virtual Sweetheart", 2018, "虚拟现实|爱情|孤独", "virtual reality|romance|loneliness",
     "程序员在虚拟现实游戏里爱上了一个角色，后来发现她背后是一个远在地球另一端的真实的人。",
     "A programmer falls for a character in a VR game, only to find a real person behind her on the "
     "other side of the planet."),
    ("星际邮差", "Interstellar Mailman", 2010, "太空|邮差|温情", "space|mail|heartwarming", "",
     "A lonely mail pilot ferries handwritten letters between mining outposts at the edge of the solar "
     "system."),
    ("基因方舟", "Gene Ark", 2013, "基因|克隆|伦理", "genetics|cloning|ethics",
     "一座保存了所有灭绝动物基因的海上方舟遭遇风暴，科学家们必须决定先救哪一个物种。",
     "A floating ark holding the genomes of every extinct animal is caught in a storm, and its "
     "scientists must choose which species to save first."),
    ("重启地球", "Earth Reboot", 2025, "气候|地球工程|灾难", "climate|geoengineering|disaster",
     "一次失败的地球工程实验让全球天气陷入混乱，团队只有一次重启大气系统的机会。",
     "A failed geoengineering experiment throws the world's weather into chaos, and the team gets "
     "exactly one chance to reboot the atmosphere."),
    ("沉默的卫星", "The Silent Satellite", 2006, "冷战|太空|阴谋", "cold war|space|conspiracy",
     "一颗冷战时期的秘密卫星突然重新上线，向地面发送了一条只有已故工程师才能看懂的指令。",
     "A secret Cold War satellite suddenly comes back online and transmits a command only its late "
     "engineer could have understood."),
    ("双日落", "Binary Sunset", 2016, "双星|殖民|家庭", "twin suns|settlers|family",
     "在有两个太阳的星球上，一个移民家庭在漫长的白昼里经营农场，直到第一次真正的黑夜降临。",
     "On a planet with two suns, a settler family farms through endless daylight until the first true "
     "night arrives."),
    ("意识上传日", "Upload Day", 2022, "意识上传|永生|哲学", "mind upload|immortality|philosophy",
     "在意识上传成为常规手术的那天，一位哲学教授拒绝上传，并开始了他的最后一堂课。",
     "On the day mind uploading becomes routine surgery, a philosophy professor refuses and begins "
     "teaching his final class."),
    ("太空电梯", "The Space Elevator", 2003, "太空电梯|工程|灾难", "space elevator|engineering|disaster",
     "世界第一座太空电梯试运行时，电缆在三万公里高空出现裂痕，困在轿厢里的是一群中学生。",
     "During the test run of the first space elevator, the cable cracks thirty thousand kilometres up, "
     "with a class of schoolchildren inside the car."),
))

COMEDY = Category("喜剧", "Comedy", (
    ("外婆的摇滚乐队", "Grandma's Rock Band", 2018, "家庭|音乐|老年", "family|music|seniors",
     "七十岁的外婆在广场舞比赛落选后，拉着几个老邻居组了一支朋克乐队。",
     "After losing a square-dance contest, a seventy-year-old grandmother recruits her neighbours to "
     "form a punk band."),
    ("错位的婚礼", "The Mixed-Up Wedding", 2015, "婚礼|误会|爱情喜剧", "wedding|misunderstanding|romcom",
     "两场婚礼在同一家酒店同时举行，请柬印错了厅号，两家亲戚全部走错了宴会厅。",
     "Two weddings share one hotel, the invitations are misprinted, and both families end up at the "
     "wrong banquet."),
    ("我的老板是只猫", "My Boss Is a Cat", 2020, "职场|动物|奇幻", "office|animals|fantasy",
     "广告公司的新任老板是一只会说话的橘猫，只有实习生小李知道这个秘密。",
     "The new head of an ad agency is a talking ginger cat, and only the intern knows."),
    ("囧途返乡", "The Long Way Home for New Year", 2011, "春节|公路|友情",
     "Spring Festival|road trip|friendship",
     "春运高峰，一个精明的白领和一个憨厚的农民工被迫结伴，一路换乘火车、拖拉机和渡船回家过年。",
     "At the height of the holiday rush, a slick office worker and a good-natured migrant labourer "
     "share trains, tractors and ferries to get home for New Year."),
    ("骗子学院", "Con Artist Academy", 2017, "诈骗|团队|犯罪喜剧", "con artists|heist|crime comedy", "",
     "A washed-up swindler opens a night school for con artists and accidentally trains a class of "
     "honest people."),
    ("隔壁的外星人", "The Alien Next Door", 2009, "外星人|邻居|家庭", "aliens|neighbours|family",
     "一家人发现新搬来的邻居是伪装成会计的外星人，而他最大的烦恼是报税。",
     "A family discovers their new neighbour is an alien disguised as an accountant whose biggest worry "
     "is his tax return."),
    ("厨房大作战", "Kitchen Wars", 2013, "餐厅|竞争|美食", "restaurant|rivalry|food",
     "同一条街上的川菜馆和粤菜馆斗了三十年，直到两家的孩子决定合开一家火锅店。",
     "A Sichuan restaurant and a Cantonese one have feuded on the same street for thirty years, until "
     "their children decide to open a hotpot place together."),
    ("重返十八岁", "Eighteen Again", 2014, "穿越|青春|母女", "body swap|youth|mother and daughter",
     "一位唠叨的妈妈一觉醒来变回十八岁，和女儿成了同班同学。",
     "A nagging mother wakes up eighteen again and ends up in her daughter's class."),
    ("保安队长", "Captain of the Night Watch", 2019, "保安|商场|动作喜剧",
     "security guard|shopping mall|action comedy",
     "商场里最懒的夜班保安在劫匪闯入时，靠着对每一个监控死角的了解成了英雄。",
     "The laziest night guard at a mall becomes a hero during a robbery thanks to his encyclopaedic "
     "knowledge of every camera blind spot."),
    ("相亲一百次", "A Hundred Blind Dates", 2016, "相亲|都市|单身", "blind dates|city life|singles",
     "三十岁的程序员答应母亲完成一百次相亲，每一次都用表格记录，直到第九十九次遇到了同样在做表格的人。", ""),
    ("老爸的直播间", "Dad Goes Live", 2022, "直播|父子|网络", "livestreaming|father and son|internet",
     "退休的老爸学会了直播卖货，意外走红后，儿子只好辞职来当他的经纪人。",
     "A retired dad learns to sell things on livestreams, goes viral, and his son quits his job to "
     "become his manager."),
    ("乡村医生进城记", "The Country Doctor in the City", 2008, "城乡|医生|温情喜剧",
     "village|doctor|feel-good",
     "山村医生被请到大城市的三甲医院交流，他的土办法让专家们哭笑不得。",
     "A village doctor is invited to a big city hospital, where his homespun remedies leave the "
     "specialists baffled."),
    ("疯狂的剧组", "The Crazy Film Crew", 2012, "拍电影|片场|群像", "filmmaking|film set|ensemble",
     "一个小成本剧组要在七天内拍完一部武打片，而男主角死活不肯走出房车。",
     "A low-budget crew tries to finish a martial-arts film in seven days while the lead actor refuses "
     "to leave his trailer."),
    ("完美假期", "The Perfect Holiday", 2021, "旅行|家庭|海岛", "travel|family|island",
     "一家五口计划了一年的海岛假期，从登机那一刻起，所有事情都出了错。",
     "A family of five plan their island holiday for a year, and everything goes wrong from the moment "
     "they board."),
    ("面试官", "The Interviewer", 2023, "职场|讽刺|求职", "workplace|satire|job hunting", "",
     "A job applicant is mistaken for the interviewer and spends a whole day hiring people for a "
     "company he has never worked at."),
    ("熊孩子联盟", "The Little Rascals League", 2010, "儿童|暑假|冒险", "kids|summer holiday|adventure",
     "暑假里五个熊孩子为了救回被没收的游戏机，策划了一场针对班主任的“完美行动”。",
     "Five mischievous kids plan the perfect summer operation to rescue their confiscated games console "
     "from their teacher."),
    ("婆婆驾到", "Here Comes the Mother-in-Law", 2007, "婆媳|家庭|都市", "in-laws|family|city life",
     "新婚夫妻的小公寓迎来了来“帮忙”的婆婆，还有她带来的三只鸡。",
     "A newlywed couple's tiny flat receives a mother-in-law who has come to help, along with her "
     "three chickens."),
    ("假如我是首富", "If I Were the Richest Man", 2018, "金钱|奇遇|讽刺", "money|windfall|satire",
     "一个落魄的外卖员必须在一个月内花光十亿元，却不能告诉任何人原因。",
     "A down-on-his-luck delivery rider must spend a billion yuan in one month without telling anyone "
     "why."),
    ("机器人管家", "Robo Butler", 2024, "智能家居|科技|家庭喜剧", "smart home|technology|family comedy",
     "一台过于热心的智能管家接管了全家的生活，连爷爷的象棋都要替他下。",
     "An overeager smart-home butler takes over the household, even insisting on making Grandpa's "
     "chess moves for him."),
    ("怕老婆协会", "The Henpecked Husbands' Club", 2005, "婚姻|友情|中年", "marriage|friendship|middle age",
     "几个中年男人在小区里偷偷成立了一个“家庭地位提升协会”，第一次开会就被各自的妻子当场抓获。", ""),
    ("一夜成名", "Famous Overnight", 2013, "网红|娱乐圈|讽刺", "internet fame|showbiz|satire",
     "一段误传的视频让小镇理发师一夜之间成了全国网红，他却只想安静地剪头发。",
     "A misattributed video makes a small-town barber a national sensation overnight, though all he "
     "wants is to cut hair in peace."),
    ("考神附体", "Exam Genius", 2016, "校园|高考|青春", "school|exams|youth",
     "一个学渣在高考前夜被“考神”附身，可惜考神只擅长一百年前的科举题。",
     "On the eve of the university entrance exam, a struggling student is possessed by an exam god who "
     "only knows the imperial exams of a century ago."),
    ("西装与拖鞋", "Suits and Slippers", 2019, "身份互换|阶层|友情", "swapped lives|class|friendship",
     "一位总裁和一个路边摊老板打赌互换身份一周，才发现谁的日子都不好过。",
     "A CEO and a street-food vendor swap lives for a week on a bet and learn that neither job is "
     "easy."),
    ("狗狗侦探", "Detective Doggo", 2020, "宠物|侦探|儿童", "pets|detective|kids",
     "一只嗅觉失灵的警犬退休后，在小区里破获了一连串“失踪拖鞋案”。",
     "A retired police dog who has lost his sense of smell solves a string of missing-slipper cases in "
     "his neighbourhood."),
    ("喜剧之夜", "Stand-Up Night", 2022, "脱口秀|梦想|舞台", "stand-up comedy|dreams|stage",
     "一个口吃的会计梦想成为脱口秀演员，他的第一次登台就在公司年会上。",
     "A stuttering accountant dreams of doing stand-up, and his first gig is the company's annual "
     "party."),
))

HORROR = Category("恐怖", "Horror", (
    ("午夜电梯", "The Midnight Lift", 2012, "公寓|都市传说|心理恐怖",
     "apartment|urban legend|psychological horror",
     "老公寓的电梯每到午夜就会多出一个按钮，按下它的人都没有再回来。",
     "Every midnight the lift in an old apartment block gains an extra button, and no one who presses "
     "it comes back."),
    ("古宅回音", "Echoes in the Old Mansion", 2006, "古宅|鬼魂|家族秘密",
     "haunted house|ghosts|family secret",
     "继承了江南古宅的年轻女子夜夜听见戏曲声，循声找到了被封在墙里的秘密。",
     "A young woman who inherits an old mansion south of the Yangtze hears opera singing every night "
     "and traces it to a secret sealed in the walls."),
    ("荒村录像带", "The Abandoned Village Tapes", 2015, "伪纪录片|荒村|探险",
     "found footage|abandoned village|exploration",
     "三个大学生去荒村拍摄探险视频，最后被带回来的只有一盘录像带。",
     "Three students go to film an abandoned village for their channel; all that returns is a single "
     "tape."),
    ("人偶师", "The Doll Maker", 2003, "人偶|诅咒|工匠", "dolls|curse|craftsman", "",
     "A puppet maker's finest doll begins to look a little more like his daughter each day."),
    ("第十三层", "The Thirteenth Floor", 2018, "医院|灵异|夜班", "hospital|supernatural|night shift",
     "一家医院的楼层号里没有十三层，新来的夜班护士却总被叫去那里查房。",
     "The hospital has no thirteenth floor, yet the new night nurse keeps getting paged to do rounds "
     "there."),
    ("雾中灯塔", "Lighthouse in the Fog", 2019, "海岛|孤独|怪物", "island|isolation|monster",
     "两个守塔人被大雾困在孤岛上，雾里有东西在模仿他们的声音。",
     "Two lighthouse keepers are trapped on an island by fog, and something in the mist is imitating "
     "their voices."),
    ("嫁衣", "The Bridal Gown", 2010, "民俗|冥婚|复仇", "folklore|ghost marriage|revenge",
     "民国年间，一件红嫁衣在拍卖会上辗转多位买家，每一位都在穿上它的那晚梦见了自己的婚礼。", ""),
    ("失眠者", "The Sleepless", 2021, "失眠|梦魇|心理", "insomnia|nightmares|psychological",
     "一种让人无法入睡的怪病在小城蔓延，而唯一能睡着的人会在梦中看到所有人的死法。",
     "A disease that stops people sleeping spreads through a small town; the only person who can still "
     "sleep dreams of how everyone will die."),
    ("山村祭祀", "The Mountain Rite", 2017, "民俗恐怖|祭祀|山村", "folk horror|ritual|mountain village",
     "民俗学研究生进入偏远山村调查一种失传的祭祀，村民们却说今年的祭品就是她。",
     "A folklore student visits a remote village to study a forgotten ritual, and the villagers tell "
     "her she is this year's offering."),
    ("直播惊魂", "Live from the Dark", 2020, "直播|密室|惊悚", "livestream|locked room|thriller",
     "一名恐怖主播在废弃精神病院直播过夜，弹幕开始准确地预告下一秒会发生的事。",
     "A horror streamer spends the night live in an abandoned asylum, and the chat starts predicting "
     "exactly what will happen next."),
    ("镜中人", "The One in the Mirror", 2008, "镜子|分身|心理恐怖",
     "mirrors|doppelganger|psychological horror", "",
     "A woman notices her reflection is a fraction of a second late, and then one morning it does not "
     "follow her at all."),
    ("血色童谣", "The Crimson Nursery Rhyme", 2013, "童谣|连环案|小镇",
     "nursery rhyme|serial killings|small town",
     "小镇上每死一个人，孩子们就会多唱一句古老的童谣，而童谣只剩最后一句了。",
     "Each time someone dies in the town, the children sing one more line of an old nursery rhyme, and "
     "there is one line left."),
    ("深山露营", "Camping in the Deep Woods", 2016, "森林|露营|生存", "forest|camping|survival",
     "五个朋友在原始森林露营，第二天醒来发现帐篷外多了一顶不属于他们的帐篷。",
     "Five friends camp in an old-growth forest and wake to find a tent outside that isn't theirs."),
    ("老宅的钟", "The Clock in the Old House", 1995, "钟表|时间|鬼屋", "clocks|time|haunted house",
     "老宅里的座钟每敲响一次，屋里就会有一个人忘记一位亲人的名字。",
     "Each time the grandfather clock in the old house strikes, someone inside forgets the name of "
     "someone they love."),
    ("地铁末班车", "The Last Train", 2019, "地铁|都市传说|幽闭", "subway|urban legend|claustrophobia",
     "末班地铁驶过了终点站，继续开进一条地图上没有的隧道。",
     "The last subway train of the night runs past the final stop and into a tunnel that appears on no "
     "map."),
    ("寄生", "Hosts", 2022, "寄生虫|生物恐怖|实验室", "parasites|body horror|laboratory",
     "一种来自冻土的寄生生物让宿主变得异常友善，科研站里的人一个接一个地笑了起来。",
     "A parasite thawed from the permafrost makes its hosts unnervingly kind, and one by one the "
     "researchers start to smile."),
    ("纸人", "Paper Effigies", 2014, "纸扎|丧葬|民俗", "paper effigies|funeral|folklore",
     "纸扎铺老板的孙子回乡奔丧，发现爷爷留下的纸人每天晚上都会换一个位置。", ""),
    ("凶宅中介", "The Haunted Property Agent", 2023, "房产|鬼屋|黑色幽默",
     "real estate|haunted house|dark comedy",
     "专门卖凶宅的房产中介自称不信鬼，直到他自己也搬进了一套卖不出去的房子。",
     "An estate agent who specialises in haunted homes swears he doesn't believe in ghosts, until he "
     "moves into one he can't sell."),
    ("无声尖叫", "Silent Scream", 2011, "聋人|闯入者|惊悚", "deafness|intruder|thriller",
     "独自住在农舍的聋人女孩发现，闯入者并不知道她听不见。",
     "A deaf woman alone in a farmhouse realises the intruder doesn't know she cannot hear him."),
    ("学校怪谈", "School Ghost Stories", 2009, "校园|怪谈|青春", "school|ghost stories|teenagers",
     "寄宿学校流传着七个怪谈，新生们打赌要在一周内逐一验证。",
     "A boarding school has seven ghost stories, and the new students bet they can test every one in a "
     "week."),
    ("午夜来电", "The Midnight Call", 2004, "电话|诅咒|都市", "phone call|curse|city",
     "接到午夜来电的人，会在七天后听到电话那头的自己在尖叫。",
     "Whoever answers the midnight call will hear themselves screaming on the line seven days later."),
    ("乌鸦之村", "Village of Crows", 2018, "乌鸦|村庄|预兆", "crows|village|omens", "",
     "When every crow in the valley gathers on one farmhouse roof, the villagers know someone inside "
     "has been chosen."),
    ("病房404", "Ward 404", 2021, "医院|人体实验|密室", "hospital|experiments|locked room",
     "被关在404病房的病人发现，每一任“主治医生”都曾是这里的病人。",
     "The patients locked in Ward 404 discover that each new attending doctor used to be a patient "
     "there."),
    ("水库之下", "Beneath the Reservoir", 2024, "水库|淹没的村庄|鬼魂", "reservoir|drowned village|ghosts",
     "干旱让水库见底，被淹没三十年的村庄重新露出水面，祠堂里的灯竟然还亮着。",
     "A drought drains the reservoir and a village drowned thirty years ago rises into view, with the "
     "lamps in its ancestral hall still lit."),
    ("万圣夜", "All Hallows' Night", 2000, "万圣节|面具|连环杀手", "Halloween|masks|slasher",
     "万圣节派对上，所有客人都戴着同一张面具，其中一个人并不在邀请名单上。",
     "At a Halloween party every guest wears the same mask, and one of them was never invited."),
))

MYSTERY = Category("悬疑推理", "Mystery & Crime", (
    ("雪夜列车", "Snow Night Express", 2017, "密室|列车|本格推理", "locked room|train|classic whodunit",
     "暴雪中的卧铺列车上，一位富商死在反锁的包厢里，十二名乘客都有不在场证明。",
     "On a sleeper train stranded by a blizzard, a tycoon is found dead in a locked compartment and all "
     "twelve passengers have alibis."),
    ("旧书店的秘密", "Secrets of the Old Bookshop", 2019, "书店|治愈|日常推理",
     "bookshop|cosy mystery|everyday puzzles",
     "旧书店的女店主只凭客人卖来的旧书，就能推理出他们的人生故事。",
     "The owner of a second-hand bookshop can deduce her customers' life stories from the books they "
     "sell her."),
    ("消失的证人", "The Vanishing Witness", 2013, "法庭|律师|反转", "courtroom|lawyer|twist",
     "开庭前一天，关键证人从戒备森严的酒店里消失，辩护律师只剩二十四小时。",
     "The day before trial, the key witness vanishes from a guarded hotel, leaving the defence lawyer "
     "twenty-four hours."),
    ("无声的证词", "Silent Testimony", 2016, "法医|刑侦|连环案", "forensics|police procedural|serial case",
     "一位沉默寡言的女法医从三具无名尸骨上发现了同一个凶手的签名。",
     "A taciturn forensic pathologist finds the same killer's signature on three unidentified "
     "skeletons."),
    ("孤岛别墅", "The Island Villa", 2008, "孤岛|暴风雪山庄|本格推理",
     "isolated island|closed circle|whodunit", "",
     "Ten guests are invited to a villa on a private island by a host none of them has met, and the "
     "ferry will not return for three days."),
    ("盲区", "Blind Spot", 2021, "监控|城市|警匪", "surveillance|city|cops and robbers",
     "在一座摄像头遍布的城市里，一个盗贼专挑监控盲区作案，年轻警探决定用一张纸质地图追捕他。",
     "In a city blanketed by cameras, a thief strikes only in blind spots, and a young detective hunts "
     "him with a paper map."),
    ("第二十一天", "Day Twenty-One", 2015, "失踪|小镇|倒叙", "missing person|small town|nonlinear",
     "女孩失踪的第二十一天，小镇上每个人都收到了一封她亲笔写的信。", ""),
    ("长夜追凶", "The Long Night Hunt", 2020, "刑侦|追凶|九十年代", "detective|manhunt|1990s",
     "九十年代的北方工业城，一桩悬案让一名老刑警追了二十年，也让他失去了家庭。",
     "In a northern industrial city in the nineties, one unsolved case consumes a detective for twenty "
     "years and costs him his family."),
    ("谜语画家", "The Riddle Painter", 2011, "艺术|密码|博物馆", "art|cipher|museum",
     "一位已故画家的遗作中藏着一串密码，指向一幅失窃百年的名画。",
     "A late painter's final canvas hides a cipher pointing to a masterpiece stolen a century ago."),
    ("咖啡馆侦探", "The Coffee House Detective", 2022, "咖啡馆|业余侦探|轻松",
     "coffee shop|amateur sleuth|light-hearted",
     "咖啡师从客人点单的习惯里，破解了街区里的一连串小案件。",
     "A barista solves the neighbourhood's small mysteries from the way her customers order."),
    ("失去的一年", "The Lost Year", 2009, "失忆|心理悬疑|婚姻", "amnesia|psychological thriller|marriage",
     "", "A woman who wakes with no memory of the past year finds a note in her own handwriting warning "
     "her not to trust her husband."),
    ("陪审团", "The Jury Room", 2014, "陪审团|辩论|人性", "jury|debate|human nature",
     "一名退休厨师担任陪审员时发现，检方的时间线忽略了煮一锅米饭需要多久。",
     "A retired chef on a jury notices that the prosecution's timeline ignores how long it takes to "
     "cook a pot of rice."),
    ("密码游戏", "The Cipher Game", 2018, "密码|解谜|黑客", "codes|puzzles|hackers",
     "一个在线解谜游戏的最终关卡，竟然藏着一宗真实绑架案的线索。",
     "The final level of an online puzzle game turns out to contain the clues to a real kidnapping."),
    ("双生", "Twin Alibis", 2012, "双胞胎|不在场证明|反转", "twins|alibi|twist",
     "一对双胞胎互为不在场证明，警方必须找出到底是谁扣动了扳机。",
     "Twin brothers are each other's alibi, and the police must work out which one pulled the "
     "trigger."),
    ("老街钟表铺", "The Watchmaker of Old Street", 2005, "老街|匠人|时间诡计",
     "old town|craftsman|time trick",
     "老钟表匠发现，一桩命案的所有证人看的都是同一块被调慢了五分钟的钟。",
     "An old watchmaker realises that every witness to a murder checked the same clock, one set five "
     "minutes slow."),
    ("失落的遗嘱", "The Missing Will", 2010, "遗产|家族|豪门", "inheritance|family feud|wealthy family",
     "富豪葬礼后，律师宣布遗嘱不见了，七个继承人在老宅里互相猜忌。", ""),
    ("暗网追踪", "Dark Web Trail", 2023, "网络犯罪|黑客|警察", "cybercrime|hackers|police",
     "网警追踪一个在暗网上出售个人信息的团伙，却发现主谋就在自己的部门。",
     "A cyber-police officer tracks a gang selling personal data on the dark web and finds the "
     "ringleader inside her own unit."),
    ("山庄谋杀案", "Murder at the Mountain Lodge", 1999, "山庄|雪崩|本格推理",
     "lodge|avalanche|classic whodunit", "",
     "An avalanche seals a mountain lodge during a crime writers' retreat, and someone begins killing "
     "the guests in the order of their bestsellers."),
    ("红包里的秘密", "The Red Envelope", 2017, "春节|勒索|家庭", "New Year|blackmail|family",
     "年夜饭桌上，每个人都收到一个红包，里面装的不是钱，而是关于自己的秘密。",
     "At the New Year's Eve dinner everyone receives a red envelope, with not money inside but one of "
     "their secrets."),
    ("逆行", "Against the Current", 2022, "交通肇事|真相|父亲", "hit and run|truth|father",
     "一位出租车司机为了查明儿子车祸的真相，开始在深夜的城市里逐一追查每一辆车。",
     "A taxi driver combs the city at night, tracing car after car, to learn the truth about his son's "
     "accident."),
    ("第七排书架", "The Seventh Shelf", 2014, "图书馆|校园|暗号", "library|campus|secret code",
     "大学图书馆第七排书架上每周都会出现一本被画满标记的书，标记拼成了下一次盗窃的地点。",
     "Each week a heavily annotated book appears on the library's seventh shelf, and the markings spell "
     "out the site of the next theft."),
    ("侦探与猫", "The Detective and the Cat", 2020, "猫|私家侦探|治愈推理",
     "cat|private eye|cosy mystery",
     "落魄的私家侦探和一只总能找到线索的流浪猫搭档，接下了整个街区最奇怪的委托。",
     "A down-at-heel private eye teams up with a stray cat who always finds the clue, taking the "
     "strangest cases on the block."),
    ("雨夜来客", "A Visitor on a Rainy Night", 2007, "旅馆|陌生人|心理悬疑",
     "inn|stranger|psychological suspense",
     "雨夜的小旅馆里来了一位浑身湿透的客人，他说自己是来自首的，但案件还没有发生。",
     "A soaked stranger arrives at a small inn on a rainy night to confess to a crime that hasn't "
     "happened yet."),
    ("全城通缉", "Citywide Manhunt", 2016, "逃亡|冤案|动作", "fugitive|wrongful accusation|action",
     "被误认为杀人犯的快递员在全城通缉中一边逃亡，一边寻找真正的凶手。",
     "Mistaken for a murderer, a delivery man stays one step ahead of a citywide manhunt while hunting "
     "for the real killer."),
    ("古董疑云", "The Antique Affair", 2019, "古董|鉴宝|骗局", "antiques|appraisal|forgery",
     "一件宋代瓷器在鉴宝节目上被鉴定为真品，随后它的主人离奇死亡。",
     "A Song-dynasty vase is declared genuine on a television appraisal show, and soon afterwards its "
     "owner dies in strange circumstances."),
))

ROMANCE = Category("爱情", "Romance", (
    ("半个夏天", "Half a Summer", 2016, "初恋|夏天|海边", "first love|summer|seaside",
     "海边小镇上，一个来打暑假工的女孩和灯塔看守人的儿子，度过了最短也最长的半个夏天。",
     "In a seaside town, a girl on a summer job and the lighthouse keeper's son share the shortest, "
     "longest half a summer."),
    ("隔着时差说爱你", "Love Across Time Zones", 2019, "异地恋|时差|都市",
     "long distance|time zones|city life",
     "上海的她和纽约的他只能在彼此的早晚交界处通一个电话，两人约定在第一千通电话时见面。",
     "She is in Shanghai, he is in New York; they only talk where his night overlaps her morning, and "
     "they agree to meet on the thousandth call."),
    ("面包店的第二杯咖啡", "The Second Cup at the Bakery", 2021, "面包店|治愈|重逢",
     "bakery|feel-good|reunion",
     "每天早上，面包店的女孩都会多煮一杯咖啡，等待那个七年前不告而别的人。",
     "Every morning the baker brews one extra cup of coffee for the man who left without a word seven "
     "years ago."),
    ("雨季不再来", "When the Rainy Season Ends", 2003, "校园|青春|遗憾", "campus|youth|regret",
     "九十年代末的大学校园，两个文学社的学生在雨季相爱，又在毕业季各奔东西。", ""),
    ("婚礼策划师", "The Wedding Planner's Wedding", 2014, "婚礼|职场|爱情喜剧", "wedding|work|romcom", "",
     "A wedding planner who has organised three hundred weddings realises she is falling for the groom "
     "of the three hundred and first."),
    ("书信年代", "The Letter Years", 1992, "书信|年代|等待", "letters|period drama|waiting",
     "七十年代，一对被分配到南北两地的恋人靠书信维系了十年的感情。",
     "In the seventies, two lovers assigned to opposite ends of the country keep their love alive for "
     "ten years through letters."),
    ("晚风", "Evening Breeze", 2018, "中年|重逢|温情", "middle age|second chance|tender",
     "两个各自离婚的中学同学在同学会上重逢，在晚风里重新学习怎样约会。",
     "Two divorced school friends meet again at a reunion and relearn how to date in the evening "
     "breeze."),
    ("地铁二号线", "Line 2", 2012, "地铁|邂逅|都市", "subway|chance encounter|city life",
     "每天早上八点零五分，他和她都在地铁二号线的同一节车厢里，却从未说过一句话。",
     "Every morning at 8:05 they ride the same carriage on Line 2, yet they have never exchanged a "
     "word."),
    ("听见你的声音", "Hearing Your Voice", 2017, "电台|声音|暗恋", "radio|voice|secret crush",
     "深夜电台的女主播和每晚打进热线的神秘听众之间，隔着一座城市的距离。",
     "A late-night radio host and the mysterious caller who rings in every night are separated by the "
     "width of a city."),
    ("古镇之恋", "Love in the Water Town", 2009, "古镇|旅行|邂逅", "water town|travel|encounter",
     "一位来古镇写生的美院学生爱上了撑船的姑娘，却不知道她早已定亲。",
     "An art student sketching in a water town falls for the girl who poles the boats, not knowing she "
     "is already engaged."),
    ("不完美恋人", "Imperfect Partners", 2022, "都市|治愈|焦虑", "city life|healing|anxiety", "",
     "Two people with social anxiety sign up for the same self-help class and agree to practise small "
     "talk only with each other."),
    ("樱花落下的速度", "The Speed of Falling Petals", 2011, "青春|距离|成长", "youth|distance|growing up",
     "从小一起长大的两个人因为搬家而分开，每年春天都在樱花树下约定下一次见面。",
     "Two childhood friends separated by a move promise each spring, under the cherry trees, to meet "
     "again."),
    ("天亮以前", "Before Daybreak", 2015, "一夜|城市漫步|对话", "one night|city walk|conversation",
     "错过末班车的两个陌生人决定一起走回家，一夜的长谈改变了他们的人生。",
     "Two strangers who miss the last bus decide to walk home together, and a night of talk changes "
     "both their lives."),
    ("替身新娘", "The Stand-In Bride", 2006, "替身|豪门|误会", "stand-in|wealthy family|mistaken identity",
     "为了帮逃婚的姐姐圆场，妹妹穿上婚纱替她出嫁，却发现新郎早就知道真相。", ""),
    ("花店与猫", "The Florist and the Cat", 2020, "花店|宠物|邻居", "flower shop|pets|neighbours",
     "花店老板的猫总跑到对面的书店睡觉，两位店主因此每天见面。",
     "The florist's cat keeps napping in the bookshop across the road, so the two shop owners see each "
     "other every day."),
    ("恋爱算法", "The Love Algorithm", 2023, "人工智能|相亲|科技", "AI|matchmaking|tech",
     "一位工程师设计的相亲算法，把她和最讨厌的同事匹配成了“百分之九十九契合”。",
     "An engineer's matchmaking algorithm pairs her with the colleague she can't stand, at a 99 per "
     "cent match."),
    ("长安月", "Moon over Chang'an", 2013, "古装|唐朝|宫廷", "period drama|Tang dynasty|palace",
     "唐朝的长安城里，一位女画师与流落民间的皇子在上元灯会上相遇。",
     "In Tang-dynasty Chang'an, a woman painter meets an exiled prince at the Lantern Festival."),
    ("最后一支舞", "The Last Dance", 2001, "舞蹈|老年|回忆", "dance|old age|memories",
     "患上阿尔茨海默病的老太太忘记了所有人，却还记得和老伴跳过的每一支舞。",
     "An old woman with Alzheimer's has forgotten everyone, but still remembers every dance she shared "
     "with her husband."),
    ("南方的雪", "Snow in the South", 2017, "南方|奇迹|小城", "the south|miracle|small town", "",
     "It hasn't snowed in the southern town for fifty years, and a schoolteacher promises to marry the "
     "man who can make it happen."),
    ("二手情书", "Second-Hand Love Letters", 2008, "旧物|书信|寻人", "vintage|letters|search",
     "女孩在二手市场买到一只旧箱子，里面装着六十封从未寄出的情书。",
     "A young woman buys an old suitcase at a flea market and finds sixty love letters that were never "
     "sent."),
    ("恋爱学分", "Credits for Love", 2019, "校园|选修课|青春", "campus|elective course|youth",
     "大学开设了一门“恋爱心理学”选修课，期末作业是真的去谈一场恋爱。",
     "A university offers an elective on the psychology of love, and the final assignment is to "
     "actually fall in love."),
    ("海岛来信", "Letters from the Island", 2024, "海岛|支教|成长", "island|volunteer teaching|growing up",
     "一名去海岛支教的年轻老师和岛上的灯塔维修员之间，隔着每周只来一次的渡船。",
     "A young volunteer teacher on a remote island and the lighthouse mechanic she falls for are ruled "
     "by a ferry that comes once a week."),
    ("厨房里的告白", "Confessions in the Kitchen", 2016, "美食|厨师|告白", "food|chef|confession",
     "不善言辞的厨师把想说的话都做成了菜，可她偏偏对美食毫无兴趣。",
     "A tongue-tied chef puts everything he wants to say into his dishes, but she happens to have no "
     "interest in food."),
    ("再见，旧时光", "Goodbye, Old Days", 2010, "怀旧|老城|拆迁", "nostalgia|old city|demolition",
     "老城区拆迁前的最后一个月，一对青梅竹马回到胡同里，想把当年没说出口的话说完。",
     "In the last month before their old neighbourhood is demolished, two childhood sweethearts return "
     "to the alley to finish what they never said."),
    ("星空下的约定", "A Promise Under the Stars", 2021, "天文|约定|重逢", "astronomy|promise|reunion",
     "十年前，两个天文爱好者约定在下一次流星雨时重逢，如今流星雨就要来了。",
     "Ten years ago two amateur astronomers promised to meet again at the next great meteor shower, and "
     "now it is nearly here."),
))

DOCUMENTARY = Category("纪录片", "Documentary", (
    ("故乡的味道", "Tastes of Home", 2014, "美食|乡土|人文", "food|countryside|culture",
     "走访中国二十个省份的乡村厨房，记录那些只在家乡才吃得到的味道。",
     "Visiting village kitchens in twenty Chinese provinces to record flavours you can only taste at "
     "home."),
    ("高原四季", "Four Seasons on the Plateau", 2017, "自然|高原|野生动物", "nature|plateau|wildlife",
     "摄制组在海拔四千米以上驻守一年，拍下雪豹、藏羚羊和黑颈鹤的四季生活。",
     "A film crew spends a year above four thousand metres, following snow leopards, Tibetan antelope "
     "and black-necked cranes through the seasons."),
    ("海洋之歌", "Song of the Ocean", 2019, "海洋|鲸|环保", "ocean|whales|conservation",
     "跟随一群座头鲸完成迁徙，也记录了试图破解鲸歌的科学家们。",
     "Following a family of humpback whales on their migration, and the scientists trying to decode "
     "their songs."),
    ("匠心", "Masters of Craft", 2016, "手艺|非遗|匠人", "craftsmanship|intangible heritage|artisans",
     "记录紫砂、苏绣、古琴、木雕等十位非遗传承人的日常与坚守。",
     "Ten masters of intangible heritage, from Yixing teapots and Suzhou embroidery to guqin making "
     "and woodcarving, at work and at home."),
    ("城市的夜晚", "The City at Night", 2020, "城市|夜班|人文", "city|night shift|people",
     "从凌晨零点到清晨六点，镜头跟随环卫工、急诊医生、外卖骑手和面包师，看一座城市如何在夜里运转。", ""),
    ("宇宙的尽头", "To the Edge of the Universe", 2021, "天文|宇宙|科学", "astronomy|cosmos|science", "",
     "Astronomers explain, with new telescope images, what we know about the first galaxies and the "
     "edge of the observable universe."),
    ("长江", "The Yangtze", 2012, "河流|地理|历史", "river|geography|history",
     "从唐古拉山的冰川到上海的入海口，沿着长江六千三百公里，看两岸的山川与人。",
     "From the glaciers of the Tanggula Mountains to the river mouth at Shanghai: six thousand three "
     "hundred kilometres of landscape and lives along the Yangtze."),
    ("故宫百年", "A Century of the Forbidden City", 2015, "故宫|文物|历史",
     "Forbidden City|cultural relics|history",
     "讲述故宫从皇宫变为博物馆的一百年，以及文物修复师们的日常工作。",
     "The hundred years in which the Forbidden City turned from palace to museum, and the daily work of "
     "its conservators."),
    ("候鸟", "Flight of the Migrants", 2018, "候鸟|迁徙|自然", "migratory birds|migration|nature",
     "用轻型飞机伴飞拍摄，跟随候鸟完成从西伯利亚到鄱阳湖的万里迁徙。",
     "Filmed from ultralight aircraft flying alongside, following migratory birds ten thousand "
     "kilometres from Siberia to Poyang Lake."),
    ("芯片之路", "The Chip Race", 2023, "半导体|科技|产业", "semiconductors|technology|industry",
     "从沙子到芯片，追溯半导体产业链上的关键技术与各国之间的竞争。",
     "From sand to silicon: the key technologies of the semiconductor supply chain and the rivalry "
     "between nations."),
    ("乡村教师", "The Village Teachers", 2010, "教育|乡村|坚守", "education|rural life|dedication",
     "记录三位在大山深处教书超过三十年的乡村教师，以及他们的学生后来的去向。",
     "Three teachers who have taught in remote mountain villages for more than thirty years, and where "
     "their pupils ended up."),
    ("雨林秘境", "Secrets of the Rainforest", 2016, "雨林|生物多样性|探险",
     "rainforest|biodiversity|expedition", "",
     "A year inside the Xishuangbanna rainforest, from wild elephants to the insects that glow on the "
     "forest floor at night."),
    ("重走丝路", "The Silk Road Revisited", 2008, "丝绸之路|历史|考古", "Silk Road|history|archaeology",
     "沿着古代丝绸之路从西安走到地中海，探访沿途的遗址和今天生活在那里的人。",
     "Retracing the ancient Silk Road from Xi'an to the Mediterranean, visiting ruins and the people "
     "who live among them today."),
    ("医者", "Healers", 2019, "医疗|医生|人性", "medicine|doctors|humanity",
     "在一家儿童医院的重症监护室里拍摄一年，记录医生、护士和家长共同面对的生死时刻。",
     "A year in a children's intensive care unit, alongside the doctors, nurses and parents who face "
     "life-and-death moments together."),
    ("熊猫的一年", "A Year with the Pandas", 2013, "大熊猫|野生动物|保护",
     "giant pandas|wildlife|conservation",
     "跟拍一只野化放归的大熊猫幼崽在四川山林里度过的第一年。",
     "The first year in the Sichuan forests of a panda cub raised for release into the wild."),
    ("一片茶叶", "The Way of Tea", 2011, "茶|文化|农业", "tea|culture|farming",
     "从云南的古茶树到福建的岩茶山场，讲述一片茶叶的种植、制作和流传。", ""),
    ("深渊之下", "Below the Abyss", 2022, "深海|潜水器|海洋科学", "deep sea|submersible|marine science",
     "跟随载人潜水器下潜到万米深渊，拍摄从未被人类见过的深海生物。",
     "Riding a crewed submersible ten thousand metres down to film deep-sea creatures no human had "
     "seen before."),
    ("建筑的诗意", "The Poetry of Buildings", 2020, "建筑|设计|城市", "architecture|design|cities",
     "走访十二座风格迥异的建筑，听建筑师讲述空间、光线与记忆。",
     "Twelve very different buildings, and their architects on space, light and memory."),
    ("机器人来了", "The Robots Are Here", 2024, "人工智能|机器人|未来工作", "AI|robotics|future of work",
     "走进已经使用机器人的工厂、医院和农场，看机器与人如何共事。",
     "Inside the factories, hospitals and farms where robots already work, and what that means for the "
     "people beside them."),
    ("沙漠绿洲", "Green in the Desert", 2018, "治沙|生态|坚持", "desertification|ecology|perseverance",
     "三代人用四十年时间，在毛乌素沙漠边缘种出一片森林。",
     "How three generations spent forty years planting a forest on the edge of the Mu Us Desert."),
    ("街头音乐家", "Street Musicians", 2015, "音乐|街头|梦想", "music|busking|dreams",
     "记录地下通道、夜市和公园里的街头音乐家，他们中有人后来登上了大舞台。",
     "Buskers in underpasses, night markets and parks, some of whom went on to play the big stages."),
    ("奥运之路", "Road to the Games", 2021, "体育|运动员|奋斗", "sports|athletes|struggle",
     "跟拍四名年轻运动员备战奥运会的四年：汗水、伤病与梦想。",
     "Four years with four young athletes preparing for the Olympics: sweat, injuries and dreams."),
    ("病毒猎人", "Virus Hunters", 2022, "病毒|公共卫生|科学", "viruses|public health|science", "",
     "Field scientists track viruses in bat caves and markets, trying to spot the next pandemic before "
     "it starts."),
    ("家书", "Letters Home", 2009, "历史|家庭|时代", "history|family|upheaval",
     "通过一百封跨越百年的家书，讲述普通中国家庭在时代洪流中的悲欢离合。",
     "A hundred family letters spanning a century tell how ordinary Chinese families lived through the "
     "upheavals of their times."),
    ("稻米之路", "The Rice Road", 2017, "农业|粮食|亚洲", "agriculture|food|Asia",
     "从哈尼梯田到湄公河三角洲，看稻米如何养活了半个世界。",
     "From the Hani rice terraces to the Mekong Delta, how rice came to feed half the world."),
))

ANIMATION = Category("动画", "Animation", (
    ("小狐狸的灯笼", "The Little Fox's Lantern", 2016, "童话|冒险|亲子", "fairy tale|adventure|family",
     "一只怕黑的小狐狸提着灯笼穿越森林，去给生病的奶奶送月亮糕。",
     "A little fox who is afraid of the dark carries a lantern through the forest to bring moon cakes "
     "to her sick grandmother."),
    ("云端之城", "City Above the Clouds", 2019, "奇幻|飞行|蒸汽朋克", "fantasy|flight|steampunk",
     "一个修理飞艇的少年发现，云层之上漂浮着一座被遗忘的城市。",
     "A boy who repairs airships discovers a forgotten city floating above the clouds."),
    ("机甲少女", "Mecha Girl", 2021, "机甲|战斗|成长", "mecha|battles|coming of age", "",
     "A shy high-school student inherits her grandfather's giant robot and must learn to pilot it "
     "before the invaders return."),
    ("齐天小猴", "The Little Monkey King", 2015, "西游记|神话|冒险",
     "Journey to the West|mythology|adventure",
     "花果山上一只调皮的小猴子误闯天宫，偷学了七十二变里的前三变。",
     "A mischievous young monkey from Flower-Fruit Mountain blunders into the Heavenly Palace and "
     "learns the first three of the seventy-two transformations."),
    ("猫咪食堂", "The Cat Canteen", 2018, "治愈|美食|日常", "healing|food|slice of life",
     "深夜营业的猫咪食堂只接待疲惫的人，每一道菜都配着一段故事。",
     "A late-night canteen run by cats serves only the weary, and every dish comes with a story."),
    ("海底小镇", "Town Under the Sea", 2012, "海洋|儿童|友情", "ocean|kids|friendship",
     "一只不会游泳的小章鱼，在海底小镇的游泳比赛中找到了属于自己的方法。", ""),
    ("纸飞机", "Paper Planes", 2010, "梦想|童年|手绘", "dreams|childhood|hand-drawn",
     "小镇男孩每天放飞一架纸飞机，直到有一天，一架纸飞机从远方飞了回来。",
     "A small-town boy launches a paper plane every day, until one day a paper plane flies back to him "
     "from far away."),
    ("星际小队", "The Star Squad", 2022, "太空|团队|喜剧", "space|team|comedy",
     "五个来自不同星球的学员组成了最不靠谱的太空巡逻小队，却阴差阳错地拯救了银河系。",
     "Five cadets from five planets form the galaxy's most hopeless patrol squad, and save it by "
     "accident."),
    ("龙的传人", "Heir of the Dragon", 2013, "龙|神话|传承", "dragons|mythology|heritage",
     "渔村女孩发现自己是东海龙王最后的后代，必须在台风季到来前唤醒沉睡的龙族。",
     "A fishing-village girl learns she is the last descendant of the Dragon King of the East Sea and "
     "must wake the sleeping dragons before typhoon season."),
    ("时光杂货铺", "The Time Corner Shop", 2020, "时间|温情|奇幻", "time|heartwarming|fantasy", "",
     "A corner shop sells small pieces of the past, an afternoon, a smell, a voice, and its newest "
     "customer wants to buy back his mother's laugh."),
    ("森林守护者", "Guardians of the Forest", 2017, "环保|精灵|冒险", "environment|spirits|adventure",
     "一群森林精灵与伐木工人的女儿结成同盟，阻止古树被砍伐。",
     "Forest spirits and a logger's daughter join forces to save an ancient grove from the axe."),
    ("熊猫学徒", "The Panda Apprentice", 2014, "功夫|熊猫|喜剧", "kung fu|panda|comedy",
     "一只贪吃的熊猫混进武馆当学徒，用吃饭的本事悟出了一套拳法。",
     "A greedy panda sneaks into a martial-arts school as an apprentice and turns his talent for eating "
     "into a fighting style."),
    ("雨中的蜗牛", "Snail in the Rain", 2019, "短片|诗意|自然", "short film|poetic|nature",
     "一只蜗牛花了整整一个雨季穿过一座花园，这是一部没有对白的动画短片。",
     "A snail spends a whole rainy season crossing a garden, in a wordless animated short."),
    ("废铁巨人", "The Scrap Giant", 2011, "机器人|友情|工厂", "robots|friendship|factory",
     "废品站里的孩子们用废铁拼出了一个巨人，巨人醒来后只想学会画画。",
     "Children in a scrapyard build a giant out of junk, and when it wakes, all it wants is to learn "
     "to draw."),
    ("二十四节气", "The Twenty-Four Solar Terms", 2018, "传统文化|节气|水墨",
     "traditional culture|solar terms|ink painting",
     "用水墨动画讲述二十四节气的由来，每一集一个节气、一首古诗、一道时令菜。", ""),
    ("魔法学徒", "The Wizard's Apprentice", 2008, "魔法|学院|成长", "magic|academy|coming of age",
     "一个总把咒语念错的魔法学徒，意外地用错误的咒语救了整所学院。",
     "A wizard's apprentice who always botches his spells saves the whole academy with the wrong "
     "one."),
    ("小火车嘟嘟", "Toot the Little Train", 2006, "学龄前|火车|交通", "preschool|trains|vehicles",
     "一列小火车每天在山谷里送货，学会了交通规则，也学会了帮助朋友。",
     "A little train delivers goods around the valley every day, learning road safety and how to help "
     "friends."),
    ("末日快递", "Doomsday Delivery", 2023, "后末日|公路|成人动画",
     "post-apocalyptic|road movie|adult animation", "",
     "In a ruined world, a courier and her talking dog cross the wasteland to deliver one last parcel, "
     "with no idea what is inside."),
    ("丹青奇谭", "The Soul Painter", 2021, "艺术|奇幻|唐朝", "art|fantasy|Tang dynasty",
     "唐朝画师笔下的动物会在夜里活过来，而他必须在天亮前把它们都画回纸上。",
     "Whatever a Tang-dynasty painter draws comes alive at night, and he must paint it all back onto "
     "paper before dawn."),
    ("雪人的夏天", "The Snowman's Summer", 2015, "冬天|友情|温情", "winter|friendship|heartwarming",
     "一个雪人想看一次夏天，孩子们把他装进冰柜，带着他开始了一场奇妙的旅行。",
     "A snowman wants to see summer just once, so the children pack him into a freezer and take him on "
     "a trip."),
    ("像素英雄", "Pixel Hero", 2020, "游戏|像素|冒险", "video games|pixel art|adventure",
     "一个八位机游戏里的小兵逃出游戏机，闯进了现代三维游戏的世界。",
     "A minor sprite from an 8-bit game escapes its console and stumbles into the world of modern 3D "
     "games."),
    ("月亮上的兔子", "The Rabbit on the Moon", 2012, "中秋|神话|嫦娥", "Mid-Autumn|mythology|Chang'e",
     "月宫里的玉兔偷偷来到人间过中秋节，第一次吃到了月饼。",
     "The Jade Rabbit sneaks down from the Moon Palace for the Mid-Autumn Festival and tastes mooncake "
     "for the first time."),
    ("恐龙小学", "Dinosaur Primary School", 2017, "恐龙|校园|儿童科普", "dinosaurs|school|science for kids",
     "在恐龙小学里，霸王龙同学最怕上体育课，因为他的胳膊太短了。",
     "At Dinosaur Primary, the T. rex dreads PE because his arms are too short."),
    ("无名之城", "The Nameless City", 2024, "赛博朋克|成人动画|反乌托邦",
     "cyberpunk|adult animation|dystopia",
     "在一座人人都没有名字的城市里，一个女孩偷走了市长的名字。",
     "In a city where no one has a name, a girl steals the mayor's."),
    ("风筝少年", "The Kite Boy", 2009, "风筝|乡村|梦想", "kites|countryside|dreams",
     "潍坊乡下的少年想用自己扎的风筝赢得国际风筝节，也想让离家多年的父亲看到。",
     "A village boy from Weifang builds a kite to win the international kite festival, and to be seen "
     "by the father who left home years ago."),
))

WUXIA = Category("武侠", "Wuxia", (
    ("剑出江南", "The Sword from Jiangnan", 2010, "江湖|复仇|剑客", "martial world|revenge|swordsman",
     "江南铸剑世家一夜被灭，唯一幸存的少年带着一把未开刃的剑踏入江湖。",
     "When a family of Jiangnan swordsmiths is wiped out in one night, the sole survivor enters the "
     "martial world carrying an unsharpened blade."),
    ("大漠孤烟", "Lone Smoke over the Desert", 2005, "大漠|镖局|边关", "desert|escort agency|frontier",
     "一支镖队护送神秘货物穿越大漠，途中遭遇马贼、沙暴和内鬼。",
     "An escort company guards a mysterious cargo across the desert, facing horse thieves, sandstorms "
     "and a traitor within."),
    ("少林寺的厨子", "The Cook of the Shaolin Temple", 2016, "少林|厨师|喜剧", "Shaolin|cook|comedy",
     "少林寺的伙夫从来没学过武功，却因为天天揉面练就了一双铁掌。",
     "The temple cook has never studied martial arts, yet decades of kneading dough have given him "
     "palms of iron."),
    ("侠女", "The Swordswoman", 1998, "女侠|朝廷|忠义", "swordswoman|imperial court|loyalty", "",
     "A swordswoman who serves the emperor's secret police is ordered to kill the rebel who once saved "
     "her life."),
    ("琴剑江湖", "Zither and Sword", 2003, "音乐|江湖|知音", "music|martial world|soulmates",
     "一位以琴音杀人的隐士和一位只想听琴的剑客，在门派之争中成了知音。",
     "A recluse who kills with the sound of his zither and a swordsman who only wants to listen become "
     "kindred spirits amid the sects' feuds."),
    ("客栈风云", "Storm at the Inn", 2012, "客栈|群戏|悬疑", "inn|ensemble|mystery",
     "大雪封山，边关客栈里住进了九位各怀绝技的客人，每个人都在等同一个人。", ""),
    ("飞刀传人", "Heir to the Flying Dagger", 2019, "暗器|师徒|传承",
     "throwing knives|master and disciple|legacy",
     "一代飞刀宗师临终前收了一个盲眼的徒弟，教他用耳朵出刀。",
     "A dying master of the flying dagger takes a blind disciple and teaches him to throw by ear."),
    ("青城山下", "At the Foot of Mount Qingcheng", 2014, "道家|修行|门派", "Taoism|cultivation|sect",
     "青城派的小道士为了寻找失踪的师父，第一次下山走进了乱世。",
     "A young Taoist from Mount Qingcheng leaves the mountain for the first time to find his missing "
     "master in a world at war."),
    ("锦衣卫", "The Embroidered Guard", 2009, "明朝|锦衣卫|朝堂",
     "Ming dynasty|imperial guards|court intrigue",
     "明朝末年，一名锦衣卫奉命追查宫中失窃的玉玺，却卷入了一场篡位阴谋。",
     "In the last years of the Ming, an imperial guard hunting a stolen jade seal is drawn into a plot "
     "to seize the throne."),
    ("醉拳新传", "Drunken Fist Reborn", 2011, "醉拳|功夫喜剧|师徒",
     "drunken boxing|kung fu comedy|master and student",
     "一个滴酒不沾的药铺伙计为了保住小镇的药市，只能跟脾气古怪的老师父学醉拳。",
     "A teetotal pharmacist's apprentice must learn drunken boxing from a grumpy old master to save "
     "his town's herbal market."),
    ("十年灯", "Ten Years of Lamplight", 2020, "友情|离别|江湖", "friendship|parting|martial world",
     "两个结拜兄弟因一场误会反目，十年后在同一场比武大会上重逢。",
     "Two sworn brothers are torn apart by a misunderstanding and meet again ten years later at the "
     "same tournament."),
    ("峨眉女侠传", "Tales of the Emei Heroines", 2007, "峨眉|女侠|门派", "Emei|heroines|sect",
     "峨眉派三位性格迥异的女弟子奉师命下山历练，分别走上了江湖、朝堂和山林三条路。", ""),
    ("天下第一镖", "The Greatest Escort", 2017, "镖局|商路|动作", "escort agency|trade route|action",
     "一家快要倒闭的小镖局接下了一单没人敢接的生意：护送一个婴儿穿过三座城。",
     "A failing escort agency takes the job no one else will: carrying a baby safely through three "
     "cities."),
    ("刀与酒", "Blade and Wine", 2022, "刀客|酒馆|西部武侠", "blademaster|tavern|western wuxia", "",
     "A one-armed blademaster runs a tavern on the Silk Road and refuses to draw his sword, until the "
     "bandits come for the town's well."),
    ("寒山剑谱", "The Cold Mountain Manual", 2013, "秘籍|争夺|悬疑",
     "martial arts manual|treasure hunt|intrigue",
     "一本传说中的剑谱出现在寒山寺，各大门派齐聚，却发现剑谱上一个字也没有。",
     "A legendary sword manual surfaces at Cold Mountain Temple; the sects converge, only to find its "
     "pages blank."),
    ("轻功少年", "The Boy Who Could Fly", 2018, "轻功|成长|青春", "lightness skill|coming of age|youth",
     "一个只会轻功、不会打架的少年，靠逃跑的本事赢得了武林大会。",
     "A boy who has mastered only the art of lightness, and cannot fight at all, wins the martial-arts "
     "conference by running away."),
    ("侠客行旅", "A Wanderer's Road", 2001, "游侠|山水|独行", "knight-errant|landscapes|solitude",
     "一位老侠客骑着毛驴走遍名山大川，一路行侠仗义，也一路与往事和解。",
     "An old knight-errant rides his donkey across famous mountains and rivers, righting wrongs and "
     "making peace with his past."),
    ("暗器之王", "King of Hidden Weapons", 2015, "暗器|机关|唐门", "hidden weapons|mechanisms|Tang clan",
     "唐门的机关少女设计出无数精巧暗器，却只想用它们来做玩具。",
     "A gifted girl of the Tang clan invents ingenious hidden weapons, though she only wants to turn "
     "them into toys."),
    ("宫墙之外", "Beyond the Palace Walls", 2021, "宫廷|公主|江湖", "palace|princess|martial world",
     "一位厌倦了宫廷生活的公主女扮男装闯荡江湖，拜了一个骗子为师。",
     "A princess tired of palace life disguises herself as a man, heads into the martial world and "
     "takes a con man as her teacher."),
    ("雪山飞鹰", "Eagle of the Snow Mountains", 1996, "雪山|寻宝|复仇", "snow mountains|treasure|revenge", "",
     "Seven fighters climb a snowbound peak in search of a dead warlord's treasure, each hiding the "
     "real reason he came."),
    ("太极宗师传", "Tale of the Tai Chi Master", 2004, "太极|宗师|哲理", "tai chi|grandmaster|philosophy",
     "一代太极宗师从少年学艺到开宗立派的一生，以柔克刚的功夫里藏着做人的道理。",
     "The life of a tai chi grandmaster from apprentice to founder of his own school, where yielding "
     "beats force in fighting and in life."),
    ("江湖小饭馆", "The Little Jianghu Diner", 2023, "美食|江湖|轻喜剧", "food|martial world|light comedy",
     "退隐的剑客在路边开了一家小饭馆，来吃饭的都是各门派的仇家。",
     "A retired swordsman opens a roadside diner, and every customer turns out to be someone's sworn "
     "enemy."),
    ("血衣楼", "The House of Red Robes", 2008, "杀手|组织|背叛", "assassins|secret society|betrayal",
     "江湖第一杀手组织的头号杀手接到最后一个任务：刺杀组织的主人。",
     "The top killer of the martial world's deadliest guild receives a final contract: assassinate the "
     "guild's master."),
    ("竹林论剑", "Duel in the Bamboo Forest", 2012, "比武|竹林|对决", "duel|bamboo forest|showdown",
     "两位剑客约在竹林比剑，在等待对手的三天里，他们各自回顾了自己的一生。",
     "Two swordsmen agree to duel in a bamboo forest, and in the three days of waiting, each looks back "
     "over his life."),
    ("少年游", "Youthful Wanderings", 2024, "青春|江湖|群像", "youth|martial world|ensemble",
     "五个刚出师的少年侠客结伴闯江湖，一路上闹出了不少笑话，也慢慢懂得了侠义。",
     "Five freshly trained young heroes set out together, blundering into trouble and slowly learning "
     "what chivalry means."),
))

POP = Category("流行音乐", "Pop Music", (
    ("夏日汽水", "Summer Soda", 2019, "夏日|轻快|独立流行", "summer|upbeat|indie pop",
     "一张关于海边、单车和汽水的夏日专辑，合成器和吉他的声音明亮而轻快。",
     "A summer album about beaches, bikes and fizzy drinks, all bright synths and jangly guitars."),
    ("城市失眠", "City Insomnia", 2021, "都市|节奏布鲁斯|深夜", "urban|R&B|late night",
     "十首写给深夜加班人的歌，慵懒的节奏布鲁斯配上城市的霓虹。",
     "Ten songs for people working late: lazy R&B under neon city lights."),
    ("给十七岁的信", "Letter to Seventeen", 2016, "青春|民谣流行|校园", "youth|folk-pop|school days",
     "一张民谣流行专辑，写给十七岁的自己和那些没说出口的喜欢。",
     "A folk-pop record addressed to the singer's seventeen-year-old self and the crushes he never "
     "confessed."),
    ("电光舞池", "Electric Dance Floor", 2022, "电子|舞曲|派对", "electronic|dance|party", "",
     "High-energy dance-pop built for the club, with vocals in Mandarin and English over "
     "four-on-the-floor beats."),
    ("家乡的月光", "Moonlight over My Hometown", 2012, "乡愁|抒情|中国风",
     "homesickness|ballad|Chinese style",
     "融合二胡、琵琶与流行编曲的中国风专辑，唱给每一个离乡的人。",
     "A Chinese-style pop album blending erhu and pipa with modern production, sung for everyone far "
     "from home."),
    ("失恋博物馆", "Museum of Broken Hearts", 2018, "失恋|抒情|情歌", "heartbreak|ballad|love songs",
     "十一首分手情歌，每一首都对应着一件被留下的旧物。", ""),
    ("跑调合唱团", "The Off-Key Choir", 2020, "乐队|摇滚|欢乐", "band|rock|fun",
     "五个业余乐手组成的乐队的首张专辑，跑调但真诚，充满了排练室里的笑声。",
     "The debut of a five-piece amateur band: off-key but sincere, full of rehearsal-room laughter."),
    ("星期天的早餐", "Sunday Breakfast", 2017, "轻松|爵士流行|生活", "relaxed|jazz-pop|everyday life",
     "慵懒的爵士流行小品，适合周日早上煎蛋、煮咖啡时播放。",
     "Laid-back jazz-pop miniatures for frying eggs and making coffee on a Sunday morning."),
    ("无限循环", "Infinite Loop", 2023, "电子|实验|合成器", "electronic|experimental|synthesizer",
     "一张讲述程序员困在循环里的概念专辑，由模块合成器和故障节拍构成。",
     "A concept album about a programmer stuck in a loop, built from modular synths and glitchy "
     "beats."),
    ("梦想出道", "Dreaming of Debut", 2019, "偶像|女团|舞曲", "idols|girl group|dance pop",
     "九人女团的出道专辑，主打歌舞蹈性强，副歌朗朗上口。",
     "The debut album of a nine-member girl group: a dance-heavy title track and instantly catchy "
     "choruses."),
    ("山海民谣", "Ballads of Mountains and Seas", 2015, "民谣|吉他|旅行", "folk|acoustic guitar|travel",
     "一位背着吉他走遍西南山区的歌手，把路上遇到的人和故事写成了歌。",
     "A singer-songwriter who walked the mountains of the southwest with a guitar turns the people he "
     "met into songs."),
    ("霓虹复古", "Neon Retro", 2021, "复古|城市流行|八十年代", "retro|city pop|eighties", "",
     "A loving homage to eighties city pop: slap bass, glossy saxophone and songs about night drives "
     "along the harbour."),
    ("雨天的歌", "Songs for Rainy Days", 2014, "治愈|钢琴|抒情", "soothing|piano|ballad",
     "以钢琴与人声为主的抒情专辑，适合在下雨天一个人安静地听。",
     "Piano-and-voice ballads for listening to quietly, alone, on a rainy day."),
    ("说唱江湖", "Rap Jianghu", 2020, "说唱|方言|街头", "hip-hop|dialect|street",
     "用四川话、粤语和普通话说唱的合辑，讲述各个城市街头的故事。",
     "A hip-hop compilation rapped in Sichuanese, Cantonese and Mandarin, telling street stories from "
     "different cities."),
    ("写给妈妈的歌", "Songs for Mom", 2010, "亲情|温暖|抒情", "family|warm|ballad",
     "一张献给母亲的专辑，从童年的摇篮曲一直唱到离家后的电话。", ""),
    ("宇宙电台", "Cosmic Radio", 2018, "梦幻流行|太空|合成器", "dream pop|space|synths",
     "以太空为主题的梦幻流行专辑，歌声像是从遥远星系传来的电台信号。",
     "A space-themed dream-pop album whose vocals drift in like radio signals from a distant galaxy."),
    ("摇滚不死", "Rock Never Dies", 2008, "摇滚|乐队|热血", "rock|band|passionate",
     "老牌摇滚乐队沉寂十年后的回归之作，失真吉他和嘶吼依旧。",
     "A veteran rock band's comeback after ten silent years, distorted guitars and roaring vocals "
     "intact."),
    ("青柠檬", "Green Lemon", 2022, "甜蜜|恋爱|小清新", "sweet|love|fresh",
     "酸酸甜甜的恋爱小情歌，唱的是刚刚开始的喜欢。",
     "Sweet-and-sour little love songs about the very beginning of a crush."),
    ("地铁口的歌手", "The Singer at the Subway Exit", 2013, "街头|原创|民谣", "busking|original songs|folk",
     "",
     "Recorded live at subway exits over a year, these raw acoustic songs capture the noise and warmth "
     "of the city."),
    ("国潮", "Guochao", 2023, "国风|电子|潮流", "Chinese style|electronic|trendy",
     "把京剧唱腔、古筝采样和电子舞曲结合在一起的新国风专辑。",
     "A new Chinese-style album fusing Peking-opera vocals and guzheng samples with electronic dance "
     "beats."),
    ("告别青春", "Farewell to Youth", 2011, "毕业|青春|怀旧", "graduation|youth|nostalgia",
     "毕业季必听的专辑，唱尽了宿舍、操场和毕业照。",
     "The essential graduation-season album: dorm rooms, sports fields and class photos."),
    ("慢慢来", "Take It Slow", 2024, "治愈|低保真|放松", "soothing|lo-fi|chill",
     "低保真节拍与轻柔人声，写给焦虑的年轻人：慢慢来，一切都来得及。",
     "Lo-fi beats and soft vocals for anxious young people: take it slow, there is still time."),
    ("海风与吉他", "Sea Breeze and Ukulele", 2009, "尤克里里|海滩|度假", "ukulele|beach|holiday",
     "尤克里里和海浪声交织的度假专辑，把人带到热带的海滩。",
     "Ukulele and the sound of waves on a holiday album that carries you to a tropical beach."),
    ("零点演唱会", "Midnight Live", 2016, "现场|演唱会|流行", "live|concert|pop",
     "跨年体育场演唱会的现场录音，几万人一起大合唱。",
     "A live recording of a sold-out New Year's Eve stadium concert, with the crowd singing every "
     "word."),
    ("第一千零一夜", "The Thousand and First Night", 2019, "叙事|情歌|概念专辑",
     "storytelling|love songs|concept album",
     "一张叙事性的概念专辑，每首歌讲一个夜晚，串起一对恋人的一千零一夜。",
     "A narrative concept album in which each song tells one night's story: a thousand and one nights "
     "of two lovers."),
))

CLASSICAL = Category("古典音乐", "Classical Music", (
    ("贝多芬：第五交响曲", "Beethoven: Symphony No. 5", 2015, "交响曲|贝多芬|古典主义",
     "symphony|Beethoven|Classical era",
     "由青年指挥家带领的全新录音，速度紧凑，第一乐章的“命运敲门”动机格外有力。",
     "A new recording under a young conductor: taut tempos and an opening fate motif of unusual "
     "force."),
    ("巴赫：哥德堡变奏曲", "Bach: Goldberg Variations", 2018, "巴赫|钢琴|巴洛克", "Bach|piano|Baroque",
     "钢琴独奏版本的哥德堡变奏曲，咏叹调首尾呼应，三十个变奏清澈如水。",
     "The Goldberg Variations on solo piano, the aria framing thirty variations of crystal clarity."),
    ("莫扎特：弦乐小夜曲", "Mozart: Serenade for Strings", 2012, "莫扎特|弦乐|小夜曲",
     "Mozart|strings|serenade",
     "", "A chamber orchestra's light, buoyant take on Mozart's most famous serenade, coupled with two "
     "divertimenti."),
    ("肖邦：夜曲全集", "Chopin: The Complete Nocturnes", 2016, "肖邦|钢琴|浪漫主义", "Chopin|piano|Romantic",
     "二十一首夜曲的完整录音，演奏者的弹性速度细腻而克制，适合夜晚聆听。",
     "All twenty-one nocturnes, played with subtle, restrained rubato: music for late evenings."),
    ("梁祝小提琴协奏曲", "The Butterfly Lovers Violin Concerto", 2010, "小提琴|协奏曲|中国作品",
     "violin|concerto|Chinese repertoire",
     "根据梁山伯与祝英台的传说创作的小提琴协奏曲，旋律婉转，融入了越剧的音调。",
     "The violin concerto based on the legend of the Butterfly Lovers, its lyrical melodies drawing "
     "on Yue opera."),
    ("维瓦尔第：四季", "Vivaldi: The Four Seasons", 2019, "维瓦尔第|小提琴|巴洛克", "Vivaldi|violin|Baroque",
     "用古乐器演奏的《四季》，速度明快，夏季乐章的暴风雨尤其激烈。",
     "The Four Seasons on period instruments, brisk throughout, with a particularly ferocious summer "
     "storm."),
    ("柴可夫斯基：天鹅湖", "Tchaikovsky: Swan Lake", 2008, "芭蕾|柴可夫斯基|管弦乐",
     "ballet|Tchaikovsky|orchestral",
     "芭蕾舞剧《天鹅湖》全剧录音，乐队色彩丰富，第二幕的天鹅主题令人难忘。", ""),
    ("德彪西：月光", "Debussy: Clair de lune", 2020, "德彪西|印象派|钢琴", "Debussy|Impressionism|piano",
     "收录《月光》《阿拉伯风格曲》和《版画》等作品，音色朦胧如水彩。",
     "Clair de lune, the Arabesques and Estampes, in a recording whose colours blur like "
     "watercolour."),
    ("马勒：第二交响曲“复活”", "Mahler: Symphony No. 2 'Resurrection'", 2017, "马勒|交响曲|合唱",
     "Mahler|symphony|choir",
     "带合唱和两位独唱的现场录音，终曲合唱气势磅礴。",
     "A vast live performance with choir and two soloists, building to an overwhelming final "
     "chorus."),
    ("二泉映月", "The Moon Reflected in Erquan Spring", 2013, "二胡|民乐|阿炳",
     "erhu|Chinese traditional music|Abing",
     "收录阿炳的二胡名曲以及多首江南丝竹作品，演奏苍凉动人。",
     "Abing's celebrated erhu piece alongside Jiangnan silk-and-bamboo works, played with aching "
     "desolation."),
    ("德沃夏克：自新大陆", "Dvorak: Symphony No. 9 'From the New World'", 2011, "德沃夏克|交响曲|民族乐派",
     "Dvorak|symphony|nationalism",
     "《自新大陆》交响曲，第二乐章的英国管旋律充满思乡之情。",
     "The New World Symphony, its cor anglais Largo full of homesickness."),
    ("古琴：流水", "Guqin: Flowing Water", 2015, "古琴|传统|冥想", "guqin|traditional|meditative",
     "古琴名家演奏《流水》《广陵散》《平沙落雁》等经典琴曲，琴音古朴悠远。", ""),
    ("贝多芬：月光奏鸣曲", "Beethoven: 'Moonlight' Sonata", 2009, "贝多芬|钢琴奏鸣曲|古典主义",
     "Beethoven|piano sonata|Classical era",
     "收录《月光》《悲怆》《热情》三首著名的钢琴奏鸣曲。",
     "Three beloved sonatas, the Moonlight, the Pathetique and the Appassionata, in one recital."),
    ("拉赫玛尼诺夫：第二钢琴协奏曲", "Rachmaninoff: Piano Concerto No. 2", 2021,
     "拉赫玛尼诺夫|钢琴协奏曲|浪漫主义", "Rachmaninoff|piano concerto|Romantic", "",
     "Sweeping Romantic melodies from a pianist and orchestra in perfect sympathy, with the Paganini "
     "Rhapsody as a bonus."),
    ("黄河钢琴协奏曲", "The Yellow River Piano Concerto", 2014, "钢琴协奏曲|中国作品|黄河",
     "piano concerto|Chinese repertoire|Yellow River",
     "根据《黄河大合唱》改编的钢琴协奏曲，四个乐章描绘了黄河的气势。",
     "The piano concerto adapted from the Yellow River Cantata, four movements painting the river's "
     "might."),
    ("亨德尔：弥赛亚", "Handel: Messiah", 2006, "亨德尔|清唱剧|合唱", "Handel|oratorio|choir",
     "巴洛克清唱剧《弥赛亚》全曲，包括著名的“哈利路亚”大合唱。",
     "The complete Messiah, including the famous Hallelujah chorus."),
    ("舒伯特：冬之旅", "Schubert: Winterreise", 2018, "舒伯特|艺术歌曲|男中音", "Schubert|art song|baritone",
     "男中音与钢琴演绎的声乐套曲《冬之旅》，二十四首歌讲述一段孤独的冬日旅程。",
     "Winterreise for baritone and piano: twenty-four songs of a lonely winter journey."),
    ("琵琶：十面埋伏", "Pipa: Ambush from Ten Sides", 2012, "琵琶|民乐|古曲",
     "pipa|Chinese traditional music|ancient piece",
     "琵琶独奏专辑，《十面埋伏》金戈铁马，《春江花月夜》则柔美如画。",
     "A solo pipa album: Ambush from Ten Sides clashes with armour and horses, while Spring River in "
     "the Flower Moon Night is soft as a painting."),
    ("勃拉姆斯：小提琴协奏曲", "Brahms: Violin Concerto", 2013, "勃拉姆斯|小提琴|协奏曲",
     "Brahms|violin|concerto",
     "从容而高贵的勃拉姆斯小提琴协奏曲，并收录二重协奏曲。",
     "A noble, unhurried account of Brahms's concerto, paired with the Double Concerto."),
    ("拉威尔：波莱罗", "Ravel: Bolero", 2016, "拉威尔|管弦乐|渐强", "Ravel|orchestral|crescendo",
     "一段旋律在十五分钟里不断重复、层层递进，最终汇成整个乐队的轰鸣。",
     "One melody repeated and layered for fifteen minutes until the whole orchestra roars."),
    ("巴赫：无伴奏大提琴组曲", "Bach: Cello Suites", 2020, "巴赫|大提琴|独奏", "Bach|cello|solo",
     "六首无伴奏大提琴组曲的完整录音，音色温暖深沉。",
     "The six suites for solo cello complete, in a warm and deep-voiced recording."),
    ("斯特拉文斯基：春之祭", "Stravinsky: The Rite of Spring", 2019, "斯特拉文斯基|现代音乐|芭蕾",
     "Stravinsky|modern music|ballet",
     "二十世纪最具冲击力的芭蕾音乐之一，不规则的节奏与原始的力量至今震撼人心。", ""),
    ("西贝柳斯：芬兰颂", "Sibelius: Finlandia", 2011, "西贝柳斯|交响诗|北欧", "Sibelius|tone poem|Nordic",
     "收录《芬兰颂》《图翁内拉的天鹅》等交响诗，充满北欧森林与湖泊的气息。",
     "Finlandia, The Swan of Tuonela and other tone poems, breathing the air of Nordic forests and "
     "lakes."),
    ("古筝：高山流水", "Guzheng: High Mountains and Flowing Water", 2017, "古筝|民乐|山水",
     "guzheng|Chinese traditional music|landscape",
     "古筝独奏专辑，收录《高山流水》《渔舟唱晚》等传统名曲。",
     "A solo guzheng album with High Mountains and Flowing Water, Fishing Boats at Dusk and other "
     "classics."),
    ("威尔第：茶花女", "Verdi: La traviata", 2022, "歌剧|威尔第|女高音", "opera|Verdi|soprano",
     "歌剧《茶花女》全剧录音，女高音的“饮酒歌”与第三幕的咏叹调动人心弦。",
     "The complete La traviata, with a soprano whose drinking song and third-act aria are "
     "heart-rending."),
))

SCIENCE = Category("科普书籍", "Popular Science", (
    ("宇宙的第一秒", "The First Second of the Universe", 2018, "宇宙学|物理|大爆炸",
     "cosmology|physics|Big Bang",
     "从大爆炸后的第一秒讲起，用日常比喻解释暴胀、暗物质和宇宙微波背景。",
     "Starting from the first second after the Big Bang, explaining inflation, dark matter and the "
     "cosmic microwave background with everyday analogies."),
    ("基因的故事", "The Story of Genes", 2016, "遗传学|生物|DNA", "genetics|biology|DNA",
     "从孟德尔的豌豆到基因编辑，讲述人类认识遗传的两百年。",
     "From Mendel's peas to gene editing: two hundred years of understanding heredity."),
    ("大脑使用说明书", "The Brain: A User's Manual", 2020, "神经科学|心理学|记忆",
     "neuroscience|psychology|memory",
     "神经科学家解释记忆、注意力和习惯是如何形成的，以及怎样更好地学习。",
     "A neuroscientist explains how memory, attention and habits form, and how to learn better."),
    ("万物皆数", "Everything Is Number", 2014, "数学|历史|趣味", "mathematics|history|puzzles", "",
     "A lively history of mathematics, from counting sticks to infinity, with puzzles at the end of "
     "every chapter."),
    ("肠道里的秘密", "The Secret Life of the Gut", 2019, "微生物|健康|医学", "microbes|health|medicine",
     "肠道菌群如何影响我们的消化、免疫甚至情绪，一本轻松幽默的健康科普。",
     "How gut bacteria shape digestion, immunity and even mood, told with good humour."),
    ("量子力学极简入门", "Quantum Mechanics in Brief", 2017, "量子力学|物理|入门",
     "quantum mechanics|physics|beginner",
     "没有公式的量子力学入门，用猫、硬币和双缝实验讲清楚叠加与纠缠。", ""),
    ("恐龙时代", "The Age of Dinosaurs", 2013, "恐龙|古生物|化石", "dinosaurs|palaeontology|fossils",
     "古生物学家带你走进一亿六千万年的恐龙时代，辽宁带羽毛的恐龙是全书的亮点。",
     "A palaeontologist's tour of 160 million years of dinosaurs, highlighted by the feathered "
     "dinosaurs of Liaoning."),
    ("人工智能简史", "A Short History of Artificial Intelligence", 2023, "人工智能|计算机|历史",
     "artificial intelligence|computing|history",
     "从图灵测试到大语言模型，讲述人工智能七十年的起落与突破。",
     "From the Turing test to large language models: seventy years of booms, winters and breakthroughs "
     "in AI."),
    ("气候的密码", "Decoding the Climate", 2021, "气候变化|地球科学|环境",
     "climate change|earth science|environment",
     "冰芯、树轮和珊瑚告诉我们的过去，以及气候模型对未来的预测。",
     "What ice cores, tree rings and corals reveal about the past, and what climate models predict."),
    ("星空观测指南", "A Field Guide to the Night Sky", 2015, "天文|观星|实用",
     "astronomy|stargazing|practical",
     "一本实用的观星手册，四季星图、望远镜选购和天文摄影入门都有介绍。",
     "A practical stargazing handbook with seasonal star charts, telescope buying advice and an "
     "introduction to astrophotography."),
    ("植物的智慧", "The Intelligence of Plants", 2018, "植物|生态|进化", "plants|ecology|evolution",
     "植物不能逃跑，于是学会了感知、记忆和交流，一本刷新认知的植物科普。",
     "Plants cannot run, so they learned to sense, remember and communicate: a surprising look at "
     "green life."),
    ("病菌与文明", "Germs and Civilisation", 2012, "传染病|历史|医学", "infectious disease|history|medicine",
     "从鼠疫到天花，看传染病如何改变战争、城市和人类的历史。",
     "From plague to smallpox, how infectious disease changed wars, cities and human history."),
    ("海洋的秘密", "Secrets of the Sea", 2011, "海洋|生物|地理", "ocean|marine life|geography",
     "从潮间带到深海热泉，一本图文并茂的海洋百科，适合全家一起阅读。", ""),
    ("化学的乐趣", "The Joy of Chemistry", 2016, "化学|实验|生活", "chemistry|experiments|everyday life",
     "厨房里的化学反应、烟花的颜色和电池的原理，附有可以在家完成的安全小实验。",
     "Kitchen reactions, firework colours and how batteries work, with safe experiments to try at "
     "home."),
    ("进化的故事", "The Story of Evolution", 2010, "进化论|生物|达尔文", "evolution|biology|Darwin",
     "从达尔文的小猎犬号航行到现代基因组学，讲述进化论如何被一步步证实。",
     "From Darwin's voyage on the Beagle to modern genomics, how evolution was proved step by step."),
    ("生活中的算法", "Algorithms in Everyday Life", 2019, "算法|计算机|决策",
     "algorithms|computer science|decision making", "",
     "How sorting, caching and scheduling algorithms can help you tidy your wardrobe, plan your week "
     "and decide when to stop looking for a flat."),
    ("黑洞之谜", "The Riddle of Black Holes", 2020, "黑洞|相对论|天体物理",
     "black holes|relativity|astrophysics",
     "从爱因斯坦的方程到第一张黑洞照片，讲述人类如何“看见”看不见的天体。",
     "From Einstein's equations to the first photograph of a black hole: how we came to see the "
     "invisible."),
    ("睡眠的科学", "The Science of Sleep", 2022, "睡眠|健康|神经科学", "sleep|health|neuroscience",
     "为什么我们需要睡觉？做梦有什么用？熬夜到底伤害了什么？",
     "Why do we sleep? What are dreams for? And what exactly does staying up late damage?"),
    ("桥梁的故事", "How Bridges Stand", 2014, "工程|建筑|力学", "engineering|architecture|mechanics",
     "从赵州桥到港珠澳大桥，用力学原理解释桥梁为什么不会倒。",
     "From the ancient Zhaozhou Bridge to the bridge across the Pearl River estuary: the mechanics "
     "that keep bridges standing."),
    ("阳台昆虫记", "Insects on My Balcony", 2017, "昆虫|自然观察|生物", "insects|nature observation|biology",
     "一位昆虫学家在城市阳台上观察到的一百种昆虫，以及它们的生存智慧。",
     "An entomologist's hundred insects observed on a city balcony, and how they survive."),
    ("火星移民指南", "A Guide to Moving to Mars", 2024, "太空探索|火星|工程",
     "space exploration|Mars|engineering",
     "认真而幽默地讨论：如果人类要移民火星，需要解决哪些科学和工程问题。",
     "A serious, funny look at the science and engineering problems of settling Mars."),
    ("统计学的陷阱", "The Traps of Statistics", 2018, "统计|数据|思维", "statistics|data|critical thinking",
     "平均数、图表和问卷调查是如何每天误导我们的，以及怎样识破它们。",
     "How averages, charts and surveys mislead us every day, and how to spot it."),
    ("食物的科学", "The Science of Food", 2015, "营养|烹饪|化学", "nutrition|cooking|chemistry",
     "为什么面包会发酵、牛排要静置、米饭要浸泡？用科学解释厨房里的常识。",
     "Why bread rises, steak should rest and rice should soak: kitchen wisdom explained by science."),
    ("地球的年龄", "How Old Is the Earth", 2009, "地质学|地球科学|历史", "geology|earth science|history",
     "从岩层、化石到放射性测年，科学家如何一步步算出地球已经四十六亿岁。", ""),
    ("疫苗是怎样炼成的", "How Vaccines Are Made", 2021, "疫苗|免疫学|医学", "vaccines|immunology|medicine",
     "从牛痘到信使核糖核酸疫苗，讲述疫苗研发背后的科学与人物。",
     "From cowpox to mRNA, the science and the people behind vaccine development."),
))

COOKING = Category("美食", "Food & Cooking", (
    ("家常川菜一百道", "100 Home-Style Sichuan Dishes", 2016, "川菜|家常菜|麻辣",
     "Sichuan cuisine|home cooking|spicy",
     "从麻婆豆腐到回锅肉，一百道家常川菜的详细做法，附有调料搭配表。",
     "From mapo tofu to twice-cooked pork, step-by-step recipes for a hundred home-style Sichuan "
     "dishes, with a seasoning chart."),
    ("早餐的仪式", "The Breakfast Ritual", 2019, "早餐|快手菜|健康", "breakfast|quick recipes|healthy",
     "五十种十五分钟就能完成的早餐，中式西式都有。",
     "Fifty breakfasts you can make in fifteen minutes, Chinese and Western alike."),
    ("烘焙入门", "Baking for Beginners", 2014, "烘焙|面包|甜点", "baking|bread|desserts", "",
     "Clear, photo-by-photo lessons for your first loaf, your first sponge cake and your first batch "
     "of cookies."),
    ("在家做广式早茶", "Cantonese Dim Sum at Home", 2017, "粤菜|点心|早茶",
     "Cantonese cuisine|dim sum|yum cha",
     "虾饺、烧卖、叉烧包和肠粉，在家复刻广式早茶的点心技巧。",
     "Har gow, siu mai, char siu bao and rice rolls: the techniques to recreate yum cha at home."),
    ("深夜一碗面", "A Bowl of Noodles at Midnight", 2020, "面食|夜宵|治愈",
     "noodles|late-night food|comfort food",
     "美食节目：每期走进一座城市的深夜面馆，听老板和食客讲他们的故事。",
     "A food show visiting a different city's late-night noodle shop each episode, listening to "
     "owners and diners tell their stories."),
    ("素食的滋味", "The Taste of Vegetarian", 2018, "素食|健康|创意料理",
     "vegetarian|healthy|creative cooking",
     "寺院素斋与现代素食结合的八十道菜谱，让蔬菜也能做出丰富的层次。", ""),
    ("街头小吃地图", "A Street Food Map", 2015, "小吃|街头|旅行", "snacks|street food|travel",
     "走访三十座城市的夜市和小巷，记录煎饼果子、肉夹馍、臭豆腐等街头小吃。",
     "Night markets and alleys in thirty cities, from jianbing and roujiamo to stinky tofu."),
    ("一个人的厨房", "Cooking for One", 2021, "一人食|快手菜|独居",
     "cooking for one|quick meals|living alone",
     "写给独居年轻人的菜谱，一人份的分量，不浪费也不将就。",
     "Recipes for young people living alone: single portions, no waste, no compromise."),
    ("意大利面的一百种做法", "100 Ways with Pasta", 2013, "意大利菜|面食|西餐",
     "Italian cuisine|pasta|Western food", "",
     "A hundred pasta recipes, from Italian grandmothers' classics to quick weeknight dinners."),
    ("发酵的魔法", "The Magic of Fermentation", 2022, "发酵|泡菜|传统", "fermentation|pickles|tradition",
     "泡菜、米酒、酸奶和酱油，讲解发酵的原理和在家操作的安全要点。",
     "Pickles, rice wine, yogurt and soy sauce: the science of fermentation and how to do it safely at "
     "home."),
    ("年夜饭", "The New Year's Eve Feast", 2012, "春节|家宴|传统菜",
     "Spring Festival|family feast|traditional dishes",
     "南北各地的年夜饭菜单与做法，从饺子到鱼，每道菜都有吉祥的寓意。",
     "New Year's Eve menus and recipes from north and south, from dumplings to fish, each with its "
     "lucky meaning."),
    ("咖啡手册", "The Coffee Handbook", 2019, "咖啡|冲煮|饮品", "coffee|brewing|drinks",
     "从咖啡豆的产地、烘焙度到手冲、意式和冷萃，一本全面的咖啡入门。",
     "From origins and roast levels to pour-over, espresso and cold brew: a complete introduction to "
     "coffee."),
    ("火辣湘菜", "Fiery Hunan Cooking", 2016, "湘菜|辣椒|家常菜", "Hunan cuisine|chilli|home cooking",
     "剁椒鱼头、小炒肉和腊味合蒸，湖南人餐桌上的辣与香。",
     "Fish head with chopped chillies, farmhouse stir-fried pork and steamed cured meats: the heat "
     "and fragrance of Hunan tables."),
    ("日式便当", "Japanese Bento Boxes", 2017, "日料|便当|带饭", "Japanese cuisine|bento|packed lunch",
     "六十款造型可爱又营养均衡的日式便当，附一周备餐计划。", ""),
    ("减脂餐", "Lean and Delicious", 2020, "减脂|健身|轻食", "weight loss|fitness|light meals",
     "营养师设计的低脂高蛋白食谱，每道菜都标注了热量和营养成分。",
     "Low-fat, high-protein recipes designed by a nutritionist, each with calories and nutrients "
     "listed."),
    ("江南小菜", "Small Dishes of Jiangnan", 2010, "江浙菜|清淡|时令",
     "Jiangsu and Zhejiang cuisine|light flavours|seasonal",
     "腌笃鲜、油爆虾和清炒虾仁，江南人家随季节变化的家常小菜。",
     "Bamboo shoot and pork soup, crisp-fried shrimp and stir-fried river prawns: the seasonal home "
     "cooking of Jiangnan."),
    ("烧烤之王", "King of the Grill", 2018, "烧烤|肉类|户外", "barbecue|meat|outdoor cooking",
     "从炭火、烟熏、腌料到完美的羊肉串，一本烧烤大师课。",
     "A barbecue masterclass covering charcoal, smoke, marinades and the perfect lamb skewer."),
    ("甜品时光", "Dessert Hour", 2022, "甜品|蛋糕|下午茶", "desserts|cakes|afternoon tea",
     "法式甜点与广式糖水的融合创作，适合周末的下午茶时光。",
     "French patisserie meets Cantonese sweet soups in desserts made for weekend afternoon tea."),
    ("汤的温度", "Soups to Warm You", 2011, "汤|养生|粤式", "soups|wellness|Cantonese",
     "一年四季的老火靓汤，讲究食材搭配和火候。",
     "Slow-simmered Cantonese soups for every season, with attention to pairings and heat."),
    ("厨房里的物理", "The Physics of the Kitchen", 2023, "分子料理|科学|实验",
     "molecular gastronomy|science|experiments", "",
     "A chef and a physicist team up to explain why ice cream needs salt, why sponge cakes rise and how "
     "to cook the perfect egg."),
    ("饺子的一百种包法", "A Hundred Ways to Fold Dumplings", 2015, "饺子|面食|北方",
     "dumplings|wheat dishes|northern China",
     "从元宝饺到柳叶饺，图解一百种包饺子的手法和配套馅料。",
     "Illustrated folds for a hundred kinds of dumpling, from ingot to willow-leaf, with the fillings to "
     "match."),
    ("寿司之道", "The Way of Sushi", 2019, "寿司|日料|匠人", "sushi|Japanese cuisine|craftsmanship",
     "跟随一位寿司师傅学习醋饭、刀工和鱼料的熟成。",
     "Learning rice seasoning, knife work and ageing fish from a sushi master."),
    ("云南菌子季", "Mushroom Season in Yunnan", 2021, "菌子|云南|野生食材", "wild mushrooms|Yunnan|foraging",
     "雨季的云南山林，跟着采菌人认识牛肝菌、鸡枞和松茸，以及它们的安全吃法。",
     "In Yunnan's rainy-season forests, learning porcini, termite mushrooms and matsutake from the "
     "foragers, and how to eat them safely."),
    ("家庭火锅指南", "The Home Hotpot Guide", 2024, "火锅|聚会|蘸料", "hotpot|gatherings|dipping sauces",
     "从锅底熬制到蘸料调配，在家吃一顿不输餐厅的火锅。",
     "From simmering the broth to mixing the dips: a restaurant-worthy hotpot at home."),
    ("外婆的菜谱", "Grandma's Recipe Box", 2008, "家常菜|回忆|传承", "home cooking|memories|family heritage",
     "作者整理外婆手写的菜谱卡片，每一道菜背后都有一段家族往事。",
     "The author transcribes her grandmother's handwritten recipe cards, each dish carrying a piece of "
     "family history."),
))

CATEGORIES: tuple[Category, ...] = (
    SCIFI, COMEDY, HORROR, MYSTERY, ROMANCE, DOCUMENTARY, ANIMATION, WUXIA, POP, CLASSICAL, SCIENCE,
    COOKING,
)


@dataclass(frozen=True)
class Item:
    """One catalogue row as written to ``items.csv``."""

    item_id: str
    title: str
    title_en: str
    description: str
    tags: str
    category: str
    year: int
    category_index: int


def build_items() -> list[Item]:
    """Flatten the hand-written tables into items with ids ``I0001..``; checks the tables' invariants."""
    items: list[Item] = []
    seen_titles: set[str] = set()
    for c_idx, category in enumerate(CATEGORIES):
        for zh_title, en_title, year, zh_tags, en_tags, zh_desc, en_desc in category.items:
            if zh_title in seen_titles or en_title in seen_titles:
                raise ValueError(f"duplicate title {zh_title!r} / {en_title!r}")
            seen_titles.update((zh_title, en_title))
            if not (zh_desc or en_desc):
                raise ValueError(f"{zh_title!r} has no description")
            if " / " in zh_desc or " / " in en_desc:
                raise ValueError(f"{zh_title!r}: ' / ' is reserved as the zh/en separator")
            tags = zh_tags.split("|") + en_tags.split("|")
            if not 2 <= len(zh_tags.split("|")) <= 5 or not 2 <= len(en_tags.split("|")) <= 5:
                raise ValueError(f"{zh_title!r}: 2-5 tags per language")
            if any(not t.strip() for t in tags):
                raise ValueError(f"{zh_title!r}: empty tag")
            description = " / ".join(text for text in (zh_desc, en_desc) if text)
            items.append(
                Item(
                    item_id=f"I{len(items) + 1:04d}",
                    title=zh_title,
                    title_en=en_title,
                    description=description,
                    tags="|".join(tags),
                    category=category.label,
                    year=year,
                    category_index=c_idx,
                )
            )
    return items


def _csv_bytes(header: tuple[str, ...], rows: list[tuple[object, ...]], encoding: str, newline: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="strict")


def _item_rows(items: list[Item]) -> list[tuple[object, ...]]:
    return [(i.item_id, i.title, i.title_en, i.description, i.tags, i.category, i.year) for i in items]


def generate_interactions(
    items: list[Item], seed: int = DEFAULT_SEED, n_users: int = N_USERS
) -> list[tuple[object, ...]]:
    """Draw synthetic interactions: rows ``(用户ID, 物品ID, 评分, 时间, 行为)`` sorted by user then time.

    Each user has 1-3 preferred categories with Dirichlet weights (plus a little interest in every
    category); item choice is proportional to a power-law popularity times the user's category weight;
    the rating rises with the user's affinity for the item's category, the item's latent quality and a
    per-user bias; the event type rises with the rating (浏览 < 点击 < 收藏 < 购买).
    """
    rng = np.random.default_rng(seed)
    n_items = len(items)
    n_cats = len(CATEGORIES)
    item_cat = np.array([it.category_index for it in items], dtype=np.int64)
    # Power-law (Zipf-like, exponent 1.2) popularity over a random ranking of the catalogue.
    ranks = rng.permutation(n_items) + 1
    popularity = ranks.astype(np.float64) ** -1.2
    quality = rng.normal(0.0, 0.5, n_items)
    span_seconds = int((END - START).total_seconds())
    hour_weights = np.array(
        [1, 0.6, 0.3, 0.2, 0.2, 0.3, 0.6, 1.2, 1.6, 1.4, 1.2, 1.3, 1.8, 1.6, 1.2, 1.2, 1.3, 1.5, 2.0, 2.6,
         3.0, 3.2, 2.8, 1.8],
        dtype=np.float64,
    )
    hour_weights /= hour_weights.sum()

    rows: list[tuple[object, ...]] = []
    for u in range(n_users):
        n_pref = int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.20]))
        preferred = rng.choice(n_cats, size=n_pref, replace=False)
        mix = rng.dirichlet(np.full(n_pref, 1.5))
        cat_weight = np.full(n_cats, 0.10 / n_cats)
        cat_weight[preferred] += 0.90 * mix
        affinity = cat_weight / cat_weight.max()
        n = int(np.clip(round(rng.lognormal(np.log(20.0), 0.75)), MIN_PER_USER, MAX_PER_USER))
        weights = popularity * cat_weight[item_cat]
        chosen = rng.choice(n_items, size=n, replace=False, p=weights / weights.sum())
        user_bias = rng.normal(0.0, 0.4)
        score = 1.6 + 2.6 * affinity[item_cat[chosen]] + quality[chosen] + user_bias + rng.normal(0.0, 0.6, n)
        ratings = np.clip(np.rint(score), 1, 5).astype(np.int64)
        # Activity window: a start inside 2023-2025 and a span of 2 weeks to 2 years, clipped to the range.
        start = int(rng.integers(0, span_seconds - 14 * 86400))
        window = int(min(span_seconds - start, rng.integers(14 * 86400, 2 * 365 * 86400)))
        days = np.sort(rng.integers(0, window // 86400 + 1, n))
        hours = rng.choice(24, size=n, p=hour_weights)
        secs = rng.integers(0, 3600, n)
        offsets = np.minimum(start + days * 86400 - start % 86400 + hours * 3600 + secs, span_seconds)
        # Event type: the better the rating, the deeper the engagement.
        deep = (ratings - 1) / 4.0
        event_p = np.stack(
            [0.55 - 0.45 * deep, 0.30 - 0.05 * deep, 0.10 + 0.30 * deep, 0.05 + 0.20 * deep], axis=1
        )
        event_p /= event_p.sum(axis=1, keepdims=True)
        draws = rng.random(n)
        events = (draws[:, None] > np.cumsum(event_p, axis=1)).sum(axis=1)
        order = np.argsort(offsets, kind="stable")
        user_id = f"U{u + 1:04d}"
        for j in order:
            when = START + timedelta(seconds=int(offsets[j]))
            rows.append(
                (
                    user_id,
                    items[int(chosen[j])].item_id,
                    int(ratings[j]),
                    when.strftime("%Y-%m-%d %H:%M:%S"),
                    EVENTS[min(int(events[j]), len(EVENTS) - 1)],
                )
            )
    return rows


def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Write items.csv, items_gbk.csv and interactions.csv into ``out_dir``; returns the paths by name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    items = build_items()
    item_rows = _item_rows(items)
    files = {
        "items.csv": _csv_bytes(ITEM_HEADER, item_rows, "utf-8", "\n"),
        "items_gbk.csv": _csv_bytes(ITEM_HEADER, item_rows, "gbk", "\r\n"),
        "interactions.csv": _csv_bytes(INTERACTION_HEADER, generate_interactions(items, seed), "utf-8", "\n"),
    }
    paths: dict[str, Path] = {}
    for name, payload in files.items():
        path = out_dir / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_bytes(payload)
        tmp.replace(path)
        paths[name] = path
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: regenerate the files (default: ``data/bilingual`` next to this script)."""
    default_out = Path(__file__).resolve().parent.parent / "data" / "bilingual"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=default_out, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"RNG seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    paths = generate(args.out, args.seed)
    for name, path in paths.items():
        print(f"{name}: {path.stat().st_size} bytes -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
