"""Labels: The frame: title, banner, navigation, scope filters, headline labels.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("平桥区控辍保学与学生资助", "Pingqiao dropout control & student aid"),
    "demo_banner": (
        "演示数据，非真实统计：本系统当前载入的是按固定随机种子生成的合成数据(锚定 2026年11月20日)，"
        "乡镇边界与驻地为示意，不代表平桥区真实情况。",
        "Synthetic demo data, not real statistics: generated from a fixed seed (anchored to "
        "2026-11-20); township boundaries and seats are illustrative, not real Pingqiao figures.",
    ),
    "nav_overview": ("总览", "Overview"),
}
