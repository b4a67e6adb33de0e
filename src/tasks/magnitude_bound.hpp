#pragma once
// The magnitude bound of T1a (THEORY §2): if every decay on the path is at most a_max < 1 and
// every key and query entry at most β_max in absolute value, exact COPY over distance L needs
// n β_max^2 >= a_max^-L, so
//   L <= log(n β_max^2) / log(1/a_max).
// Evaluated in binary64 from log2 β_max (heuristic to a few ulps: a reported bound, not a verdict).
#include <optional>

#include "arith/precision.hpp"
#include "arith/rational.hpp"

namespace freelunch::tasks {

// log2 of the largest finite value of an arithmetic; none for `exact` (unbounded).
std::optional<double> log2_largest_finite(const arith::Precision& p);

// floor(log(n β^2) / log(1/a)) from log2 β; requires 0 < a < 1, n >= 1.
long magnitude_bound(double log2_beta, long n, const Rational& a);

// The exact inequality n β^2 >= a^-L for given rationals (the check on construction parameters).
bool magnitude_inequality_holds(const Rational& beta, long n, const Rational& a, long length);

}  // namespace freelunch::tasks
