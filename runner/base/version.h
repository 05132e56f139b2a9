#pragma once

namespace servebench::base {
inline constexpr const char* kVersion = "0.1.0";
}
