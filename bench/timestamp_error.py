#!/usr/bin/python3
"""Every content event's client timestamp against the mock's send log: p50 / p99 in ms.

usage: timestamp_error.py RUN_DIR SEND_LOG [--ttft]
--ttft: each request's TTFT against the mock's own (first content sent - request arrived, the
kernel's receive time of its last byte): what the client adds, its send queue and connects
included, and not the mock's own queue of reads. The same against the mock's read time follows
in brackets (it adds the mock's queue: at 500 requests at once, milliseconds).
The client's first-byte time of event k is start + TTFT + the first k inter-chunk gaps; the mock's
is the CLOCK_MONOTONIC time it handed the event to the socket. Both use one clock.
"""
import json
import sys

import numpy as np

run_dir, send_log = sys.argv[1], sys.argv[2]
ttft_only = "--ttft" in sys.argv[3:]
sent = {}
entry_received = {}
entry_arrived = {}
for line in open(send_log):
    entry = json.loads(line)
    entry_received[entry["request_id"]] = entry["received_ns"]
    entry_arrived[entry["request_id"]] = entry.get("arrived_ns") or entry["received_ns"]
    sent[entry["request_id"]] = [t for t, c in zip(entry["events_ns"], entry["content"]) if c]
errors = []
read_errors = []
for line in open(f"{run_dir}/profile_export.jsonl"):
    record = json.loads(line)
    if record["error"] is not None or record["metadata"]["benchmark_phase"] != "profiling":
        continue
    content = sent.get(record["metadata"]["x_request_id"])
    metrics = {k: v["value"] for k, v in record["metrics"].items()}
    if not content or "time_to_first_token" not in metrics:
        continue
    client = record["metadata"]["start_ns"] / 1e6 + metrics["time_to_first_token"] + np.concatenate(
        ([0.0], np.cumsum(metrics.get("inter_chunk_latency", []))))
    if ttft_only:
        request_id = record["metadata"]["x_request_id"]
        errors.append(metrics["time_to_first_token"] - (content[0] - entry_arrived[request_id]) / 1e6)
        read_errors.append(metrics["time_to_first_token"] - (content[0] - entry_received[request_id]) / 1e6)
    elif len(client) == len(content):
        errors.extend(client - np.array(content) / 1e6)
if ttft_only:
    print(f"{np.percentile(errors, 50):.3f} / {np.percentile(errors, 99):.3f} ms ({len(errors)} requests;"
          f" against the mock's read {np.percentile(read_errors, 50):.3f} / {np.percentile(read_errors, 99):.3f})")
else:
    print(f"{np.percentile(errors, 50):.3f} / {np.percentile(errors, 99):.3f} ms ({len(errors)} events)")
