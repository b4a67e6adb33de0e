#define BOOST_TEST_MODULE dot
#include "support/test_support.hpp"

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "arith/precision.hpp"
#include "models/counters.hpp"
#include "models/dot.hpp"
#include "arith/float_oracle.hpp"

// models::dot, models::dot_into and models::sum under per-operation sequential semantics
// accumulate in place (acc += x * y, or the arithmetic's set_product and add_product hooks);
// this must be the computation written
// out with the operators, acc = acc + x * y from left to right: the same value, the same flags,
// the same operation count, in every arithmetic.

using namespace freelunch;
using models::Counters;
using models::RoundingSemantics;

namespace {

// The result as text: exact value (or both ends of an interval, "lo .. hi"), "nonfinite"
// otherwise.
template <class A>
std::string describe(const A& ar, const typename A::value_type& v) {
  if (!ar.is_finite(v)) return "nonfinite";
  if constexpr (arith::PointArithmetic<A>) {
    return to_string(ar.to_rational(v));
  } else {
    std::string out = to_string(ar.lower(v));
    out += " .. ";
    out += to_string(ar.upper(v));
    return out;
  }
}

struct Outcome {
  std::string value;
  std::string flags;
  std::uint64_t mul_adds = 0;
  bool operator==(const Outcome&) const = default;
};

// Library dot and sum against the operator loop on the same inputs.
template <class A>
std::pair<Outcome, Outcome> run_both(const A& ar, const std::vector<Rational>& xs, const std::vector<Rational>& ys) {
  using V = typename A::value_type;
  std::vector<V> x, y;
  for (const Rational& q : xs) x.push_back(ar.from_rational(q));
  for (const Rational& q : ys) y.push_back(ar.from_rational(q));
  const RoundingSemantics sem{RoundingSemantics::Dot::per_operation, RoundingSemantics::Order::sequential, std::nullopt};
  const std::size_t n = x.size();

  ar.clear_flags();
  Counters counters;
  const V d = models::dot(ar, n, [&](std::size_t i) -> const V& { return x[i]; }, [&](std::size_t i) -> const V& { return y[i]; }, sem, &counters);
  const V s = models::sum(std::span<const V>(x), sem);
  // dot_into with the first factor read from the output itself, as a state update h = a h + b u
  // reads h: the output starts as a copy of y[0].
  V into = y[0];
  models::dot_into(ar, into, n, [&](std::size_t i) -> const V& { return x[i]; },
                   [&](std::size_t i) -> const V& { return i == 0 ? into : y[i]; }, sem, &counters);
  Outcome library{describe(ar, d) + " " + describe(ar, s) + " " + describe(ar, into), ar.flags().to_string(), counters.mul_adds};

  ar.clear_flags();
  V acc = x[0] * y[0];
  for (std::size_t i = 1; i < n; ++i) acc = acc + x[i] * y[i];
  V total = x[0];
  for (std::size_t i = 1; i < n; ++i) total = total + x[i];
  Outcome operators{describe(ar, acc) + " " + describe(ar, total) + " " + describe(ar, acc), ar.flags().to_string(), 2 * n};
  return {library, operators};
}

}  // namespace

BOOST_AUTO_TEST_CASE(in_place_accumulation_is_the_operator_loop) {
  // Factors k 2^e with |k| < 2^12: exact in exact, MPFR and intervals; rounded on input and in
  // the products and sums of the short formats, which may overflow (e4m3) or underflow.
  const char* const names[] = {"exact", "mpfr113", "mpfr300", "interval113", "fp64", "fp32", "bf16", "fp16", "e4m3", "fp16:mpfr", "fix16.16"};
  std::mt19937_64 rng(testing::seed() * 4243u);
  const std::uint64_t n = testing::iterations(300);
  std::uint64_t decisive = 0;
  for (const char* name : names) {
    const arith::Precision precision = arith::parse_precision(name);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::size_t len = 1 + testing::below(rng, 20);
      std::vector<Rational> xs, ys;
      for (std::size_t k = 0; k < len; ++k) {
        xs.push_back(Rational(testing::between(rng, -4095, 4095)) * pow2(testing::between(rng, -20, 8)));
        ys.push_back(Rational(testing::between(rng, -4095, 4095)) * pow2(testing::between(rng, -20, 8)));
      }
      const auto [library, operators] = arith::with_arithmetic(precision, [&](const auto& ar) { return run_both(ar, xs, ys); });
      BOOST_TEST((library == operators), name << " seed " << testing::seed() << " iteration " << i << " length " << len << ": library "
                                              << library.value << " flags " << library.flags << " count " << library.mul_adds << ", operators "
                                              << operators.value << " flags " << operators.flags << " count " << operators.mul_adds);
      if (operators.flags != "none") ++decisive;
    }
  }
  // Enough cases raised flags (inexact at least) for the flag comparison to mean something.
  BOOST_TEST_MESSAGE("dot: " << n << " cases per arithmetic, " << decisive << " with flags raised");
  BOOST_TEST(decisive > n);
}
