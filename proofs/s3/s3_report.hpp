#pragma once
// S3's report parts (the module record in s3.cpp points to them).
#include <string>
#include <vector>

#include "output/theorem_module.hpp"

namespace freelunch::proofs::s3 {

// The names of the checks, shared by the checks (s3.cpp) and the table.
inline constexpr const char* kDelta = "delta rule: every query returns the latest value";
inline constexpr const char* kAdditive = "additive: wrong at the first repeated key (witness)";
inline constexpr const char* kFits = "m = d pairs: recall block = identity";
inline constexpr const char* kWitness = "m = d + 1 pairs: witness values recalled wrong";
inline constexpr const char* kEigen = "I - beta k k^T: eigenvalues 1 and 1 - beta";

// The report's statement: THEORY's checkable form, as a LaTeX paragraph.
std::string statement();
// docs/tables/s3-recall.tex: check and instance x arithmetic.
std::vector<NamedTable> tables(const ProofReport& report, const std::vector<arith::Precision>& precisions);
// None yet.
std::vector<output::PgfFigure> figures(const ProofReport& report);

}  // namespace freelunch::proofs::s3
