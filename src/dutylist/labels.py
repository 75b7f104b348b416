"""Every word a user reads: the glossary (../shared/GLOSSARY.md) in code.

Titles, column headers, verdicts, list names and the fixed phrases of
messages live here, so that one word is spelled the same everywhere and a
change of wording is one edit. Templates use ``str.format`` fields.
The YAML checker's messages stay in ``source`` beside the keys they name.

Pure data: imported on every query path, so nothing but the standard library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from dutylist.ids import ListKind

# ---------------------------------------------------------------- the document's words

LIST_TITLES: Final[dict[ListKind, str]] = {
    "basic": "基本履职事项",
    "coordinated": "配合履职事项",
    "withdrawn": "上级部门收回事项",
}
"""What each list is called, in the document's words."""


LIST_SHORT: Final[dict[ListKind, str]] = {
    "basic": "基本", "coordinated": "配合", "withdrawn": "收回",
}
"""Short list names, as in counts (``基本 103 项``) and accepted by ``--list``."""

COUNT_TITLES: Final[dict[str, str]] = {
    "basic": "基本履职", "coordinated": "配合履职", "withdrawn": "上级收回", "total": "合计",
}
"""The columns of an overview (counts per list, then all): short, so names keep the room."""

LIST_NAMES: Final[dict[str, ListKind]] = {
    "basic": "basic", "b": "basic", "基本": "basic", "基本履职事项": "basic",
    "coordinated": "coordinated", "c": "coordinated", "配合": "coordinated",
    "配合履职事项": "coordinated",
    "withdrawn": "withdrawn", "w": "withdrawn", "收回": "withdrawn",
    "上级部门收回事项": "withdrawn",
}
"""Every spelling ``--list`` accepts (lower-cased), to its list kind."""

WHOSE: Final[dict[ListKind, str]] = {
    "basic": "本乡负责", "coordinated": "配合", "withdrawn": "已收回 →",
}
"""Whose duty an item is: the verdict shown before the departments."""

FIELD_TITLES: Final = {
    "id": "编号",
    "list": "清单",
    "seq": "序号",
    "category": "事项类别",
    "name": "事项名称",
    "departments": "对应上级部门",
    "upper_duties": "上级部门职责",
    "township_duties": "乡镇配合职责",
    "note": "备注",
    "whose": "职责归属",
    "matched": "匹配内容",
    "department": "部门",
    "total": "合计",
}
"""Column and field titles."""

WITHDRAWN_FIELD_TITLES: Final = {
    **FIELD_TITLES, "departments": "承接部门", "upper_duties": "工作方式",
}
"""The withdrawn list names its columns differently (承接部门 / 工作方式)."""

DEPARTMENTS_TITLE: Final = "对应上级部门 / 承接部门"

COUNTY: Final = "县"
"""The county, as department names abbreviate it (县民政局)."""
AND_OTHERS: Final = "及"
"""``X及其他…`` in a printed department name: X and others (counts as X too)."""

CHINESE_NUMERALS: Final = "一二三四五六七八九十"


def heading_label(heading: str, index: int) -> str:
    """A section heading as printed: ``一、分户工作`` (the numeral is not stored)."""
    numeral = CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1)
    return f"{numeral}、{heading}"


def whose(kind: ListKind, departments: list[str] | tuple[str, ...]) -> str:
    """``本乡负责`` / ``配合 木垒县民政局`` / ``已收回 → 木垒县民政局``."""
    label = WHOSE[kind]
    if kind == "basic":
        return label
    return f"{label} {'、'.join(departments)}"


def counts_text(counts: dict[ListKind, int]) -> str:
    """``基本 103 项，配合 101 项，收回 37 项``."""
    return "，".join(f"{LIST_SHORT[kind]} {n} 项" for kind, n in counts.items())


def shorten(text: str, width: int = 30) -> str:
    """Text echoed back to the person (a query in a title or message): cut, with …, if long."""
    return text if len(text) <= width else text[:width] + "…"


# ---------------------------------------------------------------- tables

SEARCH_TITLE: Final = "“{query}” 的搜索结果"
SEARCH_PARTIAL_TITLE: Final = "“{query}” 的部分匹配结果（清单中没有完全相关的事项）"
FILTER_TITLE: Final = "{label}：{count} 项"
COUNTS_TITLE: Final = "{what}（按清单计数）"
COUNTS_TOTAL: Final = "合计"
COUNTS_TOTAL_ITEMS: Final = "合计（事项数，有几个部门的只计一次）"
BASIC_DETAIL: Final = "本乡负责的基本履职事项：由本乡自行履职，清单未拆分上级部门与乡镇的步骤。"
WITHDRAWN_PANEL: Final = "承接部门及工作方式：{departments}"
UPPER_PANEL: Final = "上级部门职责（{departments}）"
TOWNSHIP_PANEL: Final = "乡镇配合职责（本乡）"
PANEL_UPPER: Final = "上级部门职责"
PANEL_WITHDRAWN: Final = "承接部门及工作方式"
PANEL_DEPARTMENTS: Final = "{title}：{departments}"

