#pragma once
// Building blocks of the report's figures, shared by every theorem module: picking results by
// check, laying series out in CSV columns pgfplots reads, colours and marks, log axes that clamp
// at their edges, and two generic figures (the largest size per arithmetic beside its bound, and
// counted cost against T). A module's figures (proofs/<id>/) are built from these and read only
// the results' data, never recomputing.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "output/latex_table.hpp"
#include "output/pgf_figure.hpp"

namespace freelunch::output {

const std::string& color(std::size_t i);
const std::vector<std::string>& mark_shapes();
// A CSV column name pgfplots reads safely: letters, digits and '_', unique within `taken`.
std::string column_id(const std::string& text, std::vector<std::string>& taken);
// "a=1-2^-10 balanced" -> "$a=1-2^{-10}$ balanced": the leading formula in math mode.
std::string math_label(const std::string& instance);
std::vector<const CheckResult*> results_of(const ProofReport& report, const std::string& check);
std::size_t index_of(const std::vector<std::string>& items, const std::string& item);
double to_double(const nlohmann::json& rational_string);
std::string fixed(double x, int digits);
inline const std::string kNan = "nan";
bool has_values(const CsvData& data, const std::string& column);
double cell_value(const std::string& cell);
// pgfplots option that draws values beyond [lo, hi] of a log axis at its edge instead of
// stretching the axis (the CSV keeps the true value).
std::string clamp_log_y(double lo, double hi);
// A figure over `results`: its name, its provenance (their rounding semantics and, when given,
// the arithmetics), and the first columns of its CSV.
PgfFigure figure_over(const std::string& name, const ProofReport& report, const std::vector<const CheckResult*>& results,
                      const std::vector<std::string>& arithmetics, std::vector<std::string> first_columns);

// The distinct values of key(result), in order of appearance.
template <class Key>
std::vector<std::string> distinct(const std::vector<const CheckResult*>& results, Key key) {
  std::vector<std::string> out;
  for (const CheckResult* r : results)
    if (const std::string k = key(*r); std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  return out;
}

// Per arithmetic (x, with its name as tick label) and series, the largest size that passes
// (filled mark; data "largest"), the cap when nothing failed (triangle; "reached_cap", "cap"),
// and the bound (open mark; "bound"), each series offset a little so that equal values stay
// visible. The check's results carry those data keys.
// `value_key` names the data key of the filled mark ("largest" for a threshold search).
PgfFigure largest_per_arithmetic(const ProofReport& report, const std::string& check,
                                 const std::function<std::string(const CheckResult&)>& series_of,
                                 const std::function<std::string(const std::string&)>& label_of, const std::string& ylabel,
                                 const std::string& value_key = "largest");

// Counted cost against T on log-log axes, one panel per problem, one series per model, from the
// results of `check` (data: problem, model, points [{T, mul_adds_total}]).
PgfFigure cost_figure(const ProofReport& report, const std::string& check, const std::string& name, const std::string& caption);

// The figures that have something to draw (a check not run, e.g. on a custom --precision list,
// leaves its figure empty: it is left out rather than drawn empty).
std::vector<PgfFigure> drawable(std::vector<PgfFigure> figures);

}  // namespace freelunch::output
