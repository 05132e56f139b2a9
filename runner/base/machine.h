// The machine servebench runs on, as recorded beside results: "host (CPU model)".
#pragma once

#include <string>

namespace servebench::base {

std::string ClientMachine();
// Who runs servebench: "user@host" (for a baseline's history).
std::string UserAtHost();

}  // namespace servebench::base
