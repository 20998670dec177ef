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
        "Find by name, ID number or student number (within scope)",
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
    "rk_factors": ("风险类型", "Risk factors"),
    "rk_aid_gap": ("有资助缺口", "Aid gap"),
    "rk_by_logistic": ("逻辑回归概率", "logistic-regression probability"),
    "rk_list_caption": (
        "按{order}从高到低，显示前 {n} 名(预算 {budget} 人)",
        "By {order}, highest first: the first {n} (budget {budget})",
    ),
    "rk_masked": ("；姓名、身份证号已脱敏。", "; names and ID numbers masked."),
    "rk_stop": ("。", "."),
    "rk_find": ("查找", "Find"),
    "rk_student": ("学生(查找结果或名单前 20 名)", "Student (search results or the list's first 20)"),
    "rk_absences": ("每月缺勤天数(截至{day})", "Days absent per month (as of {day})"),
    "rk_assign": ("安排帮扶", "Arrange support"),
    "rk_teacher": ("帮扶教师/负责人", "Teacher / person responsible"),
    "rk_save_assign": ("保存帮扶安排", "Save the arrangement"),
    "rk_assigned": (
        "已保存({id})：将出现在“帮扶名册”中。",
        "Saved ({id}): it appears in the support rosters.",
    ),
    "rk_no_backtest": (
        "没有可回测的学期(需要至少两个学期的学籍快照)。",
        "No term to back-test (enrolment snapshots of two terms at least are needed).",
    ),
    "rk_group": ("分组", "Group by"),
    "rk_group_caption": (
        "按{dim}：各回测学期合计，前 {k} 名；列入比例高而精确率不高即为无益的偏重。",
        "By {dim}: all back-tested terms, top {k}; a high share listed without high precision is a useless bias.",
    ),
    "rk_admin_only": ("只有管理员可以修改权重。", "Only administrators may change the weights."),
    "rk_weights_note": (
        "权重是相对的：某项权重加倍，它在总分中的份量随之加大；保存后本页名单与回测立即按新设置重算。"
        "“逻辑回归”只改变名单排序，风险等级与原因仍按规则评分。",
        "Weights are relative: doubling one doubles its share of the score; after saving, the list and the "
        "back-test are scored again at once. 'Logistic regression' changes only the list's order; bands and "
        "reasons still come from the rules.",
    ),
    "rk_high_cut": ("高档线", "High band from"),
    "rk_medium_cut": ("中档线", "Medium band from"),
    "rk_model": ("名单排序模型", "Model that orders the list"),
    "rk_save_settings": ("保存设置", "Save settings"),
    "rk_saved": ("已保存，名单已按新权重重新评分。", "Saved; the list is scored again with the new weights."),
    "rk_reset": ("恢复默认", "Reset to defaults"),
    "rk_bt_stale": (
        "风险设置或数据在这次回测之后已改变：下面是当时的结果，按新设置重算请再点回测。",
        "The risk settings or the data changed after this back-test: these are its results then; "
        "run the back-test again for the new ones.",
    ),
    "rk_bt_toggle": (
        "计算回测(各学期末评分与下学期辍学对照，首次约需半分钟)",
        "Run the back-test (each term's scores against next term's dropouts; about half a minute the first time)",
    ),
    "rk_folds": ("{n} 个回测学期", "{n} back-tested terms"),
    "rk_skipped": (
        "；{terms} 截止后无辍学，无从评估，已略去",
        "; {terms} had no dropout after the cut-off and are left out",
    ),
    "rk_auc": (
        "。AUC：随机取一名辍学学生和一名未辍学学生，前者分数更高的概率(0.5 = 随机)。",
        ". AUC: the chance that a random dropout scores higher than a random pupil who stayed (0.5 = chance).",
    ),
    "rk_calibration": (
        "校准：各风险等级的学生在下学期实际辍学的比例(规则评分)。等级越高，比例应越高。",
        "Calibration: the share of each band's pupils who dropped out the next term (rule score); higher "
        "bands should have higher shares.",
    ),
    "rk_criteria_year": (
        "以下为 {year} 学年的评分标准(各学年可在设置文件中分别规定：risk.criteria_by_year)。",
        "The scoring rules of school year {year} (each year may have its own in the settings file: "
        "risk.criteria_by_year).",
    ),
    "rk_points": ("{label}(分)", "{label} (points)"),
    "rk_score_line": (
        "风险分 **{score}**（{band}）：{reasons}",
        "Risk score **{score}** ({band}): {reasons}",
    ),
}


