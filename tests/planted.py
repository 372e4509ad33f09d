"""Planted copies for the similarity tests: one learner's file, disguised the ways copiers disguise it."""
import ast
import builtins
import io
import keyword
import re
import tokenize


def rename(source: str) -> str:
    """Every variable, parameter and helper the file defines gets another name."""
    tree = ast.parse(source)
    defined = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
        elif isinstance(node, ast.FunctionDef) and node.name.startswith(("_", "assert", "single", "term", "loglik", "grad")):
            defined.add(node.name)
    defined -= set(dir(builtins)) | set(keyword.kwlist)
    names = {name: f"{name[:1]}_{index}x" for index, name in enumerate(sorted(defined))}
    out, previous = [], None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME and tok.string in names and previous != ".":
            tok = tok._replace(string=names[tok.string])
        out.append(tok)
        previous = tok.string
    return tokenize.untokenize(out)


def reorder(source: str) -> str:
    """The top-level functions in reverse order (the module docstring and imports stay first)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    first = functions[0].lineno - 1
    blocks = ["".join(lines[f.lineno - 1:f.end_lineno]).rstrip("\n") + "\n" for f in functions]
    return "".join(lines[:first]) + "\n\n".join(reversed(blocks))


def recomment(source: str) -> str:
    """Every comment removed, and new ones written above some lines."""
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            continue
        out.append(tok)
    text = tokenize.untokenize(out)
    lines = []
    for number, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if number % 5 == 0 and stripped.startswith(("return", "for", "if")):
            indent = line[:len(line) - len(line.lstrip())]
            lines.append(f"{indent}# step {number}: this is where the work happens")
        lines.append(line.rstrip() + ("  # done" if stripped.startswith("return") else ""))
    return "\n".join(lines) + "\n"


def respace(source: str) -> str:
    """Tabs for indentation, no spaces around arithmetic, blank lines added."""
    lines = []
    for line in source.splitlines():
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        body = re.sub(r" ([*/+-]) ", r"\1", body) if not body.startswith(("#", '"')) else body
        lines.append("\t" * (indent // 4) + " " * (indent % 4) + body)
        if body.startswith("return"):
            lines.append("")
    return "\n".join(lines) + "\n"


def everything(source: str) -> str:
    return respace(recomment(reorder(rename(source))))


TRANSFORMS = {"renamed": rename, "reordered": reorder, "recommented": recomment, "respaced": respace,
              "disguised": everything}
