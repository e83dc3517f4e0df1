"""Reading standard files: strict YAML (no duplicate keys, dates kept as text) and problems."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask_babel import gettext as _


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file: where it is, and what to do about it."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and leaves dates as ISO strings."""


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path, label: str) -> tuple[object | None, list[Problem]]:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(label, "", _("the file is not UTF-8 text (byte %(n)d)", n=exc.start))]
    except OSError as exc:
        return None, [Problem(label, "", _("cannot read the file: %(reason)s", reason=exc.strerror))]
    try:
        return yaml.load(text, Loader=StrictLoader), []  # noqa: S506  # nosec B506 - StrictLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line %(line)d, column %(column)d", line=mark.line + 1, column=mark.column + 1) if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(label, where, _("not valid YAML: %(problem)s", problem=problem))]


def standard_files(path: Path) -> list[Path]:
    """The standard files at *path*: the file itself, or every *.yaml/*.yml below a folder."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def dump_yaml(document: dict) -> str:
    """Write a document in the same format the files use, readable by a standards officer."""
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=2**16,
                     default_flow_style=False)


class _Dumper(yaml.SafeDumper):
    """Writes dates bare, as the files have them (StrictLoader reads them back as text), and
    indents lists under their key, as people write them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


_Dumper.yaml_implicit_resolvers = StrictLoader.yaml_implicit_resolvers


def _represent_str(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if _needs_quotes(value) else None)


def _needs_quotes(value: str) -> bool:
    """Quote prose and anything YAML could read back as another type; dates stay bare."""
    if _ISO_DATE.match(value):
        return False
    if not value or " " in value or not value.isascii():
        return True
    return yaml.safe_load(value) != value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_Dumper.add_representer(str, _represent_str)
