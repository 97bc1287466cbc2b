"""What a reader should do about each kind of check, in plain Chinese, and a report's checks grouped by rule.

The report page lists one line per rule: how many cells or rows it concerns, which ones, and this
advice. A problem is a check of severity warning or error, counted the same way everywhere: the report
page, reports.warning_count, the ready-made questions 数字对不上或缺格的报告 (问题数) and 最常见的检查问题
(次数, per rule); checks of severity info are hints, listed apart.
"""

from __future__ import annotations

from gkreport import template as T

from datasette_plugins.labels import SEVERITY, describe_places

PROBLEM = ("error", "warning")
CHECK_AGAINST_SOURCE = "引用这些数字前，请对照报告原文核对"

ADVICE = {
    "t3_received_eq_processed": "收到的申请（本年新收 + 上年结转）与办理完毕、结转下年度的件数对不上。"
                                + CHECK_AGAINST_SOURCE + "；原文本来如此的，是报告自身的差错，可以向发布机关核实。",
    "t3_total_column": "这一行的“总计”不等于各类申请人之和。引用时请说明以哪一个为准，或向发布机关核实。",
    "t3_processed_sum": "“（七）总计”不等于（一）至（六）各项之和。" + CHECK_AGAINST_SOURCE + "表三的办理结果。",
    "t4_review_total": "行政复议的总计不等于维持、纠正、其他、尚未审结之和。" + CHECK_AGAINST_SOURCE + "表四。",
    "t4_litigation_direct_total": "未经复议直接起诉的总计不等于各项结果之和。" + CHECK_AGAINST_SOURCE + "表四。",
    "t4_litigation_after_review_total": "复议后起诉的总计不等于各项结果之和。" + CHECK_AGAINST_SOURCE + "表四。",
    "negative_value": "件数不可能是负数，多半是原文的录入错误或表格读错了位置。请查看原文这一格。",
    "not_integer": "件数应是整数，这一格却有小数：表三、表四中这一格没有读入（留空，不是 0）。请查看原文这一格。",
    "value_out_of_range": "表格中的这个数字超过 15 位，不可能是件数或金额，多半是原文录入或转换时出了错；"
                          "这一格没有读入（留空，不是 0）。请查看原文这一格。",
    "text_truncated": "文件在末尾被截断（下载或复制不完整），截断处之后的内容缺失；缺的表格和数字留空。"
                      "可以重新下载完整的文件再导入。",
    "text_damaged": "文件中有少量字节损坏（下载或复制时出错），那几处显示为 �，那里的数字没有读入。"
                    "可以重新下载完整的文件再导入。",
    "t2_missing_cells": "表二这一行的数字少于应有的格数，无法确定缺的是哪一格，这一行没有读入（留空，不是 0）。"
                        "需要这一行的数字时，请查看原文。",
    "t2_surplus_cells": "表二这一行的数字多于应有的格数。请查看原文，确认哪些数字属于这一行。",
    "t2_missing_rows": "表二缺少格式规定的行，缺的数字留空（不是 0）；按行相加的合计会偏小。",
    "t3_missing_cells": "表三这一行的数字少于 7 格。能按勾稽关系唯一补出的已经补出，补不出的留空；"
                        + CHECK_AGAINST_SOURCE + "这一行。",
    "t3_surplus_cells": "表三这一行的数字多于 7 格。请对照原文，确认哪些数字属于这一行。",
    "t3_missing_rows": "表三缺少格式规定的行，缺的数字留空（不是 0）；相加的合计会偏小。",
    "t3_digits_joined": "表三这一行多出的数字是一个数被空格断开（识别的文字常见），按使该行总计等于各项之和的唯一合并方式读入；"
                        "引用前可对照原文核实这一行。",
    "t3_unplaced_row": "表三有一行带数字的行对应不到格式中的任何一行，没有读入。请查看原文，确认没有漏掉数字。",
    "t2_blank_cells": "表二这一行有空白格。表二没有勾稽关系，空白格的数值无法确定，没有读入（留空，不是 0）。",
    "t3_blank_cells": "表三有空白格。勾稽关系能确定的按其数值读入（多为留空的 0，仅作提示）；确定不了的留空，不是 0。"
                      "原文的空白若表示“不详”，引用时请说明。",
    "t4_blank_cells": "表四有空白格。各组总计能确定的按其数值读入（多为留空的 0，仅作提示）；确定不了的留空，不是 0。",
    "t4_cell_count": "表四的数字不是应有的 15 个。按各组总计能唯一确定每一格的已经确定，确定不了的留空；"
                     + CHECK_AGAINST_SOURCE + "表四。",
    "table_missing": "报告中找不到这张统计表，相关数字为空。可以查看原文，表格是否以图片或附件的形式发布。",
    "scanned_pdf": "原文是扫描件（图片），没有可读的文字，导入时关闭了文字识别，表格的数字没有读入。"
                   "需要数字时请查看原文，或打开文字识别重新导入。",
    "ocr_low_confidence": "扫描件中这一格的文字识别把握不够，数值留空（不是 0），以免读错。"
                          "需要这个数字时，请打开报告页面上的扫描页查看原文。",
    "ocr_reread_differs": "扫描件中这一格的数字使勾稽关系不成立，再识别一次结果不同，数值留空（不是 0）。"
                          "请打开扫描页查看原文这一格。",
    "ocr_arithmetic_broken": "这份报告的文字是扫描后识别的，表三的勾稽关系不成立：数字可能识别错了，也可能原文本身印错，"
                             "相关等式中的各格都留空（不是 0）。需要数字时请查看原文或扫描件。",
    "ocr_unruled_table": "扫描件中的表格没有表格线，无法可靠地分出每一格，表中的数字没有读入。"
                         "需要数字时请打开扫描页查看原文。",
    "report_incomplete": "报告在中途截断，后面的内容缺失。请到发布机关的网站获取完整的报告。",
    "sections_missing": "报告缺少格式规定的章节：可能是报告本身不完整，也可能是章节标题写法特殊。请查看原文。",
    "agency_unknown": "报告中找不到发布机关的名称，按机关统计时这份报告不计入任何机关。",
    "year_unknown": "报告中找不到统计年度，按年度统计时这份报告不计入任何一年。",
    "year_inferred": "标题中没有年度，按落款日期推断为上一年。引用前请核对报告的年度。",
    "template_mixed": "表二和表三用的是不同版本的格式。跨格式比较时请注意两种格式的统计口径不同。",
    "t2_items_vs_decisions": "仅作提示：两者的统计口径不同，不相等不一定是错误。",
    "text_vs_table3": "正文写的收到申请数与表三不一致。引用时请说明以哪一个为准，或向发布机关核实。",
    "t3_carried_over_last_year": "本年的“上年结转”与同一机关去年报告的“结转下年度继续办理”不一致，"
                                 "两年中有一年的报告可能有误。",
    "t2_in_force_change": "仅作提示：文件的清理、修订会使现行有效件数的变化与制发、废止不完全相等。",
    "region_ambiguous": "机关名称对应多个地区，报告中没有足够线索确定是哪一个；按地区统计时这份报告的地区可能不准。",
    "region_unknown": "无法确定机关所在的地区和层级，按地区统计时这份报告不计入任何地区。",
    "stray_numbers": "表格中有不属于任何一行的数字，已经忽略。请对照原文，确认没有漏读。",
    "published_late": "仅作提示：发布日期按报告中印的日期计；网站上的实际发布时间可能不同，可以到发布机关的网站核对。",
    "copied_narrative": "仅作提示：两份报告的这两部分几乎逐字相同，可能是照抄，也可能是共用的模板。可以对照两份报告的原文。",
    "unusual_figure": "仅作提示：这个数字可能是真实的新情况（正文常有说明），也可能是录入或读取的错误。引用前请对照原文。",
}
UNKNOWN_RULE = "请对照报告原文核对。"
RULE_LABELS = {r.key: r.label for r in T.RULES}


