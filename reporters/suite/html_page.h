// The pieces every servebench HTML page shares: the head with its inline style (light and dark
// follow the system; series colours s0..s5; verdict badges), the end, and a verdict badge.
#pragma once

#include <string>

#include "runner/verdicts/verdicts.h"

namespace servebench::reporters {

std::string PageStart(const std::string& title);
std::string PageEnd();
std::string VerdictBadge(verdicts::Outcome o);

}  // namespace servebench::reporters
