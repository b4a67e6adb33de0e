#pragma once
// The rounding staircase of THEORY §3: a ReLU network that maps every x within 1/2 - δ of an
// integer k in [-V, V] to k exactly:
//   round(x) = -V + Σ_{k=-V+1}^{V} step(x - (k - 1/2)),
//   step(z) = relu(z / (2δ) + 1/2) - relu(z / (2δ) - 1/2)   (0 for z <= -δ, 1 for z >= δ).
// δ is a power of two (1/4 by default) so that z / (2δ) is exact in binary formats; inputs
// outside the promise give values between the steps (they are reported, never hidden).
// Cost: 2V steps, i.e. 4V ReLU units.
#include "arith/arithmetic.hpp"

namespace freelunch::models {

struct Staircase {
  long bound = 1;             // V
  long delta_log2 = -2;       // δ = 2^delta_log2
};

template <arith::Arithmetic A>
typename A::value_type staircase(const A& ar, const Staircase& st, const typename A::value_type& x) {
  using V = typename A::value_type;
  const V zero = ar.from_int(0);
  const V half = ar.from_rational(Rational(1, 2));
  const V scale = ar.from_rational(pow2(-(st.delta_log2 + 1)));  // 1 / (2δ)
  V acc = ar.from_int(-st.bound);
  for (long k = -st.bound + 1; k <= st.bound; ++k) {
    const V z = (x - (ar.from_int(k) - half)) * scale;
    acc = acc + (ar.max(z + half, zero) - ar.max(z - half, zero));
  }
  return acc;
}

}  // namespace freelunch::models
