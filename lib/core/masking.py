"""Masking by value: the one gate every output passes (docs/security.md, 脱敏).

What identifies a child is recognised by what it is, wherever it stands: in a column
under any header, inside free text, in a detail message, in a JSON value.

* **ID numbers** (18 characters, or the 15-digit first generation) and **学籍号**
  (G/J/L + 18): the area code and the last four, ``411503********123X``.
* **Phones**: mobiles (also written ``138-1234-5678`` or with ``+86``) as ``138****5678``;
  landlines with an area code as ``0376-****1234``.
* **Names**: two to four Han characters led by a surname (单姓 of :data:`SURNAMES`, or a
  复姓), and names joined by ``·`` (``阿依古丽·买买提``): ``张*三``, ``李*``, ``欧**明``.
  A whole cell is judged on its own; inside free text a name is recognised after a cue
  (学生, 家长, 监护人, 姓名 ...), between quotation marks, as a three-character token
  standing alone between punctuation, or because the same table or document names it
  in a names column.
* **Addresses**: a township or county followed by a village or a house
  (``…镇…村…组…号``): kept up to the township, the rest hidden (``明港镇****``).

A column is a names (ID, phone, address) column when at least half of its distinct
values are; then every value of that kind in it is masked, surname list or not.  Names
of places, schools and the code lists of :mod:`lib.core.schema` are never taken for
names.  Masking twice changes nothing (masked values no longer look like anything).

Entry points: :func:`mask_text` (one string), :func:`mask_table` (a frame: pages and
files), :func:`jsonable` (anything JSON is made of: masked, and NaN/inf become
``None``), :func:`dumps` (strict JSON) and :func:`gate`, which dispatches on the type.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lib.core import config, schema, store

# ------------------------------------------------------------------ vocabulary
_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
#: Single-character surnames, most frequent first (about 300: over 95% of people).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉"
    "缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑"
    "郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉"
    "伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏"
    "鹿薄逯桓赖萧洪"
)
#: Two-character surnames (复姓).
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 独孤 南宫 西门 轩辕 呼延 "
    "申屠 太史 澹台 公冶 万俟 闻人 赫连 钟离 宗政 濮阳 淳于 单于 百里 东郭 拓跋".split()
)
#: Words after which a name follows in free text (学生王小明, 监护人：李四).
_CUES = (
    "学籍姓名 名单姓名 学生姓名 受助人姓名 姓名 学生家长 学生 家长 监护人 父亲 母亲 爷爷 奶奶 外公 外婆 "
    "户主 联系人 受助人 儿童 孩子 本人 之子 之女 同学 儿子 女儿 孙子 孙女 妹妹 弟弟 哥哥 姐姐".split()
)
#: Verbs and prepositions a name often follows in case notes (与王小明谈心, 劝返李四).
_VERB_CUES = "与 和 跟 对 给 送 叫 让 帮 带 找 劝 陪 把 被 向 为 由 请 约 联系 通知 告知 走访 看望 慰问 劝返 帮扶 辅导 资助".split()
#: Words a verb cue begins (约谈家长 is no 谈 family): after them no name is looked for.
_VERB_WORDS = frozenset(
    "约谈 约定 约好 请假 请求 请示 带领 带动 带头 找到 送达 送教 让步 叫做 帮助 帮忙 劝说 劝导 陪同 把握 被评 向上 "
    "为了 由于 对于 对象 对照 给予 跟踪 跟进 和谐 与其 联系人 通知书 对接 为主 为准 由此 请到 带来 送来 送往".split()
)
#: 复姓 that begin no common word: a name wherever they stand (东方, 长孙, 百里 ... do).
_SAFE_COMPOUND = tuple(
    sorted(COMPOUND_SURNAMES - {"东方", "长孙", "百里", "西门", "单于", "公孙", "东郭", "太史"})
)
#: Characters that start words, not names, right after a cue or as a lone token
#: (监护人和村委会, 学生已返校): a name in free text never starts with one of them.
_FUNCTION = frozenset(
    "和与及同在已未将对向从把被让给为是也都又还就才不没很更最太能会要想说到去来有无表称等的了着过因所并且而或其该此这那各每全均共仅只再曾正于以之时"
)
#: Characters at which a name in free text ends (王小明表示 ..., 刘红同意 ...).
_BOUNDARY = _FUNCTION | frozenset("说称讲家父母爷奶外哥姐弟妹叔姨舅今昨前后现")
#: Endings of places, schools, offices and other things that are not people.
_NOT_NAME_ENDINGS = (
    "省 市 县 区 乡 镇 村 组 街道 社区 小镇 管理区 学校 小学 中学 大学 学院 教学点 幼儿园 中心 局 办 委 会 院 所 站 "
    "队 部 厅 处 科 室 班 级 公司 集团 银行 协会 工会 妇联 路 街 巷 号 楼 栋 年级 学段 学期 学年 计划 项目 补助 "
    "资助 金额 人数 比例 情况 原因 状态 类别 名单 台账 记录 通知书 风险 措施 率 数 量 额 费 比 线 值 人口 人次 天数 次数 "
    "学生 儿童 家庭 户 表 单 证 卡"
).split()


#: Endings that only a place or an institution has (a school, a village committee): never a
#: person's name, also in a names column.  The one-character endings above (村, 镇, 乡 ...) can
#: end a real name (张小村): in a names column a short surname-led value ending so is a name.
_INSTITUTION_ENDINGS = (
    *(e for e in _NOT_NAME_ENDINGS if len(e) >= 2),
    *"完小 分校 校区 中心校 委员会 村委会 居委会".split(),
)
_SHORT_ENDINGS = tuple(e for e in _NOT_NAME_ENDINGS if len(e) == 1)


def _schema_words() -> frozenset[str]:
    """Every code and label of :mod:`lib.core.schema` (never a person's name)."""
    words: set[str] = set()
    for value in vars(schema).values():
        if isinstance(value, dict):
            for k, v in value.items():
                words.update(x for x in (k, v) if isinstance(x, str))
                if isinstance(v, tuple):
                    words.update(x for x in v if isinstance(x, str))
        elif isinstance(value, tuple):
            words.update(x for x in value if isinstance(x, str))
    for table in schema.TABLES.values():
        words.add(table.label)
        words.update(c.label for c in table.columns)
    return frozenset(words)


def _interface_words() -> frozenset[str]:
    """Every Chinese label of the interface (lib.core.i18n: 巩固率, 学校 ...): never a name."""
    from lib.core.i18n import TEXT  # a sibling core module: its table of labels

    return frozenset(zh for zh, _ in TEXT.values())


#: Words that look like names but are not (code lists, labels, common words).
VOCABULARY = (
    _schema_words()
    | _interface_words()
    | frozenset(
        "高中 高职 高校 高级 高风险 高危 高年级 高一 高二 高三 中风险 低风险 全部 全年 全县 全区 全体 平均 平时 平台 "
        "国家 国有 和谐 明年 明天 时间 时候 来源 计划 普通 原因 原来 南方 乐观 商户 官方 查询 连续 项目 简单 司机 农村 "
        "农户 阳光 解决 华中 管理 管理员 游戏 盛夏 成绩 成员 单位 单亲 包括 宁可 尚未 符合 左右 关于 关注 申请 申报 "
        "易地 齐全 安排 安全 安置 文件 文字 文化 温度 康复 施工 武装 严重 万元 钱款 龙头 段落 白天 金额 石头 范围 "
        "任务 程序 余额 于是 田地 曾经 马上 黄色 周末 周一 周二 周三 周四 周五 周六 周日 周报 林地 许可 夏季 方式 "
        "方面 方案 江河 常规 常住 向上 古代 吉祥 班级 班主任 路程 路途 车辆 都市 门口 云端 相关 初中 初一 初二 初三 "
        "区域 海外 花费 权利 强化 国内 国外 计算 索引 宣传 晋升 敬老 应届 应助 全面 边远 师生 师资 和平 商量 沙发 "
        "荣誉 桑蚕 甄别 丛书 巩固 明确 明显 查看 迟到 官网 封面 谈话 惠民 乐意 原籍 燕窝 楚国 劳动 皮肤 满意 位置 "
        "伊始 海洋 强制 帮扶 本机操作员 操作员 系统 演示 合计 小计 总计 其他 其它 未知 未填 未安排 无 是 否 "
        "文本 数字 日期 代码 巩固率".split()
    )
)


# ------------------------------------------------------------------ the masked shapes
def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def mask_id(value: Any) -> Any:
    """Area code plus the last four: 411503********123X (also for 学籍号 G/J/L + ID)."""
    if _missing(value):
        return None
    s = str(value)
    if "*" in s:  # masked already: masking twice changes nothing
        return s
    prefix = ""
    if s[:1] in ("G", "J", "L") and len(s) > 6:
        prefix, s = s[0], s[1:]
    if len(s) <= 10:
        return prefix + "*" * len(s)
    return prefix + s[:6] + "*" * (len(s) - 10) + s[-4:]


def mask_name(value: Any) -> Any:
    """张*三 for three or more characters, 李* for two."""
    if _missing(value):
        return None
    s = str(value)
    if len(s) <= 1 or "*" in s:  # masked already: masking twice changes nothing
        return s
    if len(s) == 2:
        return s[0] + "*"
    return s[0] + "*" * (len(s) - 2) + s[-1]


def _mask_digits(s: str) -> str:
    if "*" in s:  # masked already
        return s
    return "*" * len(s) if len(s) < 7 else s[:3] + "*" * (len(s) - 7) + s[-4:]


# ------------------------------------------------------------------ patterns
_ID = re.compile(r"(?<![0-9A-Za-z.])(?:[GJLgjl]?\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(
    r"(?<![0-9A-Za-z.])(?:(?:\+|00)?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9A-Za-z])"
)
_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z.])[(（]?(0\d{2,3})(?:[)）][- ]?|[- ])(\d{3,4})[- ]?(\d{4})(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z.])(0\d{2,3})(\d{7,8})(?![0-9A-Za-z])"
)
_UNIT = rf"[{_HAN}]{{1,8}}?(?:省|自治区|市|州|县|区|旗|乡|镇|街道|管理区)"
# a village followed by a school word is part of a school's name (吴乡村教学点), not an address
_VILLAGE = rf"[{_HAN}0-9]{{2,8}}?(?:村|社区|居委会)(?![委民干级小医里集教幼完学])(?!中学|中心|分校)"
_HOUSE = (
    rf"(?:[0-9一二三四五六七八九十百]+(?:组|队|号院|号楼|号|栋|幢|单元|室|层)"
    rf"|[{_HAN}]{{1,6}}(?:路|街|巷|弄)[0-9]+号?)"
)
_ADDRESS = re.compile(
    rf"((?:{_UNIT})+)(?:{_VILLAGE}(?:{_HOUSE})*|(?:{_HOUSE})+)|()(?:{_VILLAGE})(?:{_HOUSE})+"
)
_DOT_NAME = re.compile(rf"^[{_HAN}]{{1,10}}(?:[·•・][{_HAN}]{{1,10}})+$")
_DOT_IN_TEXT = re.compile(rf"[{_HAN}]{{1,10}}(?:[·•・][{_HAN}]{{1,10}})+")
_HAN_ONLY = re.compile(rf"^[{_HAN}]+$")
_QUOTED = re.compile(rf"([“\"「『‘'])([{_HAN}·•・]{{2,21}})([”\"」』’'])")
_TOKEN3 = re.compile(rf"(?<![{_HAN}*])([{_HAN}]{{3,4}})(?![{_HAN}*〔\[［(（])")  # 平财教〔2026〕: a document
_CUE = re.compile(
    "(?:" + "|".join(sorted(map(re.escape, _CUES), key=len, reverse=True)) + r")[：:\s“\"「『‘']{0,2}"
)
_LABELS = frozenset(
    "学籍姓名 名单姓名 学生姓名 受助人姓名 姓名 监护人 家长 父亲 母亲 户主 联系人 受助人".split()
)
_LABEL_MARKS = frozenset("：:“\"「『‘' ")
_VERB_CUE = re.compile("(?:" + "|".join(sorted(map(re.escape, _VERB_CUES), key=len, reverse=True)) + ")")
_COMPOUND_AT = re.compile("|".join(_SAFE_COMPOUND))
_DIGITS7 = re.compile(r"\d{7}")
_HAS_HAN = re.compile(rf"[{_HAN}]")


