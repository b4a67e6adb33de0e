#pragma once
// S2's report parts (the module record in s2.cpp points to them).
#include <string>
#include <vector>

#include "output/theorem_module.hpp"

namespace freelunch::proofs::s2 {

// The names of the checks, shared by the checks (s2.cpp) and the table.
inline constexpr const char* kIdentity = "chunked (products) = recurrent, exactly";
inline constexpr const char* kRoundingBound = "deviation within its running error bound";

// The report's statement: THEORY's checkable form, as a LaTeX paragraph.
std::string statement();
// docs/tables/s2-duality.tex: instance x chunk size; s2-rounding.tex: deviation per arithmetic,
// decays and algorithm against N, with the fitted growth exponent.
std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions);
// s2-rounding: deviation against N, one panel per arithmetic, one line per algorithm.
std::vector<output::PgfFigure> figures(const ProofReport& report);

}  // namespace freelunch::proofs::s2
