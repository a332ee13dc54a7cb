"""Events: the times a recipe was done somewhere, their accounts, and series of events across towns.

``models`` holds the stored facts; ``cleaning`` checks what people send; ``recording`` records,
changes and deletes events; ``series`` creates and reads series and places regions on the map;
``finding`` narrows events by recipe, lineage, region, series, dates and box; ``formats`` turns
events into GeoJSON and iCalendar.

May import: the ground, ``community``, ``journal``, ``history`` and ``lineage``.
"""
