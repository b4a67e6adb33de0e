// S2's report: its statement and table, built from the results' data alone.
#include "s2_report.hpp"

#include <cmath>
#include <cstdio>
#include <map>

#include "output/figure_helpers.hpp"
#include "output/provenance.hpp"
#include "output/result_cells.hpp"

namespace freelunch::proofs::s2 {

using namespace freelunch::output;

std::string statement() {
  return R"(A scan with scalar decays (Mamba-2), $h_t = a_t h_{t-1} + B_t x_t$, $y_t = C_t \cdot h_t$, $h_0 = 0$. The chunked
algorithm with chunk size $Q$ computes, for the chunk $s+1..s+Q$ with $L(i, j) = a_{j+1} \cdots a_i$, the intra-chunk sum
$\sum_{j=s+1}^{i} ((C_i \cdot B_j) L(i, j)) x_j$ (ascending), adds $C_i \cdot (L(i, s) h_s)$, and passes
$h_{s+Q} = L(s+Q, s) h_s + \sum_j L(s+Q, j) B_j x_j$ on. \emph{Checked} in exact arithmetic by running both code paths on
random dyadic and non-dyadic instances: every output of the chunked algorithm (decays formed as products in order) equals
the recurrence's, for every chunk size listed, including $Q = 1$ and $Q = N$. \emph{Measured} per format, with running
error bounds carried through every operation: the deviation $\max_t |\hat y_t - y_t|$ of the recurrence and of the
chunked algorithm ($Q \in \{16, 64, 256\}$; decays as rationals multiplied in order, or as $\exp(\mathrm{cs}_i -
\mathrm{cs}_j)$ from the running sum of $\lambda_t = \Delta_t A$) from the true outputs, each output \emph{checked}
to lie within its bound.)";
}

namespace {

LatexTable duality_table(const ProofReport& report) {
  LatexTable t;
  t.caption = "S2: the chunked algorithm (products) against the recurrence in exact arithmetic, per instance and chunk size Q, "
              "both computed by running the code: \"equal\" when every output agrees, else the first output that differs. The "
              "multiply-adds counted by each evaluator are in the JSON lines.";
  t.label = "tab:s2-duality";
  t.header = {"instance", "Q", "outputs", "verdict"};
  std::string semantics;
  for (const CheckResult& r : report.results) {
    if (r.check != kIdentity) continue;
    semantics = r.semantics;
    const auto& d = r.data;
    const std::string outputs = d.value("first_difference", nlohmann::json(nullptr)).is_null()
                                    ? "equal (" + std::to_string(d.value("N", std::size_t{0})) + ")"
                                    : "differ at y_" + std::to_string(d["first_difference"].get<std::size_t>());
    const std::string name = r.instance.substr(0, r.instance.rfind(" Q="));
    t.rows.push_back({name, std::to_string(d.value("chunk", std::size_t{0})), outputs, to_string(r.verdict)});
  }
  t.provenance = provenance(report, semantics);
  return t;
}

// The rounding check's results as series: one per (arithmetic, family, algorithm), points by N.
struct Series {
  std::string arithmetic, family, algorithm;  // "fp32 (bf16 storage)", "products", "Q=16"
  std::map<std::size_t, const CheckResult*> at;
};

std::string arithmetic_of(const CheckResult& r) {
  const auto storage = r.semantics.find("storage=");
  const std::string stored = storage == std::string::npos ? "compute" : r.semantics.substr(storage + 8);
  return stored == "compute" ? r.precision : r.precision + " (" + stored + " storage)";
}

std::vector<Series> rounding_series(const ProofReport& report) {
  std::vector<Series> out;
  for (const CheckResult* r : results_of(report, kRoundingBound)) {
    const auto& d = r->data;
    const std::string algorithm = d["chunk"].is_null() ? "recurrent" : "Q=" + std::to_string(d["chunk"].get<std::size_t>());
    Series key{arithmetic_of(*r), d["family"].get<std::string>(), algorithm, {}};
    auto it = std::find_if(out.begin(), out.end(), [&](const Series& s) { return s.arithmetic == key.arithmetic && s.family == key.family && s.algorithm == key.algorithm; });
    if (it == out.end()) it = out.insert(out.end(), key);
    it->at[d["N"].get<std::size_t>()] = r;
  }
  return out;
}

std::string deviation_cell(double x) {
  if (!std::isfinite(x)) return "inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", x);
  return buf;
}

// Least-squares slope of log(max deviation) against log N: the deviation grows like N^slope.
std::string growth_exponent(const Series& s) {
  std::vector<std::pair<double, double>> points;
  for (const auto& [n, r] : s.at) {
    const double d = r->data["max_deviation"].get<double>();
    if (!(d > 0) || !std::isfinite(d)) return "--";
    points.emplace_back(std::log(static_cast<double>(n)), std::log(d));
  }
  if (points.size() < 2) return "--";
  double mx = 0, my = 0;
  for (const auto& [x, y] : points) mx += x, my += y;
  mx /= static_cast<double>(points.size());
  my /= static_cast<double>(points.size());
  double sxy = 0, sxx = 0;
  for (const auto& [x, y] : points) sxy += (x - mx) * (y - my), sxx += (x - mx) * (x - mx);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", sxy / sxx);
  return buf;
}

std::vector<std::size_t> lengths_of(const std::vector<Series>& series) {
  std::vector<std::size_t> lengths;
  for (const Series& s : series)
    for (const auto& [n, r] : s.at)
      if (std::find(lengths.begin(), lengths.end(), n) == lengths.end()) lengths.push_back(n);
  std::sort(lengths.begin(), lengths.end());
  return lengths;
}

