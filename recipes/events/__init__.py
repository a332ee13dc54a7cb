"""Events: the times a recipe was done somewhere, their accounts, and series of events across towns.

``models`` holds the stored facts; ``recording`` records, changes and deletes events; ``series``
creates and reads series; ``finding`` narrows events by recipe, lineage, region, series, dates and
box; ``formats`` turns events into GeoJSON and iCalendar.
"""
