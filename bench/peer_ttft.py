#!/usr/bin/python3
"""One client's TTFT against the mock's send log: "p50 p99 matched streams_reached".

usage: peer_ttft.py servebench|aiperf|guidellm OUTPUT SEND_LOG
OUTPUT is the client's artifact folder (servebench, AIPerf) or its JSON file (GuideLLM).
A request's error is the client's TTFT less the mock's own (its first content event sent less the
request's arrival, the kernel's receive time of its last byte): what the client adds, its send
queue and connects included, not the mock's queue of reads. servebench and
AIPerf send X-Request-Id, so requests are matched by id; GuideLLM sends none, so by prompt text
(the mock must run with --send-log-bodies; the synthetic prompts are unique).
streams_reached is the most requests the mock had open at once.
"""
import json
import sys

import numpy as np

kind, output, send_log = sys.argv[1], sys.argv[2], sys.argv[3]


def prompt_of(body):
    """The last user message's text, whatever shape its content has."""
    content = json.loads(body)["messages"][-1]["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content)
    return content


mock_ttft_ms = {}  # by request id, or by prompt text for GuideLLM
spans = []
for line in open(send_log):
    entry = json.loads(line)
    if entry["endpoint"] != "chat":
        continue
    content = [t for t, c in zip(entry["events_ns"], entry["content"]) if c]
    if entry["events_ns"]:
        spans.append((entry["received_ns"], entry["events_ns"][-1]))
    if not content:
        continue
    key = prompt_of(entry["body"]) if kind == "guidellm" else entry["request_id"]
    mock_ttft_ms[key] = (content[0] - (entry.get("arrived_ns") or entry["received_ns"])) / 1e6

client_ttft_ms = []  # (key, ttft)
if kind == "guidellm":
    for benchmark in json.load(open(output))["benchmarks"]:
        for r in benchmark["requests"]["successful"]:
            body = json.loads(r["request_args"])["body"]
            client_ttft_ms.append((prompt_of(json.dumps(body)), r["time_to_first_token_ms"]))
else:
    for line in open(f"{output}/profile_export.jsonl"):
        record = json.loads(line)
        metrics = record.get("metrics") or {}
        if record.get("error") or record["metadata"].get("benchmark_phase") != "profiling":
            continue
        if "time_to_first_token" in metrics:
            client_ttft_ms.append((record["metadata"]["x_request_id"], metrics["time_to_first_token"]["value"]))

errors = [ttft - mock_ttft_ms[key] for key, ttft in client_ttft_ms if key in mock_ttft_ms]
# The most requests open at once: +1 at each receive, -1 after each last event.
steps = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
open_now = reached = 0
for _, step in steps:
    open_now += step
    reached = max(reached, open_now)
if not errors:
    print("- - 0", reached)
else:
    print(f"{np.percentile(errors, 50):.1f} {np.percentile(errors, 99):.1f} {len(errors)} {reached}")
