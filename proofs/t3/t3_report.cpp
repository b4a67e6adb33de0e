// T3's report: its statement, tables and figures, built from the results' data alone.
#include "t3_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <variant>

#include "output/figure_helpers.hpp"
#include "output/provenance.hpp"
#include "output/result_cells.hpp"

namespace freelunch::proofs::t3 {

using namespace freelunch::output;
using nlohmann::json;

std::string statement() {
  return R"(A Mamba layer whose state grows linearly with the length performs COPY exactly: $n = L$ slots with one-hot keys, either
$a = 1$ (idealized, not realizable with $A < 0 < \Delta$) or a rational scalar decay $a < 1$ with the compensation
$a^{-(i - \mathrm{pos}(i))}$ split between key and query ($b_j = a^{-\kappa_j} e_j$,
$c_i = a^{\kappa_{\mathrm{pos}(i)} - (i - \mathrm{pos}(i))} e_{\mathrm{pos}(i)}$), all in the query or balanced.
\emph{Checked} in \texttt{exact} by running the layer the scan evaluates: its copy rows of $M$ formed exactly ($L \le 64$)
or Freivalds' check with the exact scan on random inputs (larger $L$; the probability of a wrong verdict is printed); by
linearity either is exact COPY for all inputs. \emph{Measured:} in each format the largest $L$ that still copies, against
the T1a bound; the counted cost, $n = L$ numbers per channel per step: the size of a Transformer's KV cache, so the saving
is gone.)";
}

namespace {

LatexTable t3_threshold_table(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  LatexTable t;
  t.caption = "T3: largest copy length L that the slot construction still copies (decoded, all +-1 inputs), per "
              "arithmetic; in brackets the T1a magnitude bound log(beta_max^2)/log(1/a) for one nonzero product, from the decay as "
              "the arithmetic stores it (certified floor). The bound is for exact COPY: decoded COPY tolerates an error below 1/2 and "
              "may pass it by a step (saturating fixed point); far below it, the rounded decay no longer matches the compensation "
              "(a precision failure, *). \"none up to C\": no failure at any L evaluated, which is every L up to the confirmation limit "
              "and the doubling points up to C. exact: exact COPY decided by running the exact model at every L listed (the matrix, or "
              "Freivalds with P(wrong) <= 2^-64).";
  t.label = "tab:t3-threshold";
  t.header = {"decay, split"};
  for (const auto& p : precisions) t.header.push_back(p.name);
  const ResultCells searched = collect_cells(report, kLargest);
  // The exact column: the lengths at which running the exact model decided the copy block.
  std::map<std::string, std::string> exact_cells;
  for (const CheckResult& r : report.results) {
    if (r.check != kBlock) continue;
    const std::string config = r.data.value("decay", std::string()) == "1" ? "a=1 idealized"
                                                                            : "a=" + r.data.value("decay", std::string()) + " " + r.data.value("split", std::string());
    std::string& cell = exact_cells[config];
    const std::string length = std::to_string(r.data.value("L", std::size_t{0}));
    if (r.verdict == Verdict::fails) cell = "fails at L = " + length;
    else if (!cell.starts_with("fails")) cell += (cell.empty() ? "copies at L in {" : ", ") + length;
  }
  for (const std::string& row_name : searched.instances) {
    std::vector<std::string> row{row_name};
    for (const auto& p : precisions) {
      if (std::holds_alternative<arith::ExactSpec>(p.spec)) {
        auto it = exact_cells.find(row_name);
        row.push_back(it == exact_cells.end() ? "--" : it->second + (it->second.starts_with("fails") ? "" : "}"));
        continue;
      }
      auto it = searched.at.find({row_name, p.name});
      row.push_back(it == searched.at.end() || it->second->verdict == Verdict::not_applicable ? "--" : largest_size_cell(*it->second));
    }
    t.rows.push_back(row);
  }
  t.provenance = provenance(report, searched.semantics);
  return t;
}

PgfFigure t3_length_figure(const ProofReport& t3) {
  PgfFigure f = largest_per_arithmetic(
      t3, kLargest, [](const CheckResult& r) { return r.instance; }, math_label, "largest copy length $L^*$");
  f.name = "t3-length";
  f.caption = "T3: the largest full-copy length $L^*$ that the slot construction ($n = L$ one-hot slots) still copies, per "
              "arithmetic and (decay, split of the compensation) (filled marks), beside the T1a bound for one nonzero product "
              "(open marks); a triangle marks the cap of the search. The idealized $a = 1$ needs no compensation and copies in "
              "every format; with $a < 1$ the balanced split reaches about twice the length of the query-only split. Marks on the top "
              "edge lie above it (their values are in the CSV).";
  return f;
}


}  // namespace

std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  return {{"t3-threshold.tex", t3_threshold_table(report, precisions)}};
}

std::vector<PgfFigure> figures(const ProofReport& report) { return drawable({t3_length_figure(report)}); }

}  // namespace freelunch::proofs::t3
