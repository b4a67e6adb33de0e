#pragma once
// T3's report parts (the module record in t3.cpp points to them).
#include <string>
#include <vector>

#include "output/theorem_module.hpp"

namespace freelunch::proofs::t3 {

// The names of the checks, shared by the checks (t3.cpp) and the tables and figures.
inline constexpr const char* kBlock = "copy block = copy pattern";
inline constexpr const char* kLargest = "largest L that copies";
inline constexpr const char* kCost = "cost per step";

// The report's statement: THEORY's checkable form, as a LaTeX paragraph.
std::string statement();
// The tables of docs/tables/ and the report, columns in the order of `precisions`.
std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions);
// The report's figures (those with something to draw).
std::vector<output::PgfFigure> figures(const ProofReport& report);

}  // namespace freelunch::proofs::t3