# ------------------------------------------------------------------ the store's places
#: How often the store is asked again whether its places changed (seconds).
_PLACES_RECHECK_S = 2.0
_PLACES: dict[str, Any] = {"at": -1e9, "asked": None, "version": None, "names": frozenset(), "by_first": {}}


def _read_places(path: Path | None) -> frozenset[str] | None:
    """Names of the store's county, townships, villages and schools; None when it cannot be read
    (no store yet, or another process holds it: masking never waits for the store)."""
    try:
        with store.connect(path, wait_s=0.2, create=False) as con:
            rows = con.execute(
                "SELECT name FROM counties UNION SELECT name FROM townships "
                "UNION SELECT name FROM villages UNION SELECT name FROM schools"
            ).fetchall()
    except Exception:  # places only spare places from masking: without them masking goes on
        return None
    return frozenset(str(r[0]).strip() for r in rows if r[0] and len(str(r[0]).strip()) >= 2)


def store_places(*, path: Path | None = None) -> frozenset[str]:
    """The place names of the store (townships, villages, schools): never a person's name.

    Read once and again only when the store's files changed (checked every few seconds), so a
    mask of a whole table costs no store read per cell.
    """
    now = time.monotonic()
    asked = (path, os.environ.get("EDU_DB"))  # no file-system call per masked cell
    # another store (the CLI's --db, a second county) is read at once, not after the pause
    if asked != _PLACES["asked"] or now - _PLACES["at"] >= _PLACES_RECHECK_S:
        where = str(path or config.db_path())
        _PLACES["at"], _PLACES["asked"] = now, asked
        try:
            version = (where, store.data_version(where))
        except OSError:
            version = None
        if version != _PLACES["version"]:
            names = _read_places(Path(where)) if version is not None else frozenset()
            if names is None:  # unreadable now (busy): asked again after the pause, not noted as read
                known = _PLACES["version"] is not None and _PLACES["version"][0] == where
                names, version = (_PLACES["names"] if known else frozenset()), None
            by_first: dict[str, list[str]] = {}
            for n in sorted(names, key=len, reverse=True):
                by_first.setdefault(n[0], []).append(n)
            if names != _PLACES["names"]:  # what a cell or a text masks to depends on them
                _mask_cell.cache_clear()
                _mask_text.cache_clear()
            _PLACES.update(version=version, names=names, by_first=by_first)
    return _PLACES["names"]


