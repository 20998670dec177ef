"""The overview and what stands on every domain.

metrics (the headline numbers; docs/metrics.md), view (cards, tables, choropleth), queries
(the overview's reads), briefing (汇报 HTML and xlsx), todo (我的待办).
"""
