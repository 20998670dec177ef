"""Interface language: 简体中文 first, English available.

Data labels (columns, code lists) stay in Chinese, as the bureau's systems
write them; the frame, navigation and headline labels are translated here.
"""

from __future__ import annotations

LANGUAGES = {"zh": "简体中文", "en": "English"}

#: key -> (Chinese, English)
TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("平桥区控辍保学与学生资助", "Pingqiao dropout control & student aid"),
    "demo_banner": (
        "演示数据，非真实统计：本系统当前载入的是按固定随机种子生成的合成数据(锚定 2026年11月20日)，"
        "乡镇边界与驻地为示意，不代表平桥区真实情况。",
        "Synthetic demo data, not real statistics: generated from a fixed seed (anchored to "
        "2026-11-20); township boundaries and seats are illustrative, not real Pingqiao figures.",
    ),
    "nav_overview": ("总览", "Overview"),
    "sec_dropout": ("控辍保学", "Dropout control"),
    "sec_aid": ("学生资助", "Student aid"),
    "sec_layout": ("学校布局", "School layout"),
    "sec_data": ("数据", "Data"),
    "sec_admin": ("系统管理", "Administration"),
    "filters": ("范围筛选", "Scope"),
    "township": ("乡镇(街道)", "Township"),
    "level": ("办学类型", "School level"),
    "school_year": ("学年", "School year"),
    "as_of": ("统计日期", "As of"),
    "language": ("语言", "Language"),
    "all": ("全部", "All"),
    "students": ("在校学生", "Students enrolled"),
    "population": ("学龄人口", "School-age children"),
    "schools": ("学校", "Schools"),
    "suspected": ("疑似辍学", "Suspected dropouts"),
    "dropouts": ("辍学", "Dropouts"),
    "consolidation": ("巩固率", "Retention rate"),
    "aid_coverage": ("资助覆盖率", "Aid coverage"),
    "aid_on_time": ("按时足额发放率", "Paid on time, in full"),
    "at_risk": ("重点关注学生", "Students at high risk"),
    "vs_last_week": ("较上周", "vs last week"),
    "vs_last_year": ("较上学年", "vs last year"),
    "township_table": ("乡镇情况(需关注的排在前面)", "Townships (most in need of attention first)"),
    "map_measure": ("地图指标", "Map measure"),
    "case_trend": ("本学期控辍保学台账周变化", "Dropout cases this term, week by week"),
    "scope_rule": (
        "在校学生、巩固率、资助按学校所在乡镇统计；学龄人口、辍学台账按户籍乡镇统计。",
        "Enrolment, retention and aid count by the school's township; school-age children and "
        "dropout cases by the home township.",
    ),
    "busy": ("数据库正忙，请稍后刷新。", "The database is busy; refresh in a moment."),
    "building_demo": ("首次启动：正在生成演示县数据(约半分钟)…", "First start: building the demo county…"),
    "no_data": ("当前范围内没有数据。", "No data in the current scope."),
    "as_of_caption": ("数据截至", "Figures as of"),
    # ---- 学生资助 (issue 6)
    "nav_aid": ("学生资助", "Student aid"),
    "nav_aid_reconcile": ("精准识别", "Registry check"),
    "aid_scope_rule": (
        "义务教育学生与资助记录按学校所在乡镇统计；高中、中职、大学受助学生与社会捐赠按户籍乡镇统计。"
        "覆盖率 = 已发放 ÷ 应助；待发(未到期) = 已列入发放名单、应发日期未到。",
        "Compulsory-school students and their aid count by the school's township; high-school, vocational "
        "and university recipients by their home township. Coverage = paid ÷ eligible.",
    ),
    "aid_tab_coverage": ("覆盖与缺口", "Coverage and gaps"),
    "aid_tab_payments": ("发放与资金", "Payments and funds"),
    "aid_tab_approvals": ("审批进度", "Approvals"),
    "aid_tab_social": ("社会帮扶", "Social aid"),
    "aid_programme": ("资助项目", "Programme"),
    "aid_township_cov": ("各乡镇覆盖率", "coverage by township"),
    "aid_by_programme": ("各资助项目覆盖情况(本学期)", "Coverage by programme (this term)"),
    "aid_by_category": ("各困难类别覆盖情况", "coverage by category"),
    "aid_drill": ("应助未助名单：乡镇 → 学校 → 学生", "Eligible but unpaid: township → school → student"),
    "aid_all_towns": ("全部乡镇", "All townships"),
    "aid_all_schools": ("全部学校", "All schools"),
    "aid_wrong": ("已发放但不符合条件、重复发放", "Paid but not eligible, paid twice"),
    "aid_township_ontime": ("各乡镇按时足额发放率", "On time and in full by township"),
    "aid_terms": ("历学期按时足额发放率", "On time and in full, term by term"),
    "aid_problems": ("逾期、未足额发放记录(最紧急的在前)", "Overdue and short payments (most urgent first)"),
    "aid_ledger": ("资金台账(按资金来源)", "Funds ledger by source"),
    "aid_ledger_none": ("资金按乡镇下达：按学校或学段筛选时不显示资金台账。",
                        "Funds are allocated by township: no ledger when filtering by school or level."),
    "aid_stuck": ("各乡镇申请卡在哪个环节(超期的排在前面)", "Where each township's applications wait"),
    "aid_waiting": ("办理中的申请(等待最久的在前)", "Open applications, longest waiting first"),
    "aid_decide": ("办理一件申请(通过本环节或退回)", "Act on an application"),
    "aid_application": ("申请", "Application"),
    "aid_reason": ("意见 / 退回原因(退回必填)", "Comment / reason (required to reject)"),
    "aid_approve": ("通过本环节", "Pass this stage"),
    "aid_reject": ("退回", "Reject"),
    "aid_donations": ("社会捐赠台账", "Donations ledger"),
    "aid_campaign": ("大学新生助学活动(8月)", "August campaign for university freshmen"),
    "aid_standards": ("现行资助标准(设置中可改，含执行起始日期)", "Standards in force (with effective dates)"),
    "rec_kind": ("名单类型", "List kind"),
    "rec_upload": ("上传名单：CSV 或 Excel，中文表头，GBK 或 UTF-8 编码均可", "Upload a list (CSV or XLSX)"),
    "rec_sample": ("使用演示名单试一试", "Try the demo list"),
    "rec_sample_download": ("下载演示名单(CSV)", "Download the demo list (CSV)"),
    "rec_help": (
        "上传乡村振兴、民政、残联或全国学生资助管理系统导出的名单，系统按身份证号与学籍逐行比对，"
        "每行归入一类：匹配成功、适龄未在校、不在范围内、姓名不一致、身份证号无效、重复行；"
        "另列出学籍标记为该类别却不在名单中的学生(需入户核实)。",
        "Upload an outside list; every row is matched to the students by ID number and lands in one category.",
    ),
    "rec_category": ("比对结果", "Result"),
    "rec_case_offer": ("为适龄未在校儿童开立控辍保学台账", "Open a dropout case for a child not in school"),
    "rec_case_row": ("名单行", "List row"),
    "rec_case_village": ("户籍村(社区)", "Home village"),
    "rec_case_reason": ("辍学原因(初判)", "Reason (first view)"),
    "rec_open_case": ("开立控辍保学台账", "Open a dropout case"),
    "rec_case_unavailable": ("控辍保学模块尚未提供开案功能，暂不能从此处开案。",
                             "The dropout module cannot open cases yet."),
    "rec_tasks_button": ("生成入户核实任务(在册未列入、姓名不一致、类别未标记)", "Create verification tasks"),
    "rec_tasks": ("待核实任务(入户核实)", "Open verification tasks"),
    "rec_no_tasks": ("当前范围内没有待核实任务。", "No open verification tasks in this scope."),
    "rec_task": ("任务", "Task"),
    "rec_outcome": ("核实结果", "Outcome"),
    "rec_task_status": ("办结方式", "Closed as"),
    "rec_close": ("登记核实结果", "Record the outcome"),
    # ---- 控辍保学 (issue 5)
    "nav_dropout": ("控辍保学", "Dropout control"),
    "nav_dropout_cases": ("辍学台账", "Case ledger"),
    "nav_dropout_case": ("案件详情", "Case"),
    "nav_dropout_weekly": ("每周填报", "Weekly report"),
    "nav_dropout_rosters": ("帮扶名册", "Support rosters"),
    "nav_dropout_contacts": ("六长联系人", "Responsible persons"),
    "nav_todo": ("我的待办", "My to-do list"),
    "do_returned": ("本学年已返校", "Returned this school year"),
    "do_to_confirm": ("待确认(缺勤监测)", "To confirm (from absences)"),
    "do_escalated": ("升级督办", "Escalated"),
    "do_breakdown": ("分组", "Break down by"),
    "do_reasons": ("本学年辍学原因(四类风险及其他)", "Reasons this school year (four named risks and others)"),
    "do_trend": ("本学期逐周变化", "This term, week by week"),
    "do_case_rule": (
        "辍学台账按儿童户籍乡镇统计；巩固率按学校所在乡镇统计；疑似辍学、辍学为统计日当天的状态。",
        "Cases count by the child's home township; retention by the school's township; suspected and "
        "dropout counts are the status on the as-of date.",
    ),
    "do_proposals": ("缺勤监测：待确认的疑似辍学", "Suspected dropouts proposed from absences"),
    "do_no_proposals": ("当前范围内没有待确认的连续缺勤。", "No absence runs to confirm in this scope."),
    "do_ledger": ("控辍保学台账", "Case ledger"),
    "do_new_case": ("登记未入学儿童", "Open a case for a child not enrolled"),
    "do_open_case": ("打开案件", "Open case"),
    "do_unmask": ("显示完整姓名和证件号(将记录在审计日志)", "Show full names and IDs (recorded)"),
    "do_no_case": ("请先在“辍学台账”中选择一个案件。", "Choose a case in the ledger first."),
    "do_conflict": ("保存冲突", "Edit conflict"),
    "do_reapply": ("在最新版本上重新提交我的修改", "Apply my changes to the newer version"),
    "do_discard": ("放弃我的修改", "Discard my changes"),
    "do_week": ("周次", "ISO week"),
    "do_missing": ("本周未填报的学校", "Schools that have not filed this week"),
    "do_mentoring": ("一教一帮", "One-to-one mentoring"),
    "do_home": ("送教上门", "Home teaching"),
    "do_todo_mine": ("只看需要我这一级处理的", "Only what my level answers for"),
    "do_read_only": ("您的角色只能查看。", "Your role is read-only."),
    # ---- 数据导入 / 自由探索 (issue 8)
    "nav_import": ("数据导入", "Data import"),
    "nav_explore": ("自由探索", "Explore a file"),
    "imp_kind": ("数据类型", "Table kind"),
    "imp_upload": ("上传 CSV 或 Excel(.xlsx)文件", "Upload a CSV or Excel (.xlsx) file"),
    "imp_sheet": ("工作表", "Worksheet"),
    "imp_help": (
        "上传从省、国家系统导出的表或手工整理的 Excel：自动识别编码(UTF-8/GBK)、标题行和列名；"
        "先校验、预览，确认后才写入。名单比对(脱贫户、低保、残疾人、资助系统)请到“精准识别”页。",
        "Upload an export or a hand-made sheet: encoding, title rows and headers are recognised; the file "
        "is validated and previewed before anything is written. Registry lists go to the reconciliation page.",
    ),
    "imp_from_explore": ("来自“自由探索”的文件", "File passed on from Explore"),
    "imp_mapping": ("列对应关系(自动识别，可修改；导入时按表头记住)", "Column mapping (guessed; change it; "
                    "remembered for this layout)"),
    "imp_mode": ("导入方式", "Mode"),
    "imp_crs": ("坐标系", "Coordinate system"),
    "imp_report": ("校验结果", "Validation"),
    "imp_by_code": ("问题汇总", "Problems by code"),
    "imp_problems": ("问题明细(行号、列名与文件一致)", "Problems (rows and columns as in the file)"),
    "imp_preview": ("将导入的数据(前 100 行，已脱敏)", "Rows to import (first 100, masked)"),
    "imp_drop_bad": ("跳过有错误的行，只导入其余行", "Skip the rows with errors and import the rest"),
    "imp_commit": ("导入", "Import"),
    "imp_fatal": ("文件不能导入：缺少的列请在上面的“列对应关系”中指定，其他问题请修正文件后重新上传。",
                  "The file cannot be imported: map the missing columns above, or fix the file and upload again."),
    "imp_has_errors": ("文件有错误：请修正后重新上传，或勾选“跳过有错误的行”。",
                       "The file has errors: fix them, or choose to skip the rows with errors."),
    "imp_history": ("最近的导入", "Recent imports"),
    "imp_undo": ("撤销最近一次导入", "Undo the last import"),
    "imp_codes": ("问题代码说明", "Problem codes"),
    "exp_upload": ("上传任意 CSV 或 Excel(.xlsx)文件", "Upload any CSV or Excel (.xlsx) file"),
    "exp_help": (
        "文件只在本页分析，不会保存；姓名、身份证号、电话等列自动脱敏。需要写入系统时，点“转到数据导入”。",
        "The file is analysed here and not stored; names, ID numbers and phones are masked. To store it, "
        "pass it on to Data import.",
    ),
    "exp_profile": ("各列概况", "Column profile"),
    "exp_pivot": ("分组汇总", "Pivot"),
    "exp_by": ("分组列(1-2 个)", "Group by (1-2 columns)"),
    "exp_measure": ("数值列", "Measure"),
    "exp_agg": ("汇总方式", "Aggregate"),
    "exp_map": ("地图", "Map"),
    "exp_no_map": ("文件没有经纬度列，也没有本区乡镇、村(社区)代码或乡镇名称列，无法制图。",
                   "No longitude/latitude and no township or village codes: nothing to map."),
    "exp_to_import": ("转到数据导入", "Pass on to Data import"),
    # ---- 学校布局 (issue 3)
    "nav_layout": ("学校布局", "School layout"),
    "nav_planning": ("布局规划", "Layout planner"),
    "lay_band": ("学段", "Band"),
    "lay_km": ("就近距离阈值(km，道路估算)", "Reach threshold (km, road estimate)"),
    "lay_year": ("儿童年份", "Children of year"),
    "lay_measure": ("乡镇着色", "Township colour"),
    "lay_base": ("底图", "Base map"),
    "lay_layers": ("初始显示的图层", "Layers shown"),
    "lay_card": ("学校卡片", "School card"),
    "lay_card_hint": ("点击地图上的学校查看：各年级在校生、学位、班额、寄宿床位、历年与预测。",
                      "Click a school on the map: enrolment by grade, capacity, class size, beds, trend and projection."),
    "lay_townships": ("各乡镇学校布局", "Townships"),
    "lay_flags": ("五年内需关注的学校", "Schools to watch within five years"),
    "lay_rule": ("就近可达：村到最近的该学段学校直线距离(米制投影)×绕行系数 ≤ 阈值；教学点计入小学段，特殊教育学校不计；"
                 "学位不影响是否可达，只进入人均学位；寄宿另列。儿童年龄按学年9月1日计。",
                 "Within reach: straight-line distance (metric CRS) to the nearest school of the band x detour "
                 "factor <= threshold; special schools do not count; seats enter seats-per-child only; boarding "
                 "is reported beside. Ages on 1 September."),
    "lay_demo_geo": ("乡镇边界、村和学校位置为合成示意数据。", "Township boundaries, villages and school sites are synthetic."),
    # ---- 重点关注学生 (issue 7)
    "nav_risk": ("重点关注学生", "Students at risk"),
    "risk_rule": ("风险分 = 学困、路远、因贫、因残、缺勤、监护六项子分(0-1)按权重加权 ×100；"
                  "≥高档线为“高”，≥中档线为“中”。原因列出贡献最大的两三项。",
                  "Score = weighted mean of six sub-scores (0-1) x 100; bands by the configured cuts; "
                  "reasons are the largest contributions."),
    "risk_budget": ("本学期可结对帮扶人数(显示前 N 名)", "We can pair N students this term (show top N)"),
    "risk_search": ("按姓名、身份证号或学籍号查找(范围内)", "Find by name, ID number or 学籍号 (within scope)"),
    "risk_tab_list": ("名单", "List"),
    "risk_tab_student": ("学生档案", "Student"),
    "risk_tab_card": ("模型说明与回测", "Model card & back-test"),
    "risk_tab_settings": ("权重设置", "Weights"),
    "risk_backtest_note": ("回测：每个学期末只用截止当日及以前的数据评分，看下学期新增辍学(不含已排除的误报)"
                           "中有多少在前 k 名内。精确率 = 命中/k；召回率 = 命中/下学期辍学人数。"
                           "学生的登记属性(困难类别、残疾、留守等)按当前登记值计，库中无其历史。",
                           "Back-test: each term's end, score from data up to that day only; precision and "
                           "recall of the top k for dropouts reported in the next term."),
}


def t(key: str, lang: str = "zh") -> str:
    """Text for ``key`` in ``lang`` (falls back to Chinese, then to the key)."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
