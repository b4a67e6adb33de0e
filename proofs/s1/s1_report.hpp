#pragma once
// S1's report parts (the module record in s1.cpp points to them).
#include <string>
#include <vector>

#include "output/theorem_module.hpp"

namespace freelunch::proofs::s1 {

// The names of the checks, shared by the checks (s1.cpp) and the tables and figures.
inline constexpr const char* kParity = "parity, negative eigenvalue: every length";
inline constexpr const char* kMod3 = "mod 3, two reflections: every length";
inline constexpr const char* kDiagonal = "mod 3, diagonal transition fails (witness)";
inline constexpr const char* kFixedPoint = "positive decay: fixed point K, parity wrong at K or K+1";
inline constexpr const char* kSignChanges = "exact: c.h_t - theta changes sign at most n times";
inline constexpr const char* kMambaParity = "Mamba a = 2exp(-delta)-1: parity wrong only where h reaches 0";
inline constexpr const char* kMambaFixedPoint = "Mamba-range layers: fixed point K, parity wrong at K or K+1";
inline constexpr const char* kSignTight = "exact: n distinct decays reach n sign changes (tight)";

// The report's statement: THEORY's checkable form, as a LaTeX paragraph.
std::string statement();
// docs/tables/s1-tracking.tex: task and layer x arithmetic, columns in the order of `precisions`.
std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions);
// The fixed-point step K per arithmetic and decay.
std::vector<output::PgfFigure> figures(const ProofReport& report);

}  // namespace freelunch::proofs::s1