def _place_at(text: str, start: int) -> int:
    """Length of the store's place name ``text`` has at ``start`` (0 when none)."""
    store_places()
    for name in _PLACES["by_first"].get(text[start : start + 1], ()):
        if text.startswith(name, start):
            return len(name)
    return 0


def is_place(value: Any) -> bool:
    """A value that names a place or an institution, never a person: a place of the store, or
    a name with an institution's ending (…小学, …教学点, …委员会, …街道, …社区)."""
    if not isinstance(value, str):
        return False
    s = value.strip()
    return s in store_places() or s.endswith(_INSTITUTION_ENDINGS)


# ------------------------------------------------------------------ recognising one value
def _surname_len(s: str) -> int:
    """Length of the surname ``s`` starts with (2 for a 复姓), 0 when it starts with none."""
    if s[:2] in COMPOUND_SURNAMES:
        return 2
    return 1 if s[:1] in SURNAMES else 0


def _not_a_name(s: str) -> bool:
    return s in VOCABULARY or s.endswith(tuple(_NOT_NAME_ENDINGS))


def looks_like_name(value: Any, *, loose: bool = False) -> bool:
    """True for a value that is a person's name on its own.

    A surname (single or 复姓) and one or two given characters (三 characters at most with a
    single surname unless ``loose``), or names joined by ``·``; never a word of
    :data:`VOCABULARY` or a place, school or office.  ``loose`` (a names column, or a field
    called 姓名) also takes two and four characters with a single surname, and any
    two to five Han characters whatever the surname.
    """
    if not isinstance(value, str):
        return False
    s = value.strip()
    if len(s) < 2 or is_place(s):
        return False
    if _not_a_name(s) and not (loose and _short_name_with_place_ending(s)):
        return False
    if _DOT_NAME.match(s):
        return True
    if not _HAN_ONLY.match(s) or len(s) > 5:
        return False
    if loose:
        return True
    k = _surname_len(s)
    if k == 2:
        return len(s) in (3, 4)
    return k == 1 and len(s) in (2, 3)