LatexTable rounding_table(const ProofReport& report) {
  const auto series = rounding_series(report);
  const auto lengths = lengths_of(series);
  LatexTable t;
  t.caption = "S2: the largest deviation max_t |y_t - y*_t| of the computed outputs from the true ones, per arithmetic, decays "
              "(products: rationals k/2^16 multiplied in order; cumsum: a_t = exp(lambda_t), lambda_t = Delta_t A, which the chunked "
              "algorithm sums) and algorithm (the recurrence, or chunked with chunk size Q), at each length N; growth: the "
              "least-squares slope of log deviation against log N. Last column: every output at every N lies within its running "
              "error bound (verified), or the first N where one does not.";
  t.label = "tab:s2-rounding";
  t.header = {"arithmetic", "decays", "algorithm"};
  for (std::size_t n : lengths) t.header.push_back("N=" + std::to_string(n));
  t.header.insert(t.header.end(), {"growth", "within bound"});
  std::vector<const CheckResult*> all;
  for (const Series& s : series) {
    std::vector<std::string> row{s.arithmetic, s.family, s.algorithm};
    std::string within = "verified";
    for (std::size_t n : lengths) {
      const auto it = s.at.find(n);
      row.push_back(it == s.at.end() ? "--" : deviation_cell(it->second->data["max_deviation"].get<double>()));
      if (it != s.at.end() && it->second->verdict != Verdict::verified && within == "verified") within = "fails at N=" + std::to_string(n);
      if (it != s.at.end()) all.push_back(it->second);
    }
    row.push_back(growth_exponent(s));
    row.push_back(within);
    t.rows.push_back(row);
  }
  t.provenance = provenance(report, all.empty() ? std::string() : all.front()->semantics);
  return t;
}

PgfFigure rounding_figure(const ProofReport& report) {
  const auto series = rounding_series(report);
  const auto lengths = lengths_of(series);
  std::vector<std::string> arithmetics, algorithms;
  for (const Series& s : series) {
    if (std::find(arithmetics.begin(), arithmetics.end(), s.arithmetic) == arithmetics.end()) arithmetics.push_back(s.arithmetic);
    if (std::find(algorithms.begin(), algorithms.end(), s.algorithm) == algorithms.end()) algorithms.push_back(s.algorithm);
  }
  std::vector<const CheckResult*> all;
  for (const Series& s : series)
    for (const auto& [n, r] : s.at) all.push_back(r);
  PgfFigure f = figure_over("s2-rounding", report, all, arithmetics, {"N"});
  std::vector<std::string> taken = f.data.columns, ids;
  for (const Series& s : series) {
    ids.push_back(column_id(s.arithmetic + "_" + s.family + "_" + s.algorithm, taken));
    f.data.columns.push_back(ids.back());
  }
  for (std::size_t n : lengths) {
    std::vector<std::string> row{csv_number(static_cast<double>(n))};
    for (const Series& s : series) {
      const auto it = s.at.find(n);
      row.push_back(it == s.at.end() ? kNan : csv_number(it->second->data["max_deviation"].get<double>()));
    }
    f.data.rows.push_back(row);
  }
  f.panels_per_row = 3;
  for (std::size_t a = 0; a < arithmetics.size(); ++a) {
    PgfPanel panel;
    panel.axis_options = {"width=0.34\\linewidth", "height=5.2cm", "xmode=log", "ymode=log", "log basis x=2", "title={" + latex_escape(arithmetics[a]) + "}",
                          "xlabel={$N$}", "grid=major", "title style={font=\\small}", "tick label style={font=\\scriptsize}"};
    // One legend, from the last panel: in the free slot beside it (5 panels in rows of 3), or
    // under it when it ends a row.
    const bool last = a + 1 == arithmetics.size(), ends_row = (a + 1) % f.panels_per_row == 0;
    if (a % f.panels_per_row == 0) panel.axis_options.push_back("ylabel={$\\max_t |\\hat y_t - y_t|$}");
    if (last)
      panel.axis_options.insert(panel.axis_options.end(), {"legend cell align=left", ends_row ? "legend style={font=\\footnotesize, at={(0,-0.3)}, anchor=north west}"
                                                                                                : "legend style={font=\\footnotesize, at={(1.12,1)}, anchor=north west}"});
    for (std::size_t k = 0; k < series.size(); ++k) {
      const Series& s = series[k];
      if (s.arithmetic != arithmetics[a] || !has_values(f.data, ids[k])) continue;
      const std::size_t m = index_of(algorithms, s.algorithm);
      const bool cumsum = s.family == "cumsum";
      const std::string style = std::string(cumsum ? "dashed, mark options={solid}, " : "") + "mark=" + mark_shapes()[m % mark_shapes().size()] +
                                ", mark size=1.4pt, color=" + color(m);
      panel.plots.push_back({"N", ids[k], "", style, last ? latex_escape(s.algorithm + " " + s.family) : ""});
    }
    f.panels.push_back(panel);
  }
  f.caption = "S2: the largest deviation from the true outputs against $N$, one panel per arithmetic, one line per algorithm (the "
              "recurrence, chunked at $Q = 16, 64, 256$); solid: decays as rationals multiplied in order (products), dashed: decays "
              "$\\exp(\\lambda_t)$ and the chunked algorithm's cumsum. Every output lies within its running error bound.";
  return f;
}

}  // namespace

std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>&) {
  std::vector<NamedTable> out{{"s2-duality.tex", duality_table(report)}};
  if (!results_of(report, kRoundingBound).empty()) out.push_back({"s2-rounding.tex", rounding_table(report)});
  return out;
}

std::vector<PgfFigure> figures(const ProofReport& report) { return drawable({rounding_figure(report)}); }

}  // namespace freelunch::proofs::s2
