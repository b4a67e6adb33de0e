#pragma once
// The tables of the DP proofs (T4, T5), built from their results.
#include <vector>

#include "arith/precision.hpp"
#include "core/result.hpp"
#include "output/latex_table.hpp"

namespace freelunch::output {

// Rows (problem, model) of the "cost against T" results: state, per-step and total multiply-adds
// at the largest T, and the fitted log-log slopes. Printed on the terminal too.
LatexTable dp_cost_table(const ProofReport& report, const std::string& theorem);

// Rows (model, problem) of the "largest T with a correct CoT" results, columns the arithmetics,
// cells the largest power of two T that is right ("all up to N" at the cap). Printed on the
// terminal too.
LatexTable dp_precision_table(const ProofReport& report, const std::vector<arith::Precision>& precisions);

}  // namespace freelunch::output
