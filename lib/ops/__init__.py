"""Running it day to day: backup (and restore), rollover (the school year), retention
(de-identify leavers), health (the status page), golive (上线检查: init a county's store,
the checklist of what is loaded, what each page needs, and where every table comes from),
jobs (后台任务: long work run in the background, its state in the store, its result kept for its owner).
"""
