"""Labels: 汇报模式 and the briefing.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_present": ("汇报模式", "Presentation"),
    "present_export": ("下载简报 (HTML，离线可打开、可打印)", "Download briefing (HTML, offline, printable)"),
    "present_make": ("生成简报 (HTML)", "Make the briefing (HTML)"),
    "present_xlsx": ("下载汇总表 (.xlsx)", "Download summary tables (.xlsx)"),
    "present_save": ("保存本次汇报数据(供下次比较)", "Save this briefing's numbers (for the next one)"),
    "present_saved": (
        "已保存本次汇报数据(编号 {id})。下次汇报(统计日期更晚时)将显示与本次相比的变化。",
        "This briefing's numbers are saved (ID {id}). The next briefing (at a later date) shows the changes.",
    ),
    "present_note": (
        "简报是一个 HTML 文件：断网也能用任何浏览器打开，图表与地图都在文件里；打印时按 A4 横向分页。"
        "简报与汇总表只含汇总数字，不含学生姓名或证件号。",
        "The briefing is one HTML file: any browser opens it offline, charts and map included; it prints "
        "on A4 landscape. The briefing and the tables hold totals only, no student's name or ID number.",
    ),
    "present_snapshots": ("已保存的汇报", "Saved briefings"),
    "present_prev": ("上一页", "Previous"),
    "present_next": ("下一页", "Next"),
    "present_key": ("键盘 {key} 键", "Keyboard {key}"),
    "present_page": ("页", "Slide"),
    "present_exit": ("退出汇报模式", "Leave the presentation"),
    "br_target": ("目标 {target}", "Target {target}"),
    "br_stamp": ("{where} · 截至{day}", "{where} · as of {day}"),
    "br_demo": ("演示数据", "demo data"),
    "br_last": ("上次汇报：{day}的数据", "Last briefing: data of {day}"),
    "br_no_last": (
        "尚无保存的上次汇报(保存本次汇报后，下次可比较变化)",
        "No earlier briefing saved (save this one to compare next time)",
    ),
    "br_no_red": ("没有乡镇低于红线。", "No township is below a red line."),
    "br_absent": (
        "{what}暂无数据，未计入红名单({why})。",
        "{what}: no data yet, not counted for the red list ({why}).",
    ),
    "br_gone": ("较上次汇报已出榜：{names}", "Off the list since the last briefing: {names}"),
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
    "building_demo": ("正在生成演示数据…", "First start: building the demo county…"),
    "seconds_spent": ("(已用 {s} 秒)", "({s} s so far)"),
    "building_title": ("首次启动", "First start"),
    "computing_page": ("正在计算“{page}”的数据…", "Computing “{page}”…"),
    "choose_one": ("请选择", "Choose"),
    "choose_many": ("请选择(可多选)", "Choose one or more"),
    "upload_hint": (
        "拖入文件，或点“选择文件” · 单个文件不超过 {mb} MB",
        "Drop a file, or choose one · up to {mb} MB",
    ),
    "upload_browse": ("选择文件", "Browse"),
    "press_enter": ("按回车确认", "Press Enter"),
    "skip_to_content": ("跳到正文", "Skip to main content"),
    "todo_empty": (
        "暂无待办：您负责的范围内没有待确认、到期或逾期的事项。",
        "Nothing to do: no case to confirm, nothing due or overdue in your scope.",
    ),
    "snapshots_empty": (
        "尚未保存过汇报数据：保存本次汇报后，下次汇报可显示与本次相比的变化。",
        "No briefing saved yet: save this one and the next briefing shows what changed since.",
    ),
    "login_first_admin": (
        "首次使用：管理员账号 admin 的初始密码已显示在启动本系统的终端，并写入服务器上的文件 {path}"
        "(登录改密后请删除该文件)。",
        "First use: the initial password of the account admin was printed in the terminal that started "
        "the server and written to {path} on the server (delete it after changing the password).",
    ),
    "no_data": ("当前范围内没有数据。", "No data in the current scope."),
    "as_of_caption": ("数据截至", "Figures as of"),
    # a headline figure whose data has not arrived (the reason follows in words)
    "figure_no_data": ("暂无数据", "No data yet"),
}


#: Labels lib writes in Chinese (the briefing's slides, red list and charts): Chinese -> English.
LABELS: dict[str, str] = {
    # slides (lib.overview.briefing.SLIDES)
    "关键指标": "Key figures",
    "乡镇红名单": "Townships on the red list",
    "学校分布与巩固率": "Schools and retention",
    "简报与存档": "Briefing and archive",
    # red list
    "落后指标": "Behind on",
    "未结辍学台账": "Open dropout cases",
    "较上次汇报": "Since the last briefing",
    "新上榜": "New",
    "仍在榜": "Still on it",
    # chart titles and reference lines
    "本学期每周未结辍学台账": "Open dropout cases, week by week this term",
    "各乡镇九年义务教育巩固率": "Nine-year retention rate by township",
    "各乡镇资助覆盖率": "Aid coverage by township",
    "各乡镇按时足额发放率": "Paid on time, in full, by township",
    "目标": "Target",
}
