#define BOOST_TEST_MODULE least_squares
#include "support/test_support.hpp"

#include "arith/errors.hpp"
#include "core/least_squares.hpp"

using namespace freelunch;

// The exact least-squares slope: a line is recovered exactly, noise symmetric about it too.
BOOST_AUTO_TEST_CASE(slope_is_exact) {
  std::vector<std::pair<Rational, Rational>> line;
  for (long x = 4; x <= 10; ++x) line.emplace_back(Rational(x), Rational(2 * x + 3));
  BOOST_TEST(least_squares_line(line).value().slope == Rational(2));
  // y = 2x + 3 with +1, -1 on the two ends and 0 inside: slope 2 - 6/28 = 25/14 (by hand:
  // Σ (x - 7) e = -3 - 3 = -6 over Σ (x - 7)^2 = 28).
  line.front().second += 1;
  line.back().second -= 1;
  BOOST_TEST(least_squares_line(line).value().slope == Rational(25, 14));
  BOOST_TEST(!least_squares_line({{Rational(3), Rational(1)}, {Rational(3), Rational(2)}}).has_value());
  BOOST_TEST(!least_squares_line({}).has_value());
}

// The intercept too, and doubles read exactly: log2-scaled points of T^2 give slope 2 exactly.
BOOST_AUTO_TEST_CASE(intercept_and_doubles) {
  const auto fit = least_squares_line({{Rational(1), Rational(5)}, {Rational(2), Rational(7)}, {Rational(4), Rational(11)}});
  BOOST_TEST(fit->slope == Rational(2));
  BOOST_TEST(fit->intercept == Rational(3));
  std::vector<double> x, y;
  for (int k = 6; k <= 16; ++k) {
    x.push_back(k);
    y.push_back(2.0 * k + 0.5);
  }
  BOOST_TEST(least_squares_slope(x, y).value() == Rational(2));
  BOOST_TEST(!least_squares_slope({1.0}, {2.0}).has_value());
  BOOST_CHECK_THROW(least_squares_slope({1.0, 2.0}, {2.0}), UsageError);
}