INFO_LABELS: Final = {
    "stale": "注意",
    "database": "数据库",
    "origin": "来源",
    "title": "清单",
    "doc_number": "文号",
    "date": "日期",
    "version": "版本",
    "count_basic": "基本履职事项",
    "count_coordinated": "配合履职事项",
    "count_withdrawn": "上级部门收回事项",
    "department_count": "部门数",
    "synonym_count": "同义词数",
    "built_at": "构建时间",
    "tool_version": "工具版本",
    "source_path": "源文件",
    "source_sha256": "源文件 sha256",
    "schema_version": "数据库结构版本",
}
"""``info`` fields in the order shown, with their labels."""

ORIGIN_LABELS: Final = {
    "--db": "--db 参数指定",
    "DUTYLIST_DB": "环境变量 DUTYLIST_DB 指定",
    "user": "本机用户构建（dutylist build）",
    "bundled": "安装包自带",
}
"""Where the database in use came from (``paths.DbChoice.origin``)."""

# ---------------------------------------------------------------- files (-o)

SHEET_HEADERS: Final = {
    **FIELD_TITLES,
    "query": "查询",
    "matched_in": "匹配位置",
    "partial": "部分匹配",
    "side": "职责方",
    "block": "段",
    "heading": "段落标题",
    "number": "步骤序号",
    "text": "内容",
    "basic": "基本履职事项",
    "coordinated": "配合履职事项",
    "withdrawn": "上级部门收回事项",
    "item": "项目",
    "value": "内容",
}
"""Column headers of spreadsheet files (csv and xlsx written with -o): the document's words."""
DEPARTMENTS_HEADER: Final = "对应上级部门 / 承接部门"
SIDE_TITLES: Final = {"upper": "上级部门职责", "township": "乡镇配合职责"}
WITHDRAWN_SIDE_TITLE: Final = "承接部门及工作方式"
SHEET_STEPS: Final = "步骤"
SHEET_RESULTS: Final = "搜索结果"
SHEET_ITEMS: Final = "事项"
SHEET_COUNTS: Final = "计数"
SHEET_INFO: Final = "数据库"
NOTE_WRITTEN: Final = "已写入 {path}"
PRINT_SHEET: Final = "办事指引"
PRINT_FOOTER: Final = "依据：{source}。内容以清单原文为准。"
BAD_OUTPUT_SUFFIX: Final = "{path}：不支持的文件类型“{suffix}”（可用：{suffixes}）"
OUTPUT_NOT_FOR_COMMAND: Final = "{path}：{suffix} 文件只用于 {commands}"
OUTPUT_AND_FORMAT: Final = (
    "用 -o 时格式由文件扩展名决定（{suffix} 即 {fmt}），请去掉 --format {given}"
)
FILE_BUSY: Final = "（文件可能正在 Excel 或 WPS 中打开，请关闭后重试）"

# ---------------------------------------------------------------- revisions

DOCUMENT_LABELS: Final = {
    "township": "乡镇",
    "county": "县",
    "title": "清单名称",
    "source": "来源",
    "doc_number": "文号",
    "date": "日期",
    "version": "版本",
    **{f"title_{kind}": f"{title}清单标题" for kind, title in LIST_TITLES.items()},
}
LINE_LABELS: Final = {"heading": "标题", "department": "部门", "numbered": "编号"}
YES: Final = "是"
NO: Final = "否"
NONE: Final = "无"
NO_CHANGE: Final = "无变化"
BLOCK_AT: Final = "第{block}块"
STEP_AT: Final = "第{step}步"
RENUMBERED_ID: Final = "{new}（原 {old}）"
SUMMARY_DOCUMENT: Final = "清单信息变更：{changes}"
SUMMARY_DOCUMENT_CHANGE: Final = "{label}（{old} → {new}）"
SUMMARY_DEPT_ADDED: Final = "新增部门 {count} 个：{names}"
SUMMARY_DEPT_REMOVED: Final = "删除部门 {count} 个：{names}"
SUMMARY_DEPT_RENAMED: Final = "部门更名 {count} 个：{names}"
SUMMARY_DEPT_ALIASES: Final = "部门简称或原名变更 {count} 个：{names}"
SUMMARY_SYNONYMS: Final = "同义词：{old} 条 → {new} 条"
SUMMARY_ADDED: Final = "新增 {count} 项：{ids}"
SUMMARY_REMOVED: Final = "删除 {count} 项：{ids}"
SUMMARY_CHANGED: Final = "修改 {count} 项：{ids}"
SUMMARY_MOVED: Final = "移动 {count} 项：{ids}"
SUMMARY_RENUMBERED: Final = "重新编号 {count} 项：{ids}"
DIFF_OLD: Final = "旧：{revision}"
DIFF_NEW: Final = "新：{revision}"
DIFF_SUMMARY: Final = "摘要：{line}"
DIFF_DOCUMENT_SECTION: Final = "== 清单信息 =="
DIFF_DEPARTMENTS_SECTION: Final = "== 部门 =="
DIFF_RENUMBERED_SECTION: Final = "== 重新编号 =="
DIFF_ALIASES: Final = "{name} 简称："
DIFF_FORMER_NAMES: Final = "{name} 原名："
DIFF_ADDED_ITEM: Final = "+ 新增"
DIFF_REMOVED_ITEM: Final = "- 删除"
DIFF_CHANGED_ITEM: Final = "~ 修改 {id} {name}"
DIFF_MOVED_ITEM: Final = "> 移动 {old_id} → {new_id} {name}（{where}）"

