#pragma once
// The report's figures, built from a proof's results (no recomputation): each reads the
// machine-readable `data` of one check and lays it out as pgfplots series over a CSV file.
#include <vector>

#include "core/result.hpp"
#include "output/pgf_figure.hpp"

namespace freelunch::output {

// T1a: the largest distance L* per arithmetic, one series per decay, beside the magnitude bound
// of the format (open marks); a triangle where nothing failed up to the cap. Log scale.
PgfFigure t1a_distance_figure(const ProofReport& t1);

// T1b: the exact mean squared copy error of every constant-size construction against n/L, above
// the Eckart-Young bound (L - n)/L (the line); the tight constructions lie on it.
PgfFigure t1b_error_figure(const ProofReport& t1);

// T2: the least precision P*(L) against log2 L per schedule, with the least-squares line of each.
PgfFigure t2_precision_figure(const ProofReport& t2);

// T3: the largest copy length per arithmetic, one series per (decay, split), beside the T1a
// bound for one nonzero product; a triangle where nothing failed up to the cap. Log scale.
PgfFigure t3_length_figure(const ProofReport& t3);

// T4, T5: the counted total multiply-adds against T on log-log axes, one panel per problem, one
// series per model.
PgfFigure dp_cost_figure(const ProofReport& report);

// The figures of one proof, by its id (empty for a proof without figures); a figure with no
// data to draw is left out.
std::vector<PgfFigure> report_figures(const ProofReport& report);

}  // namespace freelunch::output
