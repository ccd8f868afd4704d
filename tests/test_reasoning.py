"""OWL reasoning with the real reasoners (HermiT and Pellet on Java) and the OWL 2 RL path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from xpo1kg import KnowledgeGraph, XPO1KGError, load_graph
from xpo1kg.cli import main
from xpo1kg.query.inference import InferenceWarning
from xpo1kg.rdf.canonical import isomorphic
from xpo1kg.rdf.loading import read_graph
from xpo1kg.rdf.namespaces import BIOLINK, OBO, XO, XR
from xpo1kg.reason.java_reasoners import java_executable
from xpo1kg.reason.provenance import Derivation, Triple, justify
from xpo1kg.reason.provenance_nodes import derivations, inferred_triples
from xpo1kg.reason.reasoner import INFERRED_GRAPH, reason
from xpo1kg.reason.reasoning_report import ReasoningReport
from xpo1kg.resources import ontology_file

# BIRC5 and RELA are XPO1 cargo in NESdb; the guide's "FOXO proteins" (a family, xr:FOXOFamily) is
# not a protein, so it is no xo:XPO1Cargo. Only p53's retention "triggers" apoptosis without a hedge:
# the others "can induce" it (xo:nuclearRetentionCanInduce), which the defined class does not use.
CARGO = {"TP53", "CDKN1A", "CDKN1B", "BRCA1", "BRCA2", "FOXO1", "FOXO3", "NFKBIA", "BIRC5", "RELA"}
TRIGGERING = {"TP53"}
INHIBITORS = {"selinexor", "KPT-185", "eltanexor", "verdinexor", "leptomycinB"}
CONTRADICTION = """@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix xr: <https://w3id.org/xpo1kg/resource/> .
xr:TP53 a xo:Inhibitor .
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return read_graph([ontology_file()])


@pytest.fixture(scope="module")
def hermit(kg: KnowledgeGraph, ontology: Graph) -> ReasoningReport:
    return reason(kg.graph, ontology, reasoner="hermit", mode="dl")


@pytest.fixture
def contradiction(tmp_path: Path) -> Path:
    path = tmp_path / "contradiction.ttl"
    path.write_text(CONTRADICTION, encoding="utf-8")
    return path


def members(report: ReasoningReport, cls: URIRef) -> set[str]:
    return {str(s).removeprefix(str(XR)) for s in report.inferred.subjects(RDF.type, cls)}


def test_java_is_available() -> None:
    assert Path(java_executable()).exists()


def test_bundled_graph_is_consistent_and_classified(hermit: ReasoningReport) -> None:
    assert hermit.consistent and hermit.problems == () and hermit.unsatisfiable_classes == ()
    assert members(hermit, XO.ApoptosisTriggeringCargo) == TRIGGERING
    assert members(hermit, XO.XPO1Cargo) == CARGO
    assert members(hermit, XO.XPO1Inhibitor) == INHIBITORS


def test_property_values_from_chains_inverses_and_subproperties(hermit: ReasoningReport) -> None:
    facts = set(hermit.inferred)
    retained = {o for s, p, o in facts if s == XR.selinexor and p == XO.causesNuclearRetentionOf}
    # chain inhibits o exports (the FOXO family too: it is exported, though not a protein)
    assert {str(o).removeprefix(str(XR)) for o in retained} == CARGO | {"FOXOFamily"}
    assert (XR.XPO1, XO.exports, XR.TP53) in facts  # inverse of exportedBy
    assert (XR.TP53, XO.retainedInNucleusBy, XR.selinexor) in facts  # inverse of the chain
    assert (XR.selinexor, XO.bindsSite, XR.XPO1_Cys528) in facts  # super-property
    assert (XR.XPO1, XO.inhibitedBy, XR["KPT-185"]) in facts


def test_inferred_facts_are_new(hermit: ReasoningReport, kg: KnowledgeGraph) -> None:
    assert len(hermit.inferred) > 100
    assert not any(triple in kg.graph for triple in hermit.inferred)
    assert (XR.TP53, RDF.type, XO.Protein) not in hermit.inferred  # the class tree gives it


def test_pellet_and_owl_rl_agree_with_hermit(
    kg: KnowledgeGraph, ontology: Graph, hermit: ReasoningReport
) -> None:
    pellet = reason(kg.graph, ontology, reasoner="pellet", mode="dl")
    rl = reason(kg.graph, ontology, mode="rl")
    assert pellet.consistent and rl.consistent
    assert set(pellet.inferred) == set(hermit.inferred)
    assert set(rl.inferred) == set(hermit.inferred)
    assert "RL" in rl.engine and "HermiT" in hermit.engine


