#include "runner/base/machine.h"

#include <unistd.h>

#include <fstream>

namespace servebench::base {

std::string ClientMachine() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  std::string cpu;
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);) {
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  return std::string(*host ? host : "unknown host") + " (" + (cpu.empty() ? "unknown CPU" : cpu) +
         ")";
}

}  // namespace servebench::base
