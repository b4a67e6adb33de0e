#pragma once
// Storage rounding: a value stored in a narrower format than the one computing with it (bf16
// weights, fp32 compute). through_storage rounds an exact value once to the storage precision and
// returns the exact value of the result.
#include "arith/rational.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch::models {

// q itself when the semantics has no storage precision. Throws UsageError when the storage
// precision is not a point arithmetic or the rounded value is not finite.
Rational through_storage(const Rational& q, const RoundingSemantics& sem);

}  // namespace freelunch::models