def _short_name_with_place_ending(s: str) -> bool:
    """张小村, 李村: in a names column a surname and one or two characters are a name even when
    the last is a place's one-character ending (a place of the store is not: see is_place)."""
    k = _surname_len(s)
    return k == 1 and len(s) in (2, 3) and s.endswith(_SHORT_ENDINGS) and s not in VOCABULARY


def looks_like_id(value: Any) -> bool:
    """An ID number or 学籍号 as the whole value (18 or 15 characters, G/J/L allowed)."""
    return isinstance(value, str) and bool(_ID.fullmatch(value.strip().replace(" ", "")))


def looks_like_phone(value: Any) -> bool:
    """A mobile or landline number as the whole value."""
    if not isinstance(value, str):
        return False
    s = value.strip()
    return bool(_MOBILE.fullmatch(s) or _LANDLINE.fullmatch(s))


def looks_like_address(value: Any) -> bool:
    """A township or county followed by a village or a house, as the whole value or in it."""
    return isinstance(value, str) and bool(_ADDRESS.search(value))


# ------------------------------------------------------------------ the masks
def _mask_mobile(m: re.Match[str]) -> str:
    return f"{m.group(1)}****{m.group(3)}"


def _mask_landline(m: re.Match[str]) -> str:
    area = m.group(1) or m.group(4)
    last = m.group(3) or m.group(5)[-4:]
    return f"{area}-****{last}"


def _mask_address(m: re.Match[str]) -> str:
    return (m.group(1) or "") + "****"


def mask_phone(value: Any) -> Any:
    """138****5678 / 0376-****1234 (any other string: the first three and the last four)."""
    if _missing(value):
        return None
    s = str(value).strip()
    out = _LANDLINE.sub(_mask_landline, _MOBILE.sub(_mask_mobile, s))
    return out if out != s else _mask_digits(s)


def _name_span(text: str, start: int, *, strict: bool, any_surname: bool = False) -> int:
    """Length of the name starting at ``text[start]`` (0 when none starts there).

    The name ends where the text stops being Han or reaches a boundary character
    (王小明表示: 3, 刘红同意: 2); when nothing tells, three characters (or the surname and two).
    ``any_surname``: after 监护人： and the like, a surname outside :data:`SURNAMES` too.
    """
    rest = text[start : start + 6]
    if not rest or rest[0] in _FUNCTION or _place_at(text, start):
        return 0
    dot = _DOT_IN_TEXT.match(text, start)
    if dot:
        return _trim_dot_name(dot.group(0))
    k = _surname_len(rest) or (1 if any_surname and _HAS_HAN.match(rest) else 0)
    if k == 0 or rest[: k + 1] in VOCABULARY:  # 本人申请: a word, not a name
        return 0
    lengths = (k + 2, k + 1)
    for n in lengths:
        seg = rest[:n]
        if len(seg) < n or not _HAN_ONLY.match(seg) or _not_a_name(seg):
            continue
        nxt = text[start + n : start + n + 1]
        if not nxt or not _HAS_HAN.match(nxt) or nxt in _BOUNDARY:
            return n
    if strict:
        return 0
    seg = rest[: k + 2]
    return len(seg) if len(seg) >= k + 1 and _HAN_ONLY.match(seg) and not _not_a_name(seg) else 0


