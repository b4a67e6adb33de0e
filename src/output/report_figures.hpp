#pragma once
// Transitional: the figures of the modules not yet in their folders (T4, T5), built from a proof's results (no recomputation): each reads the
// machine-readable `data` of one check and lays it out as pgfplots series over a CSV file.
#include <vector>

#include "core/result.hpp"
#include "output/pgf_figure.hpp"

namespace freelunch::output {

// T4, T5: the counted total multiply-adds against T on log-log axes, one panel per problem, one
// series per model.
PgfFigure dp_cost_figure(const ProofReport& report);

// The figures of one proof, by its id (empty for a proof without figures); a figure with no
// data to draw is left out.
std::vector<PgfFigure> report_figures(const ProofReport& report);

}  // namespace freelunch::output
