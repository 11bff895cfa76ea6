"""The SVF engine: pathway assembly (SPEC §4) in DuckDB over the Parquet event store.

The SQL lives in ``sql/assemble.sql``; this module only registers its inputs (events, the pathway
catalogue as small relations, the delivery cut-offs) and reads its outputs. The same rules are
implemented slowly and plainly in :mod:`lofte.svf.reference`; property tests require both to agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lofte.catalog import Catalog, load
from lofte.catalog.model import EXIT_SUFFIXES
from lofte.svf import queries, tuning

if TYPE_CHECKING:
    import duckdb

EVENT_SCHEMA = pa.schema(
    [
        ("delivery_id", pa.int64()),
        ("line", pa.int32()),
        ("patient", pa.string()),
        ("pathway", pa.string()),
        ("suffix", pa.int16()),
        ("event_date", pa.date32()),
        ("reporting_region", pa.string()),
        ("residence_region", pa.string()),
        ("unit", pa.string()),
    ]
)

_FAR_FUTURE = dt.date(9999, 12, 31)


def catalog_relations(catalog: Catalog, book: Codebook | None = None) -> dict[str, pa.Table]:
    """The pathway catalogue as the small relations the SQL joins against (with ``book``: the
    pathway column in its codes)."""
    end_rows: list[tuple[str, int, bool]] = []
    info_rows: list[tuple[str, bool, int | None]] = []
    version_rows: list[tuple[str, dt.date, dt.date]] = []
    day_rows: list[tuple[str, dt.date, int, int | None, int | None]] = []
    for p in catalog.pathways.values():
        national = set(p.end_suffixes)
        for suffix in sorted(national | set(EXIT_SUFFIXES)):
            end_rows.append((p.id, suffix, suffix in national))
        info_rows.append((p.id, p.mdk_measured, p.extended_marker))
        versions = sorted(p.lead_times, key=lambda v: v.valid_from)
        for i, v in enumerate(versions):
            valid_to = versions[i + 1].valid_from if i + 1 < len(versions) else _FAR_FUTURE
            version_rows.append((p.id, v.valid_from, valid_to))
            extended = v.extended or {}
            for suffix in sorted(set(v.basic) | set(extended)):
                day_rows.append(
                    (p.id, v.valid_from, suffix, v.basic.get(suffix), extended.get(suffix))
                )

    def table(rows: Sequence[tuple], schema: pa.Schema) -> pa.Table:
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
        return pa.table(
            [pa.array(list(c), f.type) for c, f in zip(columns, schema, strict=True)], schema=schema
        )

    relations = {
        "end_suffixes": table(
            end_rows,
            pa.schema(
                [("pathway", pa.string()), ("suffix", pa.int16()), ("is_national", pa.bool_())]
            ),
        ),
        "pathway_info": table(
            info_rows,
            pa.schema(
                [
                    ("pathway", pa.string()),
                    ("mdk_measured", pa.bool_()),
                    ("extended_marker", pa.int16()),
                ]
            ),
        ),
        "versions": table(
            version_rows,
            pa.schema(
                [("pathway", pa.string()), ("valid_from", pa.date32()), ("valid_to", pa.date32())]
            ),
        ),
        "version_days": table(
            day_rows,
            pa.schema(
                [
                    ("pathway", pa.string()),
                    ("valid_from", pa.date32()),
                    ("suffix", pa.int16()),
                    ("basic_days", pa.int32()),
                    ("extended_days", pa.int32()),
                ]
            ),
        ),
    }
    if book is None:
        return relations
    return {
        name: t.set_column(0, "pathway", book.code_of("pathway", t.column(0).to_pylist()))
        for name, t in relations.items()
    }


def cutoff_table(cutoffs: Mapping[str, dt.date], book: Codebook | None = None) -> pa.Table:
    """Region → cut-off date (latest window end of its active deliveries), SPEC §4 rule 7."""
    return pa.table(
        {
            "region": book.code_of("region", cutoffs)
            if book is not None
            else pa.array(list(cutoffs), pa.string()),
            "cutoff": pa.array(list(cutoffs.values()), pa.date32()),
        }
    )


def connect(
    threads: int | None = None, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection for one engine run.

    ``threads`` and ``memory_limit`` (e.g. ``3GB``) default to the engine configuration in force
    (:attr:`~lofte.svf.tuning.EngineConfig.duckdb_threads`,
    :attr:`~lofte.svf.tuning.EngineConfig.duckdb_memory_limit`); above the memory limit DuckDB
    spills to ``LOFTE_HOME/tmp``.
    """
    import duckdb

    in_force = tuning.current()
    threads = threads or in_force.duckdb_threads
    memory_limit = memory_limit or in_force.duckdb_memory_limit
    settings: dict[str, Any] = {"preserve_insertion_order": False}
    if threads:
        settings["threads"] = int(threads)
    if memory_limit:
        from lofte import config

        settings["memory_limit"] = memory_limit
        settings["temp_directory"] = str(config.subdir("tmp"))
    return duckdb.connect(":memory:", config=settings)


