"""What happened, for people to follow: recent changes, the audit log and watchlists.

- ``changes``: one append-only row per change (edits, forks, reviews, blocks …) and its patrol mark.
- ``audit``: the moderation actions, which the database itself refuses to change or delete.
- ``watchlist``: the recipes and regions a person follows, and what changed since their last visit.

May import: the ground modules, ``licences`` and ``community``.
"""
