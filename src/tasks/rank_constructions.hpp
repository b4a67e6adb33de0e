#pragma once
// T1b, the rank cause (THEORY §2). Full copy of L tokens (N = 2L) by a layer with n < L state
// entries and position-only parameters: the copy block M[L+1..2L, 1..L] has rank <= n (L1), so
// (Eckart–Young) ||block - I||_F^2 >= L - n and the mean squared copy error over random ±1 inputs
// is at least (L - n)/L, in every arithmetic.
//
// The constant-size constructions tried (every one position-only, state n):
//   keep n positions   T3's slots on positions 1..n only, a = 1/2, compensation in the query:
//                      those n tokens are copied exactly, the others read 0. Tight: (L - n)/L.
//   random keys        a = 1, keys b_j in {±1}^n drawn from the seed, matched-filter queries
//                      c_{L+r} = b_r / n: every token leaks into every output.
//   decayed keys       the same keys under a scalar decay a = 1/2 with the copy distance
//                      compensated in the query, c_{L+r} = a^-L b_r / n: leakage scaled by
//                      a^(r - j), growing for later positions.
//   rank-n projection  the best rank-n approximation of I that is an orthogonal projection: keys
//                      are n distinct Walsh functions (±1 columns of a Hadamard matrix, chosen
//                      from the seed; L a power of two), queries b_r / L, a = 1. Block =
//                      B B^T / L, an orthogonal projection of rank n. Tight: (L - n)/L.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "arith/rational.hpp"
#include "linalg/matrix.hpp"
#include "models/rounding_semantics.hpp"
#include "models/selective_scan.hpp"
#include "tasks/copy_schedule.hpp"

namespace freelunch::tasks {

struct ConstantSizeConstruction {
  std::string name;
  bool tight = false;                   // its exact mean squared error equals (L - n)/L
  models::ScanParams<Rational> params;  // N = 2L, state n, scalar decay
};

// The four constructions above for full copy of L tokens with n state entries, 1 <= n < L.
// The projection needs L to be a power of two and is left out otherwise.
std::vector<ConstantSizeConstruction> rank_constructions(std::size_t copy_length, std::size_t state, std::uint64_t seed);

// The exact copy block M[L..2L-1, 0..L-1] (0-based) of a full-copy layer.
linalg::Matrix<Rational> copy_block(const models::ScanParams<Rational>& params, std::size_t copy_length);

// The mean over the L outputs of the expected squared copy error for independent uniform ±1
// inputs, from the block: (1/L) Σ_r Σ_j (block_rj - [j = r])^2, exactly.
Rational block_mean_squared_error(const linalg::Matrix<Rational>& block);

// (L - n)/L.
Rational rank_error_bound(std::size_t copy_length, std::size_t state);

}  // namespace freelunch::tasks