def grouped(checks: list[dict]) -> dict:
    """A report's checks as one entry per rule and severity, problems first: how many, where, what to do."""
    groups: dict[tuple[str, str, bool], dict] = {}
    for c in checks:
        settled = bool(c.get("settled_by"))  # a person's correction settled it (gkreport.review)
        key = (c["rule"], c["severity"], settled)
        g = groups.setdefault(key, {
            "rule": c["rule"], "severity": c["severity"], "severity_label": SEVERITY.get(c["severity"], c["severity"]),
            "label": c.get("rule_label") or RULE_LABELS.get(c["rule"], c["rule"]),
            "advice": ADVICE.get(c["rule"], UNKNOWN_RULE), "count": 0, "locations": [], "messages": [],
            "settled": settled, "settled_by": []})
        g["count"] += 1
        g["locations"].append(c.get("location"))
        g["messages"].append(c["message"])
        if settled and c["settled_by"] not in g["settled_by"]:
            g["settled_by"].append(c["settled_by"])
    for g in groups.values():
        g["places"] = describe_places(g.pop("locations"))
    # open problems first, then those settled
    problems = sorted((g for g in groups.values() if g["severity"] in PROBLEM), key=lambda g: g["settled"])
    hints = [g for g in groups.values() if g["severity"] not in PROBLEM]
    return {"problems": problems, "hints": hints, "problem_count": sum(g["count"] for g in problems),
            "settled_count": sum(g["count"] for g in problems if g["settled"]),
            "hint_count": sum(g["count"] for g in hints)}
