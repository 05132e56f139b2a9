#include "reporters/suite/verdict_text.h"

#include <cmath>
#include <cstdio>

namespace servebench::reporters {

std::string Escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Short(const std::optional<double>& value) {
  if (!value) return "-";
  char text[32];
  std::snprintf(text, sizeof text, std::fabs(*value) >= 100 ? "%.1f" : "%.3g", *value);
  return text;
}

std::string GateLine(const verdicts::GateVerdict& g) {
  std::string out =
      g.metric + ": " + (g.baseline ? Short(g.baseline) + " -> " + Short(g.value) : Short(g.value));
  std::string detail;
  if (g.delta) {
    char text[32];
    std::snprintf(text, sizeof text, "Δ %+.1f %%", *g.delta * 100);
    detail = text;
  }
  if (g.p_value) {
    char text[32];
    std::snprintf(text, sizeof text, "p = %.4g", *g.p_value);
    detail += (detail.empty() ? "" : ", ") + std::string(text);
  }
  if (g.tolerance) {
    char text[40];
    std::snprintf(text, sizeof text, "tolerance %.1f %%", *g.tolerance * 100);
    detail += (detail.empty() ? "" : ", ") + std::string(text);
  }
  if (!detail.empty()) out += " (" + detail + ")";
  out += std::string(" ") + verdicts::Name(g.outcome);
  if (!g.note.empty()) out += "; " + g.note;
  return out;
}

std::optional<double> MedianOf(const results::CaseResult& c, const std::string& counter) {
  return results::Median(results::CounterValues(c, counter));
}

}  // namespace servebench::reporters