#: Labels lib writes in Chinese (the list, cards, profile, back-test, reasons): Chinese -> English.
LABELS: dict[str, str] = {
    # bands and factors (lib.risk.score), groups and models (lib.risk.backtest)
    "高": "High",
    "中": "Medium",
    "低": "Low",
    "学困": "Learning",
    "路远": "Distance",
    "因贫": "Poverty",
    "因残": "Disability",
    "监护": "Guardianship",
    "留守": "Left behind",
    "规则评分": "Rule score",
    "逻辑回归": "Logistic regression",
    # cards
    "在校学生(已评分)": "Students (scored)",
    "高风险": "High risk",
    "中风险": "Medium risk",
    "高风险且未安排帮扶": "High risk, no support arranged",
    "风险分 ≥ {cut}": "Score ≥ {cut}",
    "无进行中的帮扶措施，也无在办台账": "No active support and no open case",
    # the list and the profile
    "风险分": "Risk score",
    "风险等级": "Risk band",
    "主要原因": "Main reasons",
    "帮扶/台账": "Support / case",
    "有在办台账": "Open case",
    "未安排": "Nothing arranged",
    "不在当前范围的在校生名单中，未评分。": "Not among the students in the current scope: not scored.",
    "无风险因素": "No risk factor",
    "无故缺勤": "Unexcused",
    "请假": "Excused",
    "天": "Days",
    # the reasons (lib.risk.score), translated with their numbers
    "成绩明显下滑": "Marks falling clearly",
    "家距学校约{km}公里(直线)且未寄宿": "About {km} km from school (straight line), not boarding",
    "本人残疾": "Disabled",
    "父母残疾": "Parent disabled",
    "近期无故缺勤{days}天，且在增加": "{days} days of unexcused absence recently, and rising",
    "近期无故缺勤{days}天": "{days} days of unexcused absence recently",
    "家庭经济困难({category})，本学期生活补助未发放": "Family in difficulty ({category}); no living subsidy paid this term",
    "家庭经济困难({category})": "Family in difficulty ({category})",
    "资助对象，本学期生活补助未发放": "Aid recipient; no living subsidy paid this term",
    "资助对象": "Aid recipient",
    "监护缺失({who})": "No guardian ({who})",
    # back-test (lib.risk.backtest, lib.risk.listing.backtest_view)
    "截止": "Cut-off",
    "前k名": "Top k",
    "学生数": "Students",
    "下学期辍学": "Dropouts next term",
    "命中": "Hits",
    "精确率": "Precision",
    "召回率": "Recall",
    "随机抽取精确率": "Precision at random",
    "较随机提升": "Lift over random",
    "学生人次": "Student-terms",
    "列入前k名": "In the top k",
    "列入比例": "Share listed",
    "{n}倍": "{n}×",
    # factors and reasons added since (lib.risk.score)
    "近期缺勤": "Recent absence",
    "学期缺勤": "Absence this term",
    "连续缺勤": "Absence in a row",
    "未建台账": "No case opened",
    "曾辍学": "Dropped out before",
    "超龄": "Over age",
    "留级": "Repeating",
    "升学衔接": "School transition",
    "转学": "Changed school",
    "列入名单": "Listed",
    "至少有一项风险因素的在校生；没有任何因素的不列入": "Pupils with at least one risk factor; those with none are not listed",
    "近{window}个上课日无故缺勤{days}天": "{days} unexcused days in the last {window} school days",
    "连续无故缺勤{days}个上课日(至今)": "{days} school days of unexcused absence in a row (to date)",
    "曾连续无故缺勤{days}个上课日": "Once absent without excuse {days} school days in a row",
    "已达疑似辍学标准，尚未建台账": "Meets the suspected-dropout rule, no case opened yet",
    "曾辍学(已返校)": "Dropped out before (returned)",
    "超龄{years}岁": "{years} years over age",
    "留级(与上学年同年级)": "Repeating (same grade as last year)",
    "初一(小升初衔接期)": "Grade 7 (just changed school level)",
    "六年级(将升初中)": "Grade 6 (about to change school level)",
    "近一年转学": "Changed school within a year",
}
