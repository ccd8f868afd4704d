"""Users' own SHACL shapes: ``validate --shapes FILE`` with either engine, and the fast engine's fallback."""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from cli_runs import assert_ok, run
from click.testing import CliRunner
from rdflib import Graph

from xpo1kg import validate
from xpo1kg.cli import main
from xpo1kg.errors import InputError
from xpo1kg.validate.compiler import split_shapes
from xpo1kg.validate.fast_engine import FallbackWarning, validate_fast
from xpo1kg.validate.pyshacl_engine import ValidationReport, ValidationResult, validate_graph

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
"""
# The bundled data has one IC50 above 200 nM (KPT-185 on SK-OV-3, 300 nM) and conforms.
CAP = (
    PREFIXES
    + """
ex:IC50Cap a sh:NodeShape ;
    sh:targetClass xo:IC50Measurement ;
    sh:property [ sh:path xo:value ; sh:maxInclusive 200 ;
                  sh:message "An IC50 above 200 nM is out of this screen's range" ] .
"""
)
# sh:languageIn is not compiled: the fast engine leaves this shape to pyshacl.
UNCOMPILED = (
    PREFIXES
    + """
ex:EnglishOnly a sh:NodeShape ;
    sh:targetClass xo:IC50Measurement ;
    sh:property [ sh:path xo:publishedValue ; sh:languageIn ( "en" ) ;
                  sh:message "A published value is tagged as English" ] .
