"""Strict JSON reading shared by the subscriber and the example checker: finite numbers only, no
duplicate keys (the stream and its schemas promise both)."""

import json


def _refuse_constant(name):
    raise ValueError(f"non-finite number {name} (the stream carries finite numbers only)")


def _unique_keys(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def loads(text):
    """Parses `text`; raises ValueError on NaN/Infinity or a duplicate key."""
    return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys)


def load(path):
    """Reads and parses the file at `path` like `loads`."""
    with open(path, encoding="utf-8") as handle:
        return loads(handle.read())
