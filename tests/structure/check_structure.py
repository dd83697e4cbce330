#!/usr/bin/python3
"""Checks that keep the engine's structure (engine/src/README.md).

  check_structure.py layers SRC      includes follow the layers, no cycles
  check_structure.py sizes SRC       no engine file over 500 lines, no
                                     function over 150
  check_structure.py waits SRC       no sleep loops: the one timed wait is
                                     log/secondary.cc's
  check_structure.py casts SRC...    no dynamic_cast to an engine class
  check_structure.py exports LIB     libannals.so exports no internals

SRC is engine/src (sizes also runs on tools and python/src). Exits 1 listing
every violation; 0 when there is none.
"""
import os
import re
import subprocess
import sys

# The layers, in the one direction they may depend: a directory may include
# only its own and lower ones. Directories not named here are free of the
# order but not of cycles.
LAYERS = ["log", "projection", "timeline", "facade"]
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 150
# The one place a timed wait is allowed (a read-only open retrying while
# another process changes the store's files; see log/secondary.h).
TIMED_WAIT_FILES = {"log/secondary.cc"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def sources(src):
    for root, _, files in os.walk(src):
        for f in sorted(files):
            if f.endswith((".cc", ".h")):
                path = os.path.join(root, f)
                yield os.path.relpath(path, src), path


def dir_graph(src):
    dirs = {d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d))}
    graph = {d: set() for d in dirs}
    where = {}
    for rel, path in sources(src):
        own = rel.split("/")[0]
        if own not in dirs:
            continue
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if m and m.group(1) in dirs and m.group(1) != own:
                    graph[own].add(m.group(1))
                    where.setdefault((own, m.group(1)), f"{rel}:{n}")
    return graph, where


def find_cycle(graph):
    state = {}
    stack = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def check_layers(src):
    graph, where = dir_graph(src)
    problems = []
    for own, deps in graph.items():
        if own not in LAYERS:
            continue
        for dep in deps:
            if dep in LAYERS and LAYERS.index(dep) > LAYERS.index(own):
                problems.append(f"{where[(own, dep)]}: {own}/ includes {dep}/, "
                                f"against the layers {' -> '.join(LAYERS)}")
    cycle = find_cycle(graph)
    if cycle:
        steps = [f"{a}/ -> {b}/ ({where[(a, b)]})" for a, b in zip(cycle, cycle[1:])]
        problems.append("include cycle: " + "; ".join(steps))
    return problems


def function_lengths(path):
    """(name, first line, lines) of each function body that opens at the
    top level (outside classes), by brace depth; namespaces do not count."""
    out = []
    depth = 0
    ns_depth = 0
    start = None
    name = ""
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"'(\\.|[^'\\\n])'", "''", text)
    lines = text.split("\n")
    for n, line in enumerate(lines, 1):
        for i, c in enumerate(line):
            if c == "{":
                head = line[:i]
                if re.search(r"\bnamespace\b", head) and depth == ns_depth:
                    ns_depth += 1
                elif depth == ns_depth and start is None:
                    start = n
                    name = head.strip() or (lines[n - 2].strip() if n > 1 else "")
                depth += 1
            elif c == "}":
                depth -= 1
                if depth < ns_depth:
                    ns_depth = depth
                elif depth == ns_depth and start is not None:
                    out.append((name, start, n - start + 1))
                    start = None
    return out


def check_sizes(src):
    problems = []
    for rel, path in sources(src):
        with open(path, encoding="utf-8") as f:
            n = sum(1 for _ in f)
        if n > MAX_FILE_LINES:
            problems.append(f"{rel}: {n} lines (the limit is {MAX_FILE_LINES}): "
                            "split it into files named for what they hold")
        if rel.endswith(".cc"):
            for name, first, length in function_lengths(path):
                if length > MAX_FUNCTION_LINES and not re.match(r"(class|struct|enum)\b", name):
                    problems.append(f"{rel}:{first}: a function of {length} lines (the limit is "
                                    f"{MAX_FUNCTION_LINES}): split it into named steps")
    return problems


def check_waits(src):
    problems = []
    sleep = re.compile(r"\b(SleepFor|sleep_for|sleep_until|usleep|nanosleep)\b")
    for rel, path in sources(src):
        if rel in TIMED_WAIT_FILES:
            continue
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if sleep.search(line.split("//")[0]):
                    problems.append(f"{rel}:{n}: sleeps; wait on the event instead "
                                    "(absl::Mutex::Await / CondVar, with a deadline)")
    return problems


def check_casts(roots):
    problems = []
    cast = re.compile(r"dynamic(_pointer)?_cast\s*<")
    for root in roots:
        for rel, path in sources(root):
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if cast.search(line.split("//")[0]):
                        problems.append(f"{os.path.join(root, rel)}:{n}: dynamic_cast; reach "
                                        "what you need through an interface "
                                        "(internal::EngineServices, a capability)")
    return problems


def check_exports(lib):
    nm = subprocess.run(["nm", "-D", "--defined-only", "-C", lib], check=True,
                        capture_output=True, text=True).stdout
    # A symbol of annals's internals (or its vtable, typeinfo...). Library
    # templates instantiated over an internal type (std::deque's iterators,
    # say) are left out: clang's sanitizer builds export some of those weak,
    # because libstdc++ marks namespace std visibility("default").
    own = re.compile(r"^(?:(?:vtable|typeinfo|typeinfo name|VTT|guard variable|"
                     r"construction vtable) for )?annals::(internal|schema)::")
    leaked = [l for l in nm.splitlines()
              if len(l.split(" ", 2)) == 3 and own.match(l.split(" ", 2)[2])]
    return [f"{lib} exports {len(leaked)} internal symbols (mark only the public API "
            f"ANNALS_EXPORT), e.g.:"] + leaked[:20] if leaked else []


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    what, args = argv[1], argv[2:]
    checks = {"layers": lambda: check_layers(args[0]), "sizes": lambda: check_sizes(args[0]),
              "waits": lambda: check_waits(args[0]), "casts": lambda: check_casts(args),
              "exports": lambda: check_exports(args[0])}
    if what not in checks:
        print(__doc__)
        return 2
    problems = checks[what]()
    for p in problems:
        print(p)
    if not problems:
        print(f"{what}: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
