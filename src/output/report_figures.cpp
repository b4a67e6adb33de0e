#include "output/report_figures.hpp"

#include <cmath>
#include <map>

#include "output/figure_helpers.hpp"

namespace freelunch::output {

using nlohmann::json;

PgfFigure t2_precision_figure(const ProofReport& t2) {
  const auto results = results_of(t2, "least precision P* that copies");
  const auto schedules = distinct(results, [](const CheckResult& r) { return r.data["schedule"].get<std::string>(); });
  PgfFigure f = figure_over("t2-precision", t2, results, distinct(results, [](const CheckResult& r) { return r.precision; }), {"log2_L", "L"});
  std::vector<std::string> taken = f.data.columns, ids;
  for (const std::string& s : schedules) ids.push_back(column_id(s, taken));
  f.data.columns.insert(f.data.columns.end(), ids.begin(), ids.end());
  std::map<std::string, std::vector<std::pair<double, double>>> points;
  for (const CheckResult* r : results) {
    if (!r->data.contains("P*") || !r->data["P*"].is_number()) continue;  // no P* in the searched range: nothing to draw
    const double length = r->data["L"].get<double>(), x = std::log2(length), p = r->data["P*"].get<double>();
    const std::string s = r->data["schedule"].get<std::string>();
    points[s].push_back({x, p});
    std::vector<std::string> row{csv_number(x), csv_number(length)};
    for (const std::string& other : schedules) row.push_back(other == s ? csv_number(p) : kNan);
    f.data.rows.push_back(row);
  }
  PgfPanel panel;
  panel.axis_options = {"width=0.72\\linewidth", "height=7cm", "xlabel={$\\log_2 L$}", "ylabel={least significand bits $P^*$ that copy}",
                        "legend pos=outer north east", "legend style={font=\\footnotesize}", "legend cell align=left", "grid=major"};
  for (std::size_t i = 0; i < schedules.size(); ++i) {
    if (!has_values(f.data, ids[i])) continue;  // no P* in the searched range for any L
    panel.plots.push_back({"log2_L", ids[i], "", "only marks, mark=" + mark_shapes()[i % mark_shapes().size()] + ", mark size=2.2pt, color=" + color(i),
                           latex_escape(schedules[i])});
    const auto& pts = points[schedules[i]];
    if (pts.size() < 2) continue;
    // Least squares y = a + b x (a figure's line; the check reports the exact slope).
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& [x, y] : pts) sx += x, sy += y, sxx += x * x, sxy += x * y;
    const double m = static_cast<double>(pts.size()), denominator = m * sxx - sx * sx;
    if (denominator == 0) continue;
    const double b = (m * sxy - sx * sy) / denominator, a = (sy - b * sx) / m;
    const auto [lo, hi] = std::minmax_element(pts.begin(), pts.end());
    panel.plots.push_back({"", "", fixed(b, 4) + "*x + " + fixed(a, 4),
                           "domain=" + csv_number(lo->first) + ":" + csv_number(hi->first) + ", samples=2, dashed, color=" + color(i),
                           "fit: $P^* = " + fixed(b, 2) + "\\log_2 L " + (a < 0 ? "- " : "+ ") + fixed(std::fabs(a), 2) + "$"});
  }
  f.panels.push_back(panel);
  f.caption = "T2: the least MPFR precision $P^*(L)$ (significand bits) at which the dimension-3 softmax construction still copies "
              "every checked row, against $\\log_2 L$, per copy schedule, with the least-squares line of each. The logits have size "
              "$\\beta L^2$, so THEORY predicts a slope of about 2: the score grows like $\\log L$, against $a^{-L}$ for T1a.";
  return f;
}

PgfFigure dp_cost_figure(const ProofReport& report) {
  return cost_figure(report, "cost against T", report.id + "-cost",
                     report.id == "t4"
                         ? "T4: the cost of generating the chain of thought of a DP with general dependencies, counted by the evaluator "
                           "(multiply-adds over all $T$ steps), on log-log axes. Mamba with one slot per stream position (state $O(T)$) "
                           "and the Transformer both grow like $T^2$ (slope 2)."
                         : "T5: the cost of generating the chain of thought of an $m$-local DP, counted by the evaluator (multiply-adds "
                           "over all $T$ steps), on log-log axes. Local Mamba ($w = 2m + 1$ cyclic slots) and sliding-window attention "
                           "grow like $T$ (slope 1); general Mamba and full attention like $T^2$ (slope 2).");
}

std::vector<PgfFigure> report_figures(const ProofReport& report) {
  std::vector<PgfFigure> all;
  if (report.id == "t2") all = {t2_precision_figure(report)};
  if (report.id == "t4" || report.id == "t5") all = {dp_cost_figure(report)};
  return drawable(std::move(all));
}

}  // namespace freelunch::output
