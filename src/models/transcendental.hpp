#pragma once
// Operations that need exp or log (softplus, silu, exp(Δ A), softmax). They exist only in
// arithmetics with exp and log (arith::TranscendentalArithmetic: MPFR, emulated formats, fixed
// point, intervals); `exact` rationals have none, since exp of a nonzero rational is irrational.
// Asking for one there is a one-line usage error naming the operation and pointing to intervalP,
// the certified alternative.
#include <string>

#include "arith/arithmetic.hpp"
#include "arith/errors.hpp"

namespace freelunch::models {

// Throws when A has no exp/log; returns otherwise (call it in the `else` branch of an
// `if constexpr (arith::TranscendentalArithmetic<A>)`).
template <class A>
[[noreturn]] void no_transcendental(const A& ar, const std::string& operation) {
  throw UsageError(operation + " needs exp, which the arithmetic '" + ar.name() +
                   "' does not have (exp of a rational is not rational); use intervalP for certified results");
}

// softplus(x) = log(1 + e^x), with PyTorch's threshold as in Mamba's reference code: x itself for
// x > 20. Below the threshold it is evaluated in the form that cannot overflow (as JAX does):
//   x + log(1 + exp(-x))  for 0 < x <= 20   (exp(-x) <= 1),
//   log(1 + exp(x))       for x <= 0        (exp(x) <= 1).
// The plain log(1 + exp(x)) overflowed for ln(max finite) < x <= 20: fp16 (ln 65504 ~ 11.1),
// e5m2, e4m3 and short fixed-point formats returned inf or saturated although softplus(x) ~ x is
// representable. Each operation is rounded by the arithmetic.
// Intervals enclose this thresholded function: when x > 20 is neither certain nor excluded the
// result is the hull of x and log(1 + exp(x)) (the function jumps by about 2e-9 at 20).
template <arith::Arithmetic A>
typename A::value_type softplus(const A& ar, const typename A::value_type& x) {
  if constexpr (arith::TranscendentalArithmetic<A>) {
    using V = typename A::value_type;
    const V threshold = ar.from_int(20);
    const V one = ar.from_int(1);
    if constexpr (A::is_certified) {
      const auto above = x > threshold;
      if (above.is_true()) return x;
      // MPFI's exponent range is MPFR's: exp(x) <= e^20 here or bounded by the hull below.
      const V below = ar.log(one + ar.exp(x));
      return above.is_false() ? below : ar.hull(x, below);
    } else {
      if (x > threshold) return x;
      if (x > ar.from_int(0)) return x + ar.log(one + ar.exp(-x));
      return ar.log(one + ar.exp(x));
    }
  } else {
    no_transcendental(ar, "softplus");
  }
}

// silu(z) = z / (1 + exp(-z)).
template <arith::Arithmetic A>
typename A::value_type silu(const A& ar, const typename A::value_type& z) {
  if constexpr (arith::TranscendentalArithmetic<A>) {
    return z / (ar.from_int(1) + ar.exp(-z));
  } else {
    no_transcendental(ar, "silu");
  }
}

}  // namespace freelunch::models
