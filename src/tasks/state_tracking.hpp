#pragma once
// The constructions of THEORY §5, S1 (state tracking over the alphabet {0, 1}), as exact linear
// RNNs (models/linear_rnn.hpp) with their read-outs. Every layer is time-invariant: the same
// update for a symbol at every position.
#include <cstdint>
#include <string>

#include "arith/arithmetic.hpp"
#include "arith/rational.hpp"
#include "models/linear_rnn.hpp"
#include "models/transcendental.hpp"
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

// S1.2's near miss: a diagonal layer that counts mod 3 right on every input with fewer than k
// ones and must then fail. Token 0 is the identity, so the state after an input with T ones is
// diag(d)^T h_0. n = k distinct decays d_i from {1, −1, 1/2, −1/2, 3/4, −3/4, 1/4, −1/4, 7/8,
// −7/8, 1/8, −1/8} (k <= 12), h_0 = (1, ..., 1), and argmax rows β_c solved exactly
// (linalg::solve) so that the score of class c is sum_i β_(c,i) d_i^T = [T mod 3 = c] at
// T = 0..k−1 (a Vandermonde system).
// Past k each score is an exponential sum in T with real bases, eventually of period at most 2
// in sign, so the read-out cannot keep the period-3 count: the certificate finds where it stops.
TrackingLayer mod3_diagonal_near_miss(std::size_t k);

// S1.3: n = 1, token 1: h ← a h + b, token 0: h ← a h; h_0 = 0; class 1 iff h > θ. With
// a in [0, 1] (Mamba's range) the orbit under the constant input 1 is monotone.
TrackingLayer parity_positive(const Rational& decay, const Rational& key, const Rational& theta);

// S1.1 in Mamba's parametrization (THEORY §5): a(x) = 2 exp(Δ(x) A) − 1 with A = −1, Δ(0) = 0 and
// Δ(1) = `delta`, so a(0) = 1 and a(1) in (−1, 1), never −1 itself in exact arithmetic. Computed
// in the arithmetic, one rounding per operation: fl(Δ·A), exp (correctly rounded, or enclosed),
// fl(2·e), fl(· − 1). h_0 = 1 and class 1 iff −h > 0, as parity_negative. `drop_shift`: a(1) =
// 2 exp(Δ A), the falsifier's positive decay (a(0) stays 1).
template <arith::TranscendentalArithmetic A>
models::LinearRnn<typename A::value_type> mamba_parity(const A& ar, const Rational& delta, const models::RoundingSemantics& sem,
                                                       bool drop_shift = false) {
  using V = typename A::value_type;
  models::LinearRnn<V> rnn = models::to_arithmetic(ar, parity_negative().rnn, sem);
  const V minus_one = ar.from_int(-1), two = ar.from_int(2), one = ar.from_int(1);
  auto decay = [&](const Rational& d, bool shift) {
    const V e = ar.exp(ar.from_rational(models::through_storage(d, sem)) * minus_one);
    return shift ? two * e - one : two * e;
  };
  rnn.tokens[0].factors = {models::DiagonalFactor<V>{{decay(Rational(0), true)}}};
  rnn.tokens[1].factors = {models::DiagonalFactor<V>{{decay(delta, !drop_shift)}}};
  return rnn;
}

// S1.3 on Mamba-range layers: one channel with n state entries under a constant input, Δ =
// softplus(w) with w drawn from [−7, −2.25] (Δ from about 0.0009 to 0.1, the range of Mamba's
// Δ initialization), A_s = −s for s = 1..n (S4D-real), B, c and θ drawn from [−1, 1]; every
// draw dyadic k / 256 (the same values on every platform).
struct MambaDecayLayer {
  Rational w;
  std::vector<Rational> A, B, c;
  Rational theta;
  std::string name;
};
MambaDecayLayer draw_mamba_decay_layer(std::size_t n, std::uint64_t seed);

// The layer in the arithmetic: a_s = exp(Δ·A_s), b_s = Δ·B_s (Euler, as models::discretize),
// token 1: h ← a h + b, token 0: h ← a h; h_0 = 0; read-out c · h > θ.
template <arith::TranscendentalArithmetic Ar>
models::LinearRnn<typename Ar::value_type> mamba_decay_rnn(const Ar& ar, const MambaDecayLayer& l, const models::RoundingSemantics& sem) {
  using V = typename Ar::value_type;
  auto in = [&](const Rational& q) { return ar.from_rational(models::through_storage(q, sem)); };
  const V dt = models::softplus(ar, in(l.w));
  std::vector<V> a, b, h0;
  for (std::size_t s = 0; s < l.A.size(); ++s) {
    a.push_back(ar.exp(dt * in(l.A[s])));
    b.push_back(dt * in(l.B[s]));
    h0.push_back(ar.from_int(0));
  }
  return {l.A.size(), {models::TokenUpdate<V>{{models::DiagonalFactor<V>{a}}, {}}, models::TokenUpdate<V>{{models::DiagonalFactor<V>{a}}, b}}, h0};
}

// S1.3's tight exact construction: n distinct decays a_s = s / (n + 1), key 1, h_0 = 0, and c, θ
// chosen so that c · h_t − θ = (−1)^(t+1) at t = 1..n+1 (solved exactly, linalg::solve): n sign
// changes, the most Descartes' rule allows.
TrackingLayer alternating_threshold(std::size_t n);

}  // namespace freelunch::tasks
