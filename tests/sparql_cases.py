"""Hypothesis strategies for queries that hide SERVICE among hostile lexemes (shared by tests)."""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["service_queries"]

LOCAL_NAMES = st.sampled_from(
    ["xo:b\\#c", "xo:b\\'c", "xo:a.b", "xo:a%23b", "xo:b\\(x\\)", "xo:", "xo:a\\.", "xo:SERVICE"]
)
IRIS = st.sampled_from(["<urn:a#b>", "<urn:a'b>", "<http://x/#'>", "<urn:\\u0023>", "<urn:a>"])
COMMENTS = st.sampled_from(["# x\n", "# ' \" < {\n", "#\r", "# SERVICE <urn:s> {}\n"])
ATOMS = ["a", " ", "#", "<", "{", "}", "\\'", '\\"', "\\\\", "\\n", "\\u0022", "\\u0027", "SERVICE"]
# Text that is not valid SPARQL (the guard must still never let SERVICE through).
BROKEN = st.sampled_from(["'", '"', "'''", '"""', "\\", "<", "xo:a\\", "'a\\q'", "#"])


@st.composite
def strings(draw: st.DrawFn) -> str:
    """A string literal of one of the four forms, with escapes and the other quote inside."""
    quote = draw(st.sampled_from(["'", '"', "'''", '"""']))
    atoms = [*ATOMS, '"' if quote[0] == "'" else "'"]
    if len(quote) == 3:
        atoms += [quote[0] + "x", quote[0] * 2 + "x", "\n"]
    return quote + "".join(draw(st.lists(st.sampled_from(atoms), max_size=5))) + quote


@st.composite
def statements(draw: st.DrawFn) -> str:
    """One valid piece of a group graph pattern built from hostile lexemes."""
    kind = draw(st.integers(0, 5))
    variable = f"?v{draw(st.integers(0, 99))}"
    if kind == 0:
        return f"OPTIONAL {{ ?a {draw(LOCAL_NAMES)} {variable} }}"
    if kind == 1:
        return f"BIND({draw(strings())} AS {variable})"
    if kind == 2:
        return f"FILTER(?c != {draw(IRIS)})"
    if kind == 3:
        return draw(COMMENTS)
    if kind == 4:
        return f"VALUES {variable} {{ {draw(strings())} {draw(IRIS)} }}"
    return f"OPTIONAL {{ ?a ?b {draw(strings())} }}"


@st.composite
def service_queries(draw: st.DrawFn) -> str:
    """A query with a SERVICE clause among hostile lexemes and nesting; PORT is a placeholder."""
    target = "<http://127.0.0.1:PORT/sparql>"
    clause = draw(
        st.sampled_from(
            [
                f"SERVICE {target} {{ ?x ?y ?z }}",
                f"service {target} {{ ?x ?y ?z }}",
                f"SeRvIcE{target}{{?x ?y ?z}}",
                f"?a ?b trueSERVICE {target} {{ ?x ?y ?z }}",
                f"?a ?b 1SERVICE {target} {{ ?x ?y ?z }}",
                f"?a ?b true.SERVICE {target} {{ ?x ?y ?z }}",
                "?a ?b ?c SERVICE:sparql { ?x ?y ?z }",
            ]
        )
    )
    wrap = draw(st.sampled_from(["{}", "OPTIONAL {{ {} }}", "{{ {} }}", "{{ }} UNION {{ {} }}"]))
    depth = draw(st.integers(0, 3))
    group = "{ " * depth + wrap.format(clause) + " }" * depth
    pieces = st.one_of(statements(), statements(), statements(), BROKEN)
    before = draw(st.lists(pieces, max_size=4))
    after = draw(st.lists(pieces, max_size=3))
    spacer = draw(st.sampled_from([" ", "\n", "\t "]))
    body = spacer.join([*before, group, *after])
    return f"PREFIX : <http://127.0.0.1:PORT/> SELECT * {{ ?a ?b ?c {body} }}"