"""
)
CAP_LINE = "IC50 of KPT-185 on SK-OV-3 (xr:IC50_KPT-185_SK-OV-3) xo:value: An IC50 above 200 nM"


def without_shape(report: ValidationReport) -> list[ValidationResult]:
    return [replace(r, source_shape="") for r in report.results]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_user_shape_catches_its_defect(engine: str, tmp_path: Path) -> None:
    shapes = write(tmp_path, "cap.ttl", CAP)
    runner = CliRunner()
    plain = runner.invoke(main, ["validate", "--engine", engine])
    assert plain.exit_code == 0, plain.output
    result = runner.invoke(main, ["validate", "--shapes", str(shapes), "--engine", engine])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        f'{CAP_LINE} is out of this screen\'s range (found "300.0")'
    ]
    assert "note:" not in result.stderr  # this shape compiles: no fallback


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_user_shapes_replace_or_join_the_bundled_ones(
    engine: str, broken: Path, tmp_path: Path
) -> None:
    shapes = write(tmp_path, "cap.ttl", CAP)
    runner = CliRunner()
    base = ["validate", str(broken), "--with-bundled", "--engine", engine]
    bundled = runner.invoke(main, base).stdout.splitlines()
    alone = runner.invoke(main, [*base, "--shapes", str(shapes)]).stdout.splitlines()
    both = runner.invoke(
        main, [*base, "--shapes", str(shapes), "--with-bundled-shapes"]
    ).stdout.splitlines()
    assert any("xo:hasInhibitor" in line for line in bundled)
    assert not any(CAP_LINE in line for line in bundled)
    # Alone, the user's shapes replace the bundled ones (the closed vocabulary is always checked).
    assert [line for line in alone if CAP_LINE in line] and not any(
        "xo:hasInhibitor" in line for line in alone
    )
    assert sorted(both) == sorted({*bundled, *alone})


def test_with_bundled_shapes_needs_shapes() -> None:
    result = CliRunner().invoke(main, ["validate", "--with-bundled-shapes"])
    assert result.exit_code == 2
    assert "--shapes" in result.stderr


def test_uncompiled_shape_falls_back_to_pyshacl_and_says_so_once(tmp_path: Path) -> None:
    shapes = write(tmp_path, "english.ttl", UNCOMPILED)
    cap = write(tmp_path, "cap.ttl", CAP)
    runner = CliRunner()
    args = ["validate", "--shapes", str(shapes), "--shapes", str(cap)]
    fast = runner.invoke(main, [*args, "--engine", "fast"])
    reference = runner.invoke(main, [*args, "--engine", "pyshacl"])
    assert fast.exit_code == reference.exit_code == 1
    assert fast.stdout == reference.stdout
    assert any("tagged as English" in line for line in fast.stdout.splitlines())
    assert any(CAP_LINE in line for line in fast.stdout.splitlines())
    notes = [line for line in fast.stderr.splitlines() if line.startswith("note:")]
    assert notes == [
        (
            "note: the fast engine cannot compile 1 shape; pyshacl validated it instead: "
            "ex:EnglishOnly: the property shape of xo:publishedValue: sh:languageIn is not "
            "supported by the fast engine"
        )
    ]
    assert "note:" not in reference.stderr


def test_api_fast_engine_with_user_shapes_warns_once(tmp_path: Path) -> None:
    shapes = [write(tmp_path, "english.ttl", UNCOMPILED), write(tmp_path, "cap.ttl", CAP)]
    with pytest.warns(FallbackWarning) as caught:
        fast = validate(shapes=shapes, engine="fast")
    assert len([w for w in caught if w.category is FallbackWarning]) == 1
    assert "ex:EnglishOnly" in str(caught[0].message)
    reference = validate(shapes=shapes)
    # (Each call reads the shapes again: a blank node shape has another identifier each time.)
    assert without_shape(fast) == without_shape(reference)
    assert not fast.conforms
    assert fast.fallback == (
        (
            "ex:EnglishOnly: the property shape of xo:publishedValue: sh:languageIn is not "
            "supported by the fast engine"
        ),
    )
    assert reference.fallback == ()


def test_api_fast_engine_with_compiled_user_shapes(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        report = validate(shapes=[write(tmp_path, "cap.ttl", CAP)], engine="fast")
    assert report.lines() == [f'{CAP_LINE} is out of this screen\'s range (found "300.0")']
    assert report.fallback == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            PREFIXES + "ex:S a sh:NodeShape ;\n  sh:targetClass xo:X ;\n  sh:property [ sh:path ]",
            ":7: ",
        ),
        (PREFIXES + "ex:a ex:b ex:c .\n", "no SHACL shapes"),
        (
            PREFIXES + "ex:S sh:targetClass xo:X ; sh:property [ a sh:PropertyShape ; "
            "sh:minCount 1 ; sh:message 'm' ] .\n",
            "the SHACL shapes cannot be used: A shape defined as a PropertyShape must include",
        ),
    ],
)
@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_bad_shapes_file_is_bad_input(
    text: str, expected: str, engine: str, tmp_path: Path
) -> None:
    shapes = write(tmp_path, "bad.ttl", text)
    result = CliRunner().invoke(main, ["validate", "--shapes", str(shapes), "--engine", engine])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {shapes}")
    assert expected in result.stderr
    assert result.stdout == ""


def test_missing_shapes_file_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--shapes", str(tmp_path / "none.ttl")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_shapes_file_given_as_data_is_refused(tmp_path: Path) -> None:
    shapes = write(tmp_path, "my_shapes.ttl", CAP)
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(shapes), "--with-bundled"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        (
            f"error: {shapes}:6: this file contains SHACL shapes (sh:NodeShape); did you mean "
            f"--shapes {shapes}? (give it both as FILE and with --shapes to validate it as data too)"
        )
    ]
    with pytest.raises(InputError, match="did you mean --shapes"):
        validate([shapes])
    # Given as shapes too, the file is data as well (as in a SHACL test suite's files).
    both = runner.invoke(main, ["validate", str(shapes), "--shapes", str(shapes)])
    assert both.exit_code == 0, both.output


# --- the compiler's extensions, each the same as pyshacl ---------------------------------------

DATA = (
    PREFIXES
    + """
