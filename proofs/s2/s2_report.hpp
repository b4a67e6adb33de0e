#pragma once
// S2's report parts (the module record in s2.cpp points to them).
#include <string>
#include <vector>

#include "output/theorem_module.hpp"

namespace freelunch::proofs::s2 {

// The names of the checks, shared by the checks (s2.cpp) and the table.
inline constexpr const char* kIdentity = "chunked (products) = recurrent, exactly";

// The report's statement: THEORY's checkable form, as a LaTeX paragraph.
std::string statement();
// docs/tables/s2-duality.tex: instance x chunk size.
std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions);
// None yet (the deviation against N comes with the rounding check).
std::vector<output::PgfFigure> figures(const ProofReport& report);

}  // namespace freelunch::proofs::s2
