"""Files are safe: atomic writes keep modes and symlinks, concurrent ingests both land, truncated
files of every format are refused by every reader, stores are never created or written by
commands that only read, and every bad input is one line with exit code 2.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_runs import Outcome, load_in_another_process, run
from rdflib import Dataset, Graph, URIRef

from xpo1kg.rdf.safefile import WriteError
from xpo1kg.rdf.serialize import atomic_write
from xpo1kg.rdf.text import commit

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*(ConjunctiveGraph|default_context|contexts).*:DeprecationWarning"
)


def one_line_error(outcome: Outcome) -> str:
    """Assert exit code 2, no traceback, and exactly one ``error:`` line on stderr; return it."""
    assert outcome.uncaught is None, repr(outcome.uncaught)
    assert outcome.exit_code == 2, f"exit {outcome.exit_code}\n{outcome.stdout}\n{outcome.stderr}"
    lines = [line for line in outcome.stderr.splitlines() if line not in ("", "loading")]
    assert len(lines) == 1 and lines[0].startswith("error: "), outcome.stderr
    return lines[0]


@pytest.fixture
def umask() -> Iterator[None]:
    """Run with umask 022, whatever the test runner's is."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- one atomic-write helper ---------------------------------------------------------------------


@pytest.mark.parametrize("existing", [0o644, 0o600, 0o664, 0o640])
@pytest.mark.usefixtures("umask")
def test_atomic_write_keeps_the_mode_of_an_existing_file(tmp_path: Path, existing: int) -> None:
    path = tmp_path / "out.ttl"
    path.write_bytes(b"old\n")
    path.chmod(existing)
    atomic_write(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert mode(path) == existing


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_follows_the_umask(tmp_path: Path, mask: int, expected: int) -> None:
    previous = os.umask(mask)
    try:
        atomic_write(tmp_path / "a.ttl", b"a\n")
        commit([(tmp_path / "b.ttl", b"b\n"), (tmp_path / "c.ttl", b"c\n")])
    finally:
        os.umask(previous)
    assert [mode(tmp_path / name) for name in ("a.ttl", "b.ttl", "c.ttl")] == [expected] * 3


@pytest.mark.usefixtures("umask")
def test_commit_keeps_modes_too(tmp_path: Path) -> None:
    """``rdftext.commit`` (what ingest uses) once left every file it wrote at 0600."""
    first, second = tmp_path / "a.ttl", tmp_path / "b.trig"
    for path, bits in ((first, 0o644), (second, 0o640)):
        path.write_bytes(b"old\n")
        path.chmod(bits)
    commit([(first, b"new a\n"), (second, b"new b\n")])
    assert (mode(first), mode(second)) == (0o644, 0o640)
    assert (first.read_bytes(), second.read_bytes()) == (b"new a\n", b"new b\n")


@pytest.mark.usefixtures("umask")
def test_writing_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "data.ttl"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    link = tmp_path / "link.ttl"
    link.symlink_to(Path("real") / "data.ttl")  # relative, as people make them
    atomic_write(link, b"new\n")
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "data.ttl")
    assert target.read_bytes() == b"new\n" and mode(target) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "real"]
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["data.ttl"]


def test_a_chain_of_symlinks_and_a_dangling_one(tmp_path: Path) -> None:
    target = tmp_path / "target.ttl"
    middle, outer = tmp_path / "middle.ttl", tmp_path / "outer.ttl"
    middle.symlink_to(target)  # dangling until written
    outer.symlink_to(middle)
    atomic_write(outer, b"first\n")
    assert outer.is_symlink() and middle.is_symlink()
    assert target.read_bytes() == b"first\n"


