#pragma once
// The largest size at which a slot-copy construction (slot_copy.hpp) still copies in an
// arithmetic: the threshold search of threshold_search.hpp over a family of schedules (the copy
// length L of full copy, the distance d of a single copy, ...), with the outcome at the first
// failing size kept so that its cause (a non-finite output: range; a finite error: rounding) is
// reported, never hidden. In `exact` the copy block is checked exactly from the structure.
#include <functional>
#include <optional>

#include "arith/arithmetic.hpp"
#include "tasks/copy_outcome.hpp"
#include "tasks/slot_copy.hpp"
#include "tasks/slot_copy_eval.hpp"
#include "tasks/threshold_search.hpp"

namespace freelunch::tasks {

struct SlotCopySearch {
  ThresholdSearch search;
  std::optional<CopyOutcome> failure;  // the outcome at size largest + 1, when the cap was not reached

  // "fails at 33: non-finite output" or "" when none was recorded.
  std::string failure_cause() const {
    if (!failure) return "";
    return failure->non_finite ? "range (non-finite output)" : (failure->state == CopyOutcome::State::undecided ? "undecided" : "rounding (finite error)");
  }
};

template <arith::Arithmetic A>
SlotCopySearch largest_copying(const A& ar, const std::function<CopySchedule(std::size_t)>& schedule_of, const Rational& decay,
                               Compensation split, const ValueSet& values, std::size_t cap, std::size_t confirm,
                               const models::RoundingSemantics& sem) {
  auto outcome = [&](std::size_t size) -> CopyOutcome {
    const SlotCopyLayer layer(schedule_of(size), decay, split);
    if constexpr (A::is_exact) {
      CopyOutcome o;
      if (const auto first = layer.first_inexact_output()) {
        o.state = CopyOutcome::State::fails;
        o.first_failure = *first;
      }
      return o;
    } else {
      return evaluate_slot_copy(ar, layer, values, CopyCriterion{}, sem);
    }
  };
  SlotCopySearch s;
  s.search = largest_passing([&](std::size_t size) { return outcome(size).copies(); }, cap, confirm);
  if (!s.search.reached_cap) s.failure = outcome(s.search.largest ? *s.search.largest + 1 : 1);
  return s;
}

}  // namespace freelunch::tasks
