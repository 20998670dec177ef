"""学校布局.

coverage (schools against where children live: reach, capacity, 大班额), population
(cohort projection), planning (scenarios: close, merge, add; optimisation).
"""