# ---------------------------------------------------------------- messages

ERROR_LINE: Final = "错误：{message}"
PROBLEMS_TOTAL: Final = "错误：共 {count} 个问题，未写入任何内容。"
ABORTED: Final = "已中止。"
INTERNAL_ERROR: Final = "内部错误：{detail}（设置 DUTYLIST_DEBUG=1 可查看详情）"
WARNING: Final = "警告：{message}"
DATABASE_DAMAGED: Final = "数据库读取失败，可能已损坏：{error}（请重新构建）"
DATABASE_MISSING: Final = (
    "{path}：数据库不存在（用 dutylist build 构建，或用 --db / DUTYLIST_DB 指定）"
)
NOT_A_DATABASE_FILE: Final = "{path}：不是数据库文件"
NOT_A_DUTYLIST_DATABASE: Final = "{path}：不是 dutylist 数据库，或文件已损坏（{error}）"
SCHEMA_UNSUPPORTED: Final = (
    "{path}：数据库结构版本 {found} 不受支持（应为 {expected}），请用 dutylist build 重新构建"
)
DATABASE_UNREADABLE: Final = "{path}：无法读取数据库（{error}）"
DATABASE_MISSING_DOCUMENT: Final = "数据库缺少清单信息：{keys}，请用 dutylist build 重新构建"
DATABASE_UNKNOWN_LIST: Final = "数据库中的事项 {id} 属于未知清单 {kind!r}"
CANNOT_WRITE: Final = "无法写入 {path}：{reason}"
FILE_MISSING: Final = "{path}：文件不存在"
NOT_A_FILE: Final = "{path}：不是文件（应为清单 YAML 或 dutylist 数据库）"
FILE_UNREADABLE: Final = "{path}：无法读取（{reason}）"
OLDER_THAN_BUNDLED: Final = (
    "注意：正在使用本机构建的数据库 {path}（构建于 {built}），安装包自带的清单更新"
    "（构建于 {bundled}）。"
)
STALE_SEE_INFO: Final = "怎样更新：dutylist info"
SOURCE_GONE: Final = "注意：正在使用本机构建的数据库 {path}，其源文件 {source} 已不存在。"
STALE_HOWTO: Final = (
    "重新构建：dutylist build；或使用安装包自带的清单：删除或改名 {path}，"
    "或加 --db {bundled}。"
)
STALE_DATABASE: Final = "数据库比源文件 {source} 旧（源文件在构建后已修改），请运行 dutylist build"
SOURCE_UNREADABLE: Final = "无法读取源文件 {source}（{reason}），不能确定数据库是否过期"
INPUT_NOT_UTF8: Final = (
    "输入不是 UTF-8 编码的文本（第 {position} 个字节：{reason}）；"
    "请先转换为 UTF-8，例如 iconv -f GBK -t UTF-8"
)
DISK_FULL: Final = "磁盘空间不足，无法写入 {folder}（原数据库未改动）"
NO_WRITE_PERMISSION: Final = "没有写入权限：{folder}（原数据库未改动）"
WRITE_FAILED: Final = "无法写入 {path}：{reason}（原数据库未改动）"
DATABASE_BAD_CONTENT: Final = "数据库内容有误：{what}（请用 dutylist build 重新构建）"
DATABASE_NO_READ_PERMISSION: Final = "{path}：没有读取权限"
WAL_READ_ONLY: Final = (
    "{path}：WAL 模式的数据库在只读文件夹中，且 {wal} 中有未写入的改动，无法只读打开："
    "请在可写的文件夹中打开一次（合并这些改动），或用 dutylist build 重新构建"
)

