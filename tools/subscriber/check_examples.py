#!/usr/bin/env python3
"""Check the event schemas and their examples (docs/events/schemas, docs/events/examples).

For every kind: <kind>.schema.json must be a valid draft-07 JSON Schema pinning that kind, and
examples/<kind>.json must exist and be valid against it. Each schema must also be strict: the
example with an extra key (in the envelope, in data, in each array item) or without one of its
keys must be refused. Prints one line per kind; exits 0 when everything holds, 1 otherwise, 2 when
a folder or the jsonschema module is missing.

Needs jsonschema (Debian: python3-jsonschema); run with /usr/bin/python3 on Debian.
"""

import argparse
import copy
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import strict_json  # noqa: E402

PROG = "check_examples"
KINDS = (
    "decision", "order", "fill", "state", "breach", "alert",
    "unwind", "deadman", "promotion", "operator", "heartbeat",
)
REPO_ROOT = Path(__file__).resolve().parent.parent.parent
EXTRA_KEY = "unexpected_key"



def error_text(validator, instance):
    import jsonschema
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is None:
        return None
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    return f"{path or '(event)'}: {error.message}"


def object_paths(value, path=()):
    """Paths of every JSON object in value (the value itself included)."""
    if isinstance(value, dict):
        yield path
        for key, item in value.items():
            yield from object_paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from object_paths(item, path + (index,))


def at(value, path):
    for part in path:
        value = value[part]
    return value


def show(path):
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "(event)"


def strictness_problems(validator, example):
    """Mutations of a valid example that the schema should refuse but accepts."""
    problems = []
    for path in object_paths(example):
        widened = copy.deepcopy(example)
        at(widened, path)[EXTRA_KEY] = 1
        if validator.is_valid(widened):
            problems.append(f"accepts an extra key in {show(path)}")
        for key in at(example, path):
            narrowed = copy.deepcopy(example)
            del at(narrowed, path)[key]
            if validator.is_valid(narrowed):
                problems.append(f"accepts {show(path + (key,))} missing")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("--schemas", metavar="DIR", default=str(REPO_ROOT / "docs" / "events" / "schemas"),
                        help="folder of <kind>.schema.json files (default: docs/events/schemas)")
    parser.add_argument("--examples", metavar="DIR", default=str(REPO_ROOT / "docs" / "events" / "examples"),
                        help="folder of <kind>.json examples (default: docs/events/examples)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print failures only")
    args = parser.parse_args(argv)

    try:
        import jsonschema
    except ImportError:
        print(f"{PROG}: needs the jsonschema module (Debian: python3-jsonschema); run with /usr/bin/python3",
              file=sys.stderr)
        return 2
    schemas_dir, examples_dir = Path(args.schemas), Path(args.examples)
    for option, folder in (("--schemas", schemas_dir), ("--examples", examples_dir)):
        if not folder.is_dir():
            print(f"{PROG}: {option} {folder}: no such folder", file=sys.stderr)
            return 2

    kinds = list(KINDS)
    for path in sorted(schemas_dir.glob("*.schema.json")) + sorted(examples_dir.glob("*.json")):
        kind = path.name[: -len(".schema.json")] if path.name.endswith(".schema.json") else path.stem
        if kind not in kinds:
            kinds.append(kind)

    failures = 0
    for kind in kinds:
        schema_path = schemas_dir / f"{kind}.schema.json"
        example_path = examples_dir / f"{kind}.json"
        problems = []
        validator = None
        if not schema_path.is_file():
            problems.append(f"schema missing: {schema_path}")
        else:
            try:
                schema = strict_json.load(schema_path)
                jsonschema.Draft7Validator.check_schema(schema)
                validator = jsonschema.Draft7Validator(schema)
                if schema.get("$schema") != "http://json-schema.org/draft-07/schema#":
                    problems.append(f"{schema_path}: $schema is not draft-07")
                pinned = schema.get("properties", {}).get("kind", {}).get("const")
                if pinned != kind:
                    problems.append(f"{schema_path}: properties.kind.const is {pinned!r}, expected {kind!r}")
            except (OSError, ValueError) as error:
                problems.append(f"{schema_path}: cannot be read as JSON ({error})")
            except jsonschema.exceptions.SchemaError as error:
                problems.append(f"{schema_path}: not a valid draft-07 schema ({error.message})")
        if not example_path.is_file():
            problems.append(f"example missing: {example_path}")
        elif validator is not None:
            try:
                example = strict_json.load(example_path)
            except (OSError, ValueError) as error:
                problems.append(f"{example_path}: cannot be read as JSON ({error})")
            else:
                error = error_text(validator, example)
                if error is not None:
                    problems.append(f"{example_path}: invalid: {error}")
                else:
                    problems.extend(f"{schema_path}: {text}" for text in strictness_problems(validator, example))
        if problems:
            failures += 1
            for text in problems:
                print(f"FAIL {kind}: {text}", file=sys.stderr)
        elif not args.quiet:
            print(f"ok   {kind}")

    if failures:
        print(f"{PROG}: {failures} of {len(kinds)} kind(s) failed", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"{PROG}: {len(kinds)} kind(s) ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
