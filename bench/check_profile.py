#!/usr/bin/python3
"""Checks a profile run against the mock's ground truth and the schedule's intent.

usage: check_profile.py RUN_DIR [SEND_LOG]
Prints TTFT and ITL p50 from the client beside the same figures from the mock's send log,
the achieved request rate, schedule lag p99, and a Kolmogorov-Smirnov test of the inter-arrival
gaps against the exponential (for poisson runs).
"""
import json
import sys

import numpy as np
from scipy import stats

run_dir = sys.argv[1]
records = [json.loads(line) for line in open(f"{run_dir}/profile_export.jsonl")]
for r in records:  # metrics are {value, unit}, as AIPerf writes them
    r["metrics"] = {k: v["value"] for k, v in r["metrics"].items()}
measured = [r for r in records if r["metadata"]["benchmark_phase"] == "profiling"]
ok = [r for r in measured if r["error"] is None]
print(f"records: {len(records)} ({len(measured)} measured, {len(ok)} valid)")

def p(values, q):
    return float(np.percentile(values, q)) if values else float("nan")

ttft = [r["metrics"]["time_to_first_token"] for r in ok if "time_to_first_token" in r["metrics"]]
itl = [r["metrics"]["inter_token_latency"] for r in ok if "inter_token_latency" in r["metrics"]]
lag = [r["metrics"]["schedule_lag"] for r in measured]
print(f"client  TTFT p50 {p(ttft, 50):.3f} ms  ITL p50 {p(itl, 50):.4f} ms  schedule lag p50 {p(lag, 50):.4f} ms p99 {p(lag, 99):.4f} ms")
isl = {r["metrics"].get("input_sequence_length") for r in ok}
osl = {r["metrics"].get("output_sequence_length") for r in ok}
print(f"distinct ISL {sorted(isl)}  distinct OSL {sorted(osl)}")

starts = sorted(r["metadata"]["start_ns"] for r in measured)
if len(starts) > 1:
    print(f"achieved rate {len(starts) / ((starts[-1] - starts[0]) / 1e9):.2f} req/s")
scheduled = np.diff(sorted(r["metadata"]["scheduled_ns"] for r in measured)) / 1e9
if len(scheduled) > 10:
    ks = stats.kstest(scheduled, "expon", args=(0, scheduled.mean()))
    print(f"KS test of scheduled gaps vs exponential(mean {scheduled.mean() * 1e3:.3f} ms): D={ks.statistic:.4f} p={ks.pvalue:.3f}")

if len(sys.argv) > 2:
    sent = {}
    for line in open(sys.argv[2]):
        e = json.loads(line)
        sent[e["request_id"]] = e
    mock_ttft, mock_itl, errors, event_errors, arrival, late = [], [], [], [], [], []
    for e in sent.values():
        late += [(t - d) / 1e6 for t, d in zip(e["events_ns"], e["due_ns"])]
    for r in ok:
        e = sent.get(r["metadata"]["x_request_id"])
        if e is None:
            continue
        content = [t for t, c in zip(e["events_ns"], e["content"]) if c]
        start = r["metadata"]["start_ns"]
        arrival.append((e["received_ns"] - start) / 1e6)
        mock_ttft.append((content[0] - start) / 1e6)
        if len(content) > 1:
            mock_itl.append((content[-1] - content[0]) / 1e6 / (len(content) - 1))
        errors.append(r["metrics"]["time_to_first_token"] - (content[0] - start) / 1e6)
        # Every content event: the client's first-byte time against the mock's write time.
        client = start / 1e6 + r["metrics"]["time_to_first_token"] + np.concatenate(
            ([0.0], np.cumsum(r["metrics"].get("inter_chunk_latency", []))))
        if len(client) == len(content):
            event_errors += list(client - np.array(content) / 1e6)
    print(f"mock    TTFT p50 {p(mock_ttft, 50):.3f} ms  ITL p50 {p(mock_itl, 50):.4f} ms (send log, same start)")
    print(f"request reached the mock after start: p50 {p(arrival, 50):.3f} ms p99 {p(arrival, 99):.3f} ms")
    print(f"mock writes after due: p50 {p(late, 50):.4f} ms p99 {p(late, 99):.4f} ms")
    print(f"first-token timestamp error (client - send log): p50 {p(errors, 50):.4f} ms p99 {p(errors, 99):.4f} ms")
    print(f"every content event's timestamp error: p50 {p(event_errors, 50):.4f} ms p99 {p(event_errors, 99):.4f} ms ({len(event_errors)} events)")
