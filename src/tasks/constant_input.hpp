#pragma once
// A linear RNN under a constant input (THEORY §5, S1.3): the fixed-point step K of a rounded
// orbit, and the sign changes of a threshold read-out along an exact one.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "arith/arithmetic.hpp"
#include "models/linear_rnn.hpp"
#include "tasks/automaton_certificate.hpp"

namespace freelunch::tasks {

// The least t <= cap with h_t = h_(t+1) under the input symbol, symbol, ... from h_0 (entries
// compared exactly, every overflowed value alike); nullopt when the orbit moves at every step up
// to the cap. In a finite format a monotone orbit always arrives; in exact arithmetic a
// converging one never does.
template <arith::PointArithmetic A>
std::optional<std::size_t> constant_input_fixed_point(const A& ar, const models::LinearRnn<typename A::value_type>& rnn, std::size_t symbol,
                                                      std::size_t cap, const models::RoundingSemantics& sem) {
  rnn.check_shapes();
  std::vector<typename A::value_type> h = rnn.h0;
  std::string key = detail::state_key(ar, h);
  for (std::size_t t = 0; t <= cap; ++t) {
    models::rnn_step(ar, rnn, symbol, h, sem);
    std::string next = detail::state_key(ar, h);
    if (next == key) return t;
    key = std::move(next);
  }
  return std::nullopt;
}

// The number of sign changes of c · h_t − θ for t = 1..T under the constant input `symbol`
// (a threshold read-out; zeros are skipped, a change is between strictly positive and strictly
// negative values), computed in the arithmetic and compared exactly.
template <arith::PointArithmetic A>
std::size_t threshold_sign_changes(const A& ar, const models::LinearRnn<typename A::value_type>& rnn, const RnnReadout<typename A::value_type>& readout,
                                   std::size_t symbol, std::size_t length, const models::RoundingSemantics& sem) {
  using V = typename A::value_type;
  if (readout.kind != ReadoutKind::threshold || readout.rows.size() != 1 || !readout.theta)
    throw UsageError("sign changes need a threshold read-out");
  rnn.check_shapes();
  const Rational theta = ar.to_rational(*readout.theta);
  std::vector<V> h = rnn.h0;
  int last = 0;
  std::size_t changes = 0;
  for (std::size_t t = 1; t <= length; ++t) {
    models::rnn_step(ar, rnn, symbol, h, sem);
    const V s = models::dot(ar, h.size(), [&](std::size_t j) -> const V& { return readout.rows[0][j]; }, [&](std::size_t j) -> const V& { return h[j]; }, sem);
    const Rational v = ar.to_rational(s) - theta;
    const int sign = v > 0 ? 1 : v < 0 ? -1 : 0;
    if (sign != 0) {
      if (last != 0 && sign != last) ++changes;
      last = sign;
    }
  }
  return changes;
}

}  // namespace freelunch::tasks
