#pragma once
// The a -> 1 escape from the magnitude cause of T1a (THEORY §2): the bound
// L <= log(n β^2)/log(1/a) grows without limit as a -> 1, and in a short format the decay
// 1 - 2^-k itself rounds to exactly 1 once k passes the significand width (a tie at k = p goes
// to the even 1). Then the layer has no decay at all and the magnitude cause is gone.
#include <optional>

#include "arith/arithmetic.hpp"
#include "arith/rational.hpp"
#include "models/rounding_semantics.hpp"
#include "models/storage.hpp"

namespace freelunch::tasks {

// The decay 1 - 2^-k.
inline Rational decay_near_one(long k) { return 1 - pow2(-k); }

// The smallest k <= k_max at which the arithmetic's value of 1 - 2^-k (through the storage
// precision) is exactly 1; none when it never is up to k_max (exact, wide MPFR).
template <arith::PointArithmetic A>
std::optional<long> decay_rounds_to_one_from(const A& ar, const models::RoundingSemantics& sem, long k_max) {
  for (long k = 1; k <= k_max; ++k)
    if (ar.to_rational(ar.from_rational(models::through_storage(decay_near_one(k), sem))) == 1) return k;
  return std::nullopt;
}

}  // namespace freelunch::tasks
