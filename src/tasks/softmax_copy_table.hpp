#pragma once
// The table of T2 (docs/tables/t2-precision.tex), built from the proof's results: one row per copy
// length L; the least precision P*(L) per schedule; per arithmetic of the list (except exact),
// whether decoded COPY holds for every schedule at that L; a last row with the least-squares
// slope of P* against log2 L.
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "core/result.hpp"
#include "output/latex_table.hpp"

namespace freelunch::tasks {

// Reads the results "least precision P* that copies" (data: schedule, L, P*), "decoded COPY"
// (schedule, L, copies), "largest L that copies" (schedule, per_L: [{L, copies}]) and "slope of P*
// against log2 L" (schedule; the cell is the detail's first word); other results are ignored.
output::LatexTable t2_precision_table(const ProofReport& report, const std::vector<arith::Precision>& precisions,
                                      const std::vector<std::string>& schedule_kinds);

}  // namespace freelunch::tasks