def _trim_dot_name(s: str) -> int:
    """Length of the ·-joined name ``s`` starts with: its last part ends at a boundary
    character (阿依古丽·买买提在校 -> 8)."""
    cut = max(s.rfind(d) for d in "·•・")
    for i in range(cut + 2, len(s)):
        if s[i] in _BOUNDARY:
            return i
    return len(s)


def _mask_names_at(text: str, starts: Iterable[int], *, strict: bool, labelled: Iterable[int] = ()) -> str:
    """Mask the name starting at each position of ``starts`` (ascending), when one does;
    at the positions of ``labelled`` (after 姓名： and the like) whatever the surname."""
    out, pos = [], 0
    labelled = set(labelled)
    for start in starts:
        if start < pos:
            continue
        n = _name_span(text, start, strict=strict, any_surname=start in labelled)
        if n:
            out.append(text[pos:start])
            out.append(mask_name(text[start : start + n]))
            pos = start + n
    out.append(text[pos:])
    return "".join(out)


def _mask_names_after_cues(text: str) -> str:
    cues = list(_CUE.finditer(text))
    labelled = [  # 监护人：蒿翠花: a label and its mark, whatever the surname
        m.end()
        for m in cues
        if m.group(0)[-1] in _LABEL_MARKS and m.group(0).rstrip("：:“\"「『‘' ") in _LABELS
    ]
    out = _mask_names_at(text, [m.end() for m in cues], strict=False, labelled=labelled)
    out = _mask_names_at(out, [m.start() for m in _COMPOUND_AT.finditer(out)], strict=False)
    verbs = [m.end() for m in _VERB_CUE.finditer(out) if out[m.start() : m.start() + 2] not in _VERB_WORDS]
    verbs = [
        e for e in verbs if out[e - 2 : e + 1] not in _VERB_WORDS and out[e - 1 : e + 1] not in _VERB_WORDS
    ]
    return _mask_names_at(out, verbs, strict=False)


def _mask_quoted(m: re.Match[str]) -> str:
    inner = m.group(2)
    if looks_like_name(inner) or (
        _surname_len(inner) and 2 <= len(inner) <= 4 and not _not_a_name(inner) and inner[0] not in _FUNCTION
    ):
        return m.group(1) + mask_name(inner) + m.group(3)
    return m.group(0)


def _mask_token(m: re.Match[str]) -> str:
    s = m.group(1)
    if s[0] in _FUNCTION or not looks_like_name(s):
        return s
    return mask_name(s)


# The name lengths and first characters of a set of known names, by the set's identity: an
# lru_cache keyed on the set compared every new but equal set (each table builds its own)
# element by element on every cell, 0.1 ms a call.  The entry holds the set, so its id is not
# reused while it is here.
_INDEX: dict[int, tuple[frozenset[str], tuple[int, ...], frozenset[str]]] = {}


def _index(known: frozenset[str]) -> tuple[tuple[int, ...], frozenset[str]]:
    hit = _INDEX.get(id(known))
    if hit is not None and hit[0] is known:
        return hit[1], hit[2]
    lengths = tuple(sorted({len(k) for k in known}, reverse=True))
    starts = frozenset(k[0] for k in known)
    if len(_INDEX) >= 64:
        _INDEX.clear()
    _INDEX[id(known)] = (known, lengths, starts)
    return lengths, starts


def known_names(values: Iterable[Any]) -> frozenset[str]:
    """Names to mask wherever a text repeats them (two characters or more), as one frozenset:
    build it once and pass it to :func:`mask_text` / :func:`mask_value` for many cells."""
    return frozenset(v.strip() for v in values if isinstance(v, str) and len(v.strip()) >= 2)


def _known_set(known: Iterable[str]) -> frozenset[str]:
    if isinstance(known, frozenset):
        return known  # already built by known_names (or the table's own names columns)
    return known_names(known)


def _mask_known(text: str, known: frozenset[str]) -> str:
    """Every occurrence of a name the table or document names elsewhere."""
    if not known or len(text) < 2:
        return text
    lengths, starts = _index(known)
    out, i = [], 0
    while i < len(text):
        if text[i] not in starts:  # no name begins here: most characters of a long text
            out.append(text[i])
            i += 1
            continue
        for n in lengths:
            seg = text[i : i + n]
            if len(seg) == n and seg in known:
                out.append(mask_name(seg))
                i += n
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@lru_cache(maxsize=200_000)
def _mask_text(text: str) -> str:
    if text.isascii() and not _DIGITS7.search(text):
        return text
    out = _ID.sub(lambda m: mask_id(m.group(0).upper()), text)
    out = _MOBILE.sub(_mask_mobile, out)
    out = _LANDLINE.sub(_mask_landline, out)
    if not _HAS_HAN.search(out):
        return out
    out = _ADDRESS.sub(_mask_address, out)
    out = _mask_names_after_cues(out)
    out = _QUOTED.sub(_mask_quoted, out)
    return _TOKEN3.sub(_mask_token, out)


