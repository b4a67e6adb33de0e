#pragma once
// T1's report parts (the module record in t1.cpp points to them).
#include <string>
#include <vector>

#include "output/theorem_module.hpp"

namespace freelunch::proofs::t1 {

// The names of the checks, shared by the checks (t1.cpp) and the tables and figures.
inline constexpr const char* kDistance = "T1a largest distance";
inline constexpr const char* kRoundsToOne = "T1a decay 1-2^-k rounds to 1";
inline constexpr const char* kEscape = "T1a escape a=1-2^-k";
inline constexpr const char* kRank = "T1b rank and error bound";
inline constexpr const char* kRoundedError = "T1b error on 8 random inputs";
inline constexpr const char* kRowLength = "T1b largest copy length";
inline constexpr const char* kPastN = "T1b no copy past n";
inline constexpr const char* kInjective = "T1c largest injective length";
inline constexpr const char* kDigits = "T1c exact digit extraction";

// The report's statement: THEORY's checkable form, as a LaTeX paragraph.
std::string statement();
// The tables of docs/tables/ and the report, columns in the order of `precisions`.
std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions);
// The report's figures (those with something to draw).
std::vector<output::PgfFigure> figures(const ProofReport& report);

}  // namespace freelunch::proofs::t1
