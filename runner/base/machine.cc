#include "runner/base/machine.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace servebench::base {

namespace {

std::string HostName() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return *host ? host : "unknown host";
}

}  // namespace

std::string UserAtHost() {
  const char* user = std::getenv("USER");
  if (user == nullptr || *user == '\0') {
    const passwd* entry = getpwuid(getuid());
    user = entry != nullptr ? entry->pw_name : "unknown";
  }
  return std::string(user) + "@" + HostName();
}

std::string ClientMachine() {
  std::string cpu;
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);) {
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  return HostName() + " (" + (cpu.empty() ? "unknown CPU" : cpu) + ")";
}

}  // namespace servebench::base