EMPTY_QUERY: Final = "查询词不能为空"
EMPTY_QUERY_EXAMPLE: Final = "查询词不能为空；例如：dutylist search 低保"
STDIN_AND_WORDS: Final = "--stdin 与查询词不能同时使用"
STDIN_EMPTY: Final = "标准输入中没有查询词"
STDIN_LINE_UNDECODABLE: Final = (
    "警告：标准输入第 {number} 行既不是 UTF-8 也不是 GBK 编码，无法识别的字节已显示为 �"
    "（可用记事本“另存为”UTF-8 编码）。"
)
UNKNOWN_LIST: Final = "未知的清单 {kind!r}；可用：{forms}"
BAD_LIST: Final = "{value!r} 不是清单名；可用：{forms}（不分大小写）"
BAD_FORMAT: Final = "{value!r} 不是输出格式；可用：{formats}（不分大小写）"


def list_forms() -> str:
    """Every spelling ``--list`` accepts, grouped by list: ``basic（b、基本、基本履职事项）、…``."""
    groups: dict[str, list[str]] = {}
    for name, kind in LIST_NAMES.items():
        if name != kind:
            groups.setdefault(kind, []).append(name)
    return SEP.join(f"{kind}（{SEP.join(names)}）" for kind, names in groups.items())
EMPTY_CATEGORY: Final = "事项类别不能为空"
AMBIGUOUS_CATEGORY: Final = "事项类别“{text}”不明确，可能是：{choices}"
UNKNOWN_CATEGORY: Final = "没有事项类别“{text}”{suggestion}"
EMPTY_DEPARTMENT: Final = "部门名称不能为空"
AMBIGUOUS_DEPARTMENT: Final = "部门“{text}”不明确，可能是：{choices}"
UNKNOWN_DEPARTMENT: Final = "没有部门“{text}”{suggestion}"
SUGGESTION: Final = "；您是不是要找：{choices}？"
NOT_AN_ID: Final = "“{text}”不是事项编号（例如 B28、C16、W1）"
UNKNOWN_ID: Final = "没有事项 {id}（该清单编号为 1–{top}）"
NO_SOURCE: Final = "请指定清单 YAML 文件（当前目录下没有 data/duties.yaml）"
NO_BACKUP: Final = "没有可恢复的备份：{folder} 中没有 {name} 的备份"
NO_SUCH_BACKUP_NUMBER: Final = (
    "没有第 {number} 个备份：共 {count} 个（1 为最新）；用 dutylist restore --list 查看"
)
NO_SUCH_BACKUP_NAME: Final = "没有名为 {name} 的备份；用 dutylist restore --list 查看"
BACKUP_UNUSABLE: Final = (
    "备份 {name} 无法使用，未恢复：{error}（用 dutylist restore --list 查看其他备份）"
)
BACKUP_DAMAGED: Final = "{path}：数据库已损坏（{detail}）"
LIST_AND_BACKUP: Final = "--list 与要恢复的备份不能同时使用"
SEP: Final = "、"

NOTE_QUERY_CUT: Final = "提示：查询过长，只用了前 {chars} 个字符。"
NOTE_PARTIAL: Final = "以上是部分匹配结果：只含查询中的部分词，不是答案。"
NOTE_SUGGESTION: Final = "您是不是要找：{suggestion}？"
NOTE_MORE: Final = "提示：共 {total} 条，显示前 {shown} 条（用 --limit 0 看全部）。"
NOTE_NOTHING_FOUND: Final = "清单中没有与“{query}”相关的事项。"
NOTE_BATCH: Final = "共 {count} 个查询：{missing} 个在清单中没有相关事项。"
BATCH_NOTHING: Final = "第 {number} 行“{query}”：清单中没有相关事项"
NOTE_BATCH_MISSING: Final = "它们是：{lines}{more}。"
NOTE_BATCH_LINE: Final = "第 {number} 行“{query}”"
NOTE_BATCH_MORE: Final = " 等"
NOTE_RENAMED: Final = "提示：{former} 已更名为 {name}（原名 {former}），以下是 {name} 的事项。"
NOTE_RENAMED_SEARCH: Final = "提示：{former} 已更名为 {name}（原名 {former}）。"
NOTE_NO_MATCHING_ITEMS: Final = "没有符合条件的事项。"
NOTE_BUILT: Final = "已构建 {target}：{counts}；同义词 {synonyms} 条。"
NOTE_BACKUP: Final = "原数据库已备份为 {backup}；恢复请运行：{command}"
NOTE_VALID: Final = "{path}：校验通过（{counts}；同义词 {synonyms} 条）。"
NOTE_COMPARED_WITH: Final = "与当前数据库 {target} 相比："
NOTE_RESTORED: Final = "已恢复 {target}：{revision}（来自备份 {backup}）。"
NOTE_RESTORE_UNDO: Final = "被替换的数据库已保存为最新的备份 {backup}；撤销请运行：{command}"
NOTE_UNCHANGED: Final = "内容与原数据库相同，未另存备份（已有的备份保持不变）。"
NOTE_THROUGH_LINK: Final = "{link} 是符号链接：已写入它指向的文件 {target}（链接保持不变）。"
NOTE_SWAP_RECOVERED: Final = "已找回上次中断的恢复留下的数据库：{swap} → {target}"
NOTE_SWAP_KEPT: Final = "上次中断的恢复留下的 {swap} 已保存为备份 {backup}"
BACKUPS_TITLE: Final = "{target} 的备份（1 为最新；dutylist restore N 恢复第 N 个）"
BACKUP_HEADERS: Final = {
    "number": "序号", "file": "备份文件", "doc_number": "文号", "date": "日期",
    "version": "版本", "built_at": "构建时间", "source_sha256": "源文件 sha256", "ok": "状态",
}
BACKUP_OK: Final = "可用"
BACKUP_BAD: Final = "损坏：{problem}"
REVISION_PARTS: Final = {"doc_number": "文号", "date": "日期", "version": "版本",
                         "built_at": "构建于"}
