"""Chinese personal names for demo residents: surnames by real frequency, given names by era.

Surname shares are per cent of the population (national figures, rounded); a few rarer
surnames with two readings (单 Shàn, 曾 Zēng, 解 Xiè, 区 Ōu, 仇 Qiú, 查 Zhā, 朴 Piáo, 缪 Miào)
are included so that pinyin search meets them. Given names follow the fashions of the
birth decade: 建国 and 秀英 for the old, 子轩 and 欣怡 for children.
"""
from __future__ import annotations

from bisect import bisect
from itertools import accumulate
from random import Random

# (surname, share in per cent)
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.25), ("李", 7.19), ("张", 6.89), ("刘", 5.38), ("陈", 4.61), ("杨", 3.08),
    ("黄", 2.34), ("赵", 2.26), ("吴", 2.03), ("周", 1.97), ("徐", 1.67), ("孙", 1.52),
    ("马", 1.46), ("朱", 1.41), ("胡", 1.30), ("郭", 1.17), ("何", 1.09), ("高", 1.05),
    ("林", 1.02), ("罗", 0.87), ("郑", 0.84), ("梁", 0.82), ("谢", 0.75), ("宋", 0.71),
    ("唐", 0.70), ("许", 0.66), ("韩", 0.64), ("冯", 0.63), ("邓", 0.62), ("曹", 0.61),
    ("彭", 0.58), ("曾", 0.58), ("肖", 0.57), ("田", 0.55), ("董", 0.54), ("袁", 0.52),
    ("潘", 0.51), ("于", 0.51), ("蒋", 0.50), ("蔡", 0.49), ("余", 0.49), ("杜", 0.47),
    ("叶", 0.46), ("程", 0.45), ("苏", 0.43), ("魏", 0.43), ("吕", 0.42), ("丁", 0.41),
    ("任", 0.40), ("沈", 0.39), ("姚", 0.38), ("卢", 0.37), ("姜", 0.36), ("崔", 0.35),
    ("钟", 0.34), ("谭", 0.33), ("陆", 0.33), ("汪", 0.32), ("范", 0.31), ("金", 0.31),
    ("石", 0.30), ("廖", 0.29), ("贾", 0.29), ("夏", 0.28), ("韦", 0.28), ("付", 0.27),
    ("方", 0.27), ("白", 0.26), ("邹", 0.26), ("孟", 0.25), ("熊", 0.25), ("秦", 0.24),
    ("邱", 0.24), ("江", 0.23), ("尹", 0.23), ("薛", 0.22), ("闫", 0.22), ("段", 0.21),
    ("雷", 0.21), ("侯", 0.20), ("龙", 0.20), ("史", 0.20), ("陶", 0.19), ("黎", 0.19),
    ("贺", 0.19), ("顾", 0.18), ("毛", 0.18), ("郝", 0.17), ("龚", 0.17), ("邵", 0.17),
    ("万", 0.16), ("钱", 0.16), ("严", 0.16), ("覃", 0.15), ("武", 0.15), ("戴", 0.15),
    ("莫", 0.14), ("孔", 0.14), ("向", 0.14), ("汤", 0.13),
    # Jiangnan surnames, more common in 无锡 than nationally.
    ("华", 0.12), ("浦", 0.04), ("过", 0.03), ("尤", 0.05), ("惠", 0.03),
    # Polyphonic surnames: the pinyin keys must use the surname reading.
    ("单", 0.03), ("解", 0.03), ("区", 0.01), ("仇", 0.02), ("查", 0.02), ("朴", 0.01),
    ("缪", 0.03), ("盖", 0.01), ("乐", 0.02),
    # Compound surnames.
    ("欧阳", 0.02), ("司马", 0.005), ("诸葛", 0.003), ("上官", 0.003),
)

