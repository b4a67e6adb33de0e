#pragma once
// The tables of the COPY proofs, built from their results.
#include <vector>

#include "arith/precision.hpp"
#include "core/result.hpp"
#include "output/latex_table.hpp"

namespace freelunch::output {

// T3: rows (decay, split), columns arithmetics, cells "L* (bound B)" with B the T1a magnitude
// bound for one nonzero product (n = 1).
LatexTable t3_threshold_table(const ProofReport& report, const std::vector<arith::Precision>& precisions);

}  // namespace freelunch::output
