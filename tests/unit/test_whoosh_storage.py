"""The index's files: field lengths read whole into memory, the rest through the file, the same answers."""

from __future__ import annotations

import pytest
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile

from recipes.search.whoosh_storage import LENGTHS_SUFFIX, IndexStorage

SCHEMA = Schema(key=ID(stored=True), body=TEXT, title=TEXT)
TEXTS = ["pain de seigle au levain", "levain", "", "une très longue recette de pain " * 20]


@pytest.fixture(params=[True, False], ids=["compound", "separate files"])
def folder(tmp_path, request):
    ix = IndexStorage(tmp_path).create_index(SCHEMA)
    writer = ix.writer()
    for number, text in enumerate(TEXTS):
        writer.add_document(key=str(number), body=text, title=text[:10])
    writer.commit(merge=False)
    writer = ix.writer(compound=request.param)  # a second segment, written like an outbox batch
    writer.add_document(key="late", body="levain tardif", title="tardif")
    writer.commit(merge=False)
    return tmp_path


def _lengths(storage) -> list[tuple[str, int, int]]:
    with storage.open_index().searcher() as searcher:
        reader = searcher.reader()
        return [
            (reader.stored_fields(docnum)["key"], reader.doc_field_length(docnum, "body"),
             reader.doc_field_length(docnum, "title"))
            for docnum in reader.all_doc_ids()
        ]


def test_field_lengths_are_those_whoosh_reads_from_the_files(folder):
    lengths = _lengths(IndexStorage(folder))
    assert lengths == _lengths(FileStorage(str(folder), supports_mmap=False))
    assert len(lengths) == len(TEXTS) + 1 and {body for _key, body, _title in lengths} != {0}


def test_only_the_length_columns_are_held_in_memory(folder):
    storage = IndexStorage(folder)
    with storage.open_index().reader() as reader:
        segments = [leaf.segment() for leaf, _docbase in reader.leaf_readers()]
    assert len(segments) == 2
    for segment in segments:
        files = segment.open_compound_file(storage) if segment.is_compound() else storage
        names = [name for name in files.list() if name.startswith(segment.segment_id())]
        assert any(name.endswith(LENGTHS_SUFFIX) for name in names)
        for name in names:
            opened = files.open_file(name)
            assert isinstance(opened, BufferFile) == name.endswith(LENGTHS_SUFFIX), name
            opened.close()
        if files is not storage:
            files.close()
