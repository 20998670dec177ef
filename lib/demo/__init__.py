"""The synthetic, deterministic demo county (平桥区 inside its real boundary).

county (townships, villages, schools, students, absences), dropout (cases), aid (records),
roster (the 花名册), history (the students' change log, replayed back to the calendar's first
day; the other logs are generated with the county).  Production code never imports it.
"""
