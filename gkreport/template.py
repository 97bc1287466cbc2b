"""The national report formats, as data.

Everything the parser, the checks, the database lookup tables, the site's labels
and the question box know about the official templates lives here: rows,
columns, their printed labels, the variants and OCR-damaged spellings seen in
real reports, and the arithmetic that ties them together. Adding a variant
spelling is a one-line change in this file.

Anchors are matched against labels normalised by ``gkreport.parse.text.squash``
(NFKC, no whitespace, unified quotes), so they are written in that form.
"""

from __future__ import annotations

from dataclasses import dataclass

T2021 = "2021"
T2019 = "2019"
PRE2019 = "pre2019"
UNKNOWN = "unknown"

# ---------------------------------------------------------------------------
# The six sections (the same skeleton in the 2019 and 2021 formats).


@dataclass(frozen=True)
class SectionDef:
    no: int
    key: str
    heading: str
    # regular expressions (on the squashed heading text after its number prefix)
    keywords: tuple[str, ...]
    # words that must follow within the section for the heading to be the real one
    cues: tuple[str, ...] = ()


SECTIONS: tuple[SectionDef, ...] = (
    SectionDef(1, "overview", "一、总体情况", (r"^总体情况", r"^概述", r"^总体概况", r"^基本情况")),
    SectionDef(2, "proactive", "二、主动公开政府信息情况",
               (r"^主动公开政府信息(的)?情况", r"^主动公开(政府信息)?情况$", r"^主动公开"),
               cues=("第二十条", "信息内容")),
    SectionDef(3, "requests", "三、收到和处理政府信息公开申请情况",
               (r"^收到和处理", r"^收到及处理", r"^依申请公开"),
               cues=("勾稽", "申请人情况", "本年新收")),
    SectionDef(4, "review_litigation", "四、政府信息公开行政复议、行政诉讼情况",
               (r"行政复议", r"行政诉讼"),
               cues=("行政复议",)),
    SectionDef(5, "problems", "五、存在的主要问题及改进情况",
               (r"存在的?主要问题", r"^存在(的)?问题", r"问题及改进", r"改进情况")),
    SectionDef(6, "other", "六、其他需要报告的事项", (r"^其他需要报告", r"^其他事项", r"^其他需报告")),
)

# ---------------------------------------------------------------------------
# Table 2: 主动公开政府信息情况.


@dataclass(frozen=True)
class ItemDef:
    key: str
    label: str
    anchors: tuple[str, ...]
    clause: str  # 第二十条第（N）项


ACTIVE_ITEMS: tuple[ItemDef, ...] = (
    ItemDef("rules", "规章", (r"^规章$",), "（一）"),
    ItemDef("normative_documents", "行政规范性文件", (r"规范性文件",), "（一）"),
    ItemDef("licensing", "行政许可", (r"行政许可",), "（五）"),
    ItemDef("other_services", "其他对外管理服务事项", (r"其他对外管理", r"对外管理服务"), "（五）"),
    ItemDef("penalty", "行政处罚", (r"行政处罚",), "（六）"),
    ItemDef("coercion", "行政强制", (r"行政强制",), "（六）"),
    ItemDef("fees", "行政事业性收费", (r"事业性收费",), "（八）"),
    ItemDef("procurement", "政府集中采购", (r"集中采购",), "（九）"),
)
ACTIVE_ITEM_BY_KEY = {i.key: i for i in ACTIVE_ITEMS}


@dataclass(frozen=True)
class MeasureDef:
    key: str
    label: str
    anchors: tuple[str, ...]
    decimal: bool = False
    signed: bool = False


ACTIVE_MEASURES: tuple[MeasureDef, ...] = (
    MeasureDef("issued", "本年制发件数", ("本年制发",)),
    MeasureDef("repealed", "本年废止件数", ("本年废止",)),
    MeasureDef("in_force", "现行有效件数", ("现行有效",)),
    MeasureDef("decisions", "处理决定数量", ("处理决定",)),
    MeasureDef("amount_10k_yuan", "本年收费金额（万元）", ("收费金额",), decimal=True),
    MeasureDef("new_made", "本年新制作数量", ("新制作",)),
    MeasureDef("new_published", "本年新公开数量", ("新公开",)),
    MeasureDef("total_published", "对外公开总数量", ("对外公开总",)),
    MeasureDef("previous_count", "上一年项目数量", ("上一年项目", "上年项目")),
    MeasureDef("change", "本年增/减", ("增/减", "增减"), signed=True),
    MeasureDef("items", "采购项目数量", ("采购项目",)),
    MeasureDef("amount_yuan", "采购总金额", ("采购总金额",), decimal=True),
)
ACTIVE_MEASURE_BY_KEY = {m.key: m for m in ACTIVE_MEASURES}

