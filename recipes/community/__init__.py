"""Who takes part and where: accounts, regions, roles and what each role may do and see.

- ``accounts``: users, passwords and personal API tokens.
- ``regions``: the places whose networks adapt recipes.
- ``policy``: who may do what (one table of the minimum role per action, plus blocks and protection).
- ``visibility``: which revisions and recipes a viewer may see (pending and rejected ones are hidden).

May import: the ground modules of ``recipes`` and ``recipes.licences``.
"""
