#include "runner/cli/interrupts.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>

namespace servebench::cli {
namespace {

std::atomic<int> g_interrupts{0};

void OnInterrupt(int) {
  if (g_interrupts.fetch_add(1) >= 1) _exit(130);  // the second Ctrl-C quits at once
  const char message[] =
      "\ninterrupted: no new requests; waiting for those in flight (Ctrl-C again to quit)\n";
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

InterruptScope::InterruptScope() { std::signal(SIGINT, OnInterrupt); }
InterruptScope::~InterruptScope() { std::signal(SIGINT, SIG_DFL); }

const std::atomic<int>& InterruptScope::count() const { return g_interrupts; }

std::function<void(const engine::Progress&)> InterruptScope::ProgressLine() const {
  if (!Terminal()) return nullptr;
  return DrawProgress;
}

void InterruptScope::EndProgressLine() const {
  if (Terminal()) std::fputs("\n", stderr);
}

}  // namespace servebench::cli
