"""Pinyin keys: a worker typing zs or shantianfang finds the resident."""
import pytest

from gridworker.domain.pinyin import NameKeys, name_keys, text_keys


@pytest.mark.parametrize("name, full, initials", [
    ("张三", "zhangsan", "zs"),
    ("单田芳", "shantianfang", "stf"),
    ("曾志伟", "zengzhiwei", "zzw"),
    ("解缙", "xiejin", "xj"),
    ("区志强", "ouzhiqiang", "ozq"),
    ("仇和", "qiuhe", "qh"),
    ("朴树", "piaoshu", "ps"),
    ("查良镛", "zhaliangyong", "zly"),
    ("盖聂", "genie", "gn"),
    ("乐嘉", "yuejia", "yj"),
    ("翟天临", "zhaitianlin", "ztl"),
    ("覃海洋", "qinhaiyang", "qhy"),
    ("缪可", "miaoke", "mk"),
    ("欧阳娜娜", "ouyangnana", "oynn"),
    ("尉迟恭", "yuchigong", "ycg"),
    ("万俟卨", "moqixie", "mqx"),
    ("长孙无忌", "zhangsunwuji", "zswj"),
    ("澹台灭明", "tantaimieming", "ttmm"),
    ("诸葛亮", "zhugeliang", "zgl"),
    ("吕布", "lvbu", "lb"),
    ("买买提·吐尔逊", "maimaitituerxun", "mmttex"),
    ("张 三", "zhangsan", "zs"),
    ("张A三", "zhangasan", "zas"),
    ("Tom", "tom", "tom"),
    ("", "", ""),
    (None, "", ""),
])
def test_name_keys(name, full, initials):
    assert name_keys(name) == NameKeys(full, initials)


def test_polyphonic_character_in_the_given_name_is_not_forced_to_the_surname_reading():
    # 曾 as a surname is zeng, but inside a given name pypinyin's common reading stands.
    assert name_keys("曾曾").full.startswith("zeng")
    assert name_keys("王单").full == "wangdan"


@pytest.mark.parametrize("text, full", [
    ("阳光花园3幢2单元501室", "yangguanghuayuan3zhuang2danyuan501shi"),
    ("中国银行 ABC", "zhongguoyinhangabc"),
    ("", ""),
    (None, ""),
])
def test_text_keys(text, full):
    assert text_keys(text) == full
