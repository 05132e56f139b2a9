// The nightly dashboard, from files: many stored runs of a suite in date order, a trend per case
// and gated metric (each night's median with its min-max band, nights that did not pass marked
// with their verdict), and baseline updates as vertical lines. Cases that come and go have points
// only on the nights they ran.
#pragma once

#include <string>
#include <vector>

#include "runner/results/baseline_file.h"
#include "runner/verdicts/stored_run.h"

namespace servebench::reporters {

// runs in any order (they are sorted by date, then folder); updates from a baseline's
// history.jsonl (may be empty).
std::string HistoryPage(std::vector<verdicts::StoredRun> runs,
                        const std::vector<results::HistoryEntry>& updates);

}  // namespace servebench::reporters
