// `servebench mock`: serves the built-in mock in the foreground until SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>

#include "mock/mock_server.h"
#include "runner/cli/commands.h"

namespace servebench::cli {

int MockCommand(const Args& args) {
  mock::MockOptions options;
  base::FlagSet flags("mock");
  mock::RegisterMockFlags(flags, options, "");
  bool help = false;
  flags.Bool("--help", &help, "show this help");
  if (auto parsed = flags.Parse(args); !parsed) {
    std::fprintf(stderr, "%s\n", parsed.error().message.c_str());
    return 2;
  } else if (help) {
    std::fputs(flags.Usage().c_str(), stdout);
    return 0;
  } else if (!parsed->empty()) {
    std::fprintf(stderr, "mock: unexpected argument '%s'\n", parsed->front().c_str());
    return 2;
  }
  // Block the stop signals before any thread starts, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  mock::MockServer server(options);
  auto port = server.Start();
  if (!port) {
    std::fprintf(stderr, "%s\n", port.error().message.c_str());
    return 2;
  }
  std::printf("servebench mock listening on http://%s:%d\n", options.host.c_str(), *port);
  std::fflush(stdout);
  int received = 0;
  sigwait(&stop_signals, &received);
  server.Stop();
  const mock::MockStats s = server.Stats();
  std::fprintf(stderr,
               "mock: %lld requests, %lld ok, %lld errors, %lld rate-limited, %lld disconnects, "
               "%lld malformed, %lld stalls, peak %lld streams\n",
               (long long)s.requests, (long long)s.ok, (long long)s.server_errors,
               (long long)s.rate_limited, (long long)s.disconnects, (long long)s.malformed,
               (long long)s.stalls, (long long)s.streams_peak);
  return 0;
}

}  // namespace servebench::cli