NO_SYNONYMS_FILE: Final = (
    "警告：没有同义词表 {path}：本次不含同义词（例如搜索“狗”不会找到“犬”）；"
    "如有同义词表，请放在清单旁或用 --synonyms 指定"
)
SYNONYM_WARNING: Final = "警告：{path}：{warning}"

# ---------------------------------------------------------------- checking the YAML
# ``what`` names the value in the YAML's own keys (``C16 的 township_duties``).

YAML_NOT_MAPPING: Final = "{what}应为映射（键: 值）"
YAML_MISSPELT_KEY: Final = "{what}的键 {key!r} 拼写有误，应为 {expected!r}"
YAML_UNKNOWN_KEY: Final = "{what}有未知的键 {key!r}（可用的键：{known}）"
YAML_DUPLICATE_KEY: Final = "{what}的键 {key!r} 重复"
YAML_MISSING: Final = "缺少 {what}"
YAML_TEXT: Final = "文本"
YAML_EMPTY: Final = "{what} 为空"
YAML_SPACES: Final = "{what} 首尾有空格"
YAML_INTEGER: Final = "整数"
YAML_NOT_INTEGER: Final = "{what} 应为整数，而不是 {value!r}"
YAML_LIST: Final = "列表"
YAML_TAG: Final = "{what}：不允许使用标签 {tag!r}（只接受普通 YAML）"
YAML_SHOULD_BE: Final = "{what} 应为{expected}"
YAML_FILE_MISSING: Final = "{path}: 文件不存在"
YAML_FILE_UNREADABLE: Final = "{path}: 无法读取：{error}"
YAML_SYNTAX: Final = "{path}:{line}: YAML 格式错误：{problem}"
YAML_ALIAS: Final = "{path}:{line}: 不支持 YAML 锚点和别名（& 与 *），请直接写出内容"
YAML_FILE_EMPTY: Final = "{path}:1: 文件为空"
YAML_EMPTY_MAPPING: Final = "{what}为空（{{}}）"
YAML_SURROGATE: Final = "{what} 含无效字符（代理项，不是字符）：{text}"
YAML_CONTROLS: Final = "{what} 含控制字符 {chars}（显示时写作转义形式）"
YAML_TOO_LARGE: Final = "{what} 过大：{value}…"
YAML_NOT_REGULAR: Final = "{path}: 不是普通文件（是{what}），请指定{expected}"
YAML_TOO_BIG: Final = "{path}: 文件过大（超过 {limit} MiB 的上限），不是{expected}"
EXPECTED_YAML: Final = "清单 YAML 文件"
EXPECTED_TEXT: Final = "官方清单文本文件（.txt）"
YAML_LINE_TOO_LONG: Final = (
    "{path}:{line}: 行过长（{chars} 个字符，上限 {limit}），不是清单 YAML 文件"
)
YAML_TOO_DEEP: Final = "{path}:{line}: 嵌套层数过深（上限 {limit} 层），不是清单 YAML 文件"
FOLDER: Final = "文件夹"
DEVICE_OR_PIPE: Final = "设备或管道"
YAML_WHAT_FILE: Final = "文件"
YAML_SCHEMA: Final = "不支持 schema {found}（应为 {expected}）"
YAML_WHAT_DEPARTMENT: Final = "一个部门"
YAML_WHAT_DEPARTMENT_NAME: Final = "部门的 name"
YAML_WHAT_ALIAS: Final = "部门简称"
YAML_DEPARTMENT_TWICE: Final = "部门名称 {label!r} 重复声明"
YAML_WHAT_FORMER_NAME: Final = "部门原名"
YAML_WHAT_DEPARTMENT_KEY: Final = "部门的 {key}"
YAML_NAME_CLAIMED: Final = "部门名称、简称或原名 {label!r} 已属于 {previous}，不能再属于 {name}"
YAML_SEQ_RUN: Final = "（其后 {count} 项也都相差 {offset:+d}：{first}–{last}；只在此报告一次）"
YAML_ID_TWICE: Final = "事项编号 {id} 重复（首次出现在第 {first} 行）"
YAML_SEQ_GAP: Final = (
    "{id}：序号 seq {seq} 不连续，应为 {expected}（seq 须依次为 1、2、3……，不能跳号或乱序）"
)
YAML_WHAT_ITEM: Final = "lists.{kind} 中的一个事项"
YAML_SEQ_POSITIVE: Final = "{where}：seq 须为 1 或更大"
YAML_WHAT_OF: Final = "{where} 的 {key}"
YAML_ITEM_MISSING: Final = "{where}：缺少 {key}"
YAML_WHAT_ITEM_DEPARTMENT: Final = "{where} 的部门"
YAML_UNDECLARED_DEPARTMENT: Final = "{where}：部门 {name!r} 未在 departments 中声明"
YAML_DEPARTMENT_REPEATED: Final = "{where}：部门 {name!r} 重复"
YAML_ITEM_EMPTY: Final = "{where}：{key} 为空"
YAML_WHAT_BLOCK: Final = "{where} 中的一个块"
YAML_NUMBERED: Final = "{where}：numbered 应为 true 或 false"
YAML_WHAT_STEP: Final = "{where} 的步骤"
YAML_WHAT_SYNONYMS_FILE: Final = "同义词文件"
YAML_SYNONYMS_NOT_MAPPING: Final = "synonyms 应为映射（说法: [文件用词, …]）"
YAML_WHAT_SYNONYM_WORD: Final = "同义词的说法"
YAML_SYNONYM_TWICE: Final = "同义词 {word!r} 重复"
YAML_WHAT_SYNONYM_TARGETS: Final = "{word!r} 的同义词"
YAML_SYNONYM_EMPTY: Final = "{word!r} 的同义词为空"
SYNONYM_TARGET_NOT_FOUND: Final = "同义词 {word!r} 的 {target!r} 在清单中找不到，不会匹配任何事项"

