// Downloads (tokenizers, ShareGPT) against servers that misbehave: one that stops sending, one
// whose body never ends, and a signal while waiting. Each ends on its own and leaves no file.
#include "runner/base/download.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include "runner/base/stop.h"
#include "tests/support/hostile_server.h"
#include "tests/support/run_command.h"

namespace servebench::base {
namespace {

namespace fs = std::filesystem;
using testing::HostileRequest;
using testing::HostileServer;

// Sends a head and a few bytes, then nothing until the client leaves (at most 20 s).
bool Stall(int fd, const HostileRequest&) {
  testing::SendAll(fd, testing::Head("200 OK", {"Content-Length: 1000"}) + "[1, 2");
  pollfd p{fd, POLLIN, 0};
  poll(&p, 1, 20'000);
  return true;
}

struct Download {
  fs::path dir = testing::FreshTempDir("sb-download");
  fs::path file = dir / "cache" / "data.json";
  ~Download() { fs::remove_all(dir); }
  bool NothingLeft() const { return !fs::exists(file) && !fs::exists(file.string() + ".part"); }
};

TEST(Download, AServerThatStopsSendingEndsTheDownload) {
  HostileServer server(Stall);
  Download d;
  DownloadOptions o;
  o.stall_s = 1;
  EXPECT_EQ(DownloadFile(server.url() + "/data.json", d.file, o), "the server stopped sending");
  EXPECT_TRUE(d.NothingLeft());
}

TEST(Download, ABodyPastItsCapEndsTheDownload) {
  HostileServer server([](int fd, const HostileRequest&) {
    testing::SendAll(fd, testing::Head("200 OK", {"Connection: close"}));
    const std::string chunk(64 * 1024, 'x');
    for (int i = 0; i < 10'000 && testing::SendAll(fd, chunk); ++i) {
    }
    return true;
  });
  Download d;
  DownloadOptions o;
  o.max_bytes = 1 << 20;
  EXPECT_EQ(DownloadFile(server.url() + "/data.json", d.file, o),
            "the body is larger than 1048576 bytes");
  EXPECT_TRUE(d.NothingLeft());
}

TEST(Download, ASignalEndsItAtOnce) {
  HostileServer server(Stall);
  Download d;
  StopSignals().store(1);
  const std::string failed = DownloadFile(server.url() + "/data.json", d.file);
  StopSignals().store(0);
  EXPECT_EQ(failed, "interrupted");
  EXPECT_TRUE(d.NothingLeft());
}

TEST(Download, ACheckThatFailsKeepsTheFileOutOfTheCache) {
  HostileServer server([](int fd, const HostileRequest&) {
    testing::SendAll(fd, testing::Head("200 OK", {"Content-Length: 6"}) + "<html>");
    return true;
  });
  Download d;
  DownloadOptions o;
  o.check = [](const fs::path&) { return std::string("not JSON"); };
  EXPECT_EQ(DownloadFile(server.url() + "/data.json", d.file, o), "not JSON");
  EXPECT_TRUE(d.NothingLeft());
  o.check = nullptr;
  EXPECT_EQ(DownloadFile(server.url() + "/data.json", d.file, o), "");
  EXPECT_TRUE(fs::exists(d.file));
}

}  // namespace
}  // namespace servebench::base