#: The string columns of the events that the engine works on as integer codes.
CODED_COLUMNS = ("patient", "pathway", "reporting_region", "residence_region")


@dataclass
class Codebook:
    """The strings behind the integer codes of one engine run, each list in string order.

    The SQL compares, groups and orders these columns only by equality and order, so it runs
    unchanged on codes whose order is the strings' order; 64-character pseudonyms and short
    codes alike become 32-bit integers, which DuckDB sorts and partitions far faster.
    """

    patient: pa.Array
    pathway: pa.Array
    region: pa.Array

    def decode(self, table: pa.Table, columns: Mapping[str, str]) -> pa.Table:
        """``table`` with each named column (name → ``patient``/``pathway``/``region``) decoded."""
        for name, book in columns.items():
            if name not in table.column_names:
                continue
            index = table.column_names.index(name)
            names: pa.Array = getattr(self, book)
            table = table.set_column(index, name, pc.take(names, table.column(name)))
        return table

    def code_of(self, book: str, values: Iterable[str]) -> pa.Array:
        """Codes of known ``values`` in codebook ``book`` (null where unknown)."""
        names: pa.Array = getattr(self, book)
        return pc.index_in(pa.array(list(values), pa.string()), value_set=names).cast(pa.int32())


#: How the instances' string columns decode.
INSTANCE_CODES = {
    "patient": "patient",
    "pathway": "pathway",
    "start_region": "region",
    "residence_region": "region",
    "end_region": "region",
}


def _dictionary_chunks(column: pa.ChunkedArray) -> list[pa.DictionaryArray]:
    if pa.types.is_dictionary(column.type):
        return [c for c in column.chunks if len(c)]
    return [pc.dictionary_encode(c) for c in column.chunks if len(c)]


def _sorted_book(
    chunks: list[list[pa.DictionaryArray]], extra: Iterable[str] = ()
) -> tuple[pa.Array, list[list[np.ndarray]]]:
    """One codebook (sorted distinct strings) for several dictionary-encoded columns, and for
    each chunk the map from its dictionary indices to codebook codes."""
    dictionaries = [c.dictionary for column in chunks for c in column]
    extra_array = pa.array(sorted(set(extra)), pa.string())
    everything = pa.concat_arrays([d.cast(pa.string()) for d in dictionaries] + [extra_array])
    hex_book = _hex_book(everything)
    if hex_book is not None:
        book, position = hex_book
    else:
        encoded = pc.dictionary_encode(everything)
        distinct = encoded.dictionary
        order = pc.sort_indices(distinct).to_numpy()
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        position = rank[encoded.indices.to_numpy(zero_copy_only=False)]
        book = pc.take(distinct, pa.array(order))
    maps: list[list[np.ndarray]] = []
    offset = 0
    for column in chunks:
        column_maps = []
        for c in column:
            size = len(c.dictionary)
            column_maps.append(position[offset : offset + size])
            offset += size
        maps.append(column_maps)
    return book, maps


