"""Words a reader of the web pages sees (moves into dutylist.labels with the restructure)."""

from __future__ import annotations

SEARCH_LINK = "按关键词搜索履职事项（与 dutylist search 相同）"
SEARCH_TITLE = "搜索履职事项"
SEARCH_BUTTON = "搜索"
RESULTS_FOR = "“{query}”的搜索结果"
QUERY_LABEL = "查询词"
LIST_LABEL = "清单"
CATEGORY_LABEL = "事项类别"
DEPARTMENT_LABEL = "部门"
LIMIT_LABEL = "最多显示"
ANY = "全部"
ALL_ROWS = "全部"

HEADERS = {
    "id": "编号",
    "category": "事项类别",
    "name": "事项名称",
    "whose": "职责归属",
    "matched": "匹配内容",
    "note": "备注",
}
MATCHED_IN = {
    "name": "事项名称",
    "departments": "对应上级部门",
    "upper_duties": "上级部门职责",
    "township_duties": "乡镇配合职责",
}
WITHDRAWN_MATCHED_IN = {**MATCHED_IN, "departments": "承接部门", "upper_duties": "工作方式"}

NOTHING_FOUND = "没有找到与“{query}”相关的事项。"
PARTIAL = "没有同时匹配所有词的事项，以下是“{query}”的部分匹配结果。"
TRUNCATED_QUERY = "查询过长，只用了前 {chars} 个字符。"
MORE_ROWS = "共 {total} 条，显示前 {shown} 条。"
SHOW_ALL = "显示全部"
OTHER_FIELDS = "其他信息"

ITEM_FIELDS = {"id": "编号", "list": "清单", "category": "事项类别", "name": "事项名称",
               "whose": "职责归属", "note": "备注"}
BASIC_BODY = "本乡负责的基本履职事项：由本乡自行履职，清单未拆分上级部门与乡镇的步骤。"
UPPER_TITLE = "上级部门职责（{departments}）"
TOWNSHIP_TITLE = "乡镇配合职责（本乡）"
WITHDRAWN_TITLE = "承接部门及工作方式：{departments}"
TABLE_SEARCH = "搜索“{query}”（与 dutylist search 相同的匹配，按清单顺序）"
TABLE_SEARCH_PARTIAL = "搜索“{query}”（部分匹配，按清单顺序）"
BACK_TO_SEARCH = "返回搜索"
TABLE_LINK = "在数据表中浏览全部事项"
JSON_LINK = "JSON"

CATALOGS_TITLE = "履职事项清单"
NO_CATALOGS = "这里没有 dutylist 数据库。"
NOT_A_CATALOG = "“{database}”不是 dutylist 数据库。"
BAD_LIMIT = "limit 应为 0 或正整数（0 表示全部），而不是“{value}”"
SCHEMA_MISMATCH = (
    "数据库“{database}”的结构版本 {found} 不受支持（应为 {expected}），请用 dutylist build 重新构建"
)
DATABASE_FAILED = "数据库读取失败：{error}"
