#pragma once
// Sums and dot products under a RoundingSemantics; the one place where accumulation order and
// fusion are decided, so every model rounds the same way.
#include <cstddef>
#include <span>
#include <vector>

#include "arith/arithmetic.hpp"
#include "models/counters.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch::models {

namespace detail {

template <class V>
V sum_pairwise(std::span<const V> xs) {
  if (xs.size() == 1) return xs[0];
  const std::size_t half = xs.size() / 2;
  return sum_pairwise(xs.first(half)) + sum_pairwise(xs.subspan(half));
}

}  // namespace detail

// Sum of xs (non-empty) in the semantics' order, each addition rounded.
template <class V>
V sum(std::span<const V> xs, const RoundingSemantics& sem) {
  if (sem.order == RoundingSemantics::Order::pairwise) return detail::sum_pairwise(xs);
  V acc = xs[0];
  for (std::size_t i = 1; i < xs.size(); ++i) acc += xs[i];
  return acc;
}

// Σ x[i] y[i] for i < n, where x(i) and y(i) give the factors. Per-operation: rounded products,
// summed in the semantics' order. Fused (point arithmetics): exact sum, one rounding.
// n >= 1. Counts n multiply-adds.
template <arith::Arithmetic A, class X, class Y>
typename A::value_type dot(const A& ar, std::size_t n, X&& x, Y&& y, const RoundingSemantics& sem, Counters* counters = nullptr) {
  using V = typename A::value_type;
  if (counters) counters->mul_adds += n;
  if constexpr (arith::PointArithmetic<A> && !A::is_exact) {
    if (sem.dot == RoundingSemantics::Dot::fused) {
      Rational acc = 0;
      for (std::size_t i = 0; i < n; ++i) acc += ar.to_rational(x(i)) * ar.to_rational(y(i));
      return ar.from_rational(acc);
    }
  }
  if (sem.order == RoundingSemantics::Order::sequential) {
    // acc += p is the one rounding of acc + p, in place (no temporary for the sum); an
    // arithmetic with add_product also rounds the product without a temporary.
    V acc = x(0) * y(0);
    for (std::size_t i = 1; i < n; ++i) {
      if constexpr (arith::HasAddProduct<A>) {
        ar.add_product(acc, x(i), y(i));
      } else {
        acc += x(i) * y(i);
      }
    }
    return acc;
  }
  std::vector<V> products;
  products.reserve(n);
  for (std::size_t i = 0; i < n; ++i) products.push_back(x(i) * y(i));
  return detail::sum_pairwise(std::span<const V>(products));
}

}  // namespace freelunch::models
