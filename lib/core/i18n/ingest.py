"""Labels: 数据导入, 自由探索, 更正记录.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_import": ("数据导入", "Data import"),
    "nav_explore": ("自由探索", "Explore a file"),
    "imp_kind": ("数据类型", "Table kind"),
    "imp_upload": (
        "上传 CSV 或 Excel(.xlsx)文件(乡镇边界：GeoJSON 或 Shapefile 压缩包)",
        "Upload a CSV or Excel (.xlsx) file (boundaries: GeoJSON or a zipped shapefile)",
    ),
    "imp_sheet": ("工作表", "Worksheet"),
    "imp_help": (
        "上传从省、国家系统导出的表或手工整理的 Excel：自动识别编码(UTF-8/GBK)、标题行和列名；"
        "先校验、预览，确认后才写入。名单比对(脱贫户、低保、残疾人、资助系统)请到“精准识别”页。",
        "Upload an export or a hand-made sheet: encoding, title rows and headers are recognised; the file "
        "is validated and previewed before anything is written. Registry lists go to the reconciliation page.",
    ),
    "imp_from_explore": ("来自“自由探索”的文件", "File passed on from Explore"),
    "imp_mapping": (
        "列对应关系(自动识别，可修改；导入时按表头记住)",
        "Column mapping (guessed; change it; remembered for this layout)",
    ),
    "imp_mode": ("导入方式", "Mode"),
    "imp_crs": ("坐标系", "Coordinate system"),
    "imp_report": ("校验结果", "Validation"),
    "imp_by_code": ("问题汇总", "Problems by code"),
    "imp_problems": ("问题明细(行号、列名与文件一致)", "Problems (rows and columns as in the file)"),
    "imp_preview": ("将导入的数据(前 100 行，已脱敏)", "Rows to import (first 100, masked)"),
    "imp_drop_bad": ("跳过有错误的行，只导入其余行", "Skip the rows with errors and import the rest"),
    "imp_commit": ("导入", "Import"),
    "imp_fatal": (
        "文件不能导入：缺少的列请在上面的“列对应关系”中指定，其他问题请修正文件后重新上传。",
        "The file cannot be imported: map the missing columns above, or fix the file and upload again.",
    ),
    "imp_has_errors": (
        "文件有错误：请修正后重新上传，或勾选“跳过有错误的行”。",
        "The file has errors: fix them, or choose to skip the rows with errors.",
    ),
    "imp_history": ("最近的导入", "Recent imports"),
    "imp_undo": ("撤销最近一次导入", "Undo the last import"),
    "imp_codes": ("问题代码说明", "Problem codes"),
    "imp_drop_counts": ("({bad} 行有错误，可导入 {ok} 行)", " ({bad} rows with errors, {ok} to import)"),
    "imp_truncated": (
        "只显示前 {shown} 条，共 {n} 条；用命令行 validate --json 可得全部。",
        "Showing the first {shown} of {n}; the command line's validate --json gives them all.",
    ),
    "imp_undone": (
        "已撤销 {id}：删除导入的 {removed} 行，恢复原有的 {restored} 行。",
        "Undid {id}: {removed} imported rows deleted, {restored} earlier rows restored.",
    ),
    "imp_mode_help": (
        "追加：只新增，已有的记录算错误；追加并更新：已有的记录按文件覆盖(文件没有的列保留原值)；"
        "替换：删除“{partition}”中文件没有列出的行，再写入文件(只在您的权限范围内)。",
        "Append: new records only, an existing one is an error; append and update: existing records "
        "take the file's values (columns the file lacks keep theirs); replace: rows of “{partition}” "
        "the file does not list are deleted, then the file is written (within your scope only).",
    ),
    "imp_header_row": ("表头在第 {row} 行；空行不计", "Header on row {row}; empty rows not counted"),
    "imp_done": (
        "已导入 {id}（{kind}，{mode}）：写入 {n} 行",
        "Imported {id} ({kind}, {mode}): {n} rows written",
    ),
    "imp_done_new": ("其中新增 {n} 行", "{n} of them new"),
    "imp_done_removed": ("替换时删除 {n} 行", "{n} deleted by the replace"),
    "imp_done_skipped": ("跳过有错误的 {n} 行", "{n} rows with errors skipped"),
    "imp_done_undo": ("。如有误，可在下方撤销。", ". If it is wrong, undo it below."),
    "imp_example": ("示例", "Example"),
    "imp_field_kind": ("{label}({kind})", "{label} ({kind})"),
    "imp_empty": ("(空)", "(empty)"),
    "imp_no_history": ("还没有导入记录。", "No imports yet."),
    "imp_cannot_undo": (
        "最近一次导入 {id} 不能撤销：{reason}",
        "The last import {id} cannot be undone: {reason}",
    ),
    "imp_checking": ("正在校验…", "Checking…"),
    "imp_commit_rows": ("导入 {n} 行", "Import {n} rows"),
    "imp_starting": ("开始导入…", "Starting the import…"),
    "exp_of": ("{measure}的{agg}", "{agg} of {measure}"),
    "exp_by_title": ("{what}，按{by}", "{what} by {by}"),
    "exp_swapped": (
        "(经纬度填反，已按交换后显示)",
        " (longitude and latitude were swapped; shown swapped back)",
    ),
    "exp_grid": (
        "按经纬度汇总到约 1 公里网格：{mapped} / {rows} 行可定位",
        "Summed to a grid of about 1 km by coordinates: {mapped} of {rows} rows located",
    ),
    "exp_by_villages": (
        "按村(社区)代码，汇总到乡镇统计行数：{mapped} / {rows} 行可对应到本区乡镇",
        "Rows counted by village code, summed to townships: {mapped} of {rows} rows match a township",
    ),
    "exp_by_townships": (
        "按乡镇统计行数：{mapped} / {rows} 行可对应到本区乡镇",
        "Rows counted by township: {mapped} of {rows} rows match a township",
    ),
    "exp_masked": ("；已脱敏：{cols}", "; masked: {cols}"),
    "exp_file_caption": (
        "{name} · 表头在第 {header} 行 · {rows} 行 × {cols} 列",
        "{name} · header on row {header} · {rows} rows × {cols} columns",
    ),
    "exp_encoding": (" · 编码 {enc}", " · encoding {enc}"),
    "exp_not_saved": (" · 未保存", " · not saved"),
    "exp_chart_title": (
        "{what} · 文件 {name}(未入库)· {day}查看",
        "{what} · file {name} (not stored) · seen {day}",
    ),
    "exp_pick_number": ("请选择数值列。", "Choose a numeric column."),
    "exp_map_rows": ("{name} 行数", "{name}: rows"),
    "exp_map_towns": ("{name} 行数 · 按乡镇", "{name}: rows by township"),
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
    "exp_no_map": (
        "文件没有经纬度列，也没有本区乡镇、村(社区)代码或乡镇名称列，无法制图。",
        "No longitude/latitude and no township or village codes: nothing to map.",
    ),
    "exp_to_import": ("转到数据导入", "Pass on to Data import"),
}


#: Labels lib writes in Chinese (ingest tables, correction kinds): Chinese -> English.
LABELS: dict[str, str] = {
    # import kinds (lib.ingest.kinds): the registries reconciled against the students
    "脱贫户/防返贫监测对象(乡村振兴部门)": "Lifted-from-poverty and monitored households (rural revitalisation)",
    "低保/特困供养(民政部门)": "Minimum living allowance and extreme poverty support (civil affairs)",
    "残疾人(残联)": "Persons with disabilities (disabled persons' federation)",
    "全国学生资助管理系统导出": "Export of the national student aid system",
    # what each kind holds, and what a replace covers
    "学校名单：标识码、名称、办学类型、所在乡镇与坐标、学位与班级数。": (
        "School list: code, name, level, township and coordinates, seats and classes."
    ),
    "行政村(社区)：12 位代码、名称、所属乡镇与坐标。": "Villages: 12-digit code, name, township and coordinates.",
    "各村(社区)分年龄(0-15 岁)的学龄人口。": "School-age population of each village by age (0-15).",
    "学生学籍：身份证号或学籍号、姓名、学校、年级、户籍村与各项标记。": (
        "Student records: ID or student number, name, school, grade, home village and flags."
    ),
    "缺勤记录：学生、日期、是否请假。": "Absences: student, date, excused or not.",
    "辍学/疑似辍学台账：学生、户籍村、状态、原因与各环节日期。": (
        "Dropout cases: student, home village, status, reason and the dates of each step."
    ),
    "资助发放台账：学生、项目、学年学期、标准与实发金额、日期。": (
        "Aid payments: student, programme, year and term, standard and paid amounts, dates."
    ),
    "联系人：各乡镇的镇长、各村的村长等(按角色与单位)。": (
        "Contacts: township heads, village heads and so on (by role and unit)."
    ),
    "文件涉及的乡镇的全部学校": "all schools of the townships in the file",
    "文件涉及的乡镇的全部村(社区)": "all villages of the townships in the file",
    "文件涉及的村(社区)在文件涉及年份的全部数据": "all figures of the file's villages for the file's years",
    "文件涉及的学校的全部学生": "all students of the schools in the file",
    "文件涉及的学生在文件日期范围内的缺勤记录": "the absences of the file's students within its dates",
    "文件涉及的户籍村(社区)的全部台账": "all cases of the home villages in the file",
    "文件涉及的学校、项目、学年与学期的全部资助记录": (
        "all aid records of the file's schools, programmes, years and terms"
    ),
    "文件涉及的乡镇(村)的全部联系人": "all contacts of the townships (villages) in the file",
    # modes and coordinate systems (lib.ingest.validate)
    "追加(已有的记录报错)": "Append (existing records are errors)",
    "追加并更新已有行": "Append and update existing rows",
    "替换文件涉及的范围": "Replace what the file covers",
    "WGS-84 / CGCS2000(GPS、天地图)": "WGS-84 / CGCS2000 (GPS, Tianditu)",
    "GCJ-02(高德、腾讯)": "GCJ-02 (Amap, Tencent)",
    "BD-09(百度)": "BD-09 (Baidu)",
    # field labels the data model does not have
    "坐标系": "Coordinate system",
    "户籍村名称": "Home village name",
    "单位名称": "Unit name",
    "村(社区)": "Village",
    "异地就读学校": "School elsewhere",
    "异地就学确认日期": "Studying elsewhere confirmed on",
    "(不导入)": "(not imported)",
    # what a field holds, when two fields share a label (lib.ingest.view._FIELD_TYPES)
    "文字": "text",
    "证件号": "ID number",
    "整数": "whole number",
    "数值": "number",
    "是/否": "yes/no",
    # the validation report (lib.ingest.view)
    "可导入行": "Rows to import",
    "错误": "Errors",
    "警告": "Warnings",
    "没有错误的行": "Rows without errors",
    "有错误的行不会被导入": "Rows with errors are not imported",
    "有警告的行会被导入，请核对": "Rows with warnings are imported: please check them",
    "代码": "Code",
    "级别": "Severity",
    "含义": "Meaning",
    "处数": "Count",
    "行": "Row",
    "列": "Column",
    "文件行号": "Row in file",
    "编号": "ID",
    "方式": "Mode",
    "文件": "File",
    "写入": "Written",
    "新增": "New",
    "删除": "Deleted",
    "跳过": "Skipped",
    # 自由探索 (lib.ingest.explore): profile headers, aggregates
    "缺失": "Missing",
    "缺失率": "Missing share",
    "不同值": "Distinct",
    "示例": "Examples",
    "行数": "Rows",
    "平均": "Mean",
    "中位数": "Median",
    "最小": "Min",
    "最大": "Max",
    "不同值个数": "Distinct values",
    # progress of a commit (lib.ingest.commit)
    "正在按数据库现状校验…": "Checking against the database…",
    "正在记录导入…": "Recording the import…",
    "完成": "Done",
    "正在保存导入前快照…": "Saving the undo snapshot…",
    "正在检查关联记录…": "Checking related records…",
    # 更正记录 (lib.ingest.corrections)
    "村(社区)学龄人口": "Village school-age population",
    "资助记录": "Aid record",
    "字段": "Field",
    "原值": "Old value",
    "新值": "New value",
    # the go-live kinds and the other kinds' descriptions (lib.ingest.kinds)
    "乡镇边界": "Township boundaries",
    "在校生人数(教育事业统计)": "Enrolment counts (education statistics)",
    "学籍异动": "Enrolment changes",
    "原学校标识码": "Code of the school before",
    "在校生数": "Pupils",
    "异动日期": "Change date",
    "异动类型": "Change type",
    "异动编号": "Change ID",
    "户籍地代码": "Home area code",
    "转入学校标识码": "Code of the school joined",
    "边界": "Boundary",
    "乡镇(街道)边界：GeoJSON 或 Shapefile(zip)，属性含乡镇代码与名称；建立本县区的乡镇。": (
        "Township boundaries: GeoJSON or a zipped shapefile with township codes and names; sets up the county's townships."
    ),
    "教育事业统计：各学年、各学校、各年级的在校生数(巩固率的依据)。": (
        "Education statistics: pupils per school year, school and grade (the basis of the retention rate)."
    ),
    "学籍异动：转出、转入、休学、复学，含日期与对方确认(审批)日期。": (
        "Enrolment changes: transfers out and in, suspensions and returns, with dates and the other side's confirmation."
    ),
    "校历：每天是否上课(含调休上课日)；学年与学期可省略(按日期推算)。": (
        "School calendar: whether each day is a school day (make-up days included); year and term may be left out."
    ),
    "资助申请与审批进度：学生、项目、学年学期、金额、审批状态。": (
        "Aid applications and their approval: student, programme, year and term, amount, status."
    ),
    "资助资金下达：学年、项目、资金来源、(乡镇)、金额、日期、文号。": (
        "Aid funds allocated: year, programme, source, (township), amount, date, document number."
    ),
    "非义务教育阶段受助学生(普通高中、中职、大学)：身份、学段、学校、户籍与困难类别。": (
        "Aid recipients beyond compulsory school (high school, vocational, university): identity, stage, school, "
        "home and category."
    ),
    "社会捐赠：捐赠方、金额、到账日期、用途。": "Donations: donor, amount, date received, purpose.",
    "捐赠发放：哪笔捐赠、发给谁(学生或受助人)、金额、日期。": (
        "Donation payments: which donation, to whom (student or recipient), amount, date."
    ),
    "大学新生助学(八月)申请：受助人、录取院校、状态。": (
        "University freshman aid (August): recipient, university, status."
    ),
    "脱贫户/防返贫监测对象(乡村振兴部门)：在“学生资助”页与学籍比对，不直接写入数据库。": (
        "Lifted-from-poverty and monitored households: compared with the students on the registry-check page, "
        "not stored."
    ),
    "低保/特困供养(民政部门)：在“学生资助”页与学籍比对，不直接写入数据库。": (
        "Minimum living allowance and extreme poverty support: compared with the students on the registry-check "
        "page, not stored."
    ),
    "残疾人(残联)：在“学生资助”页与学籍比对，不直接写入数据库。": (
        "Persons with disabilities: compared with the students on the registry-check page, not stored."
    ),
    "全国学生资助管理系统导出：在“学生资助”页与学籍比对，不直接写入数据库。": (
        "Export of the national student aid system: compared with the students on the registry-check page, not stored."
    ),
    "适龄儿童花名册(户籍数据)：在“学籍核查”页导入，与学籍比对。": (
        "Roster of school-age children (household registration): imported on the roster-check page and compared."
    ),
    "本县区的全部乡镇(街道)": "all townships of the county",
    "文件涉及的学校在文件涉及学年的全部年级人数": "all grade counts of the file's schools in the file's years",
    "文件涉及的学生的全部学籍异动": "all enrolment changes of the file's students",
    "文件涉及学年的全部日期(只列调整的日期时请用“追加并更新”)": (
        "every day of the file's school years (to list only changed days, use append and update)"
    ),
    "文件涉及学年的全部资助申请": "all aid applications of the file's years",
    "文件涉及学年的全部资金下达": "all fund allocations of the file's years",
    "文件涉及学段的全部受助学生": "all recipients of the file's stages",
    "文件涉及年份的全部新生助学申请": "all freshman applications of the file's years",
    "文件涉及的捐赠的全部发放记录": "all payments of the file's donations",
    "与文件同一到账日期的全部捐赠": "all donations received on the file's dates",
}