def mask_text(text: Any, *, known: Iterable[str] = ()) -> Any:
    """Free text with every ID number, phone, address and recognisable name in it masked.

    ``known``: names met elsewhere in the same table or document, masked wherever they
    occur.  Anything but a string is returned as it is.
    """
    if not isinstance(text, str) or not text:
        return text
    known = _known_set(known)
    return _mask_text(_mask_known(text, known) if known and _HAS_HAN.search(text) else text)


@lru_cache(maxsize=200_000)
def _mask_cell(value: str, kind: str | None) -> str:
    s = value.strip()
    if kind == "id" and (looks_like_id(s) or sum(ch.isdigit() for ch in s) >= 6):
        return mask_id(s.upper())
    if kind == "phone" and sum(ch.isdigit() for ch in s) >= 7:
        return mask_phone(s)
    if kind == "address" and _HAS_HAN.search(s):
        return mask_address(s)
    if kind in (None, "name") and s in store_places():
        return value  # a township, village or school of the store: a place, never a name
    if kind == "name" and looks_like_name(s, loose=True):
        return mask_name(s)
    if looks_like_id(s):
        return mask_id(s.replace(" ", "").upper())
    if looks_like_phone(s):
        return mask_phone(s)
    if looks_like_name(s):
        text = _mask_text(value)  # 学生阿依古丽·买买提在校: a cue tells where the name is
        return text if text != value else mask_name(s)
    return _mask_text(value)


def mask_address(value: str) -> str:
    """An address kept up to its township (or county), the rest hidden: 明港镇****."""
    out = _ADDRESS.sub(_mask_address, value)
    if out != value:
        return _mask_text(out)
    m = re.match(rf"((?:{_UNIT})+)", value)
    return (m.group(1) if m else "") + "****"


def mask_value(value: Any, *, kind: str | None = None, known: Iterable[str] = ()) -> Any:
    """One value as a cell of a table: judged whole first (a name, an ID, a phone), then as
    free text.  ``kind`` (``name``, ``id``, ``phone``, ``address``) is what its column holds."""
    if not isinstance(value, str) or not value.strip():
        return value
    if known and kind != "name" and _HAS_HAN.search(value):
        value = _mask_known(value, _known_set(known))
    return _mask_cell(value, kind)


# ------------------------------------------------------------------ columns
#: Headers (and JSON keys) that say a column holds names, IDs, phones or addresses.
#: They only widen what is masked: values are recognised whatever the header.
NAME_HEADERS = frozenset(
    "name student_name guardian_name actor teacher head 姓名 名字 学生 学生姓名 名单姓名 学籍姓名 受助人 受助学生 "
    "监护人 监护人姓名 家长 家长姓名 户主 联系人 经办人 帮扶教师 送教教师 教师 责任人 负责人".split()
)
ID_HEADERS = frozenset(
    "id_number xueji_number masked_id 身份证 身份证号 身份证号码 证件号 证件号码 公民身份号码 学籍号 学籍号码".split()
)
PHONE_HEADERS = frozenset(
    "phone guardian_phone head_phone 电话 手机 手机号 联系电话 监护人电话 联系方式".split()
)
ADDRESS_HEADERS = frozenset("address 地址 住址 户籍地址 家庭住址 现住址 居住地址".split())


def header_kind(header: Any) -> str | None:
    """``name``/``id``/``phone``/``address`` when the header says so, else None."""
    return _header_kind(str(header))


# A JSON document asks this for every key of every row (800k times for an 81k-row roster
# check's output) and the answer depends on the header text alone.
@lru_cache(maxsize=4096)
def _header_kind(header: str) -> str | None:
    h = header.strip().lower()
    for kind, words in (("id", ID_HEADERS), ("phone", PHONE_HEADERS), ("address", ADDRESS_HEADERS)):
        if h in words or any(w in h for w in words if len(w) >= 2 and not w.isascii()):
            return kind
    if h in NAME_HEADERS or h.endswith("姓名"):
        return "name"
    return None


def _text_values(values: pd.Series) -> pd.Series:
    v = values.dropna()
    v = v[v.map(lambda x: isinstance(x, str))]
    return pd.Series(pd.unique(v.str.strip()), dtype=object)


