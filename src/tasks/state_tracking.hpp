#pragma once
// The constructions of THEORY §5, S1 (state tracking over the alphabet {0, 1}), as exact linear
// RNNs (models/linear_rnn.hpp) with their read-outs. Every layer is time-invariant: the same
// update for a symbol at every position.
#include <cstdint>
#include <string>

#include "arith/rational.hpp"
#include "models/linear_rnn.hpp"
#include "tasks/automaton_certificate.hpp"

namespace freelunch::tasks {

struct TrackingLayer {
  std::string name;                  // "negative a(1)=-1", "householder", ...
  std::size_t modulus = 2;           // the task: the count of ones mod `modulus`
  models::LinearRnn<Rational> rnn;
  RnnReadout<Rational> readout;
};

// S1.1: n = 1, A(x) = 1 − 2x (1 or `negative`, by default −1), b = 0, h_0 = 1; class 1 iff
// −h > 0. With a(1) = −1, h_T = (−1)^(x_1 + ... + x_T).
TrackingLayer parity_negative(const Rational& negative = Rational(-1));

// S1.2: n = 3, token 1 applies H(e2 − e3) then H(e1 − e2) (H(v) = I − β v v^T, β = 1 by default:
// two reflections whose product is the cyclic permutation e1 → e2 → e3 → e1), token 0 the
// identity; h_0 = e1; class = argmax of h.
TrackingLayer mod3_householder(const Rational& beta = Rational(1), bool reversed = false);

// S1.2's negative side: a diagonal layer, n = 3, token 1 multiplies by diag(d) with d drawn from
// [−1, 1] (dyadic, 8 bits), token 0 the identity; h_0 and the argmax read-out's rows drawn from
// [−1, 1] as well (seeded).
TrackingLayer mod3_diagonal(std::uint64_t seed);

// S1.3: n = 1, token 1: h ← a h + b, token 0: h ← a h; h_0 = 0; class 1 iff h > θ. With
// a in [0, 1] (Mamba's range) the orbit under the constant input 1 is monotone.
TrackingLayer parity_positive(const Rational& decay, const Rational& key, const Rational& theta);

}  // namespace freelunch::tasks
