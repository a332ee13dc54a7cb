"""Recipes that travel: forks into regional variants, their lineage, and trading changes both ways.

- ``forks``: copying a recipe into a variant that records its parent and fork point.
- ``tree``: ancestors, descendants and how far a variant is behind or ahead of its upstream.
- ``sync``: taking in upstream's changes with a three-way merge.
- ``proposals``: offering a variant's changes to its parent, accepted by a three-way merge.
- ``bases``: the text a variant and its parent already share, where a sync or a proposal starts.

May import: the ground modules, ``licences``, ``community``, ``journal`` and ``history``.
"""
