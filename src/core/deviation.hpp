#pragma once
// Distances between computed values and exact references, for point arithmetics: the numbers
// that finite-precision runs report ("measured"), and the first position where two exact
// computations disagree.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/rational.hpp"

namespace freelunch {

struct Deviation {
  Rational max_abs = 0;                          // max_i |x_i - ref_i| over finite x_i
  std::size_t argmax = 0;
  std::optional<std::size_t> first_nonzero;      // first i with x_i != ref_i
  std::optional<std::size_t> first_nonfinite;    // first i with x_i not finite
  bool exact() const { return !first_nonzero && !first_nonfinite; }
  // "0", "3.1e-05 at t=17", "non-finite at t=4".
  std::string describe() const;
};

template <arith::PointArithmetic A>
Deviation deviation(const A& ar, std::span<const typename A::value_type> x, std::span<const Rational> ref) {
  Deviation d;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!ar.is_finite(x[i])) {
      if (!d.first_nonfinite) d.first_nonfinite = i;
      if (!d.first_nonzero) d.first_nonzero = i;
      continue;
    }
    const Rational diff = ar.to_rational(x[i]) - ref[i];
    if (diff != 0 && !d.first_nonzero) d.first_nonzero = i;
    const Rational a = diff < 0 ? Rational(-diff) : diff;
    if (a > d.max_abs) {
      d.max_abs = a;
      d.argmax = i;
    }
  }
  return d;
}

// The deviation between two computed vectors of the same arithmetic.
template <arith::PointArithmetic A>
Deviation deviation_between(const A& ar, std::span<const typename A::value_type> x, std::span<const typename A::value_type> y) {
  std::vector<Rational> ref;
  std::optional<std::size_t> nonfinite;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (!ar.is_finite(y[i]) && !nonfinite) nonfinite = i;
    ref.push_back(ar.is_finite(y[i]) ? ar.to_rational(y[i]) : Rational(0));
  }
  Deviation d = deviation(ar, x, std::span<const Rational>(ref));
  if (nonfinite && (!d.first_nonfinite || *nonfinite < *d.first_nonfinite)) d.first_nonfinite = nonfinite;
  return d;
}

// The exact values of a vector of point-arithmetic values (precondition: all finite).
template <arith::PointArithmetic A>
std::vector<Rational> exact_values(const A& ar, std::span<const typename A::value_type> x) {
  std::vector<Rational> out;
  out.reserve(x.size());
  for (const auto& v : x) out.push_back(ar.to_rational(v));
  return out;
}

// A short decimal rendering of a nonnegative rational (3 significant digits), "0" for zero.
std::string short_decimal(const Rational& q);

}  // namespace freelunch
