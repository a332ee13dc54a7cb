"""Licences: every recipe has an SPDX licence, and what may follow which is one small table.

- ``rules``: the licences Levain knows (name, deed), which licence an adaptation of each may take,
  which way text may flow between relatives, and which change of licence a moderator may make.
- ``attribution``: who wrote a recipe and the chain of recipes it was adapted from, each with its
  revision, licence and authors, as a reader credits them ("TASL": title, author, source, licence).

May import: the ground modules only.
"""
