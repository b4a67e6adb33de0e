#pragma once
// Decoded COPY of the T2 construction (softmax_copy.hpp) in any arithmetic with exp, on chosen
// output rows. Each row is evaluated by models::softmax_attention_row (logits q_i · k_j by
// models::dot under the rounding semantics, max-subtracted softmax, weighted sum of the values)
// with three value columns at once, sharing the logits and weights:
//   column 0  the instance's input u (integers in [-V, V], 0 off the input positions);
//   column 1  the worst case of this row: +V at the target, -V at every other input position;
//   column 2  its negation.
// Given the weights, y_i - u_p = Σ_{j != p} w_ij (u_j - u_p) is linear in u, largest at
// (u_p = -V, others +V) and smallest at its negation: in exact real arithmetic (intervals), columns
// 1 and 2 inside the decoding limit certify decoded COPY of the row for every input in [-V, V].
// In rounded arithmetics they are two more inputs, evaluated as computed.
//
// The criterion is decoded COPY: |y - u_p| < 1/2 (a tie fails), a non-finite output fails. For
// intervals an enclosure entirely inside is a success, entirely outside a failure, otherwise
// undecided. Parameters that overflow the storage format of the semantics fail the instance
// (non-finite, no row).
#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/errors.hpp"
#include "models/rounding_semantics.hpp"
#include "models/softmax_attention.hpp"
#include "models/storage.hpp"
#include "tasks/copy_outcome.hpp"
#include "tasks/softmax_copy.hpp"

namespace freelunch::tasks {

// rows: indices into schedule.outputs, evaluated in the given order; the outcome's first_failure
// is the first failing row in that order. stop_at_failure: return at the first row that does not
// copy (searches), otherwise evaluate every row (max_error over all of them).
// inputs: N integers with |u_t| <= bound.
template <arith::TranscendentalArithmetic A>
CopyOutcome evaluate_softmax_copy(const A& ar, const SoftmaxCopyLayer& layer, const std::vector<long>& inputs, long bound,
                                  const std::vector<std::size_t>& rows, const models::RoundingSemantics& sem,
                                  bool stop_at_failure) {
  using V = typename A::value_type;
  const CopySchedule& s = layer.schedule();
  const std::size_t n = s.length;
  CopyOutcome out;

  // The construction in A, through the storage format (values are small integers: one rounding
  // per distinct value). A bad storage precision is a usage error, raised before anything else.
  if (sem.storage) models::through_storage(Rational(0), sem);
  auto stored = [&](const Rational& q) { return ar.from_rational(models::through_storage(q, sem)); };
  std::map<long, V> value_of;
  auto value = [&](long v) -> const V& {
    auto it = value_of.find(v);
    if (it == value_of.end()) it = value_of.emplace(v, stored(Rational(v))).first;
    return it->second;
  };
  std::optional<models::SoftmaxAttention<V>> sa;
  try {
    const linalg::Matrix<Rational> q = layer.queries(), k = layer.keys();
    sa.emplace(models::SoftmaxAttention<V>{linalg::Matrix<V>(n, 3, value(0)), linalg::Matrix<V>(n, 3, value(0)),
                                           linalg::Matrix<V>(n, 3, value(0))});
    for (std::size_t t = 0; t < n; ++t)
      for (std::size_t c = 0; c < 3; ++c) {
        sa->q(t, c) = stored(q(t, c));
        sa->k(t, c) = stored(k(t, c));
      }
    for (std::size_t t = 0; t < n; ++t) {
      sa->v(t, 0) = value(inputs[t]);
      sa->v(t, 1) = value(s.input_positions[t] ? -bound : 0);
      sa->v(t, 2) = value(s.input_positions[t] ? bound : 0);
    }
  } catch (const UsageError&) {  // a parameter is not finite in the storage format
    out.state = CopyOutcome::State::fails;
    out.non_finite = true;
    return out;
  }

  auto fail = [&](std::size_t k, const Rational& value, bool non_finite, CopyOutcome::State state) {
    if (out.state == CopyOutcome::State::copies || (state == CopyOutcome::State::fails && out.state == CopyOutcome::State::undecided)) {
      out.state = state;
      out.first_failure = k;
      out.failing_value = value;
      out.non_finite = non_finite;
    }
  };
  const CopyCriterion decoded;
  for (const std::size_t k : rows) {
    const std::size_t i = s.outputs[k], p = s.sources[k];
    const long worst = s.input_positions[p] ? bound : 0;
    sa->v(p, 1) = value(worst);
    sa->v(p, 2) = value(-worst);
    const std::vector<V> y = models::softmax_attention_row(ar, *sa, i, sem);
    sa->v(p, 1) = value(-worst);
    sa->v(p, 2) = value(worst);
    const Rational expected[3] = {Rational(inputs[p]), Rational(worst), Rational(-worst)};
    for (std::size_t c = 0; c < 3; ++c) {
      if constexpr (arith::PointArithmetic<A>) {
        if (!ar.is_finite(y[c])) {
          fail(k, expected[c], true, CopyOutcome::State::fails);
          continue;
        }
        const Rational diff = ar.to_rational(y[c]) - expected[c];
        const Rational error = diff < 0 ? Rational(-diff) : diff;
        if (error > out.max_error) out.max_error = error;
        if (!decoded.admits(error)) fail(k, expected[c], false, CopyOutcome::State::fails);
      } else {
        if (!ar.is_finite(y[c])) {
          fail(k, expected[c], true, CopyOutcome::State::undecided);
          continue;
        }
        const Rational lo = ar.lower(y[c]) - expected[c], hi = ar.upper(y[c]) - expected[c];
        const Rational abs_lo = lo < 0 ? Rational(-lo) : lo, abs_hi = hi < 0 ? Rational(-hi) : hi;
        const Rational worst_error = std::max(abs_lo, abs_hi);
        const Rational best_error = lo * hi <= 0 ? Rational(0) : std::min(abs_lo, abs_hi);
        if (worst_error > out.max_error) out.max_error = worst_error;
        if (!decoded.admits(worst_error))
          fail(k, expected[c], false, decoded.admits(best_error) ? CopyOutcome::State::undecided : CopyOutcome::State::fails);
      }
    }
    if (stop_at_failure && !out.copies()) return out;
  }
  return out;
}

// The first (output number, step) of the rows whose logit, computed in A from the construction's
// queries and keys by models::dot under the semantics, differs from the closed form -β (j - pos)^2.
// In `exact` none may differ (the construction's logits are exact integers).
template <arith::PointArithmetic A>
std::optional<std::pair<std::size_t, std::size_t>> first_wrong_logit(const A& ar, const SoftmaxCopyLayer& layer,
                                                                     const std::vector<std::size_t>& rows,
                                                                     const models::RoundingSemantics& sem) {
  using V = typename A::value_type;
  const CopySchedule& s = layer.schedule();
  const linalg::Matrix<V> q = layer.queries().map([&](const Rational& x) { return ar.from_rational(x); });
  const linalg::Matrix<V> k = layer.keys().map([&](const Rational& x) { return ar.from_rational(x); });
  for (const std::size_t r : rows) {
    const std::size_t i = s.outputs[r];
    for (std::size_t j = 0; j <= i; ++j) {
      const V g = models::dot(ar, 3, [&](std::size_t c) -> const V& { return q(i, c); }, [&](std::size_t c) -> const V& { return k(j, c); }, sem);
      if (!ar.is_finite(g) || ar.to_rational(g) != layer.logit(r, j)) return std::make_pair(r, j);
    }
  }
  return std::nullopt;
}

}  // namespace freelunch::tasks