def column_kind(values: pd.Series, header: Any = "") -> str | None:
    """What a column holds, judged by its header and by its values: ``name``, ``id``,
    ``phone`` or ``address`` when at least half of its distinct values are that, else None."""
    by_header = header_kind(header)
    if by_header:
        return by_header
    v = _text_values(values)
    if v.empty:
        return None
    v = v.head(2000)
    for kind, test in (("id", looks_like_id), ("phone", looks_like_phone)):
        if v.map(test).mean() >= 0.5:
            return kind
    han = v[v.str.len().between(2, 12)]
    if len(han) and len(han) >= 0.5 * len(v) and v.map(looks_like_name).mean() >= 0.5:
        return "name"
    if v.map(lambda x: bool(_ADDRESS.fullmatch(x))).mean() >= 0.5:
        return "address"
    return None


def _is_text(col: pd.Series) -> bool:
    return col.dtype == object or pd.api.types.is_string_dtype(col)


#: The mask of each kind of column.
MASKERS = {"id": mask_id, "name": mask_name, "phone": mask_phone}


def mask_table(
    df: pd.DataFrame,
    *,
    keep: Iterable[str] = (),
    known: Iterable[str] = (),
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A copy of ``df`` with every identifying value masked, whatever the column is called.

    ``columns`` (column -> ``id``/``name``/``phone``): columns masked whole, every value (what
    :func:`lib.core.ids.mask_frame` declares).  Every other text column is judged by
    :func:`column_kind`, its cells by :func:`mask_value` (a whole name, ID or phone, else free
    text), and a name found in a names column (declared or judged, or given in ``known``) is
    masked wherever else the table mentions it.  ``keep``: columns left as they are.

    The same table asked again (the same cells, columns and arguments, and the store's places
    unchanged: a page's rerun) is answered from :data:`_MEMO`, not judged again.
    """
    known_set = _known_set(known)
    places = store_places()  # what a cell masks to depends on them: read before the memo
    key = _memo_key(df, keep=keep, known=known_set, columns=columns)
    if key is not None:
        with _MEMO_LOCK:
            hit = _MEMO.get(key)
            if hit is not None and hit[0] == places:
                _MEMO.move_to_end(key)
                return hit[1].copy()
    out = _mask_table(df, keep=keep, known=known_set, columns=columns)
    if key is not None:
        _remember(key, places, out)
        return out.copy()
    return out


# ---- the memo of masked tables: a page's rerun shows the same tables again
#: At most this many cells of masked tables are kept (about 100 bytes each, so ~300 MB).
_MEMO_CELLS = 3_000_000
_MEMO: OrderedDict[tuple[Any, ...], tuple[frozenset[str], pd.DataFrame]] = OrderedDict()
_MEMO_LOCK = threading.Lock()
#: What ``pandas.api.types.infer_dtype`` says of a text (object) column whose values hash
#: without ambiguity: all text, or none at all (numbers, dates: never masked, hashed as text).
_PLAIN_KINDS = frozenset(
    "string empty integer floating decimal boolean datetime datetime64 date time timedelta period".split()
)


def _memo_key(
    df: pd.DataFrame, *, keep: Iterable[str], known: frozenset[str], columns: Mapping[str, str] | None
) -> tuple[Any, ...] | None:
    """The table's identity by content, or None when it cannot be told safely (a column mixing
    text with other values, which hashing as text would confuse: ``1`` and ``"1"``)."""
    if df.size == 0 or df.size > _MEMO_CELLS // 4 or not df.columns.is_unique:
        return None
    inferred = []  # in the key: 13812345678 and "13812345678" hash alike, as text
    for col in df.columns:
        series = df[col]
        if series.dtype == object:
            inferred.append(pd.api.types.infer_dtype(series, skipna=True))
            if inferred[-1] not in _PLAIN_KINDS:
                return None
    if df.index.dtype == object:
        inferred.append(pd.api.types.infer_dtype(df.index, skipna=True))
        if inferred[-1] not in _PLAIN_KINDS:
            return None
    try:
        rows = pd.util.hash_pandas_object(df, index=True).to_numpy()
    except TypeError:  # a cell pandas cannot hash
        return None
    digest = hashlib.blake2b(rows.tobytes(), digest_size=16).digest()
    return (
        digest,
        len(df),
        tuple(df.columns),
        tuple(str(t) for t in df.dtypes),
        tuple(inferred),
        tuple(sorted(map(str, keep))),
        known,
        tuple(sorted((str(c), k) for c, k in (columns or {}).items())),
    )


def _remember(key: tuple[Any, ...], places: frozenset[str], out: pd.DataFrame) -> None:
    with _MEMO_LOCK:
        _MEMO[key] = (places, out)
        _MEMO.move_to_end(key)
        while len(_MEMO) > 1 and sum(v[1].size for v in _MEMO.values()) > _MEMO_CELLS:
            _MEMO.popitem(last=False)


def _mask_table(
    df: pd.DataFrame,
    *,
    keep: Iterable[str],
    known: frozenset[str],
    columns: Mapping[str, str] | None,
) -> pd.DataFrame:
    out = df.copy()
    forced = {c: k for c, k in (columns or {}).items() if c in out.columns}
    kinds: dict[Any, str | None] = {}
    names: set[str] = set(known)
    for col, kind in forced.items():
        if kind == "name":
            names.update(x for x in _text_values(out[col]) if len(x) >= 2)
    for col in out.columns:
        if col in keep or col in forced or not _is_text(out[col]):
            continue
        kinds[col] = column_kind(out[col], col)
        if kinds[col] == "name":
            names.update(x for x in _text_values(out[col]) if looks_like_name(x, loose=True))
    frozen = frozenset(names)
    for col, kind in forced.items():
        out[col] = out[col].astype("object").map(MASKERS[kind], na_action="ignore")
    for col, kind in kinds.items():
        series = out[col]
        # a column of lists (a row's reasons) holds no text cell to mask
        uniq = [v for v in series.dropna() if isinstance(v, str)]
        uniq = pd.unique(pd.Series(uniq, dtype=object)) if uniq else []
        mapping = {
            v: mask_value(v, kind=kind, known=frozen if kind != "name" else frozenset())
            for v in uniq
            if isinstance(v, str)
        }
        if any(k != v for k, v in mapping.items()):
            out[col] = series.map(lambda x, m=mapping: m.get(x, x) if isinstance(x, str) else x)
    return out


# ------------------------------------------------------------------ JSON
def _names_in(obj: Any, found: set[str], key: Any = None) -> None:
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            _names_in(v, found, k)
    elif isinstance(obj, (list, tuple, set)):
        for v in obj:
            _names_in(v, found, key)
    elif isinstance(obj, str) and key is not None and header_kind(key) == "name":
        if looks_like_name(obj, loose=True):
            found.add(obj.strip())


def jsonable(obj: Any, *, mask: bool = True) -> Any:
    """``obj`` as plain JSON types with every string masked (unless ``mask`` is False):
    NaN, infinities, NA and NaT become ``None``; dates ISO text; frames lists of records."""
    plain = _plain(obj)
    known: set[str] = set()
    if mask:
        _names_in(plain, known)
    return _walk(plain, mask=mask, known=frozenset(known), key=None)


def _plain(obj: Any) -> Any:
    """Frames, series, arrays and numpy scalars as lists, dicts and Python scalars."""
    if isinstance(obj, pd.DataFrame):
        return [_plain(r) for r in obj.to_dict("records")]
    if isinstance(obj, pd.Series):
        return [_plain(v) for v in obj.tolist()]
    if isinstance(obj, np.ndarray):
        return [_plain(v) for v in obj.tolist()]
    if isinstance(obj, Mapping):
        return {k if isinstance(k, str) else str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def _walk(obj: Any, *, mask: bool, known: frozenset[str], key: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _walk(v, mask=mask, known=known, key=k) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_walk(v, mask=mask, known=known, key=key) for v in obj]
    if obj is None or isinstance(obj, bool):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, int):
        return obj
    if isinstance(obj, Decimal):
        return float(obj) if obj.is_finite() else None
    if obj is pd.NA or obj is pd.NaT:
        return None
    if isinstance(obj, (pd.Timestamp, datetime, date)):
        return str(obj)  # 2026-11-20, 2026-11-20 09:35:41: as json.dump(default=str) wrote them
    if isinstance(obj, pd.Timedelta):
        return str(obj)
    if isinstance(obj, Path):
        return str(obj)
    text = obj if isinstance(obj, str) else str(obj)
    if not mask:
        return text
    kind = header_kind(key) if key is not None else None
    return mask_value(text, kind=kind, known=known)


def dumps(obj: Any, *, mask: bool = True, indent: int | None = 2) -> str:
    """Strict JSON (``null``, never NaN or Infinity) of ``obj``, masked unless ``mask`` is False."""
    return json.dumps(jsonable(obj, mask=mask), ensure_ascii=False, indent=indent, allow_nan=False)


# ------------------------------------------------------------------ the gate
def gate(obj: Any, *, mask: bool = True, known: Iterable[str] = (), keep: Iterable[str] = ()) -> Any:
    """The one gate: a frame (or a pandas Styler's frame) through :func:`mask_table`, a
    string through :func:`mask_text`, anything else through :func:`jsonable`.  ``known``:
    names the caller knows the output is about (the child of a case page), masked wherever
    they occur; ``keep``: a frame's columns left as they are (staff names in 账号管理, never
    a child's).  With ``mask`` False (a user who typed a reason to unmask) frames and text
    pass unchanged."""
    if not mask:
        return obj
    if isinstance(obj, pd.DataFrame):
        return mask_table(obj, known=known, keep=keep)
    if (
        hasattr(obj, "data")
        and isinstance(getattr(obj, "data", None), pd.DataFrame)
        and hasattr(obj, "format")
    ):
        obj.data = mask_table(
            obj.data, known=known, keep=keep
        )  # a Styler: styles are computed from the frame at render time
        return obj
    if isinstance(obj, str):
        return mask_text(obj, known=known)
    return jsonable(obj)