# The columns of each item, per format, in printed order.
ACTIVE_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    T2021: {
        "rules": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalty": ("decisions",),
        "coercion": ("decisions",),
        "fees": ("amount_10k_yuan",),
    },
    T2019: {
        "rules": ("new_made", "new_published", "total_published"),
        "normative_documents": ("new_made", "new_published", "total_published"),
        "licensing": ("previous_count", "change", "decisions"),
        "other_services": ("previous_count", "change", "decisions"),
        "penalty": ("previous_count", "change", "decisions"),
        "coercion": ("previous_count", "change", "decisions"),
        "fees": ("previous_count", "change"),
        "procurement": ("items", "amount_yuan"),
    },
}

# Words that give away the format of table 2 (format spec §1).
TABLE2_MARKERS: dict[str, tuple[str, ...]] = {
    T2019: ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
            "其他对外管理服务事项", "第二十条第(九)项", "政府集中采购"),
    T2021: ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"),
}

# ---------------------------------------------------------------------------
# Table 3: 收到和处理政府信息公开申请情况.

APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
APPLICANT_KEYS = tuple(k for k, _ in APPLICANT_COLUMNS)
APPLICANT_PARTS = APPLICANT_KEYS[:-1]


@dataclass(frozen=True)
class RequestRowDef:
    key: str
    label: str          # the sub-row's own label, as printed in the 2021 format
    group: str          # the group label it sits under ('' for top-level rows)
    category: str       # received / granted / partial / denied / unable / rejected / other / total / carried_forward
    anchors: tuple[str, ...]   # regular expressions on the squashed label
    # rows that exist only in one format
    formats: tuple[str, ...] = (T2019, T2021)
    # a weak anchor only counts when no other row's anchor matches the same label
    weak: bool = False


