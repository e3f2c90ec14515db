"""Reads the annotated command blocks out of README.md (the convention is described in ./run)."""

import re
from dataclasses import dataclass, field

ANNOTATION = re.compile(r"^<!--\s*scenario:(\S+)\s+host:(\S+)(?:\s+step:(\S+))?\s*-->\s*$")
FENCE = re.compile(r"^```\s*(\w*)\s*$")


@dataclass
class Command:
    line: str
    expected: list = field(default_factory=list)  # output lines shown after `$ line`; console blocks only


@dataclass
class Block:
    scenario: str
    host: str
    step: str
    kind: str  # "sh": commands only; "console": `$ command` lines followed by their output
    lineno: int
    commands: list

    @property
    def key(self):
        return (self.scenario, self.host, self.step)

    def where(self):
        step = f" step:{self.step}" if self.step else ""
        return f"README.md:{self.lineno} (scenario:{self.scenario} host:{self.host}{step})"


class ReadmeError(Exception):
    pass


def parse(path):
    """Returns {(scenario, host, step): Block}; raises ReadmeError on a malformed annotation."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    blocks = {}
    i = 0
    while i < len(lines):
        m = ANNOTATION.match(lines[i])
        if not m:
            i += 1
            continue
        lineno = i + 1
        i += 1
        while i < len(lines) and not lines[i].strip():
            i += 1
        fence = FENCE.match(lines[i]) if i < len(lines) else None
        if not fence or fence.group(1) not in ("sh", "console"):
            raise ReadmeError(f"README.md:{lineno}: annotation must be followed by a ```sh or ```console block")
        kind = fence.group(1)
        body = []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise ReadmeError(f"README.md:{lineno}: code block is never closed")
        i += 1
        block = Block(m.group(1), m.group(2), m.group(3) or "", kind, lineno,
                      _console(body) if kind == "console" else _sh(body))
        if not block.commands:
            raise ReadmeError(f"{block.where()}: block has no commands")
        if block.key in blocks:
            raise ReadmeError(f"{block.where()}: same scenario, host and step as {blocks[block.key].where()}")
        blocks[block.key] = block
    return blocks


def _join_continuations(lines):
    out, pending = [], ""
    for line in lines:
        if line.endswith("\\"):
            pending += line[:-1]
        else:
            out.append(pending + line)
            pending = ""
    if pending:
        out.append(pending)
    return out


def _sh(body):
    return [Command(l.strip()) for l in _join_continuations(body) if l.strip() and not l.lstrip().startswith("#")]


def _console(body):
    commands = []
    for line in _join_continuations(body):
        if line.startswith("$ "):
            commands.append(Command(line[2:].strip()))
        elif commands:
            commands[-1].expected.append(line)
        elif line.strip():
            raise ReadmeError(f"console block output before any `$ ` command: {line!r}")
    return commands


def _normalise(lines):
    lines = [" ".join(l.split()) for l in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def matches(expected, actual_text):
    """True if the output matches the shown lines; runs of blanks compare equal and `...` stands for any text."""
    want = _normalise(expected)
    got = _normalise(actual_text.splitlines())
    pattern = "\n".join(re.escape(l).replace(re.escape("..."), ".*") for l in want)
    return re.fullmatch(pattern, "\n".join(got), re.DOTALL) is not None
