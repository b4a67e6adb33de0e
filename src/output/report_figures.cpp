#include "output/report_figures.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "arith/precision.hpp"
#include "arith/rational.hpp"
#include "output/latex_table.hpp"
#include "output/provenance.hpp"

namespace freelunch::output {
namespace {

using nlohmann::json;

const std::vector<std::string>& palette() {
  static const std::vector<std::string> colors = {"blue!80!black", "red!80!black", "green!50!black", "orange!90!black",
                                                  "violet",        "cyan!60!black", "brown",         "gray"};
  return colors;
}
const std::string& color(std::size_t i) { return palette()[i % palette().size()]; }

const std::vector<std::string>& mark_shapes() {
  static const std::vector<std::string> marks = {"*", "square*", "diamond*", "pentagon*", "triangle*", "otimes*"};
  return marks;
}

// A CSV column name pgfplots reads safely: letters, digits and '_', unique within `taken`.
std::string column_id(const std::string& text, std::vector<std::string>& taken) {
  std::string id;
  for (char c : text) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  const std::string stem = id;
  for (int k = 2; std::find(taken.begin(), taken.end(), id) != taken.end(); ++k) id = stem + "_" + std::to_string(k);
  taken.push_back(id);
  return id;
}

// "a=1-2^-10 balanced" -> "$a=1-2^{-10}$ balanced": the leading formula in math mode.
std::string math_label(const std::string& instance) {
  const std::size_t space = instance.find(' ');
  const std::string formula = instance.substr(0, space), rest = space == std::string::npos ? "" : instance.substr(space);
  std::string math;
  for (std::size_t i = 0; i < formula.size(); ++i) {
    if (formula[i] == '^' && i + 1 < formula.size() && formula[i + 1] == '-') {
      std::size_t j = i + 2;
      while (j < formula.size() && std::isdigit(static_cast<unsigned char>(formula[j]))) ++j;
      math += "^{" + formula.substr(i + 1, j - i - 1) + "}";
      i = j - 1;
    } else {
      math += formula[i];
    }
  }
  return "$" + math + "$" + latex_escape(rest);
}

std::vector<const CheckResult*> results_of(const ProofReport& report, const std::string& check) {
  std::vector<const CheckResult*> out;
  for (const CheckResult& r : report.results)
    if (r.check == check) out.push_back(&r);
  return out;
}

template <class Key>
std::vector<std::string> distinct(const std::vector<const CheckResult*>& results, Key key) {
  std::vector<std::string> out;
  for (const CheckResult* r : results)
    if (const std::string k = key(*r); std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  return out;
}

std::size_t index_of(const std::vector<std::string>& items, const std::string& item) {
  return static_cast<std::size_t>(std::find(items.begin(), items.end(), item) - items.begin());
}

double to_double(const json& rational_string) { return Rational(rational_string.get<std::string>()).convert_to<double>(); }

std::string fixed(double x, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

const std::string kNan = "nan";

bool has_values(const CsvData& data, const std::string& column) {
  const std::size_t k = index_of(data.columns, column);
  for (const auto& row : data.rows)
    if (k < row.size() && row[k] != kNan) return true;
  return false;
}

double cell_value(const std::string& cell) { return cell == kNan ? 0 : std::stod(cell); }

// pgfplots option that draws values beyond [lo, hi] of a log axis at its edge instead of
// stretching the axis (the CSV keeps the true value).
// The ends are rounded inwards: a value clamped to just beyond the axis would be clipped away.
std::string clamp_log_y(double lo, double hi) {
  return "restrict y to domain*=" + fixed(std::ceil(std::log(lo) * 1e4) / 1e4, 4) + ":" + fixed(std::floor(std::log(hi) * 1e4) / 1e4, 4);
}

// A figure over `results`: its name, its provenance (their rounding semantics and, when given,
// the arithmetics), and the first columns of its CSV.
PgfFigure figure_over(const std::string& name, const ProofReport& report, const std::vector<const CheckResult*>& results,
                      const std::vector<std::string>& arithmetics, std::vector<std::string> first_columns) {
  PgfFigure f;
  f.name = name;
  f.provenance = provenance(report, semantics_of(results), arithmetics);
  f.data.columns = std::move(first_columns);
  return f;
}

// The shape shared by T1a and T3: per arithmetic (x, with its name as tick label) and series,
// the largest length that copies (filled mark), the cap when nothing failed (triangle), and the
// bound (open mark), each series offset a little so that equal values stay visible.
template <class SeriesOf, class LabelOf>
PgfFigure largest_per_arithmetic(const ProofReport& report, const std::string& check, SeriesOf series_of, LabelOf label_of,
                                 const std::string& ylabel) {
  const auto results = results_of(report, check);
  const auto arithmetics = distinct(results, [](const CheckResult& r) { return r.precision; });
  const auto series = distinct(results, series_of);
  PgfFigure f = figure_over("", report, results, arithmetics, {"x", "arithmetic"});
  std::vector<std::string> taken = f.data.columns;
  std::vector<std::array<std::string, 4>> cols;  // per series: x, measured, cap, bound
  for (const std::string& s : series) {
    const std::string id = column_id(s, taken);
    cols.push_back({id + "_x", id + "_largest", id + "_cap", id + "_bound"});
    for (std::size_t k = 1; k < 4; ++k) f.data.columns.push_back(cols.back()[k]);
    f.data.columns.push_back(cols.back()[0]);
  }
  std::map<std::pair<std::size_t, std::size_t>, const CheckResult*> at;
  for (const CheckResult* r : results) at[{index_of(arithmetics, r->precision), index_of(series, series_of(*r))}] = r;
  for (std::size_t a = 0; a < arithmetics.size(); ++a) {
    std::vector<std::string> row{std::to_string(a), arithmetics[a]};
    for (std::size_t s = 0; s < series.size(); ++s) {
      const double offset = (static_cast<double>(s) - (static_cast<double>(series.size()) - 1) / 2) * 0.12;
      const auto it = at.find({a, s});
      std::string largest = kNan, cap = kNan, bound = kNan;
      if (it != at.end()) {
        const json& d = it->second->data;
        const bool reached = d.value("reached_cap", false);
        if (reached)
          cap = csv_number(d["cap"].get<double>());
        else if (d.contains("largest") && d["largest"].is_number() && d["largest"].get<double>() > 0)
          largest = csv_number(d["largest"].get<double>());
        if (d.contains("bound") && d["bound"].is_number()) bound = csv_number(d["bound"].get<double>());
      }
      row.insert(row.end(), {largest, cap, bound, csv_number(static_cast<double>(a) + offset)});
    }
    f.data.rows.push_back(row);
  }
  // The axis ends a little above the largest length found or capped; larger bounds (mpfr's) sit
  // on its top edge.
  double top = 1;
  for (const auto& row : f.data.rows)
    for (std::size_t s = 0; s < series.size(); ++s)
      top = std::max({top, cell_value(row[2 + 4 * s]), cell_value(row[3 + 4 * s])});
  top *= 16;
  PgfPanel panel;
  std::string ticks, labels;
  for (std::size_t a = 0; a < arithmetics.size(); ++a) {
    ticks += (a ? "," : "") + std::to_string(a);
    labels += (a ? "," : "") + std::string("{") + latex_escape(arithmetics[a]) + "}";
  }
  panel.axis_options = {"width=0.72\\linewidth", "height=7cm", "ymode=log", "xtick={" + ticks + "}", "xticklabels={" + labels + "}",
                        "x tick label style={rotate=40, anchor=east, font=\\footnotesize}", "xmin=-0.6",
                        "xmax=" + csv_number(static_cast<double>(arithmetics.size()) - 0.4), "ylabel={" + ylabel + "}",
                        "legend pos=outer north east", "legend style={font=\\footnotesize}", "legend cell align=left", "ymajorgrids",
                        "ymin=0.5", "ymax=" + csv_number(top)};
  const std::string clamp = clamp_log_y(0.5, top);
  for (std::size_t s = 0; s < series.size(); ++s) {
    const std::string c = color(s);
    bool labelled = false;  // the series' legend entry goes on its first non-empty plot
    const std::array<std::string, 3> marks = {"mark=*, mark size=2pt", "mark=triangle*, mark size=2.6pt", "mark=o, mark size=2.6pt"};
    for (std::size_t k = 0; k < 3; ++k) {
      if (!has_values(f.data, cols[s][k + 1])) continue;
      panel.plots.push_back({cols[s][0], cols[s][k + 1], "", "only marks, " + marks[k] + ", color=" + c + ", " + clamp, labelled ? "" : label_of(series[s])});
      labelled = true;
    }
  }
  panel.legend_images = {{"only marks, mark=o, mark size=2.6pt, black", "bound"},
                         {"only marks, mark=triangle*, mark size=2.6pt, black", "no failure up to the cap"}};
  f.panels.push_back(panel);
  return f;
}

}  // namespace

PgfFigure t1a_distance_figure(const ProofReport& t1) {
  PgfFigure f = largest_per_arithmetic(
      t1, "T1a largest distance", [](const CheckResult& r) { return r.instance; }, math_label, "largest distance $L^*$ that copies");
  f.name = "t1a-distance";
  f.caption = "T1a, magnitude: the largest copy distance $L^*$ of the one-entry slot layer (balanced compensation $a^{-L}$ split "
              "between key and query) per arithmetic and decay $a$ (filled marks), beside the bound "
              "$\\log(\\beta_{\\max}^2)/\\log(1/a)$ of the format's largest finite value $\\beta_{\\max}$ (open marks). A triangle "
              "marks the cap of the search: nothing failed up to it (in \\texttt{exact} there is no limit to find). Marks far "
              "below their bound are failures of precision (the rounded decay no longer matches the compensation), not of range. Marks on the top edge lie above it (their values are in the CSV).";
  return f;
}

constexpr double kErrorTop = 100;

PgfFigure t1b_error_figure(const ProofReport& t1) {
  const auto results = results_of(t1, "T1b rank and error bound");
  const auto constructions = distinct(results, [](const CheckResult& r) { return r.data["construction"].get<std::string>(); });
  PgfFigure f = figure_over("t1b-error", t1, results, {"exact"}, {"n_over_L", "L", "n"});
  std::vector<std::string> taken = f.data.columns, ids;
  for (const std::string& c : constructions) ids.push_back(column_id(c, taken));
  f.data.columns.insert(f.data.columns.end(), ids.begin(), ids.end());
  double smallest_ratio = 1, largest_ratio = 0;
  for (const CheckResult* r : results) {
    const double length = r->data["L"].get<double>(), state = r->data["n"].get<double>();
    smallest_ratio = std::min(smallest_ratio, state / length);
    largest_ratio = std::max(largest_ratio, state / length);
    std::vector<std::string> row{csv_number(state / length), csv_number(length), csv_number(state)};
    for (const std::string& c : constructions) row.push_back(c == r->data["construction"].get<std::string>() ? csv_number(to_double(r->data["mse"])) : kNan);
    f.data.rows.push_back(row);
  }
  // Errors far above the bound (decayed keys) sit on the top edge: the figure is about the line.
  const double bottom = (1 - largest_ratio) / 2;
  PgfPanel panel;
  panel.axis_options = {"width=0.72\\linewidth", "height=7cm", "ymode=log", "xlabel={state size over copy length, $n/L$}",
                        "ylabel={mean squared copy error}", "legend pos=outer north east", "legend style={font=\\footnotesize}",
                        "legend cell align=left", "ymajorgrids", "ymin=" + csv_number(bottom), "ymax=" + csv_number(kErrorTop)};
  const std::string clamp = clamp_log_y(bottom, kErrorTop);
  panel.plots.push_back({"", "", "1-x", "domain=" + csv_number(smallest_ratio) + ":" + csv_number(largest_ratio) + ", samples=60, black, thick",
                         "bound $(L-n)/L$"});
  for (std::size_t i = 0; i < constructions.size(); ++i)
    panel.plots.push_back({"n_over_L", ids[i], "",
                           "only marks, mark=" + mark_shapes()[i % mark_shapes().size()] + ", mark size=2pt, color=" + color(i) + ", " + clamp,
                           latex_escape(constructions[i])});
  f.panels.push_back(panel);
  f.caption = "T1b, rank: the exact mean squared copy error over random $\\pm 1$ inputs of every constant-size construction tried, "
              "for full COPY of $L$ tokens with $n$ state entries ($L$ in the grid, $n < L$), against the Eckart--Young bound "
              "$(L-n)/L$. Every mark lies on or above the line; the tight constructions lie on it. Marks on the top edge lie "
              "above it (their values are in the CSV). Exact arithmetic: no rounding can move a mark below the line.";
  return f;
}

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

PgfFigure t3_length_figure(const ProofReport& t3) {
  PgfFigure f = largest_per_arithmetic(
      t3, "largest L that copies", [](const CheckResult& r) { return r.instance; }, math_label, "largest copy length $L^*$");
  f.name = "t3-length";
  f.caption = "T3: the largest full-copy length $L^*$ that the slot construction ($n = L$ one-hot slots) still copies, per "
              "arithmetic and (decay, split of the compensation) (filled marks), beside the T1a bound for one nonzero product "
              "(open marks); a triangle marks the cap of the search. The idealized $a = 1$ needs no compensation and copies in "
              "every format; with $a < 1$ the balanced split reaches about twice the length of the query-only split. Marks on the top "
              "edge lie above it (their values are in the CSV).";
  return f;
}

PgfFigure dp_cost_figure(const ProofReport& report) {
  const auto results = results_of(report, "cost against T");
  const auto problems = distinct(results, [](const CheckResult& r) { return r.data["problem"].get<std::string>(); });
  const auto models = distinct(results, [](const CheckResult& r) { return r.data["model"].get<std::string>(); });
  PgfFigure f = figure_over(report.id + "-cost", report, results, {}, {"T"});
  std::vector<std::string> taken = f.data.columns;
  std::map<const CheckResult*, std::string> id;
  for (const CheckResult* r : results) {
    id[r] = column_id(r->data["problem"].get<std::string>() + "_" + r->data["model"].get<std::string>(), taken);
    f.data.columns.push_back(id[r]);
  }
  std::vector<double> lengths;
  for (const CheckResult* r : results)
    for (const json& p : r->data["points"])
      if (std::find(lengths.begin(), lengths.end(), p["T"].get<double>()) == lengths.end()) lengths.push_back(p["T"].get<double>());
  std::sort(lengths.begin(), lengths.end());
  for (double t : lengths) {
    std::vector<std::string> row{csv_number(t)};
    for (const CheckResult* r : results) {
      std::string cell = kNan;
      for (const json& p : r->data["points"])
        if (p["T"].get<double>() == t) cell = csv_number(p["mul_adds_total"].get<double>());
      row.push_back(cell);
    }
    f.data.rows.push_back(row);
  }
  for (std::size_t k = 0; k < problems.size(); ++k) {
    PgfPanel panel;
    panel.axis_options = {problems.size() > 1 ? "width=" + fixed(0.84 / static_cast<double>(problems.size()) + 0.02, 2) + "\\linewidth"
                                              : std::string("width=0.6\\linewidth"),
                          "height=6.5cm", "xmode=log", "ymode=log", "log basis x=2", "title={" + latex_escape(problems[k]) + "}",
                          "xlabel={$T$}", "grid=major", "title style={font=\\small}"};
    // One legend for the whole group, under the first panel and running across.
    if (k == 0)
      panel.axis_options.insert(panel.axis_options.end(), {"ylabel={multiply-adds in total}", "legend cell align=left",
                                                           "legend columns=" + std::to_string(std::min<std::size_t>(models.size(), 4)),
                                                           "legend style={font=\\footnotesize, at={(0,-0.28)}, anchor=north west}"});
    for (const CheckResult* r : results) {
      if (r->data["problem"].get<std::string>() != problems[k] || !has_values(f.data, id[r])) continue;
      const std::string model = r->data["model"].get<std::string>();
      const std::size_t m = index_of(models, model);
      panel.plots.push_back({"T", id[r], "", "mark=" + mark_shapes()[m % mark_shapes().size()] + ", mark size=1.6pt, color=" + color(m),
                             k == 0 ? latex_escape(model) : ""});
    }
    f.panels.push_back(panel);
  }
  // Models that the first panel lacks still get their entry in the one legend.
  if (!f.panels.empty())
    for (std::size_t m = 0; m < models.size(); ++m) {
      const auto& first = f.panels.front().plots;
      const bool shown = std::any_of(first.begin(), first.end(), [&](const PgfPlot& p) { return p.legend == latex_escape(models[m]); });
      if (!shown)
        f.panels.front().legend_images.push_back({"mark=" + mark_shapes()[m % mark_shapes().size()] + ", mark size=1.6pt, color=" + color(m),
                                                  latex_escape(models[m])});
    }
  f.caption = report.id == "t4"
                  ? "T4: the cost of generating the chain of thought of a DP with general dependencies, counted by the evaluator "
                    "(multiply-adds over all $T$ steps), on log-log axes. Mamba with one slot per stream position (state $O(T)$) "
                    "and the Transformer both grow like $T^2$ (slope 2)."
                  : "T5: the cost of generating the chain of thought of an $m$-local DP, counted by the evaluator (multiply-adds "
                    "over all $T$ steps), on log-log axes. Local Mamba ($w = 2m + 1$ cyclic slots) and sliding-window attention "
                    "grow like $T$ (slope 1); general Mamba and full attention like $T^2$ (slope 2).";
  return f;
}

std::vector<PgfFigure> report_figures(const ProofReport& report) {
  std::vector<PgfFigure> all;
  if (report.id == "t1") all = {t1a_distance_figure(report), t1b_error_figure(report)};
  if (report.id == "t2") all = {t2_precision_figure(report)};
  if (report.id == "t3") all = {t3_length_figure(report)};
  if (report.id == "t4" || report.id == "t5") all = {dp_cost_figure(report)};
  // A figure with nothing to draw (its check not run, e.g. on a custom --precision list) is left out.
  std::vector<PgfFigure> out;
  for (PgfFigure& f : all) {
    const bool has_data = std::any_of(f.panels.begin(), f.panels.end(), [](const PgfPanel& p) {
      return std::any_of(p.plots.begin(), p.plots.end(), [](const PgfPlot& plot) { return plot.expression.empty(); });
    });
    if (has_data) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace freelunch::output
