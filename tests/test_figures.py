"""Figures and the HTML report: drawn from the graph, well-formed, deterministic, self-contained.

The commands are run in-process with click's ``CliRunner`` (the lead registers them on the main
group as ``xpo1kg figures`` and ``xpo1kg report``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result

from xpo1kg import KnowledgeGraph, list_queries, load_graph, validate
from xpo1kg.cli.figures import figures_command, report_command
from xpo1kg.figures.charts import draw_figures
from xpo1kg.figures.drawing import OKABE_ITO

FIGURES = ("figure1_mechanism", "figure2_p53_pathway", "figure3_p53_independent", "figure4_ic50")
NEW_CELL_LINE = "MIA PaCa-2"

#: A new cell line and an IC50 measured on it: a censored value ("<") in a new cancer group,
#: with a published text that needs escaping in XML and HTML.
MEASUREMENT_TTL = f"""\
@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix bao: <http://www.bioassayontology.org/bao#> .

xr:MIAPaCa2_user a xo:CellLine ;
    rdfs:label "{NEW_CELL_LINE}" ;
    xo:derivedFromCancer xr:PancreaticCancer ;
    dcterms:source xr:BenchChemGuide2025 .

xr:IC50_selinexor_MIAPaCa2_user a xo:IC50Measurement ;
    rdfs:label "IC50 of selinexor on MIA PaCa-2" ;
    xo:hasEndpoint bao:BAO_0000190 ;
    xo:hasInhibitor xr:selinexor ;
    xo:hasCellLine xr:MIAPaCa2_user ;
    xo:hasCancerType xr:PancreaticCancer ;
    xo:value 0.15 ;
    xo:qualifier "<" ;
    xo:publishedValue "<0.15 (µM) & rising" ;
    xo:hasUnit obo:UO_0000064 ;
    xo:evidenceType obo:ECO_0000303 ;
    xo:modality xo:Established ;
    <https://w3id.org/biolink/vocab/knowledge_level> "knowledge_assertion" ;
    <https://w3id.org/biolink/vocab/agent_type> "manual_agent" ;
    dcterms:source xr:BenchChemGuide2025 .
