#define BOOST_TEST_MODULE exact
#include "support/test_support.hpp"

#include <random>
#include <vector>

#include "arith/exact.hpp"
#include "float_oracle.hpp"

// The two exact arithmetics (exact.hpp) give identical values: random programs of + - * and
// division by powers of two on random dyadic inputs run on both. DyadicArith refuses what is not
// dyadic (NotDyadic), and run_exact then reruns on rationals and returns the same answer.

using namespace freelunch;
using namespace freelunch::arith;

namespace {

// A random dyadic m 2^e.
Rational random_dyadic(std::mt19937_64& rng) {
  const Integer m(static_cast<long long>(testing::between(rng, -(1L << 62), 1L << 62)));
  return Rational(m) * pow2(testing::between(rng, -120, 120));
}

// One step of a random program over a stack of values (the same steps on every arithmetic).
struct Step {
  int op;  // 0 +, 1 -, 2 *, 3 / +-2^k, 4 negate, 5 abs, 6 max, 7 min
  std::size_t i, j;
  long k;
  bool negative_divisor;
};

std::vector<Step> random_program(std::mt19937_64& rng, std::size_t inputs, std::size_t length) {
  std::vector<Step> steps;
  for (std::size_t s = 0; s < length; ++s) {
    const std::size_t size = inputs + s;
    steps.push_back({static_cast<int>(testing::below(rng, 8)), static_cast<std::size_t>(testing::below(rng, size)),
                     static_cast<std::size_t>(testing::below(rng, size)), testing::between(rng, -70, 70), testing::below(rng, 2) == 1});
  }
  return steps;
}

// Runs the program on arithmetic ar; the values of the whole stack, exactly. `divisor(k, neg)`
// is +-2^k in ar (written as an input for rationals, a shifted one for dyadics).
template <class A>
std::vector<Rational> run(const A& ar, const std::vector<Rational>& inputs, const std::vector<Step>& program) {
  std::vector<typename A::value_type> stack;
  for (const Rational& q : inputs) stack.push_back(ar.from_rational(q));
  for (const Step& s : program) {
    const typename A::value_type& x = stack[s.i];
    const typename A::value_type& y = stack[s.j];
    typename A::value_type r;
    switch (s.op) {
      case 0: r = x + y; break;
      case 1: r = x - y; break;
      case 2: r = x * y; break;
      case 3: r = x / ar.from_rational(Rational(s.negative_divisor ? -1 : 1) * pow2(s.k)); break;
      case 4: r = -x; break;
      case 5: r = ar.abs(x); break;
      case 6: r = ar.max(x, y); break;
      default: r = ar.min(x, y); break;
    }
    stack.push_back(r);
  }
  std::vector<Rational> out;
  for (const auto& v : stack) out.push_back(ar.to_rational(v));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(dyadic_and_rational_agree_on_random_programs) {
  const std::uint64_t n = testing::iterations(2000);
  std::mt19937_64 rng(testing::seed() * 433u);
  std::uint64_t values = 0, comparisons = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::vector<Rational> inputs;
    for (int k = 0; k < 4; ++k) inputs.push_back(random_dyadic(rng));
    // Equal inputs now and then: x - x, comparisons of equal values with different exponents.
    if (testing::below(rng, 4) == 0) inputs[1] = inputs[0];
    const std::vector<Step> program = random_program(rng, inputs.size(), 16);
    const std::vector<Rational> d = run(DyadicArith{}, inputs, program);
    const std::vector<Rational> q = run(RationalArith{}, inputs, program);
    BOOST_TEST(d == q, "seed " << testing::seed() << " iteration " << i);
    values += d.size();

    // Comparisons agree too (Dyadic compares after aligning exponents).
    const DyadicArith da;
    for (std::size_t a = 0; a + 1 < d.size(); ++a) {
      const Dyadic x = da.from_rational(d[a]);
      const Dyadic y = da.from_rational(d[a + 1]);
      BOOST_TEST((x < y) == (d[a] < d[a + 1]));
      BOOST_TEST((x == y) == (d[a] == d[a + 1]));
      BOOST_TEST((x >= y) == (d[a] >= d[a + 1]));
      ++comparisons;
    }
  }
  BOOST_TEST_MESSAGE("exact: " << n << " random programs, " << values << " values and " << comparisons << " comparisons identical");
}

BOOST_AUTO_TEST_CASE(unnormalised_dyadics_compare_by_value) {
  // 3 * 2^0 and 6 * 2^-1 and 12 * 2^-2 are the same value with different representations.
  const Dyadic a(Integer(3), 0), b(Integer(6), -1), c(Integer(12), -2);
  BOOST_TEST((a == b && b == c));
  BOOST_TEST(((a - c).to_rational() == 0));
  BOOST_TEST(((a + b).to_rational() == Rational(6)));
  BOOST_TEST((Dyadic(Integer(-1), 5) < Dyadic(Integer(1), -5)));
}

BOOST_AUTO_TEST_CASE(dyadic_refuses_non_dyadic_values) {
  const DyadicArith ar;
  BOOST_CHECK_THROW(ar.from_rational(Rational(1, 3)), NotDyadic);
  BOOST_CHECK_THROW(ar.from_int(1) / ar.from_int(3), NotDyadic);
  BOOST_CHECK_THROW(ar.from_int(1) / ar.from_int(6), NotDyadic);
  // Division by zero is not a dyadic quotient either: run_exact hands it to the rationals.
  BOOST_CHECK_THROW(ar.from_int(1) / ar.from_int(0), NotDyadic);
  BOOST_TEST((ar.from_int(3) / ar.from_int(-4)).to_rational() == Rational(-3, 4));
  BOOST_TEST(ar.from_rational(Rational(5, 8)).to_rational() == Rational(5, 8));
}

BOOST_AUTO_TEST_CASE(run_exact_falls_back_to_rationals) {
  // A computation that is dyadic until its last step, divided by a random odd number: the
  // dyadic run throws, the rational run gives the answer, the same as computing directly.
  std::mt19937_64 rng(testing::seed() * 439u);
  const std::uint64_t n = testing::iterations(200);
  for (std::uint64_t i = 0; i < n; ++i) {
    const Rational a = random_dyadic(rng);
    const Rational b = random_dyadic(rng);
    const long odd = 2 * testing::between(rng, 1, 1000) + 1;
    const bool stay_dyadic = testing::below(rng, 2) == 0;
    const long divisor = stay_dyadic ? 1L << testing::between(rng, 0, 20) : odd;
    const auto f = [&](const auto& ar) {
      const auto x = ar.from_rational(a);
      const auto y = ar.from_rational(b);
      const auto r = (x * y + x - y) / ar.from_int(divisor);
      return std::make_pair(ar.to_rational(r), ar.path());
    };
    const auto [value, path] = run_exact(f);
    BOOST_TEST(value == (a * b + a - b) / Rational(divisor));
    BOOST_TEST(path == (stay_dyadic ? "dyadic" : "rational"));
  }
}

BOOST_AUTO_TEST_CASE(in_place_dyadic_operations_equal_the_operators) {
  // +=, -=, *=, DyadicArith::add_product and set_product (used by models::dot) work in place; they must give
  // the value and the representation (mantissa and exponent: the smaller one) of the operators,
  // with either exponent the larger, equal exponents, zeros, and aliasing (x += x, x -= x,
  // add_product(x, x, x), set_product(x, x, b)).
  const DyadicArith ar;
  std::mt19937_64 rng(testing::seed() * 443u);
  const auto random_value = [&] {
    const long kind = static_cast<long>(testing::below(rng, 8));
    const Integer m = kind == 0 ? Integer(0) : Integer(static_cast<long long>(testing::between(rng, -(1L << 62), 1L << 62)));
    return Dyadic(m, kind == 1 ? 3 : testing::between(rng, -120, 120));  // unnormalised on purpose
  };
  const auto same = [](const Dyadic& a, const Dyadic& b) { return a.mantissa() == b.mantissa() && a.exponent() == b.exponent(); };
  const std::uint64_t n = testing::iterations(20000);
  std::uint64_t mismatches = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const Dyadic a = random_value();
    const Dyadic b = random_value();
    const Dyadic c = random_value();
    Dyadic x = a;
    x += b;
    bool ok = same(x, a + b);
    x = a;
    x -= b;
    ok = ok && same(x, a - b);
    x = a;
    x *= b;
    ok = ok && same(x, a * b);
    x = a;
    ar.add_product(x, b, c);
    ok = ok && same(x, a + b * c);
    x = a;
    x += x;
    ok = ok && same(x, a + a);
    x = a;
    x -= x;
    ok = ok && same(x, a - a);
    x = a;
    ar.add_product(x, x, x);
    ok = ok && same(x, a + a * a);
    x = a;
    ar.set_product(x, b, c);
    ok = ok && same(x, b * c);
    x = a;
    ar.set_product(x, x, b);
    ok = ok && same(x, a * b);
    x = a;
    ar.set_product(x, b, x);
    ok = ok && same(x, b * a);
    // A chain, as in dot: the scratch integers carry no state from one call to the next.
    Dyadic acc = a * b;
    ar.add_product(acc, b, c);
    ar.add_product(acc, c, a);
    ok = ok && acc.to_rational() == a.to_rational() * b.to_rational() + b.to_rational() * c.to_rational() + c.to_rational() * a.to_rational();
    if (!ok && ++mismatches <= 10)
      BOOST_ERROR("seed " << testing::seed() << " iteration " << i << ": a = " << a.mantissa() << " 2^" << a.exponent() << ", b = " << b.mantissa()
                          << " 2^" << b.exponent() << ", c = " << c.mantissa() << " 2^" << c.exponent());
  }
  BOOST_TEST_MESSAGE("dyadic: " << n << " random cases of in-place operations, " << mismatches << " mismatches");
  BOOST_TEST(mismatches == 0u);
}
