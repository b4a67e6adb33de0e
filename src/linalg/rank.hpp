#pragma once
// Exact ranks of rational matrices.
//
// rank                   the dispatcher; today always rank_flint.
// rank_flint             FLINT: rows scaled to integers (fmpq_mat_get_fmpz_mat_rowwise, which
//                        keeps the rank), then fmpz_mat_rank (fraction-free elimination).
// rank_fraction_free     Bareiss elimination on the same integer matrix, written out here: slow
//                        and obviously correct, kept to test rank_flint.
// All exact. An empty matrix (0 rows or 0 columns) has rank 0.
#include <functional>
#include <vector>

#include "arith/rational.hpp"
#include "linalg/matrix.hpp"

namespace freelunch::linalg {

long rank_flint(const Matrix<Rational>& m);
long rank_fraction_free(const Matrix<Rational>& m);
inline long rank(const Matrix<Rational>& m) { return rank_flint(m); }

// The semiseparable rank profile of a square N x N matrix: entry r - 1 is the rank of the
// block M[r..N-1, 0..r-1] (0-based), for r = 1..N-1 (THEORY §1.2: rows r+1..N, columns 1..r).
// on_block(r) is called after block r, for a progress line.
std::vector<long> semiseparable_rank_profile(const Matrix<Rational>& m, const std::function<void(std::size_t)>& on_block = {});

}  // namespace freelunch::linalg
