#pragma once
// A witness that a full-copy layer does not perform decoded COPY on ±1 inputs (T1b past n).
//
// If a layer decodes every ±1 input, then for every output r and every sign pattern,
// round(y_r) = u_r, so with u_r = 1 and u_j = -sign(B_rj) elsewhere, y_r = B_rr - Σ_{j≠r} |B_rj|
// must be >= 1/2 > 0: every row of the copy block B is strictly diagonally dominant, and B is
// invertible (Levy–Desplanques), of rank L. A layer with state n < L has rank(B) <= n < L (L1), so
// some row r has B_rr <= Σ_{j≠r} |B_rj|, and the input above gives y_r <= 0 in exact arithmetic:
// an error of at least 1 at output r. The witness is that input; whether a rounded arithmetic
// also fails on it is decided by running the layer in that arithmetic.
#include <cstddef>
#include <optional>
#include <vector>

#include "arith/rational.hpp"
#include "linalg/matrix.hpp"

namespace freelunch::tasks {

struct CopyWitness {
  std::size_t row = 0;      // the output (0-based among the L outputs) that fails
  std::vector<int> signs;   // the ±1 input u_1..u_L
  Rational exact_output;    // y_row in exact arithmetic: B_rr - Σ_{j≠r} |B_rj| <= 0
};

// The first row of the square block that is not strictly diagonally dominant (B_rr <= Σ_{j≠r}
// |B_rj|, which also covers B_rr <= 0), with its witness input; none when every row is.
std::optional<CopyWitness> dominance_witness(const linalg::Matrix<Rational>& block);

}  // namespace freelunch::tasks
