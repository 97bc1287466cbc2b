"""Ready-made questions read in Chinese: each parameter of a canned query gets a label."""

from datasette import hookimpl

PARAM_LABELS = {
    "year": "年度（如 2021）",
    "province": "省份（如 福建省）",
    "level": "层级（province、city、county…）",
    "agency": "机关名称中的几个字",
    "q": "搜索词（空格分开几个词）",
    "rule": "检查规则键（如 t3_received_eq_processed）",
    "severity": "严重程度（error、warning、info）",
}


@hookimpl
def extra_template_vars(template):
    if template == "query.html":
        return {"gk_param_labels": PARAM_LABELS}
    return {}
