"""Running it day to day: backup (and restore), rollover (the school year), retention
(de-identify leavers), health (the status page).
"""
