#pragma once
// The semiseparable rank profile of a diagonal scan's sequence matrix (THEORY §1.2) without the
// matrix: rank M[r+1..N, 1..r] for r = 1..N-1 in O(N n^3) word operations instead of the dense
// profile's N - 1 exact eliminations of blocks whose entries grow with N (O(N^4) operations on
// numbers of O(N) words: 2 minutes at N = 128).
//
// The block factors through the state: M_r = O_r K_r, O_r's rows c_i ∘ Π_{k=r+1..i} a_k (i > r),
// K_r's columns Π_{k=j+1..r} a_k ∘ b_j (j <= r), inner dimension n. Each rank comes with two
// bounds, both certain:
//  - lower: the rank over F_p of R M_r S, with R (n x (N-r)) and S (r x n) drawn from `seed`,
//    p a 62-bit prime dividing no denominator. R O_r and K_r S follow r by rank-one updates
//    (Y_r = (ρ_{r+1} c_{r+1}ᵀ + Y_{r+1}) diag(a_{r+1}), X_r = diag(a_r) X_{r-1} + b_r σ_rᵀ), so each
//    rank is one n x n product and elimination mod p. A nonzero minor mod p is the image of a
//    nonzero rational minor, so rank_p(R M_r S) <= rank_Q(M_r) whatever R, S and p are; it equals
//    it unless p or the projection is unlucky (probability about n/p per block).
//  - upper: states with the same decay sequence form a group G with M_r^G = D (C_G)_{>r}
//    (B_G)_{<=r}ᵀ D' for diagonal D, D' that are invertible when G has no zero decay, so
//    rank M_r <= Σ_G min(rank (C_G)_{>r}, rank (B_G)_{<=r}) (exact ranks of rows of the
//    parameters, by incremental elimination over Q, which stops when a group's rank is full); a
//    group with a zero decay counts min(|G|, its nonzero rows on each side).
// Where they meet the rank is exact ("certified"); elsewhere both are reported.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arith/rational.hpp"
#include "models/scan_params.hpp"

namespace freelunch::linalg {

struct ScanRankBounds {
  std::vector<long> lower, upper;  // entry r - 1 for the block of r = 1..N-1
  std::uint64_t prime = 0;         // the p of the lower bounds
  std::size_t groups = 0;          // state groups with one decay sequence
  bool certified() const { return lower == upper; }
};

// on_block(r) after block r (1..N-1), for a progress line; polls cancellation.
ScanRankBounds scan_rank_bounds(const models::ScanParams<Rational>& p, std::uint64_t seed = 1,
                                const std::function<void(std::size_t)>& on_block = {});

}  // namespace freelunch::linalg