REQUEST_ROWS: tuple[RequestRowDef, ...] = (
    RequestRowDef("new_received", "一、本年新收政府信息公开申请数量", "", "received", (r"本年新收", r"新收政府信息")),
    RequestRowDef("carried_over", "二、上年结转政府信息公开申请数量", "", "received", (r"上年结转",)),
    RequestRowDef("granted", "（一）予以公开", "三、本年度办理结果", "granted", (r"予以公开",)),
    RequestRowDef("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                  "三、本年度办理结果", "partial", (r"部分公开", r"区分处理")),
    RequestRowDef("denied_state_secret", "1.属于国家秘密", "（三）不予公开", "denied", (r"国家秘密",)),
    RequestRowDef("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", "（三）不予公开", "denied",
                  (r"禁止公开", r"法律行政法规")),
    RequestRowDef("denied_security_stability", "3.危及“三安全一稳定”", "（三）不予公开", "denied",
                  (r"三安全", r"一稳定")),
    RequestRowDef("denied_third_party", "4.保护第三方合法权益", "（三）不予公开", "denied", (r"第三方",)),
    RequestRowDef("denied_internal_affairs", "5.属于三类内部事务信息", "（三）不予公开", "denied", (r"内部事务",)),
    RequestRowDef("denied_process_info", "6.属于四类过程性信息", "（三）不予公开", "denied", (r"过程性",)),
    RequestRowDef("denied_enforcement_file", "7.属于行政执法案卷", "（三）不予公开", "denied", (r"执法案卷",)),
    RequestRowDef("denied_query_matter", "8.属于行政查询事项", "（三）不予公开", "denied", (r"行政查询", r"查询事项")),
    RequestRowDef("unable_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供", "unable", (r"不掌握",)),
    RequestRowDef("unable_needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供", "unable",
                  (r"另行制作", r"没有现成")),
    RequestRowDef("unable_unclear", "3.补正后申请内容仍不明确", "（四）无法提供", "unable", (r"仍不明确", r"补正后")),
    RequestRowDef("rejected_petition", "1.信访举报投诉类申请", "（五）不予处理", "rejected",
                  (r"信访", r"举报投诉", r"投诉举报")),
    RequestRowDef("rejected_duplicate", "2.重复申请", "（五）不予处理", "rejected", (r"重复申请",)),
    RequestRowDef("rejected_publication", "3.要求提供公开出版物", "（五）不予处理", "rejected", (r"出版物",)),
    RequestRowDef("rejected_excessive", "4.无正当理由大量反复申请", "（五）不予处理", "rejected",
                  (r"大量反复", r"反复申请")),
    RequestRowDef("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理", "rejected",
                  (r"重新出具", r"确认或", r"已获取信息")),
    RequestRowDef("other_no_supplement", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                  "（六）其他处理", "other", (r"不补正",), formats=(T2021,)),
    RequestRowDef("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                  "（六）其他处理", "other", (r"缴纳费用", r"收费通知"), formats=(T2021,)),
    RequestRowDef("other_other", "3.其他", "（六）其他处理", "other",
                  (r"^(?:三、?)?(?:本年度办理结果)?(?:\(六\))?(?:其他处理)?\d[.、]?其他$",), formats=(T2021,)),
    RequestRowDef("other_handling", "（六）其他处理", "三、本年度办理结果", "other", (r"其他处理",),
                  formats=(T2019,), weak=True),
    RequestRowDef("total_processed", "（七）总计", "三、本年度办理结果", "total", (r"总计", r"合计"), weak=True),
    RequestRowDef("carried_forward", "四、结转下年度继续办理", "", "carried_forward", (r"结转下年", r"下年度继续")),
)
REQUEST_ROW_BY_KEY = {r.key: r for r in REQUEST_ROWS}
REQUEST_ORDER = {r.key: i for i, r in enumerate(REQUEST_ROWS)}

# The three sub-rows that the 2021 format splits （六）其他处理 into.
OTHER_SUBROWS = ("other_no_supplement", "other_unpaid_fee", "other_other")
DENIED_ROWS = tuple(r.key for r in REQUEST_ROWS if r.category == "denied")
UNABLE_ROWS = tuple(r.key for r in REQUEST_ROWS if r.category == "unable")
REJECTED_ROWS = tuple(r.key for r in REQUEST_ROWS if r.category == "rejected")


def request_rows_for(fmt: str) -> tuple[str, ...]:
    """The data rows a table 3 of this format prints, in order."""
    return tuple(r.key for r in REQUEST_ROWS if fmt in r.formats)


def processed_parts(fmt: str) -> tuple[str, ...]:
    """The rows that add up to （七）总计 (rule R3)."""
    other = OTHER_SUBROWS if fmt == T2021 else ("other_handling",)
    return ("granted", "partially_granted") + DENIED_ROWS + UNABLE_ROWS + REJECTED_ROWS + other


# Characters OCR reads in place of others in table labels (己获取信息, 5曰, 行玫, 总汁): undone
# before matching. Each is a shape OCR engines confuse with a character of the template's labels,
# and none is itself in a label (a test checks), so undoing it never spoils a label printed right.
OCR_LOOKALIKES = {
    "己": "已", "巳": "已", "曰": "日", "子": "予", "末": "未", "甲": "申", "夏": "复", "幵": "开",
    "宙": "审", "沂": "诉", "捉": "提", "朴": "补", "汁": "计", "讣": "计", "特": "持", "入": "人",
    "太": "大", "屈": "属", "碓": "确", "霈": "需", "隐": "稳", "拿": "掌", "恴": "息", "玫": "政",
    "绐": "结", "夂": "处", "埋": "理", "倩": "情",
}

# Group labels printed in table 3: never data rows themselves (except （六） in 2019).
REQUEST_GROUP_LABELS = ("本年度办理结果", "不予公开", "无法提供", "不予处理", "其他处理")

# ---------------------------------------------------------------------------
# Table 4: 行政复议、行政诉讼.

PROCEEDINGS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼·未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼·复议后起诉"),
)
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
OUTCOME_KEYS = tuple(k for k, _ in OUTCOMES)
OUTCOME_PARTS = OUTCOME_KEYS[:-1]
APPEAL_CELLS = len(PROCEEDINGS) * len(OUTCOMES)  # the one row of 15 numbers

# Header words of table 4, including the damaged spellings seen in real reports.
TABLE4_HEADER_WORDS = ("行政复议", "行政诉讼", "结果维持", "结果维护", "结果纠正", "其他结果", "尚未审结",
                       "总计", "直接起诉", "复议后起诉")

# ---------------------------------------------------------------------------
# Checks: stable rule keys and what they mean (the site shows these labels).


@dataclass(frozen=True)
class RuleDef:
    key: str
    label: str
    description: str


RULES: tuple[RuleDef, ...] = (
    RuleDef("t3_received_eq_processed", "表三：收到 = 办理 + 结转",
            "第一项加第二项之和，等于第三项加第四项之和（本列数据的勾稽关系）"),
    RuleDef("t3_total_column", "表三：总计列", "每一行的总计等于各类申请人之和"),
    RuleDef("t3_processed_sum", "表三：（七）总计", "（七）总计等于（一）至（六）各项之和"),
    RuleDef("t4_review_total", "表四：行政复议总计", "行政复议总计等于维持、纠正、其他、尚未审结之和"),
    RuleDef("t4_litigation_direct_total", "表四：直接起诉总计", "未经复议直接起诉的总计等于其各项结果之和"),
    RuleDef("t4_litigation_after_review_total", "表四：复议后起诉总计", "复议后起诉的总计等于其各项结果之和"),
    RuleDef("negative_value", "负数", "表三、表四只能是非负整数"),
    RuleDef("not_integer", "非整数", "件数只能是整数"),
    RuleDef("t2_missing_cells", "表二：缺少单元格", "表二某行的数字少于应有的格数，无法确定缺的是哪一格"),
    RuleDef("t2_surplus_cells", "表二：多出单元格", "表二某行的数字多于应有的格数"),
    RuleDef("t2_missing_rows", "表二：缺少行", "表二缺少模板规定的行"),
    RuleDef("t3_missing_cells", "表三：缺少单元格", "表三某行的数字少于 7 格"),
    RuleDef("t3_surplus_cells", "表三：多出单元格", "表三某行的数字多于 7 格"),
    RuleDef("t3_digits_joined", "表三：断开的数字已合并",
            "表三某行多出的数字是一个数被空格断开（识别的文字常见），只有一种合并方式使该行总计等于各项之和，按此读取（仅提示）"),
    RuleDef("t3_missing_rows", "表三：缺少行", "表三缺少模板规定的行"),
    RuleDef("t3_unplaced_row", "表三：无法识别的行", "表三中有带数字的行无法对应到模板的任何一行"),
    RuleDef("t2_blank_cells", "表二：空白单元格", "表二有留空的单元格；表二没有勾稽关系，其数值无法确定"),
    RuleDef("t3_blank_cells", "表三：空白单元格",
            "表三有留空的单元格：勾稽关系能确定的按其数值读取（留空的 0 只是提示），不能确定的不读取"),
    RuleDef("t4_blank_cells", "表四：空白单元格",
            "表四有留空的单元格：各组总计能确定的按其数值读取（留空的 0 只是提示），不能确定的不读取"),
    RuleDef("t4_cell_count", "表四：单元格数量", "表四应有 15 个数字"),
    RuleDef("table_missing", "缺少统计表", "报告中找不到应有的统计表"),
    RuleDef("scanned_pdf", "扫描件", "页面是图片（扫描件），没有文本层，导入时关闭了文字识别"),
    RuleDef("ocr_low_confidence", "识别置信度低", "扫描件中这一格的文字识别置信度低于阈值，数值留空"),
    RuleDef("ocr_reread_differs", "两次识别不一致",
            "扫描件中的勾稽关系不成立，这一格再识别一次，两次结果不同，数值留空"),
    RuleDef("ocr_arithmetic_broken", "识别文字的勾稽关系不成立",
            "扫描后识别出的文字（保存为文本）中表三的勾稽关系不成立：数字可能识别错了，也可能报告本身印错，这一等式的各格留空"),
    RuleDef("ocr_unruled_table", "表格没有表格线", "扫描件中的表格没有表格线，无法可靠地划分单元格，表中数字未读取"),
    RuleDef("report_incomplete", "报告不完整", "报告在中途截断，部分内容缺失"),
    RuleDef("sections_missing", "缺少章节", "报告缺少模板规定的章节"),
    RuleDef("agency_unknown", "无法识别机关", "报告中找不到发布机关的名称"),
    RuleDef("year_unknown", "无法识别年度", "报告中找不到统计年度"),
    RuleDef("year_inferred", "年度由落款推断", "标题中没有年度，按落款日期的上一年推断"),
    RuleDef("template_mixed", "表格格式不一致", "表二和表三使用了不同版本的模板"),
    RuleDef("t2_items_vs_decisions", "表二：项目数与处理决定数不符",
            "2019 年版表二中，上一年项目数量加本年增/减通常等于处理决定数量；两者统计口径不同，不符时仅作提示"),
    RuleDef("text_vs_table3", "正文与表三不一致", "正文引用的收到申请数与表三不一致（仅提示）"),
    RuleDef("t3_carried_over_last_year", "上年结转与去年报告不一致",
            "本年「上年结转」应等于同一机关上一年报告的「结转下年度继续办理」（仅提示）"),
    RuleDef("t2_in_force_change", "现行有效件数变化与制发、废止不符",
            "现行有效件数的变化应等于本年制发减本年废止（清理、修订会使其不完全相等，仅提示）"),
    RuleDef("region_ambiguous", "地区不确定", "机关名称对应多个地区，报告中没有足够线索确定是哪一个"),
    RuleDef("region_unknown", "地区无法识别", "无法确定机关所在的地区和层级"),
    RuleDef("stray_numbers", "多余的数字行", "表格中有不属于任何一行的数字，已忽略"),
    RuleDef("published_late", "逾期发布",
            "发布日期晚于条例第四十九条的期限：县级以上人民政府部门次年1月31日，县级以上地方人民政府次年3月31日（仅提示）"),
    RuleDef("copied_narrative", "正文与另一份报告几乎相同",
            "第一、五部分与本机关上一年或其他机关同一年的报告几乎相同：5 字片段的杰卡德相似度不低于 0.9（仅提示）"),
    RuleDef("unusual_figure", "数字与历年相差很大",
            "主要数字与本机关其他年度相差很大：对数尺度上的稳健标准分绝对值不低于 3.5，且相差至少 10 件（仅提示）"),
    RuleDef("value_out_of_range", "数字位数过多", "表格中的数字超过 15 位，不可能是件数或金额，也无法准确存储：未读取，留空"),
    RuleDef("text_truncated", "文件末尾截断", "文本文件在一个字符的中间结束（下载或复制不完整）：读到最后一个完整的字符为止，后面的内容缺失"),
    RuleDef("text_damaged", "文件有损坏的字节", "文本文件中有少量字节无法解码（下载或复制时损坏）：以 � 代替，那里的数字不会被读出"),
)
RULE_BY_KEY = {r.key: r for r in RULES}


def lookup_rows() -> dict[str, list[dict]]:
    """Rows for the database's lookup tables, derived from the definitions above."""
    return {
        "request_rows": [
            {"key": r.key, "label": r.label, "group_label": r.group or None, "category": r.category,
             "sort_order": i, "formats": ",".join(r.formats)}
            for i, r in enumerate(REQUEST_ROWS)
        ],
        "active_items": [
            {"key": i.key, "label": i.label, "clause": "第二十条第" + i.clause + "项", "sort_order": n}
            for n, i in enumerate(ACTIVE_ITEMS)
        ],
        "active_measures": [
            {"key": m.key, "label": m.label, "sort_order": n} for n, m in enumerate(ACTIVE_MEASURES)
        ],
        "proceedings": [
            {"key": k, "label": label, "sort_order": n} for n, (k, label) in enumerate(PROCEEDINGS)
        ],
        "check_rules": [
            {"key": r.key, "label": r.label, "description": r.description} for r in RULES
        ],
    }
