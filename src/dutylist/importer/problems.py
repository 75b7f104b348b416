"""What the importer says when it cannot place a line of the official text.

Every message names the source line (``文件:行号``) and says, in Chinese, what
was expected there; nothing the importer does not understand is kept silently.
"""

from __future__ import annotations

from dutylist.errors import SourceError

# Message templates (str.format); the importer's words in one place.
MESSAGES = {
    "not_utf8": "文件不是 UTF-8 编码{guess}，请用文本编辑器另存为 UTF-8 后重试",
    "not_utf8_gbk": "（似乎是 GBK/GB18030 编码）",
    "missing": "文件不存在",
    "unreadable": "无法读取：{error}",
    "empty_table": "找不到{table}的事项（应以“序号 事项类别 事项名称”表头开始，事项以序号 1 开头）",
    "before_first": "{table}第 1 项之前有无法归属的文字：{text!r}",
    "no_category": "{where}：序号后缺少事项类别",
    "unknown_category": "{where}：无法识别事项类别 {text!r}（既不是已知类别，也不像类别）",
    "no_name": "{where}：缺少事项名称",
    "no_department": "{where}：找不到对应上级部门（应为以“木垒县”等开头的部门名称）",
    "bad_department": "{where}：部门名称不完整或无法识别：{text!r}",
    "department_separator": "{where}：部门栏后又是部门名称 {text!r}；两个部门之间应有顿号“、”",
    "no_withdrawn_department": "{where}：找不到承接部门（应为一行“木垒县××局：”）",
    "heading_order": "{where}：小标题“{numeral}、”顺序不对（应为“{expected}、”）",
    "restart": "{where}：步骤编号重新从 1 开始，但前面没有小标题或部门引导行",
    "step_after_paragraph": "{where}：不编号的段落之后出现编号步骤 {n}.",
    "step_order": "{where}：步骤 {n}. 出现在第 {count} 步之后",
    "empty_cell": "{where}：{side}为空",
    "empty_block": "{where}：{side}中的小标题或部门引导行后没有内容",
    "township_missing": "{where}：找不到乡镇配合职责的开头（编号未从 1. 重新开始，也没有独立段落）",
    "extra_text": "{where}：无法归属的文字 {text!r}",
    "too_many_columns": "{where}：第一行的栏目过多：{text!r}",
}

SIDE_NAMES = {"upper": "上级部门职责", "township": "乡镇配合职责", "work": "工作方式"}
TABLE_NAMES = {
    "basic": "基本履职事项清单",
    "coordinated": "配合履职事项清单",
    "withdrawn": "上级部门收回事项清单",
}


class ImportTextError(SourceError):
    """The official text could not be read or placed; ``problems`` name the source lines."""


def problem(path: str, line: int, key: str, **fields: object) -> str:
    return f"{path}:{line}: {MESSAGES[key].format(**fields)}"
