"""Labels: 重点关注学生.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_risk": ("重点关注学生", "Students at risk"),
    "risk_rule": (
        "风险分 = 各项因素的分值之和：每项的权重是其满分，近期缺勤率、学期缺勤率与连续缺勤不封顶"
        "(连续缺勤越久分越高，正在进行的连续缺勤最紧急)；另计曾辍学、学困、超龄、留级、小升初衔接、"
        "转学、路远、因贫、因残、监护。≥高档线为“高”，≥中档线为“中”；没有任何因素的学生不列入名单。",
        "Score = the sum of each factor's points (its weight at full strength); the absence factors "
        "do not saturate. Children with no factor are not listed.",
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
        "回测：每个有数据的学期末，只用截止当日及以前的数据评分(学生登记属性取当日的登记，来自变更记录)，"
        "看下学期新增辍学(不含已排除的误报)的学生排在哪里。精确率 = 命中/k；召回率 = 命中/下学期辍学人数；"
        "两条基线用同样的权重，只看缺勤或只看四类风险。演示数据是合成的：这些数字说明方法可行，"
        "不说明在真实县区的效果(见 docs/risk.md 模型说明)。",
        "Back-test: at each term's end, score from data as it stood that day (attributes from the change "
        "log); measure AUC, precision and recall of the top k and calibration for next term's dropouts, "
        "beside two baselines. On synthetic data the figures show the method, not real-world accuracy.",
    ),
}