# ---------------------------------------------------------------- web pages (dutylist[web])

WEB_EXTRA_MISSING: Final = "dutylist serve 需要 Datasette，请先安装：pip install 'dutylist[web]'"
WEB_SERVING: Final = "搜索页：http://{host}:{port}/-/dutylist（按 Ctrl+C 停止）"
WEB_SEARCH_LINK: Final = "按关键词搜索履职事项（与 dutylist search 相同）"
WEB_SEARCH_PAGE: Final = "搜索履职事项"
WEB_QUERY: Final = "查询词"
WEB_SEARCH_BUTTON: Final = "搜索"
WEB_ANY: Final = "全部"
WEB_MORE: Final = "共 {total} 条，显示前 {shown} 条。"
WEB_SHOW_ALL: Final = "显示全部"
WEB_OTHER_FIELDS: Final = "其他信息"
WEB_BACK_TO_SEARCH: Final = "返回搜索"
WEB_TABLE_LINK: Final = "在数据表中浏览全部事项"
WEB_JSON_LINK: Final = "JSON"
WEB_CATALOGS: Final = "履职事项清单"
WEB_NO_CATALOGS: Final = "这里没有 dutylist 数据库。"
WEB_NOT_A_CATALOG: Final = "“{database}”不是 dutylist 数据库。"
WEB_BAD_LIMIT: Final = "limit 应为 0 或正整数（0 表示全部），而不是“{value}”"
WEB_TABLE_SEARCH: Final = "搜索“{query}”（与 dutylist search 相同的匹配，按清单顺序）"

# ---------------------------------------------------------------- help

APP_HELP: Final = """查询 大南沟乌孜别克族乡（木垒县）履职事项清单：这件事是谁的职责，具体怎么做。

示例：dutylist search 低保
"""

# ---------------------------------------------------------------- help and usage errors
# Click's own words, written by ``cliformat`` (Click would print them in English).

