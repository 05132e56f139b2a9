"""Compares AIPerf's files with servebench's --output-format aiperf files of the same run.

usage: compare.py AIPERF_DIR SERVEBENCH_DIR docs/aiperf.md

Every key of AIPerf's profile_export_aiperf.json (nested keys included), every row label of its
CSV and every key of its per-request JSONL lines must be in servebench's file with the same shape
(object keys, list or scalar type) and the same unit, unless docs/aiperf.md lists it in its table
of what servebench does not compute. servebench's file may hold no key AIPerf's lacks either,
unless that table lists it. Prints every difference and exits 1 if there is one.
"""

import csv
import json
import re
import sys
from pathlib import Path


def documented(doc_path):
    """The names in the first column of docs/aiperf.md's tables of differences."""
    names = set()
    in_table = False
    for line in Path(doc_path).read_text().splitlines():
        if line.startswith("## "):
            in_table = "differ" in line.lower() or "not compute" in line.lower()
        if in_table and line.startswith("| `"):
            names.update(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return names


def kind(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if value is None:
        return "null"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    return "object"


def compare(theirs, ours, path, skip, problems):
    """Walks AIPerf's value; every difference not in skip goes to problems."""
    if path in skip:
        return
    if ours is None and theirs is not None:
        problems.append(f"{path}: missing")
        return
    t, o = kind(theirs), kind(ours)
    numbers = {"int", "float"}
    if t != o and not (path.endswith(".avg") and {t, o} <= numbers):
        problems.append(f"{path}: AIPerf writes {t}, servebench {o}")
        return
    if t == "object":
        for key, value in theirs.items():
            compare(value, ours.get(key), f"{path}.{key}", skip, problems)
        for key in ours:
            if key not in theirs and f"{path}.{key}" not in skip:
                problems.append(f"{path}.{key}: servebench writes it, AIPerf does not")
        if "unit" in theirs and theirs.get("unit") != ours.get("unit"):
            problems.append(f"{path}.unit: AIPerf '{theirs['unit']}', servebench '{ours['unit']}'")
    elif t == "list" and theirs and ours:
        compare(theirs[0], ours[0], f"{path}[]", skip, problems)


def csv_sections(path):
    rows = list(csv.reader(open(path, newline="")))
    sections, current = [], []
    for row in rows:
        if not row:
            if current:
                sections.append(current)
            current = []
        else:
            current.append(row)
    if current:
        sections.append(current)
    # AIPerf's GPU telemetry section has no rows without GPUs: its header alone.
    return [s for s in sections if len(s) > 1 or s[0][0] == "Metric"]


def compare_csv(theirs_path, ours_path, json_skipped, problems):
    raw = Path(ours_path).read_bytes()
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append("csv: servebench's lines do not all end in CRLF as AIPerf's do")
    theirs, ours = csv_sections(theirs_path), csv_sections(ours_path)
    if [s[0] for s in theirs] != [s[0] for s in ours]:
        problems.append(f"csv: section headers differ: {[s[0] for s in theirs]} vs {[s[0] for s in ours]}")
        return
    for t_rows, o_rows in zip(theirs, ours):
        t_labels = {r[0]: r for r in t_rows[1:]}
        o_labels = {r[0]: r for r in o_rows[1:]}
        for label, row in o_labels.items():
            if label not in t_labels:
                problems.append(f"csv: row '{label}' is servebench's only")
                continue
            for t_cell, o_cell in zip(t_labels[label][1:], row[1:]):
                if (t_cell == "") != (o_cell == "") or not re.fullmatch(r"(-?\d+\.\d\d)?", o_cell):
                    problems.append(f"csv: row '{label}': '{o_cell}' where AIPerf writes '{t_cell}'")
                    break
        missing = [label for label in t_labels if label not in o_labels]
        if len(missing) > json_skipped:
            problems.append(f"csv: {len(missing)} AIPerf rows missing, only {json_skipped} listed: {missing}")


def merged_lines(path):
    """Every key that any success line (and any error line) holds, with its first value: two
    tools' lines are different requests, and a request may lack a metric (ITL with one token)."""
    merged = {False: {}, True: {}}
    for line in open(path):
        record = json.loads(line)
        into = merged[bool(record.get("error"))]
        for section, value in record.items():
            if isinstance(value, dict):
                into.setdefault(section, {})
                for key, inner in value.items():
                    into[section].setdefault(key, inner)
            else:
                into.setdefault(section, value)
    return merged[False] or None, merged[True] or None


def main():
    aiperf, servebench, doc = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    skip = documented(doc)
    problems = []

    theirs = json.load(open(aiperf / "profile_export_aiperf.json"))
    ours = json.load(open(servebench / "profile_export_aiperf.json"))
    compare(theirs, ours, "json", {f"json.{name}" for name in skip}, problems)
    metric_keys = [k for k, v in theirs.items() if isinstance(v, dict) and "unit" in v]
    skipped_metrics = sum(1 for k in metric_keys if k in skip)
    compare_csv(aiperf / "profile_export_aiperf.csv", servebench / "profile_export_aiperf.csv",
                skipped_metrics, problems)

    t_ok, t_error = merged_lines(aiperf / "profile_export.jsonl")
    o_ok, o_error = merged_lines(servebench / "profile_export.jsonl")
    jsonl_skip = {f"jsonl.{name}" for name in skip}
    for what, t, o in (("success", t_ok, o_ok), ("error", t_error, o_error)):
        if t is None or o is None:
            problems.append(f"jsonl: no {what} line to compare (AIPerf {t is not None}, servebench {o is not None})")
            continue
        compare(t, o, "jsonl", jsonl_skip, problems)
    if t_error and o_error and t_error["error"]["type"] != o_error["error"]["type"]:
        problems.append(f"jsonl: error type AIPerf '{t_error['error']['type']}', servebench '{o_error['error']['type']}'")

    shared = [k for k in metric_keys if k not in skip]
    print(f"aiperf comparison: {len(shared)} of AIPerf's {len(metric_keys)} metrics written by both, "
          f"{len(problems)} difference(s) not documented in {doc}")
    for p in problems:
        print("  " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
