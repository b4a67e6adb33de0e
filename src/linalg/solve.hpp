#pragma once
// Exact solution of a square rational system A x = b (FLINT's fmpq_mat_solve: fraction-free or
// multimodular, chosen by FLINT). nullopt when A is singular.
#include <optional>
#include <vector>

#include "arith/rational.hpp"
#include "linalg/matrix.hpp"

namespace freelunch::linalg {

std::optional<std::vector<Rational>> solve(const Matrix<Rational>& a, const std::vector<Rational>& b);

}  // namespace freelunch::linalg
