// T5's report: its statement, tables and figure, built from the results' data alone.
#include "t5_report.hpp"

#include <variant>

#include "dp/checks.hpp"
#include "output/dp_tables.hpp"
#include "output/figure_helpers.hpp"

namespace freelunch::proofs::t5 {

using namespace freelunch::output;

std::string statement() {
  return R"(DP with $m$-locality: $dp(i)$ depends on $dp(i-1..i-m)$ and $s_i$, so on the interleaved stream
$s_1, dp(1), s_2, dp(2), \dots$ every dependency lies in the last $w = 2m + 1$ tokens. Problems: Kadane's maximum subarray
($m = 1$), house robber ($m = 2$), $dp(i) = (dp(i-1) + dp(i-2) + dp(i-3) + s_i) \bmod p$ ($m = 3$).
\emph{Construction:} $w$ slots used cyclically, key $b_t = e_{t \bmod w}$, one scalar decay $a$ (a power of two) with
$a^w$ small enough that old entries stay below the rounding margin, query $c_t = a^{-k} e_{(t-k) \bmod w}$ for distance $k$;
the staircase makes the copy exact.
\emph{Checked:} the CoT equals the DP table; the counted cost grows like $T$ with state $O(m)$, against $T^2$ for full
attention; per arithmetic the largest $T$ at which each construction still generates a correct CoT (values bounded
independently of $T$ work at fp16 for any $T$; Kadane's grow with $T$, so its precision must grow like $\log T$).)";
}

std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions) {
  return {{"t5-cost.tex", dp_cost_table(report, "t5")},
          {"dp-precision.tex", dp_precision_table(report, precisions, "dp-precision", "DP with CoT")}};
}

std::vector<PgfFigure> figures(const ProofReport& report) {
  return drawable({cost_figure(report, dp::kCostCheck, "t5-cost",
                               "T5: the cost of generating the chain of thought of an $m$-local DP, counted by the evaluator (multiply-adds over all $T$ steps), on log-log axes. Local Mamba ($w = 2m + 1$ cyclic slots) and sliding-window attention grow like $T$ (slope 1); general Mamba and full attention like $T^2$ (slope 2).")});
}

}  // namespace freelunch::proofs::t5
