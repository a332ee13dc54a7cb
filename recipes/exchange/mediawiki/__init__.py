"""Bringing a MediaWiki's pages in, with their whole history: ``levain import-mediawiki``.

Glossary:
- *export*: the XML MediaWiki writes (Special:Export, ``dumpBackup.php --full``), read as a stream
  (``reading``), once to check and sum it up (``survey``), once to import it (``importing``).
- *source*: the wiki an export came from; page and revision ids are remembered per source (``models``).
- *conversion*: one revision's wikitext as Markdown (``wikitext``, with ``blocks``, ``lists``,
  ``tables`` and ``inline``), with its categories, files and what could not be converted.
- *base*: the converted text of a page's last imported revision, the base of the three-way merge with
  a recipe edited in Levain since (``pages``); overlapping changes go to a proposed variant
  (``conflicts``).
- *old address*: a redirect page's title, which leads to the recipe of its target (``addresses``).
"""

from .importing import LICENCES, import_mediawiki
from .reading import ExportRefused
from .report import MediaWikiReport, ParkedChanges, Skipped

__all__ = ["LICENCES", "ExportRefused", "MediaWikiReport", "ParkedChanges", "Skipped", "import_mediawiki"]
