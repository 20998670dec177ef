"""重点关注学生.

score (the rules and their weights, pure), inputs (the store read behind the score), listing (the scored, masked list with reasons),
backtest (how well the score foresaw past dropouts).
"""