#: Each byte's value as a lowercase hexadecimal digit, 255 where it is none.
_HEX_DIGIT = np.full(256, 255, dtype=np.uint8)
_HEX_DIGIT[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = np.arange(16, dtype=np.uint8)


def _hex_rows(strings: pa.Array) -> np.ndarray | None:
    """The bytes of ``strings`` as an (n, 64) array when every string is 64 characters long
    (no nulls), else None."""
    n = len(strings)
    if not pa.types.is_string(strings.type) or strings.null_count:
        return None
    if n == 0:
        return np.zeros((0, 64), dtype=np.uint8)
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)[
        strings.offset : strings.offset + n + 1
    ]
    if not bool(np.all(np.diff(offsets) == 64)):
        return None
    data = np.frombuffer(strings.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.reshape(n, 64)


def _prefix_words(rows: np.ndarray) -> np.ndarray | None:
    """Each row's first 16 hex digits as a 64-bit word, whose numeric order is the strings'
    order (digits sort before ``a``–``f`` in both); None unless every byte of every row is a
    lowercase hex digit. Worked in slices, so no large temporary array is made."""
    first = np.empty(rows.shape[0], dtype=np.uint64)
    step = tuning.current().hex_slice
    for start in range(0, rows.shape[0], step):
        digits = _HEX_DIGIT[rows[start : start + step]]
        if bool((digits == 255).any()):
            return None
        # Two digits make a byte; the first 8 bytes, read big-endian, are the first word.
        packed = (digits[:, 0:16:2] << 4) | digits[:, 1:16:2]
        first[start : start + step] = packed.view(">u8").ravel()
    return first


def hex_prefix_words(strings: pa.Array) -> np.ndarray | None:
    """The first 16 hex digits of each pseudonym (64 lowercase hex digits) as an unsigned
    64-bit word in the strings' order; None if any string is not such a pseudonym."""
    rows = _hex_rows(strings)
    return None if rows is None else _prefix_words(rows)


def _hex_book(strings: pa.Array) -> tuple[pa.Array, np.ndarray] | None:
    """(sorted distinct strings, each string's position among them) for strings that are all
    64 lowercase hexadecimal digits, as the pseudonyms are; None for any other strings, and in
    the (practically impossible) case that two different strings share their first 16 digits.

    The first words (:func:`hex_prefix_words`) are sorted instead of the strings, and strings
    with equal words are compared byte for byte."""
    if len(strings) == 0:
        return None
    data = _hex_rows(strings)
    first = None if data is None else _prefix_words(data)
    if data is None or first is None:
        return None
    n = len(strings)
    order = np.argsort(first, kind="stable")
    ordered = first[order]
    new = np.ones(n, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    tied = np.flatnonzero(~new[1:])
    if tied.size and not bool((data[order[tied]] == data[order[tied + 1]]).all()):
        return None  # different strings with the same first 16 digits: the general path
    position = np.empty(n, dtype=np.int32)
    position[order] = np.cumsum(new, dtype=np.int32) - 1
    # The sorted distinct strings built from their bytes (faster than gathering strings).
    chosen = data[order[new]]
    m = chosen.shape[0]
    book = pa.StringArray.from_buffers(
        m,
        pa.py_buffer(np.arange(0, 64 * (m + 1), 64, dtype=np.int32)),
        pa.py_buffer(np.ascontiguousarray(chosen)),
    )
    return book, position


def _coded(chunks: list[pa.DictionaryArray], maps: list[np.ndarray]) -> pa.ChunkedArray:
    parts = []
    for c, mapping in zip(chunks, maps, strict=True):
        indices = c.indices
        if indices.null_count:
            valid = pc.is_valid(indices).to_numpy(zero_copy_only=False)
            raw = pc.fill_null(indices, 0).to_numpy(zero_copy_only=False)
            if not len(mapping):  # all null: an empty dictionary
                mapping = np.zeros(1, dtype=np.int32)
            parts.append(pa.array(mapping[raw], pa.int32(), mask=~valid))
        else:
            parts.append(pa.array(mapping[indices.to_numpy(zero_copy_only=False)], pa.int32()))
    # The chunks stay apart (DuckDB scans them as they are): no copy of the whole column.
    return pa.chunked_array(parts, pa.int32())


def encode_events(
    events: pa.Table | Iterable[Path] | None, catalog: Catalog
) -> tuple[pa.Table, Codebook]:
    """The events with :data:`CODED_COLUMNS` as int32 codes, and the codebook to decode them.

    Event-store files are read with their Parquet dictionaries kept, so the pseudonyms are
    hashed once per distinct value, not once per event.
    """
    if events is None:
        table = EVENT_SCHEMA.empty_table()
    elif isinstance(events, pa.Table):
        table = events
    else:
        files = [str(p) for p in events]
        if files:
            # One ParquetFile per file: pq.read_table over a list goes through the dataset layer,
            # whose first call in a process costs seconds more at national scale.
            wanted = [n for n in EVENT_SCHEMA.names if n != "unit"]

            workers = tuning.current().read_workers

            def read(path: str) -> pa.Table:
                return pq.ParquetFile(path, read_dictionary=list(CODED_COLUMNS)).read(
                    columns=wanted, use_threads=workers > 1
                )

            # A few files at a time (the reader releases the GIL), in the files' order.
            with ThreadPoolExecutor(max_workers=workers) as pool:
                table = pa.concat_tables(list(pool.map(read, files)))
        else:
            table = EVENT_SCHEMA.empty_table()
    chunks = {name: _dictionary_chunks(table.column(name)) for name in CODED_COLUMNS}
    patients, (patient_maps,) = _sorted_book([chunks["patient"]])
    # ``alla`` (every pathway) gets a code too: the cube's pathway codes are the same.
    pathways, (pathway_maps,) = _sorted_book([chunks["pathway"]], [*catalog.pathways, "alla"])
    regions, (reporting_maps, residence_maps) = _sorted_book(
        [chunks["reporting_region"], chunks["residence_region"]], catalog.regions
    )
    maps = {
        "patient": patient_maps,
        "pathway": pathway_maps,
        "reporting_region": reporting_maps,
        "residence_region": residence_maps,
    }
    with ThreadPoolExecutor(max_workers=tuning.current().read_workers) as pool:
        coded = dict(
            zip(
                CODED_COLUMNS,
                pool.map(lambda name: _coded(chunks[name], maps[name]), CODED_COLUMNS),
                strict=True,
            )
        )
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    for field in EVENT_SCHEMA:
        if field.name == "unit":
            continue
        if field.name in CODED_COLUMNS:
            columns[field.name] = coded[field.name]
        else:
            columns[field.name] = table.column(field.name).cast(field.type)
    return pa.table(columns), Codebook(patient=patients, pathway=pathways, region=regions)


def register_events(
    con: duckdb.DuckDBPyConnection, events: pa.Table | Iterable[Path] | None, catalog: Catalog
) -> Codebook:
    """Expose events as the relation ``events`` with coded strings (see :class:`Codebook`),
    and the catalogue relations and cut-offs in the same codes."""
    coded, book = encode_events(events, catalog)
    con.register("events", coded)
    return book


def assemble(
    con: duckdb.DuckDBPyConnection,
    events: pa.Table | Iterable[Path] | None,
    cutoffs: Mapping[str, dt.date] | None = None,
    catalog: Catalog | None = None,
    instances: bool = True,
) -> Codebook:
    """Run SPEC §4 on ``events``; leaves the temp tables ``sequenced`` (each event with its
    state), ``event_flags`` and ``instances``,
    whose patient, pathway and region columns are codes of the returned :class:`Codebook`.

    With ``instances=False`` only the ordering and the warnings are computed (the import's
    quality check needs no more).
    """
    catalog = catalog or load()
    book = register_events(con, events, catalog)
    for name, table in catalog_relations(catalog, book).items():
        con.register(name, table)
    con.register("cutoffs", cutoff_table(cutoffs or {}, book))
    con.execute(queries.script("lofte.svf", "assemble.sql"))
    # The events live on in the table sequenced: their Arrow columns can go (a national run
    # frees a third of a gigabyte here for the steps after it).
    con.unregister("events")
    if instances:
        con.execute(queries.script("lofte.svf", "instances.sql"))
    return book


def build_instances(
    events: pa.Table | Iterable[Path] | None,
    cutoffs: Mapping[str, dt.date] | None = None,
    catalog: Catalog | None = None,
) -> pa.Table:
    """Pathway instances of the given events, one row each, sorted by patient and pathway."""
    con = connect()
    book = assemble(con, events, cutoffs, catalog)
    return read_instances(con, book)


def instances_and_flags(
    events: pa.Table | Iterable[Path] | None,
    cutoffs: Mapping[str, dt.date] | None = None,
    catalog: Catalog | None = None,
) -> tuple[pa.Table, pa.Table]:
    """Both outputs of one assembly run: (instances, event flags)."""
    con = connect()
    book = assemble(con, events, cutoffs, catalog)
    return read_instances(con, book), _flags(con, book)


def read_instances(con: duckdb.DuckDBPyConnection, book: Codebook) -> pa.Table:
    """The ``instances`` table decoded, sorted by patient, pathway and instance number (the
    codes sort like the strings)."""
    coded = con.sql(queries.statement("lofte.svf", "outputs.sql", "instances"))
    return book.decode(coded.to_arrow_table(), INSTANCE_CODES)


def read_event_flags(con: duckdb.DuckDBPyConnection, book: Codebook) -> pa.Table:
    """The ``event_flags`` table decoded, sorted by delivery, line and flag."""
    coded = con.sql(queries.statement("lofte.svf", "outputs.sql", "event_flags"))
    return book.decode(coded.to_arrow_table(), {"pathway": "pathway"})


def _flags(con: duckdb.DuckDBPyConnection, book: Codebook) -> pa.Table:
    flags = read_event_flags(con, book)
    detail = pc.binary_join_element_wise(
        flags.column("pathway"),
        pc.cast(flags.column("suffix"), pa.string()),
        pc.cast(flags.column("event_date"), pa.string()),
        " ",
    )
    return pa.table(
        {
            "line": flags.column("line").cast(pa.int32()),
            "delivery_id": flags.column("delivery_id"),
            "flag": flags.column("flag"),
            "detail": detail,
        }
    )


def flag_events(
    events: pa.Table, catalog: Catalog | None = None, context: Iterable[Path] = ()
) -> pa.Table:
    """Warnings of SPEC §3/§4 for a set of events: ``line``, ``delivery_id``, ``flag``, ``detail``.

    Flags: ``duplicate_start``, ``orphan``, ``after_end`` and ``end_before_start`` (an unmatched
    end followed later by a start of the same pathway: *slut före start*). ``detail`` names the
    pathway, suffix and date, never the patient.

    ``context`` are event-store files of other regions' active deliveries: their events of the
    same patients and pathways take part in the assembly (a patient transferred from another
    region is no orphan), but only flags on ``events`` themselves are returned.
    """
    con = connect()
    files = [str(p) for p in context]
    if files:
        queries.bind(con, {"own_events": events.cast(EVENT_SCHEMA), "context": files})
        combined = con.sql(
            queries.statement("lofte.svf", "outputs.sql", "with_context")
        ).to_arrow_table()
        own_ids = set(pc.unique(events.column("delivery_id")).to_pylist())
        book = assemble(con, combined, None, catalog, instances=False)
        flags = _flags(con, book)
        keep = pc.is_in(
            flags.column("delivery_id"), value_set=pa.array(sorted(own_ids), pa.int64())
        )
        return flags.filter(keep)
    book = assemble(con, events, None, catalog, instances=False)
    return _flags(con, book)
