"""A recipe's history: every save kept as a revision, diffs between any two, and three-way merges.

- ``diffing``: differences for people (line first, then word level), with a deadline.
- ``merge``: diff3 of base, ours and theirs; changes that do not touch are combined, the rest are
  conflicts for a person. Never fuzzy patching.
- ``diff3``: the three-way merge of token sequences that ``merge`` runs on lines and on words.
- ``refining``: a line-level conflict merged more finely where it is each side's intent, with words
  that keep numbers and their units whole.
- ``revisions``: appending a revision and moving the head with a compare-and-set.
- ``editing``: creating, editing (merging a stale save with the head) and reverting.
- ``images``: pictures uploaded to a recipe, checked by their content and stored once.

May import: the ground modules, ``licences``, ``community`` and ``journal``.
"""
