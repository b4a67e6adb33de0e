#define BOOST_TEST_MODULE magnitude_bound
#include "support/test_support.hpp"

#include "arith/precision.hpp"
#include "tasks/magnitude_bound.hpp"

using namespace freelunch;
using namespace freelunch::tasks;

namespace {

const models::RoundingSemantics kSem;

// The largest finite value of a float or fixed-point arithmetic, exactly.
Rational beta_max(const arith::Precision& p) {
  if (const auto* f = std::get_if<arith::FloatSpec>(&p.spec)) return f->format.max_finite();
  return std::get<arith::FixedSpec>(p.spec).format.max_value();
}

// The oracle: L_max is the largest L with n β^2 a^L >= 1, decided in exact rationals.
bool bound_is_exactly(long bound, const Rational& beta, long n, const Rational& a) {
  const Rational x = Rational(n) * beta * beta;
  return x * pow(a, static_cast<unsigned long>(bound)) >= 1 && x * pow(a, static_cast<unsigned long>(bound + 1)) < 1;
}

}  // namespace

// The certified floor against the exact oracle, for every format and decay where a^L stays
// affordable in rationals, both state sizes, and decays stored exactly or rounded.
BOOST_AUTO_TEST_CASE(certified_floor_equals_the_exact_oracle) {
  std::size_t checked = 0;
  for (const std::string name : {"fp64", "fp32", "bf16", "fp16", "e5m2", "e4m3", "fix8.8", "fix16.16", "f5.3"})
    for (const Rational& a : {Rational(1, 2), Rational(9, 10), Rational(3, 4), Rational(127, 128)})
      for (long n : {1L, 8L}) {
        const arith::Precision p = arith::parse_precision(name);
        const auto b = magnitude_bound(p, n, a, kSem);
        BOOST_TEST_CONTEXT(name << " a=" << a << " n=" << n) {
          BOOST_TEST_REQUIRE(b.has_value());
          BOOST_TEST(b->nominal_decay == a);
          if (!b->bound || *b->bound > 20000) continue;  // a stored as 1, or a^L too large for the oracle
          BOOST_TEST(bound_is_exactly(*b->bound, beta_max(p), n, b->stored_decay));
          BOOST_TEST(bound_is_exactly(*b->nominal_bound, beta_max(p), n, a));
          ++checked;
        }
      }
  BOOST_TEST(checked >= 50u);
}

// The cases the separation table shows: fp64 at a = 1/2 is 2047 (binary64 logs gave 2048), bf16
// stores 1 - 2^-10 as 1 (no bound), fp16 holds it exactly, exact has no bound at all.
BOOST_AUTO_TEST_CASE(known_cells) {
  const auto fp64 = magnitude_bound(arith::parse_precision("fp64"), 1, Rational(1, 2), kSem);
  BOOST_TEST(fp64->bound.value() == 2047);
  const Rational near_one = 1 - Rational(1, 1024);
  const auto bf16 = magnitude_bound(arith::parse_precision("bf16"), 1, near_one, kSem);
  BOOST_TEST(!bf16->bound.has_value());
  BOOST_TEST(bf16->stored_decay == Rational(1));
  BOOST_TEST(bf16->nominal_bound.value() > 180000);
  BOOST_TEST(bf16->describe().starts_with("none; a stored as 1; nominal "));
  const auto fp16 = magnitude_bound(arith::parse_precision("fp16"), 1, near_one, kSem);
  BOOST_TEST(fp16->stored_decay == near_one);
  BOOST_TEST((fp16->bound == fp16->nominal_bound));
  BOOST_TEST(!magnitude_bound(arith::parse_precision("exact"), 1, Rational(1, 2), kSem).has_value());
  // bf16 storage rounds the decay before an fp32 run: the bound follows the stored value.
  const auto stored = magnitude_bound(arith::parse_precision("fp32"), 1, near_one, models::parse_rounding_semantics("per-op,sequential,storage=bf16"));
  BOOST_TEST(!stored->bound.has_value());
}

// MPFR's largest finite value (1 - 2^-P) 2^emax: the bound at a = 1/2 is 2 emax - 1, whatever P.
BOOST_AUTO_TEST_CASE(mpfr_bound_is_just_below_twice_emax) {
  for (const std::string name : {"mpfr24", "mpfr53", "mpfr113", "interval128"}) {
    const auto b = magnitude_bound(arith::parse_precision(name), 1, Rational(1, 2), kSem);
    BOOST_TEST(b->bound.value() == 2L * MPFR_EMAX_DEFAULT - 1, name);
  }
  BOOST_CHECK_THROW(certified_bound(Rational(1), Rational(1), 1, Rational(1)), UsageError);
}
