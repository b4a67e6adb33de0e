#pragma once
// The requirements every arithmetic context satisfies (the table in docs/arithmetics.md).
// A context A names an arithmetic and carries what its values need (precision or format, the
// sticky flags); models and constructions are templates on A and create their constants with
// ar.from_rational / ar.from_int.
#include <concepts>
#include <string>

#include "arith/flags.hpp"
#include "arith/rational.hpp"

namespace freelunch::arith {

template <class A>
concept Arithmetic = requires(const A& ar, const typename A::value_type& x, const Rational& q) {
  typename A::value_type;
  { A::is_exact } -> std::convertible_to<bool>;
  { A::is_certified } -> std::convertible_to<bool>;
  { ar.name() } -> std::convertible_to<std::string>;
  { ar.flags() } -> std::same_as<Flags>;
  { ar.from_rational(q) } -> std::same_as<typename A::value_type>;
  { ar.from_int(1L) } -> std::same_as<typename A::value_type>;
  { ar.is_finite(x) } -> std::same_as<bool>;
  { ar.abs(x) } -> std::same_as<typename A::value_type>;
  { ar.max(x, x) } -> std::same_as<typename A::value_type>;
  { x + x } -> std::same_as<typename A::value_type>;
  { x - x } -> std::same_as<typename A::value_type>;
  { x * x } -> std::same_as<typename A::value_type>;
  { x / x } -> std::same_as<typename A::value_type>;
  { -x } -> std::same_as<typename A::value_type>;
};

// Optional: ar.add_product(acc, x, y) does acc += x * y with the same two roundings (product,
// then sum) and the same flags, in place. models::dot uses it when present; default: the
// operators.
template <class A>
concept HasAddProduct = Arithmetic<A> && requires(const A& ar, typename A::value_type& acc, const typename A::value_type& x) {
  ar.add_product(acc, x, x);
};

// Optional: ar.set_product(out, x, y) does out = x * y with the operator's rounding and flags,
// into out's storage (out may be x or y). models::dot_into uses it to update a state entry
// without allocating; default: the operator.
template <class A>
concept HasSetProduct = Arithmetic<A> && requires(const A& ar, typename A::value_type& out, const typename A::value_type& x) {
  ar.set_product(out, x, x);
};

// Point arithmetics (exact or rounded) report the exact value of each result.
template <class A>
concept PointArithmetic = Arithmetic<A> && requires(const A& ar, const typename A::value_type& x) {
  { ar.to_rational(x) } -> std::same_as<Rational>;
};

// Arithmetics with exp and log: MPFR and the emulated formats (correctly rounded), fixed point
// (correctly rounded to its grid, saturated), intervals (enclosed). Exact rationals have none:
// exp of a rational is not rational.
template <class A>
concept TranscendentalArithmetic = Arithmetic<A> && requires(const A& ar, const typename A::value_type& x) {
  { ar.exp(x) } -> std::same_as<typename A::value_type>;
  { ar.log(x) } -> std::same_as<typename A::value_type>;
};

}  // namespace freelunch::arith
