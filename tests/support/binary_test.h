// A test that runs the servebench binary as a child process: a fresh temporary folder, and each
// run's output kept in output-N.txt there.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace servebench::testing {

class BinaryTest : public ::testing::Test {
 protected:
  explicit BinaryTest(std::string prefix) : prefix_(std::move(prefix)) {}
  void SetUp() override { dir_ = FreshTempDir(prefix_); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Child Start(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {SERVEBENCH_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return Spawn(argv, dir_ / ("output-" + std::to_string(++runs_) + ".txt"));
  }
  Exited Run(const std::vector<std::string>& args) { return Reap(Start(args)); }

  std::filesystem::path dir_;

 private:
  std::string prefix_;
  int runs_ = 0;
};

}  // namespace servebench::testing
