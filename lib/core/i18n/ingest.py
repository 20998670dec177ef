"""Labels: 数据导入, 自由探索, 更正记录.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
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
    # 更正记录 (lib.ingest.corrections)
    "村(社区)学龄人口": "Village school-age population",
    "资助记录": "Aid record",
    "字段": "Field",
    "原值": "Old value",
    "新值": "New value",
}