ex:a a ex:Person ; ex:name "Ann" ; ex:child ex:b , ex:c ; ex:knows ex:b .
ex:b a ex:Person ; ex:name "Bob" , "Bobby" ; ex:child ex:d ; ex:age 7 .
ex:c a ex:Student ; ex:age "old" ; ex:knows "somebody" .
ex:d a ex:Person ; ex:age 3 .
ex:Student <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:Person .
"""
)
CASES = {
    "targetNode": "ex:S sh:targetNode ex:a , ex:d , ex:nowhere ; sh:property [ sh:path ex:name ; "
    "sh:minCount 1 ; sh:message 'needs a name' ] .",
    "targetObjectsOf": "ex:S sh:targetObjectsOf ex:knows ; sh:nodeKind sh:IRI ; "
    "sh:message 'an IRI' .",
    "implicit class": "ex:Person a rdfs:Class , sh:NodeShape ; sh:property [ sh:path ex:age ; "
    "sh:datatype xsd:integer ; sh:message 'an integer age' ] .",
    "inverse path": "ex:S sh:targetClass ex:Person ; sh:property [ sh:path [ sh:inversePath "
    "ex:child ] ; sh:maxCount 0 ; sh:message 'nobody is a child' ] .",
    "inverse min count": "ex:S sh:targetClass ex:Person ; sh:property [ sh:path [ sh:inversePath "
    "ex:child ] ; sh:minCount 1 ; sh:message 'everybody is a child' ] .",
    "sequence path": "ex:S sh:targetClass ex:Person ; sh:property [ sh:path ( ex:child ex:age ) ; "
    "sh:maxInclusive 5 ; sh:message 'young grandchildren' ] .",
    "alternative and one-or-more": "ex:S sh:targetNode ex:a ; sh:property [ sh:path "
    "[ sh:oneOrMorePath [ sh:alternativePath ( ex:child ex:knows ) ] ] ; sh:class ex:Student ; "
    "sh:message 'students all the way' ] .",
    "zero-or-more and zero-or-one": "ex:S sh:targetNode ex:a ; sh:property [ sh:path "
    "[ sh:zeroOrMorePath ex:child ] ; sh:maxCount 3 ; sh:message 'few descendants' ] , "
    "[ sh:path [ sh:zeroOrOnePath ex:knows ] ; sh:nodeKind sh:Literal ; sh:message 'words' ] .",
    "not": "ex:S sh:targetClass ex:Person ; sh:not [ sh:class ex:Student ] ; "
    "sh:message 'not a student' .",
    "and": "ex:S sh:targetClass ex:Person ; sh:and ( [ sh:path ex:age ; sh:minCount 1 ] "
    "[ sh:path ex:name ; sh:maxCount 1 ] ) ; sh:message 'an age and one name' .",
    "length": "ex:S sh:targetClass ex:Person ; sh:property [ sh:path ex:name ; sh:minLength 4 ; "
    "sh:message 'long names' ] , [ sh:path ex:child ; sh:maxLength 21 ; sh:message 'short IRIs' ] .",
    "has value": "ex:S sh:targetClass ex:Person ; sh:property [ sh:path ex:age ; sh:hasValue 7 ; "
    "sh:message 'seven' ] .\nex:T sh:targetNode ex:a , ex:b ; sh:hasValue ex:a ; sh:message 'a' .\n"
    "ex:U sh:targetClass ex:Person ; sh:or ( [ sh:hasValue ex:d ] [ sh:path ex:name ; sh:hasValue "
    "'Bob' ] ) ; sh:message 'd or Bob' .",
    "node": "ex:Named a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .\n"
    "ex:S sh:targetClass ex:Person ; sh:property [ sh:path ex:child ; sh:node ex:Named ; "
    "sh:message 'children have names' ] .",
}


def reports(shapes_text: str) -> tuple[ValidationReport, ValidationReport]:
    data = Graph().parse(data=DATA, format="turtle")
    shapes = Graph().parse(
        data=PREFIXES + "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + shapes_text,
        format="turtle",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        fast = validate_fast(data, Graph(), shapes=shapes)
    return fast, validate_graph(data, Graph(), shapes=shapes)


@pytest.mark.parametrize("name", sorted(CASES))
def test_compiled_extension_same_as_pyshacl(name: str) -> None:
    shapes = Graph().parse(
        data=PREFIXES + "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + CASES[name],
        format="turtle",
    )
    assert split_shapes(shapes).refused == ()
    fast, reference = reports(CASES[name])
    assert fast.results, "the case must find something"
    assert fast.results == reference.results
    assert fast.conforms == reference.conforms
    assert fast.fallback == ()


def test_complex_paths_are_named_as_sparql_paths() -> None:
    fast, reference = reports(CASES["inverse path"])
    assert {r.path for r in fast.results} == {"^<https://example.org/child>"}
    assert (
        reference.lines()[0]
        == "https://example.org/b ^<https://example.org/child>: nobody is a child"
    )


def test_project_iris_in_paths_are_shown_as_curies() -> None:
    from xpo1kg.validate.paths import show_path

    assert show_path("(<https://w3id.org/xpo1kg/ontology/hasCellLine>/<urn:x>)") == (
        "(xo:hasCellLine/<urn:x>)"
    )


def test_store_with_user_shapes_same_with_either_engine(broken: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert_ok(run("load", broken, "--store", store))
    shapes = [write(tmp_path, "english.ttl", UNCOMPILED), write(tmp_path, "cap.ttl", CAP)]
    args: list[str | Path] = ["validate", "--store", store]
    for path in shapes:
        args += ["--shapes", path]
    fast = run(*args, "--engine", "fast")
    reference = run(*args, "--engine", "pyshacl")
    assert fast.exit_code == reference.exit_code == 1
    assert fast.stdout == reference.stdout
    assert any(CAP_LINE in line for line in fast.stdout.splitlines())
    assert any("tagged as English" in line for line in fast.stdout.splitlines())
    assert [line for line in fast.stderr.splitlines() if line.startswith("note:")] == [
        (
            "note: the fast engine cannot compile 1 shape; pyshacl validated it instead: "
            "ex:EnglishOnly: the property shape of xo:publishedValue: sh:languageIn is not "
            "supported by the fast engine"
        )
    ]


NESTED = {"and", "has value", "node", "not"}  # sh:and, sh:or, sh:node, sh:not without a message


@pytest.mark.parametrize("name", sorted(set(CASES) - NESTED - {"targetObjectsOf"}))
def test_shapes_without_messages_are_worded_by_pyshacl(name: str) -> None:
    """No sh:message: the queries find the violations, pyshacl words them (no fallback)."""
    bare = re.sub(r";\s*sh:message '[^']*'", "", CASES[name])
    assert "sh:message" not in bare
    fast, reference = reports(bare)
    assert fast.results, "the case must find something"
    assert all(r.message for r in fast.results)  # pyshacl's own words
    assert fast.results == reference.results
    assert fast.fallback == ()


@pytest.mark.parametrize("name", sorted(NESTED))
def test_nested_shapes_without_messages_fall_back_whole(name: str) -> None:
    """pyshacl's focus_nodes would also limit what sh:node checks: such a shape goes whole."""
    bare = re.sub(r";\s*sh:message '[^']*'", "", CASES[name])
    data = Graph().parse(data=DATA, format="turtle")
    shapes = Graph().parse(data=PREFIXES + bare, format="turtle")
    with pytest.warns(FallbackWarning, match="pyshacl words only by validating the shape whole"):
        fast = validate_fast(data, Graph(), shapes=shapes)
    reference = validate_graph(data, Graph(), shapes=shapes)
    assert fast.results and fast.results == reference.results