@pytest.mark.parametrize("step", ["fsync", "replace", "fchmod"])
def test_a_failure_leaves_the_old_files_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    first.write_bytes(b"old a\n")
    second.write_bytes(b"old b\n")
    calls: list[object] = []
    real = {"fsync": os.fsync, "replace": os.replace, "fchmod": os.fchmod}[step]

    def full_disk(*args: object) -> object:
        calls.append(args)
        if len(calls) == 2:  # the first file is staged (or written), the second fails
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args)  # type: ignore[operator]

    monkeypatch.setattr(f"xpo1kg.rdf.safefile.os.{step}", full_disk)
    with pytest.raises(WriteError) as raised:
        commit([(first, b"new a\n"), (second, b"new b\n")])
    monkeypatch.undo()
    message = str(raised.value)
    assert message.startswith(f"cannot write {second}: No space left on device"), message
    assert raised.value.errno == errno.ENOSPC
    if step == "replace":
        assert message.endswith("only 1 of 2 files were replaced")
        assert first.read_bytes() == b"new a\n"
    else:
        assert message.endswith("nothing changed")
        assert first.read_bytes() == b"old a\n"
    assert second.read_bytes() == b"old b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ttl", "b.ttl"]


def test_export_on_a_full_disk_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "out.ttl"

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("xpo1kg.rdf.safefile.os.fsync", full)
    line = one_line_error(run("export", "--output", output))
    assert line == f"error: cannot write {output}: No space left on device"
    assert not output.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_export_to_dev_full_through_a_link(tmp_path: Path) -> None:
    """A device is written to, never replaced by a file; /dev/full answers ENOSPC."""
    link = tmp_path / "out.nt"
    link.symlink_to("/dev/full")
    line = one_line_error(run("export", "--format", "nt", "--output", link))
    assert line == f"error: cannot write {link}: No space left on device"
    assert link.is_symlink() and stat.S_ISCHR(Path("/dev/full").stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"]


def test_export_to_dev_stdout_writes_the_pipe() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "xpo1kg", "export", "--format", "nt", "--output", "/dev/stdout"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.count(b" .\n") > 1000


# --- concurrent ingests into one file ------------------------------------------------------------

#: Each table adds different measurements (the source is a paper, the values are made up).
TABLES = {
    "a.csv": "KPT-330,SKOV3,0.2 µM\nKPT-330,A2780,0.7 µM\n",
    "b.csv": "KPT-330,OVCAR3,0.4 µM\nKPT-185,BT549,0.9 µM\n",
    "c.csv": "KPT-185,MDA-MB-468,0.3 µM\n",
    "d.csv": "KPT-185,SKOV3,0.6 µM\n",
}
#: Imports everything, waits for the gate file, then runs the command: the ingests start together.
GATED = """
import sys, time
from pathlib import Path
from xpo1kg.cli import main
import xpo1kg.ingest.pipeline
gate = Path(sys.argv[1])
while not gate.exists():
    time.sleep(0.001)
sys.argv = ["xpo1kg", *sys.argv[2:]]
main()
"""


@pytest.mark.slow  # end to end: several fresh Python processes
def test_concurrent_ingests_into_one_file_all_land(tmp_path: Path) -> None:
    gate = tmp_path / "go"
    processes = []
    for name, rows in TABLES.items():
        (tmp_path / name).write_text(f"inhibitor,cell_line,value\n{rows}", encoding="utf-8")
        command = [sys.executable, "-c", GATED, str(gate), "ingest", name, "--into", "shared.ttl"]
        command += ["--source", "PMID:28810913"]
        processes.append(
            subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        )
    gate.touch()
    outcomes = [(p.wait(timeout=300), p.communicate()) for p in processes]
    for code, (_, stderr) in outcomes:
        assert code == 0, stderr.decode()
    data = Graph().parse(tmp_path / "shared.ttl")
    measurements = set(
        data.subjects(None, URIRef("https://w3id.org/xpo1kg/ontology/IC50Measurement"))
    )
    assert len(measurements) == sum(rows.count("\n") for rows in TABLES.values())
    records = Dataset().parse(tmp_path / "shared.ttl.prov.trig", format="trig")
    activities = {g.identifier for g in records.graphs() if "/graph/ingest/" in str(g.identifier)}
    assert len(activities) == len(TABLES)
    prov_generated = URIRef("http://www.w3.org/ns/prov#generated")
    generated = {o for _, _, o, _ in records.quads((None, prov_generated, None, None))}
    assert measurements <= generated


@pytest.mark.usefixtures("umask")
def test_ingest_into_a_symlink_keeps_the_link_and_the_modes(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "a.csv").write_text(
        f"inhibitor,cell_line,value\n{TABLES['a.csv']}", encoding="utf-8"
    )
    (tmp_path / "b.csv").write_text(
        f"inhibitor,cell_line,value\n{TABLES['b.csv']}", encoding="utf-8"
    )
    real, link = tmp_path / "shared" / "kg.ttl", tmp_path / "kg.ttl"
    link.symlink_to(real)
    source = ("--source", "PMID:28810913")
    assert run("ingest", tmp_path / "a.csv", "--into", link, *source).exit_code == 0
    assert link.is_symlink() and mode(real) == 0o644  # new: 0666 & ~umask
    real.chmod(0o664)  # a group-writable shared file stays group-writable
    outcome = run("ingest", tmp_path / "b.csv", "--into", link, *source)
    assert outcome.exit_code == 0, outcome.stderr
    assert link.is_symlink() and mode(real) == 0o664
    assert real.read_text(encoding="utf-8").count("a xo:IC50Measurement") == 4
    assert mode(tmp_path / "kg.ttl.prov.trig") == 0o644


# --- truncated files: every reader, every format -------------------------------------------------

RDFLIB_FORMATS = {
    "ttl": "turtle",
    "nt": "nt",
    "nq": "nquads",
    "trig": "trig",
    "jsonld": "json-ld",
    "rdf": "xml",
}
CUTS = ["25%", "50%", "75%", "literal"]


@functools.cache
def serialised(extension: str) -> bytes:
    """The bundled proteins in one format (in a named graph for N-Quads and TriG)."""
    graph = Graph().parse(Path(__file__).parents[1] / "data" / "proteins.ttl")
    if extension in ("nq", "trig"):
        dataset = Dataset()
        named = dataset.graph(URIRef("https://example.org/graph"))
        for triple in graph:
            named.add(triple)
        return dataset.serialize(format=RDFLIB_FORMATS[extension], encoding="utf-8")
    return graph.serialize(format=RDFLIB_FORMATS[extension], encoding="utf-8")


def truncated(tmp_path: Path, extension: str, cut: str) -> Path:
    """Write the file cut at a fraction (moved to the middle of a word) or inside a literal."""
    data = serialised(extension)
    if cut == "literal":  # two letters into a string (a value, for JSON-LD) after the middle
        opening = rb': "[A-Za-z]{3}' if extension == "jsonld" else rb'"[A-Za-z]{3}'
        found = re.compile(opening).search(data, len(data) // 2)
        assert found is not None
        position = found.end() - 1
    else:
        position = len(data) * int(cut.rstrip("%")) // 100
        while not data[position - 1 : position].isalnum():
            position += 1
    path = tmp_path / f"cut-{cut.rstrip('%')}.{extension}"
    path.write_bytes(data[:position])
    return path


def file_line_error(outcome: Outcome, path: Path) -> str:
    """Assert a one-line `error: FILE:LINE: reason` with exit code 2; return the line."""
    line = one_line_error(outcome)
    assert line.startswith(f"error: {path}:"), line
    number, reason = line[len(f"error: {path}:") :].split(": ", 1)
    assert number.isdigit() and int(number) >= 1 and reason, line
    return line


@pytest.mark.parametrize("cut", CUTS)
@pytest.mark.parametrize("extension", list(RDFLIB_FORMATS))
def test_query_and_load_refuse_a_truncated_file(tmp_path: Path, extension: str, cut: str) -> None:
    path = truncated(tmp_path, extension, cut)
    queried = file_line_error(run("query", "ic50_table", "--data", path), path)
    store = tmp_path / "store"
    loaded = file_line_error(run("load", path, "--store", store), path)
    assert queried == loaded
    assert not store.exists()  # a refused load creates no store


@pytest.mark.parametrize("cut", CUTS)
@pytest.mark.parametrize("extension", ["ttl", "nt", "rdf"])
def test_validate_gives_the_same_message(tmp_path: Path, extension: str, cut: str) -> None:
    path = truncated(tmp_path, extension, cut)
    validated = file_line_error(run("validate", path), path)
    assert validated == file_line_error(run("query", "ic50_table", "--data", path), path)


@pytest.mark.parametrize("extension", ["nq", "trig", "jsonld"])
def test_validate_refuses_the_formats_it_does_not_read(tmp_path: Path, extension: str) -> None:
    path = truncated(tmp_path, extension, "50%")
    assert "unknown RDF file type" in one_line_error(run("validate", path))


def test_the_rdfxml_cut_inside_its_second_description(tmp_path: Path) -> None:
    """The reproduction: Oxigraph alone accepted this with 1 triple."""
    text = (
        '<?xml version="1.0"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
        '         xmlns:ex="http://example.org/">\n'
        '  <rdf:Description rdf:about="http://example.org/a"><ex:p>1</ex:p></rdf:Description>\n'
        '  <rdf:Description rdf:about="http://example.org/b">\n'
        "    <ex:p>2</ex:p>\n"
    )
    path = tmp_path / "cut.rdf"
    path.write_text(text, encoding="utf-8")
    for command in (
        ("query", "ic50_table", "--data", path),
        ("load", path, "--store", tmp_path / "s"),
    ):
        line = file_line_error(run(*command), path)
        assert line.startswith(f"error: {path}:7: "), line


@pytest.mark.parametrize("cut", CUTS)
def test_ingest_refuses_a_truncated_into_file(tmp_path: Path, cut: str) -> None:
    (tmp_path / "a.csv").write_text(
        f"inhibitor,cell_line,value\n{TABLES['a.csv']}", encoding="utf-8"
    )
    into = tmp_path / "kg.ttl"
    source = ("--source", "PMID:28810913")
    assert run("ingest", tmp_path / "a.csv", "--into", into, *source).exit_code == 0
    data = into.read_bytes()
    if cut == "literal":
        found = re.compile(rb'"[A-Za-z]{3}').search(data, len(data) // 2)
        assert found is not None
        position = found.end() - 1
    else:
        position = len(data) * int(cut[:-1]) // 100
        while not data[position - 1 : position].isalnum():
            position += 1
    into.write_bytes(data[:position])
    (tmp_path / "b.csv").write_text(
        f"inhibitor,cell_line,value\n{TABLES['b.csv']}", encoding="utf-8"
    )
    file_line_error(run("ingest", tmp_path / "b.csv", "--into", into, *source), into)
    assert into.read_bytes() == data[:position]  # nothing written


# --- stores: only `load` creates one, read-only commands write nothing ----------------------------


def snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file of a directory with its size and modification time."""
    return {
        str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


READ_ONLY_COMMANDS = [
    ("graphs",),
    ("query", "ic50_table"),
    ("stats",),
    ("validate",),
    ("export", "--format", "nq"),
]


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=lambda c: c[0])
def test_commands_that_read_a_store_refuse_a_path_that_is_not_one(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    typo = tmp_path / "typo_dir"
    line = one_line_error(run(*command, "--store", typo))
    assert line.startswith(f"error: {typo}: no such store"), line
    assert not typo.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    line = one_line_error(run(*command, "--store", empty))
    assert line.startswith(f"error: {empty}: not a store"), line
    assert list(empty.iterdir()) == []


def test_drop_and_ingest_do_not_create_a_store(tmp_path: Path) -> None:
    typo = tmp_path / "typo_dir"
    assert one_line_error(run("drop", "x.ttl", "--store", typo)).startswith(f"error: {typo}: ")
    (tmp_path / "a.csv").write_text(
        f"inhibitor,cell_line,value\n{TABLES['a.csv']}", encoding="utf-8"
    )
    outcome = run("ingest", tmp_path / "a.csv", "--store", typo, "--source", "PMID:28810913")
    assert outcome.exit_code == 2 and not typo.exists()


@pytest.fixture(scope="module")
def made_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("store")
    data = directory / "extra.ttl"
    data.write_text(
        "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n",
        encoding="utf-8",
    )
    store = directory / "kg"
    load_in_another_process(store, data)
    return store


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=lambda c: c[0])
def test_read_only_commands_write_nothing_into_the_store(
    made_store: Path, command: tuple[str, ...]
) -> None:
    before = snapshot(made_store)
    outcome = run(*command, "--store", made_store)
    assert outcome.exit_code == 0, outcome.stderr
    assert snapshot(made_store) == before


def test_another_process_reads_the_store_without_writing(made_store: Path) -> None:
    """A fresh process opens the store read-only: not one file of it changes (RocksDB writes
    its log and manifest whenever it opens a store for writing)."""
    before = snapshot(made_store)
    for command in (("graphs",), ("query", "ic50_table", "--format", "csv")):
        completed = subprocess.run(
            [sys.executable, "-m", "xpo1kg", *command, "--store", str(made_store)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
    assert snapshot(made_store) == before


# --- one-line errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["foo bar", "a-b", "?", "?x y", "é.é"])
def test_a_bind_name_that_is_not_a_variable(name: str) -> None:
    line = one_line_error(run("query", "ic50_table", "--bind", f"{name}=1"))
    assert line.startswith("error: --bind "), line


def test_non_utf8_sparql_text() -> None:
    text = b'SELECT * { ?s ?p "\xe9" }'.decode("utf-8", "surrogateescape")  # as the shell gives it
    line = one_line_error(run("query", "--sparql", text))
    assert line == "error: --sparql: not valid UTF-8 at character 19: give UTF-8 text"


@pytest.mark.parametrize(
    ("encoding", "reason"),
    [
        ("latin-1", "1: not valid UTF-8 (Latin-1 or another encoding?): save it as UTF-8"),
        ("utf-16", "1: looks like UTF-16 text: save it as UTF-8"),
        ("utf-16-le", "1: looks like UTF-16 text: save it as UTF-8"),
    ],
)
def test_a_query_file_in_another_encoding(tmp_path: Path, encoding: str, reason: str) -> None:
    path = tmp_path / "question.rq"
    path.write_bytes('SELECT ?s WHERE { ?s ?p "café" } LIMIT 1\n'.encode(encoding))
    assert one_line_error(run("query", path)) == f"error: {path}:{reason}"


def test_a_query_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "question.rq"
    path.write_bytes("\ufeffASK { ?s ?p ?o }\n".encode())
    outcome = run("query", path, "--format", "json")
    assert outcome.exit_code == 0, outcome.stderr
    assert json.loads(outcome.stdout) == [{"ask": True}]


@pytest.mark.parametrize("extension", ["nt", "ttl"])
def test_a_20_mb_literal_is_one_line(tmp_path: Path, extension: str) -> None:
    path = tmp_path / f"huge.{extension}"
    with path.open("wb") as stream:
        stream.write(b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
        stream.write(b'<https://example.org/a> <https://example.org/d> "')
        stream.write(b"x" * (20 * 1024 * 1024))
        stream.write(b'" .\n')
    expected = (
        f"error: {path}:2: a single literal or IRI is longer than the 16 MB the parser accepts"
    )
    assert one_line_error(run("query", "ic50_table", "--data", path)) == expected
    assert one_line_error(run("load", path, "--store", tmp_path / "store")) == expected


# --- CSV as RFC 4180 says ---------------------------------------------------------------------------


def test_csv_quotes_carriage_returns_newlines_quotes_and_commas() -> None:
    import csv
    import io

    values = ["x\ry", "m\nn", 'say "hi"', "a,b", "cr\r\nlf", "plain"]
    binds = " ".join(
        f"BIND({json.dumps(v)} AS ?v{i})" for i, v in enumerate(values)
    )  # JSON string escapes are SPARQL's too
    columns = " ".join(f"?v{i}" for i in range(len(values)))
    sparql = f"SELECT {columns} WHERE {{ {binds} }}"
    completed = subprocess.run(  # a real process: click's test runner rewrites CR LF as LF
        [sys.executable, "-m", "xpo1kg", "query", "--sparql", sparql, "--format", "csv"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    text = completed.stdout.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [[f"v{i}" for i in range(len(values))], values]
    assert text.endswith("plain\n") and '"x\ry"' in text


# --- Ctrl-C during `load --store` -----------------------------------------------------------------


def test_ctrl_c_during_load_says_what_was_written(tmp_path: Path) -> None:
    """SIGINT once the store exists: the file being loaded is finished, the rest is not loaded,
    and the message says so; exit code 130 (128 + SIGINT)."""
    import json as json_module
    import signal
    import time

    from script_modules import load_generator

    big, small = tmp_path / "big.nt", tmp_path / "small.nt"
    triples = int(load_generator().write(big, 5000, 1, "nt"))
    small.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    store = tmp_path / "store"
    process = subprocess.Popen(
        [sys.executable, "-m", "xpo1kg", "load", str(big), str(small), "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    while not (store / "CURRENT").exists() and process.poll() is None:
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=300)
    message = stderr.decode().strip().splitlines()[-1]
    assert "Traceback" not in stderr.decode() and "Aborted" not in stderr.decode()
    assert process.returncode == 130, stderr.decode()
    assert message.startswith("interrupted; "), message
    listed = subprocess.run(
        [sys.executable, "-m", "xpo1kg", "graphs", "--store", str(store), "--format", "json"],
        capture_output=True,
        timeout=300,
        check=True,
    )
    graphs = {row["graph"]: int(row["triples"]) for row in json_module.loads(listed.stdout)}
    user = "https://w3id.org/xpo1kg/graph/user/"
    if f"<{user}big.nt> was loaded completely" in message:
        assert graphs[f"{user}big.nt"] == triples
        assert message.endswith("; not loaded: small.nt")
        assert f"{user}small.nt" not in graphs
    else:
        assert message == (
            "interrupted; the store was created with the bundled graph; "
            "not loaded: big.nt, small.nt"
        )
        assert not any(graph.startswith(user) for graph in graphs)


def test_ctrl_c_while_the_files_are_checked_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(files: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("xpo1kg.store.persistent.check_files", interrupted)
    data = tmp_path / "a.nt"
    data.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    outcome = run("load", data, "--store", tmp_path / "store")
    assert outcome.exit_code == 130
    assert outcome.stderr.strip().splitlines()[-1] == "interrupted; nothing was written"
    assert not (tmp_path / "store").exists()


def test_a_full_disk_while_writing_a_store_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RocksDB's own writes fail like any other: one line naming the store, exit 2."""
    import xpo1kg.store.embedded

    def full(self: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    data = tmp_path / "a.nt"
    data.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    store, other = tmp_path / "store", tmp_path / "other"
    assert run("load", data, "--store", store).exit_code == 0
    monkeypatch.setattr(xpo1kg.store.embedded.Store, "flush", full)
    assert one_line_error(run("load", data, "--store", other)) == (
        f"error: {other}: cannot write the store (No space left on device)"
    )
    expected = f"error: {store}: cannot write the store (No space left on device)"
    assert one_line_error(run("drop", "a.nt", "--store", store)) == expected
    (tmp_path / "a.csv").write_text(
        f"inhibitor,cell_line,value\n{TABLES['a.csv']}", encoding="utf-8"
    )
    outcome = run("ingest", tmp_path / "a.csv", "--store", store, "--source", "PMID:28810913")
    assert one_line_error(outcome) == expected


def test_load_does_not_turn_a_folder_of_files_into_a_store(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    data = tmp_path / "a.nt"
    data.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    line = one_line_error(run("load", data, "--store", folder))
    assert (
        line == f"error: {folder}: not a store, and not an empty directory: choose a new directory"
    )
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("load", data, "--store", empty).exit_code == 0  # an empty directory is fine
