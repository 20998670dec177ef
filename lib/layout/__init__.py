"""学校布局.

coverage (schools against where children live: reach, capacity, 大班额, the Scope's own
figures), population (cohort projection), assign (where pupils go when schools close, merge
or open: reach, boarding, 无法安置; classes recounted), planning (scenarios and what they
change), optimize (选址优化 with HiGHS: p-median, p-center, MCLP, LSCP), maps (the map as a
server-drawn PNG).
"""
