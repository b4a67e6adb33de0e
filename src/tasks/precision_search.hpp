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

// The evidence against the claim "claimed is the least passing precision" in the sense of the
// search above: the first P that contradicts it, or none. Every P in [claimed, min(hi, claimed +
// window)] must pass (the first failing one is returned, in increasing order), then claimed - 1
// must fail when claimed > lo (it is returned if it passes). A claim outside [lo, hi] is its own
// contradiction (passes is not called there). passes is called at most window + 2 times; share
// its evaluations with the search through a cache to check the search's own claim for free.
std::optional<long> least_precision_contradiction(const std::function<bool(long)>& passes, long claimed, long lo, long hi, long window);

}  // namespace freelunch::tasks
