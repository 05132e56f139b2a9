// The console table of a profile run (outputs.md): metrics, then errors, warnings and a footer.
#pragma once

#include <string>
#include <vector>

#include "reporters/profile_export/profile_export.h"

namespace servebench::reporters {

std::string ConsoleTable(const ProfileReport& report, const std::vector<std::string>& files);

}  // namespace servebench::reporters
