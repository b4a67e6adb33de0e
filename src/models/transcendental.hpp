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

// softplus(x) = log(1 + exp(x)), and x itself for x > 20 (PyTorch's threshold, as in Mamba's
// reference code; it avoids exp overflow in short formats).
template <arith::Arithmetic A>
typename A::value_type softplus(const A& ar, const typename A::value_type& x) {
  if constexpr (arith::TranscendentalArithmetic<A>) {
    const typename A::value_type threshold = ar.from_int(20);
    if constexpr (A::is_certified) {
      if ((x > threshold).is_true()) return x;
    } else {
      if (x > threshold) return x;
    }
    return ar.log(ar.from_int(1) + ar.exp(x));
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
