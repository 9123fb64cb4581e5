"""Compares expected.json files the capture tool wrote with committed ones (memory addresses in AOTAutograd messages
differ from run to run and are masked).

    python3 src/test/python/compare_expected.py /tmp/check/moe_view src/test/resources/fixtures/torch-2.11/moe_view
"""

import json
import re
import sys


def _mask(value):
    if isinstance(value, str):
        return re.sub(r"0x[0-9a-f]+", "0x?", value)
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    return value


def differences(actual, expected, path=""):
    if type(actual) is not type(expected):
        return [f"{path}: {actual!r} != {expected!r}"]
    if isinstance(actual, dict):
        out = []
        for key in sorted(set(actual) | set(expected)):
            if key not in actual:
                out.append(f"{path}/{key}: missing")
            elif key not in expected:
                out.append(f"{path}/{key}: extra")
            else:
                out.extend(differences(actual[key], expected[key], f"{path}/{key}"))
        if not out and list(actual) != list(expected):
            out.append(f"{path}: key order {list(actual)} != {list(expected)}")
        return out
    if isinstance(actual, list):
        if len(actual) != len(expected):
            return [f"{path}: {actual!r} != {expected!r}"]
        return [d for i, (a, e) in enumerate(zip(actual, expected)) for d in differences(a, e, f"{path}[{i}]")]
    return [] if actual == expected else [f"{path}: {actual!r} != {expected!r}"]


def main(actual_dir, expected_dir):
    with open(f"{actual_dir}/expected.json") as f:
        actual = _mask(json.load(f))
    with open(f"{expected_dir}/expected.json") as f:
        expected = _mask(json.load(f))
    diffs = differences(actual, expected)
    print(f"{actual_dir} vs {expected_dir}: {len(diffs)} difference(s)")
    for d in diffs[:60]:
        print("  " + d[:400])
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
