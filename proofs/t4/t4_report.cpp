// T4's report: its statement, tables and figure, built from the results' data alone.
#include "t4_report.hpp"

#include <variant>

#include "dp/checks.hpp"
#include "output/dp_tables.hpp"
#include "output/figure_helpers.hpp"

namespace freelunch::proofs::t4 {

using namespace freelunch::output;

std::string statement() {
  return R"(Arbitrary DP with chain of thought: $dp(i) = f(dp(i-d), d \in D(i); s_{g(i)})$ with $f$ piecewise linear with integer
breakpoints, computed exactly by a ReLU network. The model writes the stream $[s_1..s_n][dp(1)..dp(n)]$ one token at a time;
COPY heads fetch the dependencies, the ReLU network applies $f$, a ReLU staircase rounds. Problems:
$dp(i) = (dp(i-1) + dp(\lfloor i/2 \rfloor) + s_i) \bmod p$ and the longest increasing subsequence.
\emph{Construction:} one one-hot slot per stream position (state $O(T)$), exact COPY by T3.
\emph{Checked:} the generated CoT equals the DP table token for token; the copy schedule $\mathrm{pos}(i) = \lfloor i/2
\rfloor$ gives a block of exact rank at least $\lceil \lfloor T/2 \rfloor / 2 \rceil$, so a position-only layer needs
$n = \Omega(T)$, and a layer with one entry fewer writes a wrong CoT on some input (a witness); the counted total cost grows
like $T^2$, as for a Transformer (counted by running the evaluator, by structure beyond a cap, equal where both run).)";
}

std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  std::vector<NamedTable> out{{"t4-cost.tex", dp_cost_table(report, "t4")}};
  // The arithmetics other than exact were searched for the largest correct T (t4.cpp).
  std::vector<arith::Precision> searched;
  for (const arith::Precision& p : precisions)
    if (!std::holds_alternative<arith::ExactSpec>(p.spec)) searched.push_back(p);
  if (!searched.empty()) out.push_back({"t4-precision.tex", dp_precision_table(report, searched, "t4-precision", "T4")});
  return out;
}

std::vector<PgfFigure> figures(const ProofReport& report) {
  return drawable({cost_figure(report, dp::kCostCheck, "t4-cost",
                               "T4: the cost of generating the chain of thought of a DP with general dependencies, counted by the evaluator (multiply-adds over all $T$ steps), on log-log axes. Mamba with one slot per stream position (state $O(T)$) and the Transformer both grow like $T^2$ (slope 2).")});
}

}  // namespace freelunch::proofs::t4
