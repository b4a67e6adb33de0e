#pragma once
// The tables of the DP proofs (cost against T, largest correct T), built from their results.
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/result.hpp"
#include "output/latex_table.hpp"

namespace freelunch::output {

// Rows (problem, model) of the "cost against T" results: state, per-step and total multiply-adds
// at the largest T, whether that T was executed or counted by structure (the count-only mode),
// and the fitted log-log slopes. The caption states the set of T. Printed on the terminal too.
LatexTable dp_cost_table(const ProofReport& report, const std::string& theorem);

// Rows (model, problem) of the "largest T with a correct CoT" results, columns the arithmetics,
// cells the largest power of two T that is right ("every 2^k <= N" at the cap; "P" marks a cell
// THEORY predicts, checked). Label "tab:<label>", caption starting with `title`. Printed on the
// terminal too.
LatexTable dp_precision_table(const ProofReport& report, const std::vector<arith::Precision>& precisions, const std::string& label,
                              const std::string& title);

}  // namespace freelunch::output