USAGE: Final = "用法：{usage}"
USAGE_OPTIONS: Final = "[选项]"
USAGE_COMMAND: Final = "命令 [参数]..."
HELP_ARGUMENTS: Final = "参数："
HELP_OPTIONS: Final = "选项："
HELP_COMMANDS: Final = "命令："
HELP_DEFAULT: Final = "默认：{default}"
HELP_RANGE: Final = "{low} 到 {high} 之间"
HELP_AT_LEAST: Final = "不小于 {low}"
HELP_AT_MOST: Final = "不大于 {high}"
HELP_REQUIRED: Final = "必填"
HELP_EXTRAS: Final = "（{extras}）"
HELP_HINT: Final = "查看用法：{command} --help"
METAVARS: Final = {
    "QUERY": "查询词", "ID": "编号", "LIST": "清单", "FORMAT": "格式", "N": "条数",
    "PATH": "路径", "FILE": "文件", "CATEGORY": "事项类别", "DEPARTMENT": "部门",
    "SOURCE": "清单YAML", "OLD": "旧版本", "NEW": "新版本", "OFFICIAL_TEXT": "官方文本",
    "TEXT": "官方文本", "synonyms": "文件", "output": "文件", "previous": "文件",
    "doc_number": "文号", "date": "日期", "version": "版本",
}
"""Placeholders in help and usage: the English metavar (or parameter name) -> Chinese."""
METAVAR_VALUE: Final = "值"
BUILTIN_OPTION_HELP: Final = {
    "help": "显示本帮助并退出。",
    "install_completion": "为当前 shell 安装命令补全（Tab 补全命令、类别和部门）。",
    "show_completion": "显示当前 shell 的补全脚本，以便复制或自行安装。",
}
"""Help of the options Typer adds itself."""
HINT_ARGUMENT: Final = "参数“{name}”"
HINT_OPTION: Final = "选项 {name}"
ERR_MISSING: Final = "缺少{hint}"
ERR_NO_SUCH_OPTION: Final = "没有选项 {name}"
ERR_NEEDS_VALUE: Final = "选项 {name} 后面要跟一个值"
ERR_OPTION_USAGE: Final = "选项 {name} 的用法不对"
ERR_ARGUMENT_USAGE: Final = "参数的用法不对"
ERR_BAD_VALUE: Final = "{hint}：{problem}"
ERR_NOT_INTEGER: Final = "应为整数"
ERR_NOT_NUMBER: Final = "应为数字"
ERR_INVALID: Final = "无法识别"
ERR_NO_SUCH_COMMAND: Final = "没有命令“{name}”"
ERR_EXTRA_ARGUMENTS: Final = "多余的参数：{args}"
ERR_MISSING_COMMAND: Final = "缺少命令"

# ---------------------------------------------------------------- import (official text -> YAML)

IMPORT_MESSAGES: Final = {
    "empty_table": "找不到{table}的事项（应以“序号 事项类别 事项名称”表头开始，事项以序号 1 开头）",
    "before_first": "{table}第 1 项之前有无法归属的文字：{text!r}",
    "seq_out_of_order": "{table}的序号 {n} 不连续（此处应为 {expected}）；序号须依次为 1、2、3……",
    "no_category": "{where}：序号后缺少事项类别",
    "no_name": "{where}：缺少事项名称",
    "no_department": "{where}：找不到对应上级部门（应为以“木垒县”等开头的部门名称）",
    "bad_department": "{where}：部门名称不完整或无法识别：{text!r}",
    "department_separator": "{where}：部门栏后又是部门名称 {text!r}；两个部门之间应有顿号“、”",
    "no_withdrawn_department": "{where}：找不到承接部门（应为一行“木垒县××局：”）",
    "heading_order": "{where}：小标题“{numeral}、”顺序不对（应为“{expected}、”）",
    "empty_heading": "{where}：小标题“{numeral}、”后没有文字（小标题应与其文字在同一行开始）",
    "restart": "{where}：步骤编号重新从 1 开始，但前面没有小标题或部门引导行",
    "step_after_paragraph": "{where}：不编号的段落之后出现编号步骤 {n}.",
    "step_order": "{where}：步骤 {n}. 出现在第 {count} 步之后",
    "empty_cell": "{where}：{side}为空",
    "empty_block": "{where}：{side}中的小标题或部门引导行后没有内容",
    "township_missing": "{where}：找不到乡镇配合职责的开头（编号未从 1. 重新开始，也没有独立段落）",
    "too_many_columns": "{where}：第一行的栏目过多：{text!r}",
    "too_long": "{where}：一段文字过长（{chars} 个字符，上限 {limit}），不像官方清单的内容",
}
"""What the importer says about a line of the official text it cannot place (``文件:行号: …``)."""

