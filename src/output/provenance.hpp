#pragma once
// The provenance line every generated table and figure carries: paper version (v2 numbering),
// tool version (git describe), arithmetics, rounding semantics, grid and seed.
#include <string>
#include <vector>

#include "core/result.hpp"

namespace freelunch::output {

// "arXiv 2410.03810 v2 numbering; freelunch 0.1.0 (abc1234); arithmetics: exact, fp16;
// rounding: per-op, sequential, storage=compute; grid quick, seed 1." The arithmetics part is
// left out when `arithmetics` is empty (a table whose columns name them).
std::string provenance(const ProofReport& report, const std::string& semantics, const std::vector<std::string>& arithmetics = {});

// The distinct values of CheckResult::semantics among `results`, joined by "; ", in order of
// appearance.
std::string semantics_of(const std::vector<const CheckResult*>& results);

}  // namespace freelunch::output
