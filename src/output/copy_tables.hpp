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

// T1, the separation table: rows the causes (T1a per decay, T1b, T1c per alphabet), columns the
// arithmetics, cells the largest copy length that still works ("none up to N" where no limit was
// found). Printed on the terminal too.
LatexTable t1_separation_table(const ProofReport& report, const std::vector<arith::Precision>& precisions);

// T1, the a -> 1 escape: rows a = 1 - 2^-k, cells the largest distance; last row the k from which
// the stored decay is exactly 1.
LatexTable t1_escape_table(const ProofReport& report, const std::vector<arith::Precision>& precisions);

}  // namespace freelunch::output