@pytest.mark.parametrize("mode", ["dl", "rl"])
def test_contradiction_is_caught_and_named(contradiction: Path, ontology: Graph, mode: str) -> None:
    graph = load_graph([contradiction]).graph
    report = reason(graph, ontology, mode=mode)  # type: ignore[arg-type]
    assert not report.consistent
    assert len(report.problems) == 1
    assert "xr:TP53" in report.problems[0] and "\n" not in report.problems[0]
    assert len(report.inferred) == 0


def test_reason_command_reports_consistency_and_inferences() -> None:
    result = CliRunner().invoke(main, ["reason"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("consistent (HermiT")
    assert "XPO1 cargo whose nuclear retention triggers apoptosis" in result.stdout
    assert "causes nuclear retention of" in result.stdout


def test_reason_command_names_the_offender_and_exits_1(contradiction: Path) -> None:
    result = CliRunner().invoke(main, ["reason", "--data", str(contradiction)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    # The offenders of one justification, sorted by label: TP53 is always among them (with the
    # hedged routes, its retention is now the only one that "triggers" a route of its own).
    assert lines[-1].startswith("error: inconsistent: ")
    assert "TP53 (xr:TP53)" in lines[-1]
    assert "Traceback" not in result.output and "Exception" not in result.stderr


@pytest.mark.slow  # end to end: fresh Python processes
def test_reason_command_with_pellet_in_a_real_process() -> None:
    command = [sys.executable, "-m", "xpo1kg", "reason", "--reasoner", "pellet", "--format", "csv"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "https://w3id.org/xpo1kg/ontology/XPO1Inhibitor" in done.stdout


def test_query_needing_inference_is_exact_only_with_it(inferred_kg: KnowledgeGraph) -> None:
    with pytest.warns(InferenceWarning):
        assert len(load_graph(inferred=False).run("nuclear_retention_by_inhibitor")) == 0
    result = inferred_kg.run("nuclear_retention_by_inhibitor")
    assert len(result) == len(CARGO) * len(INHIBITORS)
    selinexor = inferred_kg.run("nuclear_retention_by_inhibitor", {"inhibitor": "xr:selinexor"})
    assert set(selinexor.column("protein_label")) == CARGO


def test_inferred_triples_stay_in_their_own_graph(inferred_kg: KnowledgeGraph) -> None:
    assert inferred_kg.inferred is not None
    assert (XR.TP53, RDF.type, XO.ApoptosisTriggeringCargo) in inferred_kg.inferred
    assert (XR.TP53, RDF.type, XO.ApoptosisTriggeringCargo) not in inferred_kg.graph
    assert (
        INFERRED_GRAPH,
        RDF.type,
        URIRef("http://www.w3.org/ns/prov#Entity"),
    ) in inferred_kg.inferred


def test_cached_inference_is_reused(
    monkeypatch: pytest.MonkeyPatch, inferred_kg: KnowledgeGraph
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the reasoner ran again although the input did not change")

    monkeypatch.setattr("xpo1kg.reason.inferred.reason", refuse)
    again = load_graph(inferred=True)
    assert again.inferred is not None and inferred_kg.inferred is not None
    assert isomorphic(again.inferred, inferred_kg.inferred)  # provenance nodes are blank


def test_inconsistent_data_cannot_be_queried_with_inference(contradiction: Path) -> None:
    with pytest.raises(XPO1KGError, match="xr:TP53"):
        load_graph([contradiction], inferred=True)


def test_export_keeps_inferred_facts_apart(tmp_path: Path) -> None:
    runner = CliRunner()
    with_inferred = runner.invoke(main, ["export", "--format", "nq", "--inferred"])
    without = runner.invoke(main, ["export", "--format", "nq", "--no-inferred"])
    assert with_inferred.exit_code == 0 and without.exit_code == 0
    graph_iri = f"<{INFERRED_GRAPH}> ."
    inferred_lines = [
        line for line in with_inferred.stdout.splitlines() if line.endswith(graph_iri)
    ]
    assert any("causesNuclearRetentionOf" in line for line in inferred_lines)
    assert not any(line.endswith(graph_iri) for line in without.stdout.splitlines())
    assert set(without.stdout.splitlines()) < set(with_inferred.stdout.splitlines())
    # Provenance nodes are in the inferred graph too, never in a source file's graph.
    assert any('"logical_entailment" ' in line for line in inferred_lines)
    assert not any('"logical_entailment" ' in line for line in without.stdout.splitlines())


# Provenance of inferred facts (xpo1kg.reason.provenance)


def _premise_closure(
    derivation: Derivation,
    found: dict[Triple, Derivation],
    asserted: Graph,
    path: tuple[Triple, ...],
) -> int:
    """Walk the premises down to asserted statements; return the depth (fails on a cycle)."""
    assert derivation.triple not in path, f"cycle through {derivation.triple}"
    depths = [0]
    for premise in derivation.premises:
        if premise in asserted:
            continue
        assert premise in found, f"dangling premise {premise} of {derivation.triple}"
        depths.append(
            1 + _premise_closure(found[premise], found, asserted, (*path, derivation.triple))
        )
    return max(depths)


def test_every_inferred_triple_has_one_provenance_node(inferred_kg: KnowledgeGraph) -> None:
    inferred = inferred_kg.inferred
    assert inferred is not None
    facts = inferred_triples(inferred)
    assert len(facts) > 100
    for s, p, o in facts:
        nodes = [
            n
            for n in inferred.subjects(OWL.annotatedSource, s)
            if (n, OWL.annotatedProperty, p) in inferred
            and (n, OWL.annotatedTarget, o) in inferred
            and (n, RDF.type, OWL.Axiom) in inferred
        ]
        assert len(nodes) == 1, (s, p, o)
        node = nodes[0]
        assert inferred.value(node, BIOLINK.knowledge_level) == Literal("logical_entailment")
        assert inferred.value(node, BIOLINK.agent_type) == Literal("automated_agent")
        assert inferred.value(node, XO.evidenceType) == OBO.ECO_0000501
        assert isinstance(inferred.value(node, XO.inferredBy), URIRef)
        assert str(inferred.value(node, XO.inferenceRule))
        assert len(list(inferred.objects(node, XO.premise))) >= 1


def test_premises_are_asserted_or_inferred_and_end_in_asserted_statements(
    inferred_kg: KnowledgeGraph,
) -> None:
    assert inferred_kg.inferred is not None
    found = derivations(inferred_kg.inferred)
    assert set(found) == set(inferred_triples(inferred_kg.inferred))
    depths = [_premise_closure(d, found, inferred_kg.graph, ()) for d in found.values()]
    assert max(depths) >= 2  # retainedInNucleusBy <- chain <- exports <- exportedBy


def test_nuclear_retention_pairs_come_from_the_chain(inferred_kg: KnowledgeGraph) -> None:
    inferred = inferred_kg.inferred
    assert inferred is not None
    found = derivations(inferred)
    graph = inferred_kg.graph
    inhibitors = set(graph.subjects(XO.inhibits, XR.XPO1))
    cargo = set(graph.subjects(XO.exportedBy, XR.XPO1)) | set(inferred.objects(XR.XPO1, XO.exports))
    pairs = {(i, c) for i in inhibitors for c in cargo}
    assert len(pairs) >= 40 and {str(i).removeprefix(str(XR)) for i in inhibitors} == INHIBITORS
    retained = {(s, o) for s, o in inferred.subject_objects(XO.causesNuclearRetentionOf)}
    assert retained == pairs
    for inhibitor, protein in pairs:
        triple = (inhibitor, XO.causesNuclearRetentionOf, protein)
        assert triple not in graph
        derivation = found[triple]
        assert derivation.inferred_by == XO.causesNuclearRetentionOf
        assert derivation.rule == "property chain: inhibits o exports"
        assert derivation.premises == (
            (inhibitor, XO.inhibits, XR.XPO1),
            (XR.XPO1, XO.exports, protein),
        )
        assert derivation.premises[0] in graph
        exports = derivation.premises[1]
        assert exports in graph or found[exports].premises == ((protein, XO.exportedBy, XR.XPO1),)


def test_defined_classes_are_justified_by_their_definition(inferred_kg: KnowledgeGraph) -> None:
    assert inferred_kg.inferred is not None
    found = derivations(inferred_kg.inferred)
    cargo = found[(XR.TP53, RDF.type, XO.XPO1Cargo)]
    assert cargo.inferred_by == XO.XPO1Cargo and cargo.rule.startswith("defined class: XPO1Cargo")
    assert (XR.TP53, XO.exportedBy, XR.XPO1) in cargo.premises
    assert all(premise in inferred_kg.graph for premise in cargo.premises)  # asserted preferred
    inhibitor = found[(XR.selinexor, RDF.type, XO.XPO1Inhibitor)]
    assert (XR.selinexor, XO.inhibits, XR.XPO1) in inhibitor.premises
    site = found[(XR.selinexor, XO.bindsSite, XR.XPO1_Cys528)]
    assert site.inferred_by == XO.bindsSite and site.rule.startswith("sub-property")


TBOX = """@prefix xo: <https://w3id.org/xpo1kg/ontology/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
xo:within a owl:ObjectProperty , owl:TransitiveProperty .
xo:near a owl:ObjectProperty , owl:SymmetricProperty .
xo:uses a owl:ObjectProperty ; rdfs:domain xo:User .
xo:Special owl:equivalentClass [ owl:intersectionOf ( xo:User
    [ a owl:Restriction ; owl:onProperty xo:uses ; owl:hasValue xo:tool ] ) ] .
xo:Marked rdfs:subClassOf [ a owl:Restriction ; owl:onProperty xo:near ; owl:hasValue xo:tool ] .
"""


def test_justification_covers_transitive_symmetric_domain_and_values() -> None:
    ontology = Graph().parse(data=TBOX, format="turtle")
    a, b, c, tool = XO.a, XO.b, XO.c, XO.tool
    asserted = [
        (a, XO.within, b),
        (b, XO.within, c),
        (a, XO.near, b),
        (a, XO.uses, tool),
        (c, RDF.type, XO.Marked),
    ]
    inferred = [
        (a, XO.within, c),
        (b, XO.near, a),
        (a, RDF.type, XO.User),
        (a, RDF.type, XO.Special),
        (c, XO.near, tool),
        (a, XO.near, c),  # not entailed by anything here: kept, marked, no premises
    ]
    found = justify(inferred, asserted, ontology)
    assert found[(a, XO.within, c)].premises == ((a, XO.within, b), (b, XO.within, c))
    assert found[(b, XO.near, a)].rule == "symmetric property: near"
    assert found[(a, RDF.type, XO.User)].rule == "domain: uses Domain User"
    special = found[(a, RDF.type, XO.Special)]
    assert special.inferred_by == XO.Special
    assert special.premises == ((a, RDF.type, XO.User), (a, XO.uses, tool))
    assert found[(c, XO.near, tool)].inferred_by == XO.Marked
    assert found[(a, XO.near, c)].premises == () and found[(a, XO.near, c)].inferred_by is None


def test_a_stored_inferred_graph_without_provenance_is_recomputed(tmp_path: Path) -> None:
    import gc

    import pyoxigraph as ox

    from xpo1kg.store.embedded import INFERRED_GRAPH_IRI
    from xpo1kg.store.persistent import open_store

    store = tmp_path / "store"
    created = open_store(store, create=True)  # what `xpo1kg load` makes
    del created
    gc.collect()
    kg = load_graph(store=store, writable=True)
    fact = "<https://w3id.org/xpo1kg/resource/selinexor> <https://w3id.org/xpo1kg/ontology/causesNuclearRetentionOf> <https://w3id.org/xpo1kg/resource/TP53> .\n"
    kg.store.add_rdf(fact.encode(), "old.nt", INFERRED_GRAPH_IRI)  # as stored by an older version
    kg.store.flush()
    del kg
    gc.collect()
    again = load_graph(store=store, inferred=True)
    rules = again.store.oxigraph.quads_for_pattern(
        None, ox.NamedNode(str(XO.inferenceRule)), None, ox.NamedNode(INFERRED_GRAPH_IRI)
    )
    assert len(list(rules)) > 100
    explanation = again.explain("selinexor", "causesNuclearRetentionOf", "TP53")
    assert explanation.rule == "property chain: inhibits o exports"
    del again, explanation
    gc.collect()


def test_validating_a_store_leaves_its_inferred_graph_out(tmp_path: Path) -> None:
    """The inferred graph is not data: both engines validate only the asserted graphs."""
    import gc

    from cli_runs import run

    from xpo1kg.store.persistent import open_store

    store = tmp_path / "store"
    created = open_store(store, create=True)  # what `xpo1kg load` makes
    del created
    gc.collect()
    kg = load_graph(store=store, inferred=True)
    assert kg.has_inferred
    del kg
    gc.collect()
    for engine in ("fast", "pyshacl"):
        outcome = run("validate", "--store", store, "--engine", engine)
        assert outcome.exit_code == 0, outcome.stdout[-2000:]
        assert outcome.stdout.strip().endswith("conforms")


def test_quick_jvm_options_only_for_small_graphs_and_never_over_the_users(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from xpo1kg.reason.java_reasoners import QUICK_JVM_LIMIT, _jvm_options

    monkeypatch.delenv("JDK_JAVA_OPTIONS", raising=False)
    with _jvm_options(QUICK_JVM_LIMIT):
        assert "TieredStopAtLevel=1" in os.environ["JDK_JAVA_OPTIONS"]
    assert "JDK_JAVA_OPTIONS" not in os.environ
    with _jvm_options(QUICK_JVM_LIMIT + 1):
        assert "JDK_JAVA_OPTIONS" not in os.environ
    monkeypatch.setenv("JDK_JAVA_OPTIONS", "-Xmx1g")
    with _jvm_options(10):
        assert os.environ["JDK_JAVA_OPTIONS"] == "-Xmx1g"
    assert os.environ["JDK_JAVA_OPTIONS"] == "-Xmx1g"
