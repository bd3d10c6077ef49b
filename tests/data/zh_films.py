"""A small real Chinese film catalogue (titles, genres, years, directors and leads as published) with Chinese
column headers and a few planted tastes, loaded through the real loader (shared by the data, interests and
ranking tests of the ``people`` column).

The 主创 column mixes the separators real files use: ``|``, ``、``, ``／`` and Douban's ``" / "``; a name
written ``"周星驰 / Stephen Chow"`` is one person with a Chinese and an English name.
"""

from __future__ import annotations

from core.data.dataset import Dataset
from core.data.loaders import load_dataset

ITEMS_CSV = """物品ID,标题,英文标题,类型,年份,主创
Z01,功夫,Kung Fu Hustle,喜剧|动作,2004,周星驰 / Stephen Chow|元秋|元华
Z02,少林足球,Shaolin Soccer,喜剧|运动,2001,周星驰 / Stephen Chow|吴孟达|赵薇
Z03,喜剧之王,King of Comedy,喜剧|爱情,1999,周星驰 / Stephen Chow|李力持|张柏芝|莫文蔚
Z04,大话西游之月光宝盒,A Chinese Odyssey Part One: Pandora's Box,喜剧|奇幻,1995,刘镇伟|周星驰 / Stephen Chow|吴孟达
Z05,唐伯虎点秋香,Flirting Scholar,喜剧|古装,1993,李力持|周星驰 / Stephen Chow|巩俐
Z06,英雄,Hero,武侠|动作,2002,张艺谋、李连杰、梁朝伟、张曼玉、章子怡
Z07,十面埋伏,House of Flying Daggers,武侠|爱情,2004,张艺谋／刘德华／金城武／章子怡
Z08,卧虎藏龙,"Crouching Tiger, Hidden Dragon",武侠|剧情,2000,李安|周润发|杨紫琼|章子怡
Z09,星际穿越,Interstellar,科幻|冒险,2014,克里斯托弗·诺兰 / Christopher Nolan|马修·麦康纳|安妮·海瑟薇
Z10,盗梦空间,Inception,科幻|悬疑,2010,克里斯托弗·诺兰 / Christopher Nolan|莱昂纳多·迪卡普里奥|约瑟夫·高登-莱维特
Z11,泰坦尼克号,Titanic,爱情|灾难,1997,詹姆斯·卡梅隆|莱昂纳多·迪卡普里奥|凯特·温斯莱特
Z12,阿凡达,Avatar,科幻|冒险,2009,詹姆斯·卡梅隆|萨姆·沃辛顿
Z13,无间道,Infernal Affairs,犯罪|悬疑,2002,刘伟强 / 麦兆辉 / 刘德华 / 梁朝伟
Z14,霸王别姬,Farewell My Concubine,剧情|爱情,1993,陈凯歌|张国荣|张丰毅|巩俐
Z15,花样年华,In the Mood for Love,爱情|剧情,2000,王家卫|梁朝伟|张曼玉
Z16,闪灵,The Shining,恐怖|惊悚,1980,斯坦利·库布里克 / Stanley Kubrick|杰克·尼科尔森
Z17,咒怨,Ju-on: The Grudge,恐怖,2002,清水崇|奥菜惠
Z18,让子弹飞,Let the Bullets Fly,喜剧|动作,2010,姜文|姜文|葛优|周润发
Z19,精武门,Fist of Fury,动作,1972,罗维|李小龙 / Bruce Lee
Z20,猛龙过江,The Way of the Dragon,动作,1972,李小龙 / Bruce Lee|苗可秀
Z21,李小龙我的兄弟,"Bruce Lee, My Brother",传记|剧情,2010,叶伟信|文隽|李治廷
Z22,阮玲玉,Center Stage,传记|剧情,1991,关锦鹏|张曼玉|梁家辉
Z23,神女,The Goddess,剧情,1934,吴永刚|阮玲玉|黎铿
"""

TASTES: dict[str, tuple[str, ...]] = {
    "comedy": ("Z01", "Z02", "Z03", "Z04", "Z05", "Z18"),
    "wuxia": ("Z06", "Z07", "Z08", "Z01"),
    "scifi": ("Z09", "Z10", "Z12", "Z11"),
    "horror": ("Z16", "Z17"),
    "arthouse": ("Z14", "Z15", "Z13", "Z22", "Z23", "Z11"),
    "kungfu": ("Z19", "Z20", "Z21", "Z06"),
}
"""Films each group of users watched (three users per group, the last film rated lower)."""


def interactions_csv() -> str:
    """The interactions: 用户ID, 物品ID, 评分 (three users per taste)."""
    rows = ["用户ID,物品ID,评分"]
    for taste, films in TASTES.items():
        for n in range(3):
            rows += [f"{taste}{n},{film},{5 if j < len(films) - 1 else 3}" for j, film in enumerate(films)]
    return "\n".join(rows) + "\n"


STEPHEN_CHOW = ("Z01", "Z02", "Z03", "Z04", "Z05")
"""The films 周星驰 (Stephen Chow) made."""


def zh_films(encoding: str = "utf-8") -> Dataset:
    """The catalogue and its interactions, loaded from CSV bytes in ``encoding`` (``"gbk"`` works too)."""
    dataset, _inter, _items = load_dataset(
        interactions_csv().encode(encoding), ITEMS_CSV.encode(encoding), name=f"zh-films-{encoding}"
    )
    return dataset
