#pragma once
// T4's report parts (the module record in t4.cpp points to them).
#include <string>
#include <vector>

#include "output/theorem_module.hpp"

namespace freelunch::proofs::t4 {

// The report's statement: THEORY's checkable form, as a LaTeX paragraph.
std::string statement();
// The tables of docs/tables/ and the report, columns in the order of `precisions`.
std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions);
// The report's figures (those with something to draw).
std::vector<output::PgfFigure> figures(const ProofReport& report);

}  // namespace freelunch::proofs::t4
