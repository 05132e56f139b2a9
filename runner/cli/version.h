#pragma once

namespace servebench::cli {
inline constexpr const char* kVersion = "0.1.0";
}
