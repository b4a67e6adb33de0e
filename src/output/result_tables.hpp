#pragma once
// Tables built from a proof's results: one row per instance, one column per check (PivotBy::check)
// or per arithmetic (PivotBy::precision); a cell is the verdict, with the detail for measured
// numbers. Provenance (paper, tool, arithmetics, semantics, grid, seed) goes in the caption.
#include <string>
#include <vector>

#include "core/result.hpp"
#include "output/latex_table.hpp"

namespace freelunch::output {

enum class PivotBy { check, precision };

// Only results whose precision starts with one of `precision_prefixes` (all when empty) and, for
// PivotBy::precision, whose precision is not exact.
LatexTable pivot_table(const ProofReport& report, PivotBy by, const std::string& label, const std::string& caption,
                       const std::vector<std::string>& precision_prefixes);

// The verdict per arithmetic: one row per check (in order of first appearance, with its first
// failing instance), one column per arithmetic, a cell the verdict ("verified", "holds",
// "fails", "measured", "n/a"; with counts when an arithmetic's instances differ), and the number
// of instances per arithmetic. Needs \usepackage{array} for its first column.
LatexTable verdict_table(const ProofReport& report, const std::string& label);

// The terminal summary of a report: per check and arithmetic, the verdict counts and the first
// failure, if any.
std::string terminal_summary(const ProofReport& report);

}  // namespace freelunch::output
