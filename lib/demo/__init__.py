"""The synthetic, deterministic demo county (平桥区 inside its real boundary).

county (townships, villages, schools, students, absences), dropout (cases), aid (records),
roster (the 花名册).  Production code never imports it.
"""
