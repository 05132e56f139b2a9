#include "runner/cli/interrupts.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>

#include "runner/base/stop.h"

namespace servebench::cli {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

std::atomic<int> g_first_signal{0};

void OnSignal(int signal) {
  if (base::StopSignals().fetch_add(1) >= 1) _exit(128 + signal);  // the second one quits at once
  g_first_signal.store(signal);
  const char message[] =
      "\ninterrupted: no new requests; waiting for those in flight, then writing results "
      "(signal again to quit)\n";
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, message, sizeof message - 1);
}

void DrawProgress(const engine::Progress& p) {
  char line[160];
  const double elapsed = static_cast<double>(p.elapsed_ns) / 1e9;
  std::snprintf(line, sizeof line, "\r%s %llu/%s requests  %.1f s  %.1f req/s  %llu errors   ",
                p.warmup ? "warmup " : "profile", (unsigned long long)p.done,
                p.total ? std::to_string(p.total).c_str() : "-", elapsed,
                elapsed > 0 ? p.done / elapsed : 0.0, (unsigned long long)p.errors);
  std::fputs(line, stderr);
}

bool Terminal() { return isatty(STDERR_FILENO) != 0; }

}  // namespace

InterruptScope::InterruptScope() {
  for (int signal : kSignals) std::signal(signal, OnSignal);
}
InterruptScope::~InterruptScope() {
  for (int signal : kSignals) std::signal(signal, SIG_DFL);
}

const std::atomic<int>& InterruptScope::count() const { return base::StopSignals(); }

int InterruptScope::exit_code() const {
  const int signal = g_first_signal.load();
  return signal == 0 ? 0 : 128 + signal;
}

std::function<void(const engine::Progress&)> InterruptScope::ProgressLine() const {
  if (!Terminal()) return nullptr;
  return DrawProgress;
}

void InterruptScope::EndProgressLine() const {
  if (Terminal()) std::fputs("\n", stderr);
}

}  // namespace servebench::cli
