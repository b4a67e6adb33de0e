// T1's report: its statement, tables and figures, built from the results' data alone.
#include "t1_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <variant>

#include "output/figure_helpers.hpp"
#include "output/provenance.hpp"
#include "output/result_cells.hpp"

namespace freelunch::proofs::t1 {

using namespace freelunch::output;
using nlohmann::json;

std::string statement() {
  return R"(A constant-size Mamba layer has a COPY bottleneck with three separate causes.
\emph{T1a, magnitude (finite range):} with decays $a_k \le a_{\max} < 1$ on the path and key and query entries bounded by
$\beta_{\max}$, exact COPY over distance $L$ needs $n \beta_{\max}^2 \ge a_{\max}^{-L}$, so
$L \le \log(n \beta_{\max}^2)/\log(1/a_{\max})$; in \texttt{exact} there is no such limit, and as $a \to 1$ the limit
moves out.
\emph{T1b, rank (every arithmetic):} with position-only parameters, full COPY of $L$ tokens needs the block
$M[L+1..2L, 1..L]$ within row-$\ell_1$ distance $\varepsilon < 1$ of the identity, hence of rank $L$, while its rank is at
most $n$; by Eckart--Young the mean squared copy error over random $\pm 1$ inputs is at least $(L-n)/L$, and keeping $n$ of
the $L$ positions meets the bound.
\emph{T1c, information (finite precision only):} a state of $n$ entries from a finite set $F$ takes at most $|F|^n$ values,
so exact COPY of all sequences over $V$ needs $L \log|V| \le n \log|F|$; in \texttt{exact} one entry with $a = 1/|V|$,
$b = 1$ holds every token.
\emph{Checked}, each by running the model: in \texttt{exact}, exact COPY at every distance up to the cap (T1a), exact
block ranks and errors against $(L-n)/L$ (T1b), and digit extraction from the one-entry state (T1c); past the state size,
per arithmetic, a $\pm 1$ input on which every constant-size construction fails (T1b). \emph{Measured:} per arithmetic the
largest distance beside the bound from the stored decay (T1a), and exhaustive counts of distinct final states beside
$n \log|F| / \log|V|$ (T1c).)";
}

namespace {

LatexTable t1_separation_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "T1: the largest copy length that still works, per cause and arithmetic. T1a: largest distance one state entry "
              "copies (decoded, +-1, balanced compensation), bound log(beta_max^2)/log(1/a) in brackets, a certified floor computed "
              "from the decay as the format stores it (nominal and stored shown where they differ); exact: exact COPY at every "
              "distance up to the cap, decided by running the exact model. T1b: largest full-copy length L <= n that an n = 8 slot layer "
              "copies, and at L = n + 1 a +-1 input, found from a copy-block row that is not diagonally dominant and run in that "
              "arithmetic, on which every constant-size construction fails (the witness). T1c: largest L whose |V|^L "
              "sequences give distinct states of one entry (exhaustive), bound log|F|/log|V| in brackets. * marks a failure by "
              "rounding error (precision) instead of range (a non-finite value, or a saturated fixed-point value). The T1a bound is "
              "for exact COPY: decoded COPY tolerates an error below 1/2. \"none up to C\": no failure at any size evaluated (every "
              "size up to the confirmation limit and the doubling points up to C). Rows that change across columns are what "
              "rounding breaks; a row equal in every column is what no arithmetic fixes.";
  t.label = "tab:t1-separation";
  t.on_terminal = true;
  t.header = {"cause"};
  for (const auto& p : precisions) t.header.push_back(p.name);
  std::string semantics;
  auto add_rows = [&](const std::string& check, const std::string& prefix) {
    const ResultCells c = collect_cells(report, check);
    if (!c.semantics.empty()) semantics = c.semantics;
    for (const std::string& inst : c.instances) {
      std::vector<std::string> row{prefix + inst};
      for (const auto& p : precisions) {
        auto it = c.at.find({inst, p.name});
        row.push_back(it == c.at.end() || it->second->verdict == Verdict::not_applicable ? "--" : largest_size_cell(*it->second));
      }
      t.rows.push_back(row);
    }
  };
  add_rows(kDistance, "T1a magnitude, ");
  // T1b: the largest L <= n the n-slot layer copies, and whether the witness past n was found.
  const ResultCells row = collect_cells(report, kRowLength), past = collect_cells(report, kPastN);
  for (const std::string& inst : row.instances) {
    std::vector<std::string> cells{"T1b rank, " + (inst.starts_with("n=") ? "n = " + inst.substr(2) : inst)};
    for (const auto& p : precisions) {
      auto it = row.at.find({inst, p.name});
      std::string cell = it == row.at.end() ? "--" : largest_size_cell(*it->second);
      if (auto w = past.at.find({inst, p.name}); w != past.at.end())
        cell += w->second->verdict == Verdict::fails ? ", NO witness at " : w->second->verdict == Verdict::undecided ? ", undecided at " : ", witness at ";
      if (auto w = past.at.find({inst, p.name}); w != past.at.end()) cell += std::to_string(w->second->data.value("L", std::size_t{0}));
      cells.push_back(cell);
    }
    t.rows.push_back(cells);
  }
  add_rows(kInjective, "T1c information, ");
  t.provenance = provenance(report, semantics);
  return t;
}

LatexTable t1_escape_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "T1a, the a -> 1 escape: the largest distance one state entry copies with decay a = 1 - 2^-k (bound in brackets; * "
              "a rounding failure), and the k from which the stored decay 1 - 2^-k is exactly 1 (then nothing decays).";
  t.label = "tab:t1-escape";
  t.header = {"decay"};
  std::vector<arith::Precision> columns;
  for (const auto& p : precisions)
    if (!std::holds_alternative<arith::ExactSpec>(p.spec)) columns.push_back(p);
  for (const auto& p : columns) t.header.push_back(p.name);
  const ResultCells c = collect_cells(report, kEscape);
  for (const std::string& inst : c.instances) {
    std::vector<std::string> row{"a = 1-2^-" + inst.substr(2)};
    for (const auto& p : columns) {
      auto it = c.at.find({inst, p.name});
      row.push_back(it == c.at.end() || it->second->verdict == Verdict::not_applicable ? "--" : largest_size_cell(*it->second));
    }
    t.rows.push_back(row);
  }
  const ResultCells one = collect_cells(report, kRoundsToOne);
  std::vector<std::string> row{"rounds to 1 from k ="};
  for (const auto& p : columns) {
    std::string cell = "--";
    for (const auto& inst : one.instances)
      if (auto it = one.at.find({inst, p.name}); it != one.at.end() && it->second->data.contains("k"))
        cell = it->second->data["k"].is_null() ? "never" : std::to_string(it->second->data["k"].get<long>());
    row.push_back(cell);
  }
  t.rows.push_back(row);
  t.provenance = provenance(report, c.semantics);
  return t;
}

PgfFigure t1a_distance_figure(const ProofReport& t1) {
  PgfFigure f = largest_per_arithmetic(
      t1, kDistance, [](const CheckResult& r) { return r.instance; }, math_label, "largest distance $L^*$ that copies");
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
  const auto results = results_of(t1, kRank);
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


}  // namespace

std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  return {{"t1-separation.tex", t1_separation_table(report, precisions)}, {"t1-escape.tex", t1_escape_table(report, precisions)}};
}

std::vector<PgfFigure> figures(const ProofReport& report) { return drawable({t1a_distance_figure(report), t1b_error_figure(report)}); }

}  // namespace freelunch::proofs::t1
