// Starts servebench as a child process a test can signal, and reaps it with its exit status
// and its own peak memory (from wait4, no timing involved).
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/run_command.h"

namespace servebench::testing {

struct Child {
  pid_t pid = -1;
  std::filesystem::path output;  // stdout and stderr
};

inline Child Spawn(const std::vector<std::string>& argv, const std::filesystem::path& output) {
  Child child{-1, output};
  child.pid = fork();
  if (child.pid == 0) {
    const int fd = open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return child;
}

struct Exited {
  int code = -1;         // the exit status, or -1 when a signal ended it
  long max_rss_kib = 0;  // the child's own peak resident memory
  std::string output;
};

inline Exited Reap(const Child& child) {
  int status = 0;
  rusage usage{};
  wait4(child.pid, &status, 0, &usage);
  Exited e;
  e.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  e.max_rss_kib = usage.ru_maxrss;
  e.output = ReadFile(child.output);
  return e;
}

}  // namespace servebench::testing
