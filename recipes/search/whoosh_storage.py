"""The files of a Whoosh index folder, read with plain reads, the field lengths held in memory.

Whoosh keeps a segment's files (postings, terms, columns) as parts of one compound file and reads
each part through seeks and reads on that file. Mapping it instead would be quicker, but Whoosh
copies each mapped part it opens whole into the process, for every reader: at 10,000 recipes some
100 MB per searcher, plus the mapped pages the copy touched. Read from the file, a searcher holds
only what it reads, and the operating system's cache, shared by every process, keeps the pages.

One part is read far more often than the others: scoring a match (BM25) asks for the length of the
matched field in that document, a one-byte read from the field's length column for every document
of every word searched. Those columns are small (a byte per document and scored field), so a
searcher reads each one once, whole, and answers the lengths from memory.
"""

from __future__ import annotations

from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile

# How Whoosh's codec names a field's length column inside a segment: "<segment>._<field>_len.col".
LENGTHS_SUFFIX = "_len.col"


class IndexStorage(FileStorage):
    """An index folder whose segment files keep their length columns in memory once opened."""

    def __init__(self, path: Path | str):
        super().__init__(str(path), supports_mmap=False)

    def open_file(self, name, **kwargs) -> StructFile:
        if name.endswith(LENGTHS_SUFFIX):  # a segment written without a compound file
            return BufferFile(Path(self._fpath(name)).read_bytes(), name=name)
        return SegmentFile(open(self._fpath(name), "rb"), name=name, **kwargs)


class SegmentFile(StructFile):
    """A segment's compound file: a length column is read whole, other parts through the file."""

    def subset(self, offset, length, name=None) -> StructFile:
        if name is not None and name.endswith(LENGTHS_SUFFIX):
            self.seek(offset)
            return BufferFile(self.read(length), name=name)
        return super().subset(offset, length, name=name)
