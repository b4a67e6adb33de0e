#include "tasks/precision_search.hpp"

#include <algorithm>
#include <map>

#include "arith/errors.hpp"

namespace freelunch::tasks {

std::string PrecisionSearch::describe() const {
  if (!least) return "none up to " + std::to_string(hi);
  std::string out = std::to_string(*least) + " (every P in [" + std::to_string(*least) + ", " + std::to_string(confirmed_up_to) + "] passes";
  out += *least > lo ? ", " + std::to_string(*least - 1) + " fails" : ", the lowest P tried";
  if (restarted) out += "; not monotone below";
  return out + ")";
}

PrecisionSearch least_passing_precision(const std::function<bool(long)>& passes, long lo, long hi, long window) {
  if (lo > hi || window < 0) throw UsageError("precision search needs lo <= hi and window >= 0");
  PrecisionSearch s;
  s.lo = lo;
  s.hi = hi;
  std::map<long, bool> known;
  auto eval = [&](long p) {
    auto it = known.find(p);
    if (it != known.end()) return it->second;
    const bool ok = passes(p);
    known.emplace(p, ok);
    s.evaluated.emplace_back(p, ok);
    return ok;
  };
  if (!eval(hi)) return s;
  long bad = lo - 1;  // a failure below the range, by convention
  for (;;) {
    long good = hi;
    if (bad < lo && eval(lo)) good = lo; else if (bad < lo) bad = lo;
    while (good - bad > 1) {
      const long mid = bad + (good - bad) / 2;
      if (eval(mid)) good = mid; else bad = mid;
    }
    // Confirmation above the candidate.
    const long top = std::min(hi, good + window);
    long failed = 0;
    for (long p = good + 1; p <= top && failed == 0; ++p)
      if (!eval(p)) failed = p;
    if (failed == 0) {
      s.least = good;
      s.confirmed_up_to = top;
      return s;
    }
    s.restarted = true;
    bad = failed;
  }
}

std::optional<long> least_precision_contradiction(const std::function<bool(long)>& passes, long claimed, long lo, long hi, long window) {
  if (lo > hi || window < 0) throw UsageError("precision claim check needs lo <= hi and window >= 0");
  if (claimed < lo || claimed > hi) return claimed;
  for (long p = claimed; p <= std::min(hi, claimed + window); ++p)
    if (!passes(p)) return p;
  if (claimed > lo && passes(claimed - 1)) return claimed - 1;
  return std::nullopt;
}

}  // namespace freelunch::tasks