IMPORT_TABLE_NAMES: Final = {
    "basic": "基本履职事项清单",
    "coordinated": "配合履职事项清单",
    "withdrawn": "上级部门收回事项清单",
}
IMPORT_NO_OUTPUT: Final = "请用 -o 指定要写入的清单 YAML（当前目录下没有 data 文件夹）"
IMPORT_INVALID: Final = "导入结果未通过校验（请报告此问题）：\n{problems}"
NOTE_IMPORTED: Final = "已导入 {text} → {output}：{counts}。"
NOTE_IMPORT_UNCHANGED: Final = "已导入 {text}：{output} 内容无变化。"
NOTE_IMPORT_CARRIED: Final = (
    "沿用 {previous} 中的清单信息（文号、日期、版本）、部门简称与原名、备注；与其相比："
)
NOTE_IMPORT_NO_PREVIOUS: Final = "没有可沿用的旧清单：部门简称按规则生成，没有备注。"
NOTE_IMPORT_RENAMED: Final = "  部门更名：{old} → {new}（旧名记入 former_names，按旧名仍可查到）"
NOTE_IMPORT_NOTE_DROPPED: Final = "  备注未沿用：{id}（{why}）"
IMPORT_NOTE_WHY: Final = {
    "category": "事项类别已改，备注所说的印刷问题可能已更正",
    "gone": "该事项已不在清单中",
}
IMPORT_PREVIOUS_INVALID: Final = (
    "以上是被替换的旧清单 {path} 的问题（import 要沿用其中的文号、部门简称与原名、备注）："
    "请先改正它，或用 --previous 指定另一个旧清单（YAML 或数据库），或用 -o 写入新文件"
)
IMPORT_OUTPUT_IS_TEXT: Final = "输出文件 {path} 就是要导入的官方文本；请用 -o 指定另一个文件"
IMPORT_OUTPUT_IS_FOLDER: Final = (
    "输出 {path} 是文件夹；请用 -o 指定文件，例如 -o {path}/duties.yaml"
)
NOTE_IMPORT_NEXT: Final = "下一步：dutylist validate {output}，确认后 dutylist build {output}"

# ---------------------------------------------------------------- reading files

ENCODING_UTF16: Final = "（似乎是没有字节顺序标记（BOM）的 UTF-16 编码）"
NOT_UTF8: Final = "文件不是 UTF-8 编码{guess}；请用文本编辑器“另存为”UTF-8 编码后重试"
ENCODING_NOT_GBK: Final = "（也不像 GBK 编码：可能是 Big5 等其他编码）"
ENCODING_UTF16_BROKEN: Final = "（似乎是 UTF-16 编码，但内容不完整或已损坏）"
ENCODING_NAMES: Final = {"utf-16": "UTF-16", "gb18030": "GBK/GB18030"}
"""How a file that is not UTF-8 was read (``source.text.Decoded.note``)."""
NOTE_DECODED: Final = "已按 {encoding} 编码读取 {path}"
BROKEN_UTF8: Final = (
    "这一行有不是 UTF-8 的字节，而文件其余部分是 UTF-8（文件可能已损坏，或混入了别的编码的文字）；"
    "请在文本编辑器中改正这一行后重试"
)
NOT_TEXT: Final = "文件不是文本{guess}"
NOT_TEXT_KINDS: Final = {
    "pdf": "（是 PDF 文件）；请先把其中的文字导出为文本文件（.txt）",
    "office": "（是 Word、WPS 或 Excel 文件）；请先“另存为”文本文件（.txt）",
    "rtf": "（是 RTF 格式的文件）；请先“另存为”纯文本文件（.txt）",
    "sqlite": "（是 SQLite 数据库，例如 dutylist build 生成的 .db 文件）；请指定文本文件",
}
YAML_PROBLEMS: Final = {
    "colon": "YAML 格式错误：此处不能出现冒号“: ”（值中含冒号时请给整个值加引号；"
             "也可能是上一行的键缺少冒号或缩进不对）",
    "no_colon": "YAML 格式错误：这一行的键后缺少冒号“: ”",
    "tab": "YAML 格式错误：含有制表符（Tab）；YAML 只能用空格缩进",
    "bad_start": "YAML 格式错误：值不能以“{0}”开头；请给整个值加引号",
    "indent": "YAML 格式错误：缩进不对，这一行没有与同一层的内容对齐",
    "extra_text": "YAML 格式错误：这一行有多余的文字（引号之后还有内容？）或缩进不对",
    "dash": "YAML 格式错误：列表项应以“- ”开头，并与同一层对齐",
    "unclosed_quote": "YAML 格式错误：从这一行开始的引号没有闭合",
    "escape": "YAML 格式错误：双引号中有无法识别的转义“\\{0}”；请改用单引号，或写成“\\\\”",
    "bracket": "YAML 格式错误：从这一行开始的方括号 [ … ] 没有闭合或缺少逗号",
    "brace": "YAML 格式错误：从这一行开始的花括号 { … } 没有闭合或缺少逗号",
    "alias": "不支持 YAML 锚点和别名（& 与 *），请直接写出内容",
}
"""PyYAML's syntax errors, said in Chinese (``source.text.yaml_problem``)."""
YAML_PROBLEM_OTHER: Final = "YAML 格式错误：{problem}"
