"""Shared presentation: charts (one chart style), maps (offline folium), reports
(formula-safe spreadsheets and CSV) and cards (the metric card and the palette with fixed
meanings).  Domains may use it; it imports no domain.
"""