"""


def invoke(command: object, *args: str) -> Result:
    return CliRunner().invoke(command, list(args))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def measurement(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "mine.ttl"
    path.write_text(MEASUREMENT_TTL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bundled_figures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("figures") / "new" / "dir"  # created, parents too
    result = invoke(figures_command, "--output", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def extended_figures(tmp_path_factory: pytest.TempPathFactory, measurement: Path) -> Path:
    out = tmp_path_factory.mktemp("extended")
    result = invoke(
        figures_command, "--output", str(out), "--data", str(measurement), "--no-inferred"
    )
    assert result.exit_code == 0, result.output
    return out


def svg_text(path: Path) -> str:
    """Parse an SVG (it must be well-formed XML) and return its text, lines joined by spaces."""
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [" ".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text")]
    return re.sub(r"\s+", " ", " ".join(texts))


def test_figures_are_written_as_svg_and_png(bundled_figures: Path) -> None:
    names = sorted(p.name for p in bundled_figures.iterdir())
    assert names == sorted(f"{n}.{ext}" for n in FIGURES for ext in ("png", "svg"))
    for name in FIGURES:
        assert (bundled_figures / f"{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_format_option_limits_the_output(tmp_path: Path) -> None:
    result = invoke(figures_command, "--output", str(tmp_path), "--format", "svg")
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".svg"] * 4


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        (
            "figure1_mechanism",
            ["XPO1", "CRM1", "Cys528", "NES", "nucleus", "cytoplasm", "selinexor", "apoptosis"],
        ),
        ("figure2_p53_pathway", ["XPO1", "TP53", "p53", "BAX", "PUMA", "caspase-9", "apoptosis"]),
        ("figure3_p53_independent", ["XPO1 inhibitor", "apoptosis", "cell-cycle arrest"]),
        ("figure4_ic50", ["IC50", "nM", "KPT-185", "selinexor", "ovarian cancer", "BenchChem"]),
    ],
)
def test_svgs_are_well_formed_and_labelled(
    bundled_figures: Path, name: str, labels: list[str]
) -> None:
    text = svg_text(bundled_figures / f"{name}.svg")
    for label in labels:
        assert label in text, f"{label!r} missing from {name}"


def test_diagrams_show_what_the_queries_answer(bundled_figures: Path, kg: KnowledgeGraph) -> None:
    cargo = kg.query("SELECT ?label WHERE { ?c xo:exportedBy xr:XPO1 ; rdfs:label ?label }")
    mechanism = svg_text(bundled_figures / "figure1_mechanism.svg")
    words = {word for label in cargo.column("label") for word in str(label).split()}
    assert words <= set(re.findall(r"[\w-]+", mechanism))  # "FOXO proteins" is two words
    pathway = svg_text(bundled_figures / "figure2_p53_pathway.svg")
    for row in kg.run("p53_dependent_apoptosis").records():
        assert str(row["actor_label"]) in pathway
        assert str(row["event"]) in pathway
    independent = svg_text(bundled_figures / "figure3_p53_independent.svg")
    for row in kg.run("p53_independent_mechanisms").records():
        assert str(row["mechanism_label"]) in independent
        assert str(row["protein_label"]) in independent


def test_ic50_chart_shows_every_cell_line(bundled_figures: Path, kg: KnowledgeGraph) -> None:
    chart = svg_text(bundled_figures / "figure4_ic50.svg")
    rows = kg.run("ic50_table").records()
    for row in rows:
        assert str(row["cell_line_label"] or "various cell lines") in chart
        assert str(row["cancer_label"]) in chart
    assert "100–500 nM" in chart  # the range, drawn as a range
    assert "~32 nM" in chart  # an approximate value, marked as such


def test_chart_changes_when_a_measurement_is_added(
    bundled_figures: Path, extended_figures: Path, measurement: Path
) -> None:
    assert validate([measurement], with_bundled=True).conforms
    before = svg_text(bundled_figures / "figure4_ic50.svg")
    after = svg_text(extended_figures / "figure4_ic50.svg")
    assert NEW_CELL_LINE not in before
    for label in (NEW_CELL_LINE, "pancreatic cancer", "<150 nM"):  # 0.15 µM, in nM
        assert label in after
    chart = "figure4_ic50.svg"
    assert (bundled_figures / chart).read_bytes() != (extended_figures / chart).read_bytes()
    for name in FIGURES[:3]:  # a measurement changes no diagram: same bytes
        svg = f"{name}.svg"
        assert (bundled_figures / svg).read_bytes() == (extended_figures / svg).read_bytes()


def test_svg_output_is_deterministic(bundled_figures: Path, kg: KnowledgeGraph) -> None:
    first = {d.name: d.render("svg") for d in draw_figures(kg)}
    second = {d.name: d.render("svg") for d in draw_figures(load_graph())}
    assert first == second
    for name, svg in first.items():
        assert svg == (bundled_figures / f"{name}.svg").read_bytes()
        assert b"<dc:date>" not in svg


def test_colours_are_okabe_ito(bundled_figures: Path) -> None:
    allowed = {c.lower() for c in OKABE_ITO.values()} | {"#fbfaf3"}  # + the cytoplasm's tint
    for name in FIGURES:
        svg = (bundled_figures / f"{name}.svg").read_text(encoding="utf-8")
        for colour in set(re.findall(r"(?:fill|stroke): (#[0-9a-f]{6})", svg)):
            r, g, b = (colour[i : i + 2] for i in (1, 3, 5))
            assert colour in allowed or r == g == b, f"{name}: {colour} is not Okabe–Ito"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "unknown image format"),
        (["--data", "missing.ttl"], "missing.ttl"),
    ],
)
def test_figures_bad_input_is_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = invoke(figures_command, "--output", str(tmp_path / "out"), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error:") and message in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("command", [figures_command, report_command])
def test_unwritable_output_is_one_line(tmp_path: Path, command: object) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    for output in (blocker, blocker / "sub"):
        result = invoke(command, "--output", str(output))
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"error: {output}") and result.stderr.count("\n") == 1


class _Page(HTMLParser):
    """Collect the tags and attributes of a page, and check that elements nest properly."""

    VOID: ClassVar[set[str]] = {
        "meta",
        "link",
        "br",
        "hr",
        "img",
        "input",
        "source",
        "wbr",
        "col",
        "area",
        "base",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("report")
    result = invoke(report_command, "--output", str(out))
    assert result.exit_code == 0, result.output
    return out, (out / "report.html").read_text(encoding="utf-8")


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert not parser.errors and parser.stack == []
    return parser


def test_report_is_one_self_contained_page(report_page: tuple[Path, str]) -> None:
    out, page = report_page
    assert [p.name for p in out.iterdir()] == ["report.html"]
    parsed = parse(page)
    names = [tag for tag, _ in parsed.tags]
    assert names.count("svg") == 4  # the figures, inline
    assert not {"img", "script", "link", "iframe", "object", "embed"} & set(names)
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, f"<{tag} src=...>"
        href = attrs.get("href", attrs.get("xlink:href"))
        if href is None:
            continue
        external = re.match(r"^https?://", href)
        assert href.startswith("#") or (tag == "a" and external), f"<{tag} href={href!r}>"
    for style in re.findall(r"<style[^>]*>(.*?)</style>", page, re.DOTALL):
        assert "@import" not in style and not re.search(r"url\((?!#)", style)
    assert not re.search(r"url\((?!#)", page)
    ids = [attrs["id"] for _, attrs in parsed.tags if "id" in attrs]
    assert len(ids) == len(set(ids)), "ids must be unique across the inline figures"


def test_report_answers_every_question(report_page: tuple[Path, str]) -> None:
    _, page = report_page
    text = unescape(" ".join(parse(page).text))
    for query in list_queries():
        assert query.title in text and query.question in text
    assert "needs OWL reasoning" not in text  # the inferred question is answered too
    assert "conforms to the SHACL shapes" in text
    for heading in ("Dataset summary", "Figures", "Competency questions", "Validation", "Sources"):
        assert heading in text
    assert "BenchChem technical guide on XPO1 inhibition (2025)" in text
    assert 'href="https://www.benchchem.com/' in page  # the sources are cited with links


def test_report_shows_added_data_escaped(tmp_path: Path, measurement: Path) -> None:
    result = invoke(
        report_command, "--output", str(tmp_path), "--data", str(measurement), "--no-inferred"
    )
    assert result.exit_code == 0, result.output
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    parse(page)
    assert NEW_CELL_LINE in page
    assert "&lt;0.15 (µM) &amp; rising" in page and "<0.15 (µM) &" not in page
    assert "needs OWL reasoning" in page  # skipped, and says so
    assert str(measurement) in unescape(page)
