#define BOOST_TEST_MODULE solve
#include "support/test_support.hpp"

#include "arith/errors.hpp"
#include "core/random.hpp"
#include "linalg/rank.hpp"
#include "linalg/solve.hpp"

using namespace freelunch;

// Random rational systems: the solution FLINT returns satisfies A x = b exactly (checked by
// multiplying back in GMP rationals), and exactly when A has full rank.
BOOST_AUTO_TEST_CASE(solution_satisfies_the_system) {
  Rng rng(testing::seed());
  for (std::uint64_t it = 0; it < testing::iterations(40); ++it) {
    const std::size_t n = static_cast<std::size_t>(rng.uniform(1, 7));
    linalg::Matrix<Rational> a(n, n, Rational(0));
    std::vector<Rational> b;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) a(i, j) = rng.uniform(0, 3) == 0 ? Rational(0) : rng.rational(3, 4);
      b.push_back(rng.rational(3, 4));
    }
    const auto x = linalg::solve(a, b);
    BOOST_TEST_CONTEXT("iteration " << it << ", n = " << n) {
      BOOST_TEST(x.has_value() == (linalg::rank(a) == static_cast<long>(n)));
      if (!x) continue;
      for (std::size_t i = 0; i < n; ++i) {
        Rational row(0);
        for (std::size_t j = 0; j < n; ++j) row += a(i, j) * (*x)[j];
        BOOST_TEST((row == b[i]));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(singular_and_malformed_systems) {
  linalg::Matrix<Rational> a(2, 2, Rational(1));  // rank 1
  BOOST_TEST(!linalg::solve(a, {Rational(1), Rational(2)}).has_value());
  BOOST_CHECK_THROW(linalg::solve(a, {Rational(1)}), UsageError);
  BOOST_CHECK_THROW(linalg::solve(linalg::Matrix<Rational>(2, 3, Rational(0)), {Rational(1), Rational(2)}), UsageError);
}
