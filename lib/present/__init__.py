"""Shared presentation: charts (one chart style), maps (offline folium), reports
(formula-safe spreadsheets and CSV) and cards (the metric card and the palette with fixed
meanings); plain_templates spares folium's rendered text a needless Jinja compile.  Domains may use it; it imports no domain.
"""
