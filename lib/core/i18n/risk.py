"""Labels: 重点关注学生.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_risk": ("重点关注学生", "Students at risk"),
    "risk_rule": (
        "风险分 = 学困、路远、因贫、因残、缺勤、监护六项子分(0-1)按权重加权 ×100；"
        "≥高档线为“高”，≥中档线为“中”。原因列出贡献最大的两三项。",
        "Score = weighted mean of six sub-scores (0-1) x 100; bands by the configured cuts; "
        "reasons are the largest contributions.",
    ),
    "risk_budget": ("本学期可结对帮扶人数(显示前 N 名)", "We can pair N students this term (show top N)"),
    "risk_search": (
        "按姓名、身份证号或学籍号查找(范围内)",
        "Find by name, ID number or 学籍号 (within scope)",
    ),
    "risk_search_masked": (
        "脱敏查看时按脱敏形式查找：输入全名或身份证号，列出同样脱敏形式(王*明；地区码和后四位)的所有学生，"
        "不会证实某个猜测的姓名；每人每分钟、每天的查找次数有上限，每次查找都记入审计日志。",
        "While masked, a name or ID number finds every student masked alike (王*明; area code and last "
        "four), so a guess confirms nothing; searches are limited per minute and day and audited.",
    ),
    "risk_tab_list": ("名单", "List"),
    "risk_tab_student": ("学生档案", "Student"),
    "risk_tab_card": ("模型说明与回测", "Model card & back-test"),
    "risk_tab_settings": ("权重设置", "Weights"),
    "risk_backtest_note": (
        "回测：每个学期末只用截止当日及以前的数据评分，看下学期新增辍学(不含已排除的误报)"
        "中有多少在前 k 名内。精确率 = 命中/k；召回率 = 命中/下学期辍学人数。"
        "学生的登记属性(困难类别、残疾、留守等)按当前登记值计，库中无其历史。",
        "Back-test: each term's end, score from data up to that day only; precision and "
        "recall of the top k for dropouts reported in the next term.",
    ),
}
