"""The synthetic, deterministic demo county (平桥区 inside its real boundary).

county (townships, villages, schools, students, absences), dropout (cases), aid (records),
roster (the 花名册); the change log of registered attributes is generated with the county
(``county._County._history``).  Production code never imports it.
"""
