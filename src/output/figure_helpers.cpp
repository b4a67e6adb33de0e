#include "output/figure_helpers.hpp"

#include <cstdio>
#include <optional>
#include <utility>

#include "arith/rational.hpp"
#include "output/provenance.hpp"

namespace freelunch::output {
namespace {

using nlohmann::json;

const std::vector<std::string>& palette() {
  static const std::vector<std::string> colors = {"blue!80!black", "red!80!black", "green!50!black", "orange!90!black",
                                                  "violet",        "cyan!60!black", "brown",         "gray"};
  return colors;
}

}  // namespace

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

std::size_t index_of(const std::vector<std::string>& items, const std::string& item) {
  return static_cast<std::size_t>(std::find(items.begin(), items.end(), item) - items.begin());
}

double to_double(const json& rational_string) { return Rational(rational_string.get<std::string>()).convert_to<double>(); }

std::string fixed(double x, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

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
PgfFigure largest_per_arithmetic(const ProofReport& report, const std::string& check,
                                 const std::function<std::string(const CheckResult&)>& series_of,
                                 const std::function<std::string(const std::string&)>& label_of, const std::string& ylabel,
                                 const std::string& value_key) {
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
        else if (d.contains(value_key) && d[value_key].is_number() && d[value_key].get<double>() > 0)
          largest = csv_number(d[value_key].get<double>());
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


PgfFigure cost_figure(const ProofReport& report, const std::string& check, const std::string& name, const std::string& caption) {
  const auto results = results_of(report, check);
  const auto problems = distinct(results, [](const CheckResult& r) { return r.data["problem"].get<std::string>(); });
  const auto models = distinct(results, [](const CheckResult& r) { return r.data["model"].get<std::string>(); });
  PgfFigure f = figure_over(name, report, results, {}, {"T"});
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
  f.caption = caption;
  return f;
}

std::vector<PgfFigure> drawable(std::vector<PgfFigure> figures) {
  std::vector<PgfFigure> out;
  for (PgfFigure& f : figures) {
    const bool has_data = std::any_of(f.panels.begin(), f.panels.end(), [](const PgfPanel& p) {
      return std::any_of(p.plots.begin(), p.plots.end(), [](const PgfPlot& plot) { return plot.expression.empty(); });
    });
    if (has_data) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace freelunch::output
