#pragma once
// Rounded evaluation of the T3 slot construction (slot_copy.hpp) in any arithmetic, following the
// structure instead of running the dense N x n scan:
//  - an output reads one slot; every other term of its read-out is c[s] · h[s] with c[s] = 0, an
//    exact zero while h[s] is finite, so y_i = c_i[p] ⊗ h_i[p] in every rounding semantics;
//  - the slot's state is key_p ⊗ u_p at its write step and is then multiplied by a once per step
//    (adding b_t u_t = 0 is exact), so it depends only on the key exponent κ_p and the value:
//    chains are computed once per (κ, value) and extended as needed;
//  - once any slot holds a non-finite value (a key times a value overflowed), every later read-out
//    contains 0 ⊗ inf = NaN: those outputs fail.
// This equals selective_scan on dense() bit for bit (tests/tasks/slot_copy_test.cpp) at O(d |V|)
// per output. Every value of the set is tried at every output, which covers all input sequences:
// an output depends only on its source value.
#include <algorithm>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "arith/arithmetic.hpp"
#include "core/cancel.hpp"
#include "models/rounding_semantics.hpp"
#include "models/storage.hpp"
#include "tasks/copy_outcome.hpp"
#include "tasks/slot_copy.hpp"

namespace freelunch::tasks {

template <arith::Arithmetic A>
CopyOutcome evaluate_slot_copy(const A& ar, const SlotCopyLayer& layer, const ValueSet& value_set,
                               const CopyCriterion& criterion, const models::RoundingSemantics& sem,
                               const std::function<void(std::size_t done, std::size_t total)>& on_output = {}) {
  using V = typename A::value_type;
  const CopySchedule& s = layer.schedule();
  auto stored = [&](const Rational& q) { return ar.from_rational(models::through_storage(q, sem)); };
  const V a = stored(layer.decay());
  const std::vector<Rational> values = value_set.values();
  std::vector<V> inputs;
  for (const Rational& v : values) inputs.push_back(stored(v));

  // The first step at which some slot can hold a non-finite value.
  std::optional<std::size_t> poisoned_from;
  std::map<long, V> keys;
  for (std::size_t j = 0; j < s.length && !poisoned_from; ++j) {
    if (!layer.is_source(j) || !s.input_positions[j]) continue;
    if (keys.count(layer.key_exponent(j))) continue;  // same key, same products
    const V key = stored(layer.key(j));
    for (const V& v : inputs)
      if (!ar.is_finite(key * v)) poisoned_from = j;
    keys.emplace(layer.key_exponent(j), key);
  }

  std::map<std::pair<long, std::size_t>, std::vector<V>> chains;  // (κ, value index) -> h after d steps
  auto chain = [&](long kappa, std::size_t vi, std::size_t d) -> const V& {
    std::vector<V>& c = chains[{kappa, vi}];
    if (c.empty()) c.push_back(keys.at(kappa) * inputs[vi]);
    while (c.size() <= d) c.push_back(a * c.back());
    return c[d];
  };

  CopyOutcome out;
  auto fail = [&](std::size_t k, std::size_t vi, bool non_finite, CopyOutcome::State state) {
    if (out.state == CopyOutcome::State::copies || (state == CopyOutcome::State::fails && out.state == CopyOutcome::State::undecided)) {
      out.state = state;
      out.first_failure = k;
      out.failing_value = values[vi];
      out.non_finite = non_finite;
    }
  };
  for (std::size_t k = 0; k < s.outputs.size(); ++k) {
    throw_if_cancelled();
    if (on_output) on_output(k, s.outputs.size());
    const std::size_t p = s.sources[k];
    if (!layer.served(k)) {
      // No slot for this source: the read-out is c_i · h_i with c_i = 0, an exact 0 while the
      // state is finite, so the error is |value| (and a non-finite state poisons it as above).
      for (std::size_t vi = 0; vi < values.size(); ++vi) {
        if (poisoned_from && s.outputs[k] >= *poisoned_from) {
          fail(k, vi, true, CopyOutcome::State::fails);
          break;
        }
        const Rational error = values[vi] < 0 ? Rational(-values[vi]) : values[vi];
        if (error > out.max_error) out.max_error = error;
        if (!criterion.admits(error)) fail(k, vi, false, CopyOutcome::State::fails);
      }
      continue;
    }
    const V query = stored(layer.query(k));
    for (std::size_t vi = 0; vi < values.size(); ++vi) {
      if (poisoned_from && s.outputs[k] >= *poisoned_from) {
        fail(k, vi, true, CopyOutcome::State::fails);
        break;
      }
      const V y = query * chain(layer.key_exponent(p), vi, s.distance(k));
      if constexpr (arith::PointArithmetic<A>) {
        if (!ar.is_finite(y)) {
          fail(k, vi, true, CopyOutcome::State::fails);
          continue;
        }
        const Rational diff = ar.to_rational(y) - values[vi];
        const Rational error = diff < 0 ? Rational(-diff) : diff;
        if (error > out.max_error) out.max_error = error;
        if (!criterion.admits(error)) fail(k, vi, false, CopyOutcome::State::fails);
      } else {
        // Certified: inside when lower and upper errors are admitted, outside when neither is.
        if (!ar.is_finite(y)) {
          fail(k, vi, true, CopyOutcome::State::undecided);
          continue;
        }
        const Rational lo = ar.lower(y) - values[vi], hi = ar.upper(y) - values[vi];
        const Rational worst = std::max(lo < 0 ? Rational(-lo) : lo, hi < 0 ? Rational(-hi) : hi);
        const bool all_in = criterion.admits(worst);
        const Rational best = lo * hi <= 0 ? Rational(0) : std::min(lo < 0 ? Rational(-lo) : lo, hi < 0 ? Rational(-hi) : hi);
        if (worst > out.max_error) out.max_error = worst;
        if (!all_in) fail(k, vi, false, criterion.admits(best) ? CopyOutcome::State::undecided : CopyOutcome::State::fails);
      }
    }
  }
  return out;
}

}  // namespace freelunch::tasks
