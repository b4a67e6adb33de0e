#pragma once
// The largest size L at which a property still holds (the largest copy length, distance, T, ...):
// doubling from 1 until the property fails or the cap is passed, bisection between the last pass
// and the first failure, then a confirmation pass over every L below, because rounding need not
// be monotone: the reported L* is the largest L such that every L' <= L passes.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace freelunch::tasks {

struct ThresholdSearch {
  std::optional<std::size_t> largest;        // L*; none when L = 1 already fails
  bool reached_cap = false;                  // every L tried passed up to the cap: "no limit up to cap"
  std::size_t cap = 0;
  std::optional<std::size_t> bisection_end;  // where bisection stopped, when the confirmation moved L*
  std::size_t confirmed_up_to = 0;           // every L <= this was evaluated
  std::size_t evaluations = 0;

  // "37", "no limit up to 4096", "none (fails at L = 1)", with a note when not monotone.
  std::string describe() const;
};

// passes(L) for L >= 1. Confirms every L <= min(L*, confirm_limit); above that the doubling and
// bisection points are the evidence, and confirmed_up_to says so.
ThresholdSearch largest_passing(const std::function<bool(std::size_t)>& passes, std::size_t cap, std::size_t confirm_limit);

}  // namespace freelunch::tasks
