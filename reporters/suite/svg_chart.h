// Line charts as inline SVG, drawn by servebench itself (the report must open on an air-gapped
// laptop: no script library, no CDN). Each point is a median with its min–max band over the
// repetitions; hovering a point shows its case and value (an SVG <title>).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace servebench::reporters {

struct ChartPoint {
  double x = 0, median = 0, low = 0, high = 0;  // low/high: the band, min and max
  std::string label;                            // the case's name, shown on hover
  std::string mark = {};                        // an extra class of the point: "v-FAIL"
  std::string hover = {};  // the whole hover text, in place of "label: median (min, max)"
};

// Series are drawn in the classes s0..s5 (colours from the page's style; the page draws the
// legend).
struct ChartSeries {
  std::string name;  // "isl=128, osl=16"; empty when there is one series
  std::vector<ChartPoint> points;
};

struct ChartMarker {
  double x = 0;
  std::string label;  // shown on hover: "baseline updated 2026-11-07 by ci@runner"
};

struct Chart {
  std::string title, x_label, y_label;  // labels carry their units: "TTFT p50 (ms)"
  std::vector<ChartSeries> series;
  // x tick labels in place of the x values (dates for a history), and vertical marker lines.
  std::vector<std::pair<double, std::string>> x_ticks = {};
  std::vector<ChartMarker> markers = {};
  // A measured quantity on x (throughput), not a swept setting: linear from 0 with round ticks.
  bool x_measured = false;
  std::string css_class = "chart";      // "chart detail": a case's own chart, not a sweep's
  bool hide_unlabelled_points = false;  // draw only labelled points (a CDF's p50, p90, p99)
};

// A step of 1, 2 or 5 × 10^k giving about five ticks from 0 to top.
double TickStep(double top);
// A coordinate as SVG text, to 0.1.
std::string SvgNumber(double v);

// The frame every chart shares: its canvas, the margins around the plot, and the pieces that
// open a chart (with its title), write an x tick, and label the axes.
inline constexpr double kChartWidth = 560, kChartHeight = 320;
inline constexpr double kPlotLeft = 64, kPlotRight = 16, kPlotTop = 28, kPlotBottom = 48;
inline constexpr double kPlotWidth = kChartWidth - kPlotLeft - kPlotRight;
inline constexpr double kPlotHeight = kChartHeight - kPlotTop - kPlotBottom;
std::string SvgOpen(const std::string& css_class, const std::string& title);
std::string SvgXTick(const std::string& x, const std::string& text);
std::string SvgAxisLabels(const std::string& x_label, const std::string& y_label);

// The SVG element; x is drawn on a log scale when it spans 16× or more (concurrency 1..64).
std::string SvgLineChart(const Chart& chart);

}  // namespace servebench::reporters
