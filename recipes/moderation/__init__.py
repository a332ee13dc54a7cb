"""Keeping the wiki trustworthy: review of pending edits, rollback, protection, blocks, renames.

- ``review``: the queue of pending revisions, approving and rejecting them.
- ``rollback``: reverting a user's latest consecutive edits on one recipe or everywhere.
- ``protection``: who may edit a recipe, until when and why.
- ``blocks``: accounts kept from writing, until when and why.
- ``sanctions``: the expiry and reason rules protection and blocks share.
- ``relicensing``: a moderator changing a recipe's licence, only as its current licence permits.
- ``renaming``: new titles and slugs (old addresses keep working), soft deletion and restoring.

May import: the ground modules, ``licences``, ``community``, ``journal``, ``history`` and ``lineage``.
"""
