#pragma once
// The largest size at which a slot-copy construction (slot_copy.hpp) still copies in an
// arithmetic: the threshold search of threshold_search.hpp over a family of schedules (the copy
// length L of full copy, the distance d of a single copy, ...), with the outcome at the first
// failing size kept so that its cause (a non-finite output: range; a finite error: rounding) is
// reported, never hidden: a non-finite output or a raised overflow flag (a saturating fixed-point
// value) is a range failure, a finite error without one is a rounding failure. In `exact` every
// size is decided by running the exact scan (exact_copy_check.hpp), not from the construction's
// description.
#include <functional>
#include <optional>

#include "arith/arithmetic.hpp"
#include "tasks/copy_outcome.hpp"
#include "tasks/exact_copy_check.hpp"
#include "tasks/slot_copy.hpp"
#include "tasks/slot_copy_eval.hpp"
#include "tasks/threshold_search.hpp"

namespace freelunch::tasks {

// Exact searches form the copy rows of M up to this many steps and use Freivalds' check above.
inline constexpr std::size_t kExactMatrixUpTo = 128;

struct SlotCopySearch {
  ThresholdSearch search;
  std::optional<CopyOutcome> failure;  // the outcome at size largest + 1, when the cap was not reached
  bool failure_overflowed = false;     // the overflow flag was raised while evaluating that size

  // "range (non-finite output)", "range (overflow flag: saturated)", "rounding (finite error)",
  // "undecided", or "" when no failure was recorded.
  std::string failure_cause() const {
    if (!failure) return "";
    if (failure->non_finite) return "range (non-finite output)";
    if (failure->state == CopyOutcome::State::undecided) return "undecided";
    return failure_overflowed ? "range (overflow flag: saturated)" : "rounding (finite error)";
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
      const auto judged = judge_exact_copy(layer.dense(), layer.schedule(), kExactMatrixUpTo, 1, size, sem);
      if (!judged.holds) {
        o.state = CopyOutcome::State::fails;
        o.first_failure = judged.first_failure;
      }
      return o;
    } else {
      return evaluate_slot_copy(ar, layer, values, CopyCriterion{}, sem);
    }
  };
  SlotCopySearch s;
  s.search = largest_passing([&](std::size_t size) { return outcome(size).copies(); }, cap, confirm);
  if (!s.search.reached_cap) {
    ar.clear_flags();
    s.failure = outcome(s.search.largest ? *s.search.largest + 1 : 1);
    s.failure_overflowed = ar.flags().test(arith::Flag::overflow);
  }
  return s;
}

}  // namespace freelunch::tasks
