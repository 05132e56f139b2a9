// The machine servebench runs on, as recorded beside results: "host (CPU model)".
#pragma once

#include <string>

namespace servebench::base {

std::string ClientMachine();

}  // namespace servebench::base
