#pragma once
// Sums and dot products under a RoundingSemantics; the one place where accumulation order and
// fusion are decided, so every model rounds the same way.
#include <cstddef>
#include <span>
#include <utility>
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

// out = dot(ar, n, x, y, sem, counters), the same value, rounding and flags, computed in out's
// storage when the arithmetic can (HasSetProduct and HasAddProduct, sequential per-operation
// order): a state update h = a h + b u then allocates nothing. x(0) and y(0) may refer to out;
// x(i) and y(i) for i >= 1 must not (out holds the partial sum by then).
template <arith::Arithmetic A, class X, class Y>
void dot_into(const A& ar, typename A::value_type& out, std::size_t n, X&& x, Y&& y, const RoundingSemantics& sem,
              Counters* counters = nullptr) {
  if constexpr (arith::HasSetProduct<A> && arith::HasAddProduct<A>) {
    const bool fused = !A::is_exact && sem.dot == RoundingSemantics::Dot::fused;
    if (!fused && sem.order == RoundingSemantics::Order::sequential) {
      if (counters) counters->mul_adds += n;
      ar.set_product(out, x(0), y(0));
      for (std::size_t i = 1; i < n; ++i) ar.add_product(out, x(i), y(i));
      return;
    }
  }
  out = dot(ar, n, std::forward<X>(x), std::forward<Y>(y), sem, counters);
}

}  // namespace freelunch::models
