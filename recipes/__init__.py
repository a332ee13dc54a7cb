"""Levain's domain: recipes, their history and lineage, moderation, search and exchange, in plain Python.

Nothing here imports Flask: a caller hands each function an explicit SQLAlchemy session and gets
domain objects back, or an exception of ``recipes.errors``.

The modules at this level are the ground every group stands on: ``models`` (the stored facts),
``database`` (engines, sessions, write transactions), ``schema`` (Alembic upgrades), ``errors``,
``blobs`` (content-addressed texts), ``queries`` (looking recipes and revisions up), ``slugs``,
``summaries`` (automatic summaries, stored as what happened), ``validation`` (cleaning what people
send) and ``starter`` (the template of a new recipe).

The groups, each a subpackage, in the one order their imports may go (a group imports the ground
and the groups before it, never one after it; ``tests/unit/test_layers.py`` keeps it so):

1. ``licences``: which licence a recipe has and which way text may flow between licences.
2. ``community``: accounts, regions, roles and what each may do (``policy``) and see (``visibility``).
3. ``journal``: what happened: recent changes, the audit log, watchlists.
4. ``history``: a recipe's revisions: diffing, three-way merging, saving, reverting, pictures.
5. ``lineage``: forks, the lineage tree, syncing from upstream, proposals back upstream.
6. ``moderation``: review of pending edits, rollback, protection, blocks, renaming and deletion.
7. ``events``: times a recipe was done somewhere, their accounts, series of events.
8. ``search``: the derived full-text index, and browsing by tag, region and popularity.
9. ``exchange``: moving a whole wiki in and out: export, import, backup, MediaWiki import.
10. ``demo``: the demo wiki, built through the groups above.
"""
