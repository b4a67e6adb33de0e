#include "output/report_figures.hpp"

#include <cmath>
#include <map>

#include "output/figure_helpers.hpp"

namespace freelunch::output {

using nlohmann::json;

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
  if (report.id == "t4" || report.id == "t5") all = {dp_cost_figure(report)};
  return drawable(std::move(all));
}

}  // namespace freelunch::output