# (first birth year of the era, single-character share, male two-char names, male first chars,
#  male second chars, female two-char names, female first chars, female second chars)
_ERAS = (
    (0, 0.15,
     "德福 福生 根宝 金发 荣生 宝林 阿福 海根 德明 忠良 庆祥 永福 顺发 志清 文彬",
     "德 福 根 金 荣 宝 海 忠 庆 永 顺 志 文 长 玉",
     "生 林 发 明 华 财 祥 顺 云 山 才 全 泉 富 贵",
     "秀英 桂英 秀兰 玉兰 桂兰 凤英 玉珍 淑英 秀珍 翠英 阿大 金妹 杏娣 彩娣 素珍",
     "秀 桂 玉 凤 淑 翠 金 彩 杏 素 美 月 巧 惠 兰",
     "英 兰 珍 芳 凤 娣 妹 花 梅 贞 琴 宝 仙 娟 芬"),
    (1950, 0.30,
     "建国 国庆 建华 建军 卫东 红兵 志强 国平 建平 立新 国强 永红 跃进 援朝 卫国",
     "国 建 卫 志 立 永 红 跃 新 向 文 学 振 爱 胜",
     "国 华 军 平 强 明 伟 东 民 新 忠 红 春 文 林",
     "红梅 丽华 玉梅 美华 建英 秀华 卫红 红英 桂芳 丽娟 爱华 建芳 春华 玉芳 国英",
     "红 丽 玉 美 秀 卫 桂 爱 春 建 素 雪 金 小 晓",
     "梅 华 英 萍 霞 琴 芳 玲 红 珍 娟 琳 凤 敏 云"),
    (1970, 0.40,
     "志刚 建伟 海涛 晓东 俊杰 文斌 永刚 家明 国栋 明亮 志勇 晓明 海峰 建新 振华",
     "志 建 俊 晓 海 文 永 家 国 明 雪 春 伟 振 卫",
     "伟 勇 军 杰 涛 斌 磊 强 鹏 波 辉 刚 健 峰 超",
     "丽娟 晓燕 海燕 雪梅 春燕 丽萍 小红 晓丽 文静 海英 秀芳 丽丽 晓霞 美玲 艳红",
     "晓 丽 雪 春 海 小 文 美 秀 静 燕 红 玉 艳 亚",
     "丽 静 敏 燕 艳 娟 霞 婷 芳 玲 萍 红 梅 莉 琴"),
    (1990, 0.30,
     "浩然 宇航 俊杰 子豪 家豪 志伟 天宇 泽宇 嘉伟 一鸣 晨阳 文博 鹏飞 昊天 凯文",
     "子 宇 浩 俊 嘉 志 家 泽 天 一 晨 文 鹏 昊 思",
     "浩 宇 杰 鑫 磊 涛 晨 俊 帅 昊 鹏 博 文 凯 强",
     "佳怡 欣然 雨婷 思琪 梦瑶 雅婷 诗雨 晓雪 佳慧 婷婷 雨欣 思雨 佳琪 梦洁 雪婷",
     "佳 欣 雨 思 梦 雅 诗 晓 婷 倩 静 慧 雪 文 嘉",
     "婷 雪 倩 琳 佳 颖 璐 欣 悦 怡 洁 琪 瑶 敏 慧"),
    (2005, 0.15,
     "子轩 梓轩 浩宇 宇轩 一诺 俊熙 皓轩 沐阳 子墨 宇泽 奕辰 博文 梓睿 铭泽 承泽",
     "子 梓 浩 宇 一 俊 皓 沐 奕 博 铭 承 睿 煜 思",
     "轩 宇 涵 睿 泽 辰 浩 铭 阳 博 熙 诚 昊 然 航",
     "欣怡 梓涵 诗涵 一诺 雨桐 子涵 可馨 语桐 若汐 梓萱 依诺 思彤 紫涵 欣妍 芷若",
     "欣 梓 诗 雨 子 可 语 若 依 思 紫 芷 梦 佳 安",
     "涵 怡 萱 桐 琪 妍 瑶 馨 汐 彤 琳 悦 诺 然 宁"),
)


class NamePool:
    """Draws names from precomputed tables; every draw uses only the given ``Random``."""

    def __init__(self) -> None:
        self.surnames = [s for s, _ in SURNAMES]
        self._cum = list(accumulate(w for _, w in SURNAMES))
        self._total = self._cum[-1]
        self._eras = []
        for start, single, m_full, m_first, m_second, f_full, f_first, f_second in _ERAS:
            self._eras.append((start, single,
                               (m_full.split(), m_first.split(), m_second.split()),
                               (f_full.split(), f_first.split(), f_second.split())))
        self._era_starts = [e[0] for e in self._eras]

    def surname(self, rng: Random) -> str:
        return self.surnames[bisect(self._cum, rng.random() * self._total)]

    def given(self, rng: Random, male: bool, birth_year: int) -> str:
        """A given name of one or two characters in the fashion of ``birth_year``."""
        _, single, m, f = self._eras[bisect(self._era_starts, birth_year) - 1]
        full, first, second = m if male else f
        # Always three draws: the era (from the birth date) must not change how many.
        r, x, y = rng.random(), rng.random(), rng.random()
        if r < single:
            return second[int(x * len(second))]
        if r < single + (1 - single) * 0.4:
            return full[int(x * len(full))]
        a = first[int(x * len(first))]
        b = second[int(y * len(second))]
        return a + b if a != b else a + a  # 叠字 names (婷婷, 丽丽) are common enough

    def name(self, rng: Random, male: bool, birth_year: int, surname: str | None = None) -> str:
        return (surname or self.surname(rng)) + self.given(rng, male, birth_year)


NAMES = NamePool()