def test_literal_focus_nodes_without_messages_fall_back_whole() -> None:
    bare = re.sub(r";\s*sh:message '[^']*'", "", CASES["targetObjectsOf"])
    data = Graph().parse(data=DATA, format="turtle")
    shapes = Graph().parse(data=PREFIXES + bare, format="turtle")
    with pytest.warns(FallbackWarning, match="cannot be given by IRI"):
        fast = validate_fast(data, Graph(), shapes=shapes)
    assert fast.results == validate_graph(data, Graph(), shapes=shapes).results
    assert fast.fallback == (
        "https://example.org/S: no sh:message, and a focus node pyshacl cannot be given by IRI",
    )


def test_a_shape_partly_without_messages_keeps_its_nested_results() -> None:
    """One constraint without sh:message: the whole shape goes to pyshacl, sh:node included."""
    text = CASES["node"].replace(
        "'children have names' ] .",
        "'children have names' ] , [ sh:path ex:age ; sh:minCount 1 ] .",
    )
    data = Graph().parse(data=DATA, format="turtle")
    shapes = Graph().parse(data=PREFIXES + text, format="turtle")
    with pytest.warns(FallbackWarning, match="sh:NodeConstraintComponent"):
        fast = validate_fast(data, Graph(), shapes=shapes)
    reference = validate_graph(data, Graph(), shapes=shapes)
    assert {r.constraint_component for r in fast.results} == {
        "sh:NodeConstraintComponent",
        "sh:MinCountConstraintComponent",
    }
    assert fast.results == reference.results
