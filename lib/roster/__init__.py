"""学籍核查 · 适龄儿童花名册.

register (import the roster, match, classify each child), checks (double enrolment,
transfers, studying elsewhere, problem records), actions (what staff do from the lists),
transition (小升初: primary and 教学点 leavers followed until a school receives them),
view (page tables and cards), address (户籍地址 or a village code -> home township and village),
filecheck (an uploaded roster checked phase by phase, as a background job).
"""
