#include "reporters/suite/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>
#include <sstream>

#include "reporters/suite/verdict_text.h"
#include "runner/base/flags.h"

namespace servebench::reporters {
namespace {

constexpr double kWidth = 560, kHeight = 320;
constexpr double kLeft = 64, kRight = 16, kTop = 28, kBottom = 48;

std::string Num(double v) { return SvgNumber(v); }

}  // namespace

std::string SvgNumber(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

double TickStep(double top) {
  const double rough = top / 5;
  const double power = std::pow(10, std::floor(std::log10(rough)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * power >= rough) return m * power;
  }
  return 10 * power;
}

std::string SvgLineChart(const Chart& chart) {
  std::set<double> xs;
  double top = 0;
  for (const auto& s : chart.series) {
    for (const auto& p : s.points) {
      xs.insert(p.x);
      top = std::max({top, p.high, p.median});
    }
  }
  std::set<double> span = xs;  // given ticks widen the x axis (a history's nights without a point)
  for (const auto& [x, text] : chart.x_ticks) span.insert(x);
  double x_min = span.empty() ? 0 : *span.begin(), x_max = span.empty() ? 1 : *span.rbegin();
  const double x_step = TickStep(x_max > 0 ? x_max : 1);
  if (chart.x_measured) {
    x_min = 0;
    x_max = std::ceil((x_max > 0 ? x_max : 1) / x_step) * x_step;
  }
  const bool log_x = !chart.x_measured && x_min > 0 && x_max / x_min >= 16;
  const double step = TickStep(top > 0 ? top : 1);
  const double y_top = std::ceil((top > 0 ? top : 1) / step) * step;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const std::function<double(double)> at_x = [&](double x) {
    if (x_max == x_min) return kLeft + plot_w / 2;
    const double f =
        log_x ? std::log(x / x_min) / std::log(x_max / x_min) : (x - x_min) / (x_max - x_min);
    return kLeft + f * plot_w;
  };
  auto at_y = [&](double y) { return kTop + plot_h * (1 - y / y_top); };

  std::ostringstream svg;
  svg << "<svg class=\"" << chart.css_class << "\" viewBox=\"0 0 " << kWidth << " " << kHeight
      << "\" role=\"img\" aria-label=\"" << Escaped(chart.title) << "\">\n"
      << "<text class=\"title\" x=\"" << kLeft << "\" y=\"18\">" << Escaped(chart.title)
      << "</text>\n";
  for (double y = 0; y <= y_top + step / 2; y += step) {
    svg << "<line class=\"grid\" x1=\"" << kLeft << "\" x2=\"" << kWidth - kRight << "\" y1=\""
        << Num(at_y(y)) << "\" y2=\"" << Num(at_y(y)) << "\"/><text class=\"tick\" x=\""
        << kLeft - 6 << "\" y=\"" << Num(at_y(y) + 4) << "\" text-anchor=\"end\">"
        << base::NumberText(y) << "</text>\n";
  }
  std::vector<std::pair<double, std::string>> ticks = chart.x_ticks;
  if (ticks.empty() && chart.x_measured) {
    for (double x = 0; x <= x_max + x_step / 2; x += x_step)
      ticks.emplace_back(x, base::NumberText(x));
  } else if (ticks.empty()) {
    for (double x : xs) ticks.emplace_back(x, base::NumberText(x));
  }
  for (const auto& [x, text] : ticks) {
    svg << "<text class=\"tick\" x=\"" << Num(at_x(x)) << "\" y=\"" << kHeight - kBottom + 16
        << "\" text-anchor=\"middle\">" << Escaped(text) << "</text>\n";
  }
  for (const auto& m : chart.markers) {
    svg << "<line class=\"marker\" x1=\"" << Num(at_x(m.x)) << "\" x2=\"" << Num(at_x(m.x))
        << "\" y1=\"" << kTop << "\" y2=\"" << kHeight - kBottom << "\"><title>" << Escaped(m.label)
        << "</title></line>\n";
  }
  svg << "<text class=\"axis\" x=\"" << kLeft + plot_w / 2 << "\" y=\"" << kHeight - kBottom + 34
      << "\" text-anchor=\"middle\">" << Escaped(chart.x_label) << (log_x ? " (log scale)" : "")
      << "</text>\n<text class=\"axis\" transform=\"rotate(-90)\" x=\"" << -(kTop + plot_h / 2)
      << "\" y=\"14\" text-anchor=\"middle\">" << Escaped(chart.y_label) << "</text>\n";
  for (size_t i = 0; i < chart.series.size(); ++i) {
    auto points = chart.series[i].points;
    std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
    const std::string cls = "s" + std::to_string(i % 6);
    std::string band, line;
    for (const auto& p : points) band += Num(at_x(p.x)) + "," + Num(at_y(p.high)) + " ";
    for (auto p = points.rbegin(); p != points.rend(); ++p)
      band += Num(at_x(p->x)) + "," + Num(at_y(p->low)) + " ";
    for (const auto& p : points) line += Num(at_x(p.x)) + "," + Num(at_y(p.median)) + " ";
    if (!band.empty()) band.pop_back();
    if (!line.empty()) line.pop_back();
    svg << "<g class=\"series " << cls << "\"><polygon class=\"band\" points=\"" << band
        << "\"/><polyline class=\"line\" points=\"" << line << "\"/>\n";
    for (const auto& p : points) {
      if (chart.hide_unlabelled_points && p.label.empty()) continue;
      svg << "<circle class=\"point" << (p.mark.empty() ? "" : " " + p.mark) << "\" cx=\""
          << Num(at_x(p.x)) << "\" cy=\"" << Num(at_y(p.median)) << "\" r=\"3.5\"><title>"
          << Escaped(p.hover.empty() ? p.label + ": " + Short(p.median) + " (min " + Short(p.low) +
                                           ", max " + Short(p.high) + ")"
                                     : p.hover)
          << "</title></circle>\n";
    }
    svg << "</g>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace servebench::reporters
