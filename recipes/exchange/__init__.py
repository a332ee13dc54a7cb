"""Moving a whole wiki between instances and databases: export, import, backup.

Glossary:
- *export file*: JSON Lines; a *header* line (format, version, database schema, records per table)
  then one *record* per line, ``{"table": …, "row": {…}}``, table by table in dependency order, rows
  by primary key. Described for people in docs/export-format.md.
- *plan*: which tables are written and how (``plan``); *derived* tables (the search index and its
  outbox) are not, they are rebuilt after an import; *credentials* only on request.
- *forward reference*: a key naming a row that comes later in the file (a recipe's head revision),
  written once the whole file is read (``references``).
- *backup*: a consistent copy of the database file, made while the wiki runs (SQLite only).
- *MediaWiki import*: the pages of a MediaWiki export, with their history (``mediawiki``).

May import: the ground modules of ``recipes`` and every group but ``demo``.
"""

from .backup import BackupUnsupported, backup_database
from .export import ExportReport, export_wiki
from .importer import ImportReport, import_wiki
from .mediawiki import ExportRefused, MediaWikiReport, import_mediawiki
from .records import ImportRefused

__all__ = [
    "BackupUnsupported",
    "ExportRefused",
    "ExportReport",
    "ImportRefused",
    "ImportReport",
    "MediaWikiReport",
    "backup_database",
    "export_wiki",
    "import_mediawiki",
    "import_wiki",
]
