#pragma once
// The least precision at which a property holds (the least significand width P* at which a
// construction still copies), and the fit of P* against log2 of the size.
//
// least_passing_precision searches P in [lo, hi]: it needs a pass at hi, bisects for the least
// passing P (the monotone case), then confirms every P in (P*, P* + window]. A failure there
// means rounding is not monotone in P: the search continues above it, so the reported P* is the
// least P such that every P' in [P*, P* + window] passes, P* - 1 fails (when P* > lo) and the
// bisection points above were passes. The evidence is recorded (evaluated, confirmed_up_to).
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "arith/rational.hpp"

namespace freelunch::tasks {

struct PrecisionSearch {
  std::optional<long> least;          // P*; none when even hi fails
  long lo = 0, hi = 0;
  long confirmed_up_to = 0;           // every P in [P*, confirmed_up_to] evaluated and passed
  bool restarted = false;             // a confirmation failure moved P* up (not monotone)
  std::vector<std::pair<long, bool>> evaluated;  // (P, passed) in evaluation order

  // "23 (every P in [23, 31] passes, 22 fails)", "none up to 64", "<= 4 (passes at the lowest P tried)".
  std::string describe() const;
};

// passes(P) for lo <= P <= hi; lo <= hi, window >= 0.
PrecisionSearch least_passing_precision(const std::function<bool(long)>& passes, long lo, long hi, long window);

// The least-squares slope b of y = a + b x over the points (x, y), exactly. At least two distinct
// x; otherwise std::nullopt.
std::optional<Rational> least_squares_slope(const std::vector<std::pair<Rational, Rational>>& points);

}  // namespace freelunch::tasks
