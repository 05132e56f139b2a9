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
std::string SvgNumber(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

std::string SvgOpen(const std::string& css_class, const std::string& title) {
  std::ostringstream svg;
  svg << "<svg class=\"" << css_class << "\" viewBox=\"0 0 " << kChartWidth << " " << kChartHeight
      << "\" role=\"img\" aria-label=\"" << Escaped(title) << "\">\n"
      << "<text class=\"title\" x=\"" << kPlotLeft << "\" y=\"18\">" << Escaped(title)
      << "</text>\n";
  return svg.str();
}

std::string SvgXTick(const std::string& x, const std::string& text) {
  std::ostringstream svg;
  svg << "<text class=\"tick\" x=\"" << x << "\" y=\"" << kChartHeight - kPlotBottom + 16
      << "\" text-anchor=\"middle\">" << Escaped(text) << "</text>\n";
  return svg.str();
}

std::string SvgAxisLabels(const std::string& x_label, const std::string& y_label) {
  std::ostringstream svg;
  svg << "<text class=\"axis\" x=\"" << kPlotLeft + kPlotWidth / 2 << "\" y=\""
      << kChartHeight - kPlotBottom + 34 << "\" text-anchor=\"middle\">" << Escaped(x_label)
      << "</text>\n<text class=\"axis\" transform=\"rotate(-90)\" x=\""
      << -(kPlotTop + kPlotHeight / 2) << "\" y=\"14\" text-anchor=\"middle\">" << Escaped(y_label)
      << "</text>\n";
  return svg.str();
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
  const std::function<double(double)> at_x = [&](double x) {
    if (x_max == x_min) return kPlotLeft + kPlotWidth / 2;
    const double f =
        log_x ? std::log(x / x_min) / std::log(x_max / x_min) : (x - x_min) / (x_max - x_min);
    return kPlotLeft + f * kPlotWidth;
  };
  auto at_y = [&](double y) { return kPlotTop + kPlotHeight * (1 - y / y_top); };

  std::ostringstream svg;
  svg << SvgOpen(chart.css_class, chart.title);
  for (double y = 0; y <= y_top + step / 2; y += step) {
    svg << "<line class=\"grid\" x1=\"" << kPlotLeft << "\" x2=\"" << kChartWidth - kPlotRight
        << "\" y1=\"" << SvgNumber(at_y(y)) << "\" y2=\"" << SvgNumber(at_y(y))
        << "\"/><text class=\"tick\" x=\"" << kPlotLeft - 6 << "\" y=\"" << SvgNumber(at_y(y) + 4)
        << "\" text-anchor=\"end\">" << base::NumberText(y) << "</text>\n";
  }
  std::vector<std::pair<double, std::string>> ticks = chart.x_ticks;
  if (ticks.empty() && chart.x_measured) {
    for (double x = 0; x <= x_max + x_step / 2; x += x_step)
      ticks.emplace_back(x, base::NumberText(x));
  } else if (ticks.empty()) {
    for (double x : xs) ticks.emplace_back(x, base::NumberText(x));
  }
  for (const auto& [x, text] : ticks) {
    svg << SvgXTick(SvgNumber(at_x(x)), text);
  }
  for (const auto& m : chart.markers) {
    svg << "<line class=\"marker\" x1=\"" << SvgNumber(at_x(m.x)) << "\" x2=\""
        << SvgNumber(at_x(m.x)) << "\" y1=\"" << kPlotTop << "\" y2=\""
        << kChartHeight - kPlotBottom << "\"><title>" << Escaped(m.label) << "</title></line>\n";
  }
  svg << SvgAxisLabels(chart.x_label + (log_x ? " (log scale)" : ""), chart.y_label);
  for (size_t i = 0; i < chart.series.size(); ++i) {
    auto points = chart.series[i].points;
    std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
    const std::string cls = "s" + std::to_string(i % 6);
    std::string band, line;
    for (const auto& p : points) band += SvgNumber(at_x(p.x)) + "," + SvgNumber(at_y(p.high)) + " ";
    for (auto p = points.rbegin(); p != points.rend(); ++p)
      band += SvgNumber(at_x(p->x)) + "," + SvgNumber(at_y(p->low)) + " ";
    for (const auto& p : points)
      line += SvgNumber(at_x(p.x)) + "," + SvgNumber(at_y(p.median)) + " ";
    if (!band.empty()) band.pop_back();
    if (!line.empty()) line.pop_back();
    svg << "<g class=\"series " << cls << "\"><polygon class=\"band\" points=\"" << band
        << "\"/><polyline class=\"line\" points=\"" << line << "\"/>\n";
    for (const auto& p : points) {
      if (chart.hide_unlabelled_points && p.label.empty()) continue;
      svg << "<circle class=\"point" << (p.mark.empty() ? "" : " " + p.mark) << "\" cx=\""
          << SvgNumber(at_x(p.x)) << "\" cy=\"" << SvgNumber(at_y(p.median))
          << "\" r=\"3.5\"><title>"
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
