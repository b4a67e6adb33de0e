// S1's report: its statement, table and figure, built from the results' data alone.
#include "s1_report.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "output/figure_helpers.hpp"
#include "output/provenance.hpp"
#include "output/result_cells.hpp"

namespace freelunch::proofs::s1 {

using namespace freelunch::output;

std::string statement() {
  return R"(A linear RNN over $\{0, 1\}$, $h_t = A(x_t) h_{t-1} + b(x_t)$, read out after every token. \emph{Parity} with a negative
eigenvalue: $n = 1$, $A(x) = 1 - 2x$, $h_0 = 1$, class 1 iff $-h_t > 0$. \emph{Mod 3} with two generalized Householder
reflections per token: $n = 3$, token 1 applies $H(e_2 - e_3)$ then $H(e_1 - e_2)$, $H(v) = I - v v^\top$, $h_0 = e_1$, argmax.
\emph{Checked} in each arithmetic by running the layer: the reachable (state, count class) pairs are enumerated breadth first
with states compared exactly; a closed set with every read-out right is a proof for every input of every length (a finite
automaton: it applies to time-invariant layers in point arithmetics), a wrong read-out gives the shortest witness input.
Diagonal transitions (random, entries in $[-1, 1]$) must fail mod 3 with a witness. With a decay $a \in [0, 1]$, key 1 and
threshold $1/2$, the rounded orbit under the constant input reaches a fixed point $h_K = h_{K+1}$ and the read-out is wrong at
$K$ or $K + 1$ (found by running); in exact arithmetic the orbit has no fixed point, and for random layers with $n$ positive
decays $c \cdot h_t - \theta$ changes sign at most $n$ times, a bound a construction with $n$ distinct decays reaches.
In Mamba's parametrization $a = 2 \exp(\Delta A) - 1 \in (-1, 1)$ parity survives exactly (certified by intervals) and in a
format fails only where $h$ underflows to 0; random Mamba-range layers (Mamba's $\Delta$ and S4D-real $A$) all reach a fixed
point in every format.)";
}

namespace {

// The cell of a certificate result: "all T (2 states)", "fails T = 3", "right T <= 12, open".
std::string certificate_cell(const CheckResult& r) {
  if (r.verdict == Verdict::not_applicable) return "--";
  const auto& d = r.data;
  if (!d.value("witness_length", nlohmann::json(nullptr)).is_null())
    return "fails T = " + std::to_string(d["witness_length"].get<std::size_t>());
  if (d.value("closed", false)) return "all T (" + std::to_string(d["reachable_states"].get<std::size_t>()) + " states)";
  return "right T <= " + std::to_string(d.value("depth", std::size_t{0})) + ", open";
}

LatexTable tracking_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "S1: state tracking per layer and arithmetic. \"all T (k states)\": the reachable (state, count class) pairs "
              "close with every read-out right, a proof for every input of every length in that arithmetic. \"right T <= k, open\": "
              "not closed at the cap, every input up to length k right. \"fails T\": the "
              "shortest input with a wrong read-out (the witness). Diagonal: the random diagonal layers that fail mod 3 and their "
              "longest shortest witness; near-miss k: a diagonal layer designed to be right on every input with fewer than k ones, and where it fails. Positive decay: K, the first step with h_K = h_(K+1) under the constant input 1 (key 1, "
              "threshold 1/2), and the T in {K, K+1} at which the read-out is wrong; exact: no fixed point up to the cap. Mamba: "
              "a(1) = 2 exp(-delta) - 1 computed in the arithmetic; a failure comes with h = 0 (underflow), a closed set with its "
              "cause (a stored as -1, or the states it stops at); exact: a(1) certified inside (-1, 0) by interval128 and the sign "
              "of h certified on every input with at most 4096 ones. Mamba-range layers: random n = 16 channels (delta = "
              "softplus(w), A_s = -s, b = delta B) that reach a fixed point, and the range and median of K; K = 0 where "
              "softplus rounds to 0 (1 + e^w rounds to 1) and the layer never moves. Tight: the construction with n distinct "
              "decays whose read-out changes sign exactly n times.";
  t.label = "tab:s1-tracking";
  t.header = {"task, layer"};
  for (const auto& p : precisions) t.header.push_back(p.name);
  std::vector<std::string> columns;
  for (const auto& p : precisions) columns.push_back(p.name);
  std::string semantics;
  auto add_rows = [&](const char* check, const std::string& task, const std::function<std::string(const CheckResult&)>& cell_of) {
    const ResultCells cells = collect_cells(report, check);
    if (!cells.semantics.empty()) semantics = cells.semantics;
    for (auto& row : instance_rows(cells, columns, task + ", ", cell_of)) t.rows.push_back(std::move(row));
  };
  add_rows(kParity, "parity", certificate_cell);
  add_rows(kMod3, "mod 3", certificate_cell);
  // The random diagonal layers: one row, how many failed and the longest of their witnesses.
  const std::string near_miss = "diagonal near-miss";
  {
    std::vector<std::string> row{"mod 3, diagonal (random)"};
    for (const auto& p : precisions) {
      std::size_t failed = 0, total = 0, longest = 0;
      for (const CheckResult& r : report.results) {
        if (r.check != kDiagonal || r.precision != p.name || r.verdict == Verdict::not_applicable) continue;
        if (r.instance.rfind(near_miss, 0) == 0) continue;
        ++total;
        if (const auto& w = r.data.value("witness_length", nlohmann::json(nullptr)); !w.is_null()) {
          ++failed;
          longest = std::max(longest, w.get<std::size_t>());
        }
      }
      row.push_back(total == 0 ? "--" : std::to_string(failed) + " of " + std::to_string(total) + " fail, T <= " + std::to_string(longest));
    }
    t.rows.push_back(row);
  }
  // The designed near misses: one row each.
  {
    ResultCells cells = collect_cells(report, kDiagonal);
    std::erase_if(cells.instances, [&](const std::string& i) { return i.rfind(near_miss, 0) != 0; });
    for (auto& row : instance_rows(cells, columns, "mod 3, ", certificate_cell)) t.rows.push_back(std::move(row));
  }
  add_rows(kFixedPoint, "parity", [](const CheckResult& r) -> std::string {
    if (r.verdict == Verdict::not_applicable) return "--";
    const auto& d = r.data;
    if (d["K"].is_null()) return "no K up to " + std::to_string(d.value("cap", std::size_t{0}));
    std::string cell = "K = " + std::to_string(d["K"].get<std::size_t>());
    if (!d.value("witness", nlohmann::json(nullptr)).is_null()) cell += ", fails T = " + std::to_string(d["witness"].get<std::size_t>());
    return cell;
  });
  add_rows(kMambaParity, "parity, Mamba", [](const CheckResult& r) -> std::string {
    if (r.verdict == Verdict::not_applicable) return "--";
    const auto& d = r.data;
    if (d.contains("enclosure")) {
      if (r.verdict != Verdict::verified) return to_string(r.verdict);
      return "certified, <= " + std::to_string(d.value("ones", std::size_t{0})) + " ones";
    }
    if (!d.value("witness_length", nlohmann::json(nullptr)).is_null())
      return "fails T = " + std::to_string(d["witness_length"].get<std::size_t>()) + (d.value("underflow", false) ? " (h = 0)" : " (h != 0)");
    if (d.value("closed", false))
      return d.value("stored_minus_one", false) ? "all T (a = -1)" : "all T (" + std::to_string(d["reachable_states"].get<std::size_t>()) + " states)";
    return "right T <= " + std::to_string(d.value("depth", std::size_t{0})) + ", open";
  });
  // The random Mamba-range layers: one row, the range and median of K.
  {
    std::vector<std::string> row{"parity, Mamba-range layers: K"};
    for (const auto& p : precisions) {
      std::vector<std::size_t> ks;
      std::size_t total = 0;
      for (const CheckResult& r : report.results) {
        if (r.check != kMambaFixedPoint || r.precision != p.name || r.verdict == Verdict::not_applicable) continue;
        ++total;
        if (const auto& k = r.data.value("K", nlohmann::json(nullptr)); !k.is_null()) ks.push_back(k.get<std::size_t>());
      }
      if (total == 0) {
        row.push_back("--");
        continue;
      }
      std::sort(ks.begin(), ks.end());
      std::string cell = ks.size() == total ? "" : std::to_string(ks.size()) + " of " + std::to_string(total) + " reach K";
      if (!ks.empty())
        cell += (cell.empty() ? "" : ", ") + std::string("K ") + std::to_string(ks.front()) + ".." + std::to_string(ks.back()) + ", median " +
                std::to_string(ks[(ks.size() - 1) / 2]);
      row.push_back(cell);
    }
    t.rows.push_back(row);
  }
  // The exact-only checks: one row each, a count over their instances in the exact column.
  auto exact_row = [&](const std::string& label, const char* check, const std::function<std::string(const std::vector<const CheckResult*>&)>& cell) {
    std::vector<std::string> row{label};
    const auto results = results_of(report, check);
    for (const auto& p : precisions) row.push_back(p.name != "exact" || results.empty() ? "--" : cell(results));
    t.rows.push_back(row);
  };
  exact_row("sign changes of c.h_t - theta", kSignChanges, [](const std::vector<const CheckResult*>& results) {
    std::size_t within = 0;
    for (const CheckResult* r : results) within += r->verdict == Verdict::verified;
    return std::to_string(within) + " of " + std::to_string(results.size()) + " layers <= n";
  });
  exact_row("sign changes, tight construction", kSignTight, [](const std::vector<const CheckResult*>& results) {
    std::size_t tight = 0;
    std::string ns;
    for (const CheckResult* r : results) {
      tight += r->verdict == Verdict::verified;
      ns += (ns.empty() ? "" : ", ") + std::to_string(r->data.value("n", std::size_t{0}));
    }
    return std::to_string(tight) + " of " + std::to_string(results.size()) + " reach n (n in {" + ns + "})";
  });
  t.provenance = provenance(report, semantics);
  return t;
}

PgfFigure fixed_point_figure(const ProofReport& report) {
  PgfFigure f = largest_per_arithmetic(
      report, kFixedPoint, [](const CheckResult& r) { return "a=" + r.data.value("decay", std::string()); }, math_label,
      "fixed-point step $K$", "K");
  f.name = "s1-fixed-point";
  f.caption = "S1.3: the step $K$ at which the orbit $h \\leftarrow a h + 1$ from $h_0 = 0$ stops moving ($h_K = h_{K+1}$), per "
              "arithmetic and decay $a$; from $K$ on the read-out is constant and parity is lost. A triangle: no fixed point up to "
              "the cap (exact arithmetic, where the orbit converges without arriving).";
  return f;
}

}  // namespace

std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  return {{"s1-tracking.tex", tracking_table(report, precisions)}};
}

std::vector<PgfFigure> figures(const ProofReport& report) { return drawable({fixed_point_figure(report)}); }

}  // namespace freelunch::proofs::s1
