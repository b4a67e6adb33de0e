#include "tasks/threshold_search.hpp"

#include <algorithm>

namespace freelunch::tasks {

std::string ThresholdSearch::describe() const {
  if (reached_cap) return "no limit up to " + std::to_string(cap);
  if (!largest) return "none (fails at L = 1)";
  std::string out = std::to_string(*largest);
  if (bisection_end) out += " (not monotone: passes again at " + std::to_string(*bisection_end) + ")";
  return out;
}

ThresholdSearch largest_passing(const std::function<bool(std::size_t)>& passes, std::size_t cap, std::size_t confirm_limit) {
  ThresholdSearch s;
  s.cap = cap;
  auto eval = [&](std::size_t l) {
    ++s.evaluations;
    return passes(l);
  };
  if (!eval(1)) return s;
  std::size_t good = 1, bad = 0;
  while (bad == 0) {
    if (good >= cap) {
      s.reached_cap = true;
      break;
    }
    const std::size_t next = std::min(cap, 2 * good);
    if (eval(next)) good = next; else bad = next;
  }
  while (bad != 0 && bad - good > 1) {
    const std::size_t mid = good + (bad - good) / 2;
    if (eval(mid)) good = mid; else bad = mid;
  }
  // Confirmation: the first failure below `good` moves L* down.
  const std::size_t limit = std::min(good, confirm_limit);
  for (std::size_t l = 2; l <= limit; ++l) {
    if (!eval(l)) {
      s.bisection_end = good;
      s.largest = l - 1;
      s.reached_cap = false;
      s.confirmed_up_to = l;
      return s;
    }
  }
  s.confirmed_up_to = limit;
  s.largest = good;
  return s;
}

}  // namespace freelunch::tasks
