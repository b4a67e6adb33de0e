#define BOOST_TEST_MODULE rational
#include "support/test_support.hpp"

#include <cmath>
#include <limits>
#include <random>

#include "arith/errors.hpp"
#include "arith/rational.hpp"
#include "float_oracle.hpp"

// The exact helpers every arithmetic takes its inputs from (rational.hpp).

using namespace freelunch;

BOOST_AUTO_TEST_CASE(parse_rational_reads_exact_decimal_values) {
  const std::pair<const char*, Rational> cases[] = {
      {"-3", Rational(-3)},
      {"9/10", Rational(9, 10)},
      {" 7 / 8 ", Rational(7, 8)},
      {"-7/8", Rational(-7, 8)},
      {"0.125", Rational(1, 8)},   // caught: the digits "0125" were read as octal (17/200)
      {"00012", Rational(12)},     // caught: read as octal 10
      {"0.08", Rational(2, 25)},   // "008" is not even octal
      {"+5/3", Rational(5, 3)},    // caught: "+5" was refused by the integer parser, not a UsageError
      {"+5", Rational(5)},
      {"1e-3", Rational(1, 1000)},
      {"-2.5e4", Rational(-25000)},
      {"1E2", Rational(100)},
      {"5.", Rational(5)},
      {".5", Rational(1, 2)},
      {"0.1", Rational(1, 10)},    // exactly 1/10, never the binary double 0.1
      {"1.5e-0", Rational(3, 2)},
      {"\t12\n", Rational(12)},
      {"-0", Rational(0)},
      // The power of ten is cached between calls: the same exponent twice, then others, and
      // digits that share factors with it (the quotient must come out reduced).
      {"25e-2", Rational(1, 4)},
      {"25e-2", Rational(1, 4)},
      {"-750e-3", Rational(-3, 4)},
      {"3e2", Rational(300)},
      {"-3e2", Rational(-300)},
      {"1e-2", Rational(1, 100)},
  };
  for (const auto& [text, want] : cases) BOOST_TEST(parse_rational(text) == want, "'" << text << "'");
}

BOOST_AUTO_TEST_CASE(parse_rational_reads_extreme_exponents_exactly) {
  const Rational tiny = parse_rational("1e-999999");
  BOOST_TEST(numerator(tiny) == 1);
  BOOST_TEST(denominator(tiny) == boost::multiprecision::pow(Integer(10), 999999u));
  BOOST_TEST(parse_rational("-4e-999999") == -4 * tiny);  // cached power, reused
  BOOST_TEST(parse_rational("5e-999999") * 2 == 10 * tiny);
  BOOST_TEST(parse_rational("2e999998") == 2 / (tiny * 10));
}

// The text's weight bounds the value's size from above (a reader refuses on it before building
// the value) and is not far above it for the extreme exponents it exists for.
BOOST_AUTO_TEST_CASE(rational_text_bits_bounds_the_parsed_size) {
  auto bits = [](const Rational& q) {
    return static_cast<double>(mpz_sizeinbase(numerator(q).backend().data(), 2) + mpz_sizeinbase(denominator(q).backend().data(), 2));
  };
  for (const char* text : {"0", "-3", "9/10", "123456789/987654321", "0.125", "-2.5e4", "1e-3", "7e300", "-0.0001e-20", "5.", ".5",
                           "99999999999999999999", "1e-999999", "123.456e999990", " 7 / 8 "}) {
    const double bound = rational_text_bits(text);
    BOOST_TEST(bits(parse_rational(text)) <= bound, "'" << text << "': " << bits(parse_rational(text)) << " > " << bound);
  }
  BOOST_TEST(rational_text_bits("1e-999999") < 1.001 * bits(parse_rational("1e-999999")));
}

BOOST_AUTO_TEST_CASE(parse_rational_refuses_everything_else_with_a_usage_error) {
  for (const char* bad : {"", " ", ".", "-", "+", "- 3", "1e", "1e+", "e5", "1.2.3", "1/2/3", "1/-2", "3/+4", "--1", "0x10", "1,5", "3/0",
                          "1e1234567", "nan", "inf"}) {
    BOOST_CHECK_THROW(parse_rational(bad), UsageError);
  }
}

BOOST_AUTO_TEST_CASE(doubles_and_powers) {
  std::mt19937_64 rng(testing::seed() * 443u);
  const std::uint64_t n = testing::iterations(10000);
  for (std::uint64_t i = 0; i < n; ++i) {
    // Any finite double, subnormals included, through its bit pattern.
    const double x = std::bit_cast<double>(rng());
    if (!std::isfinite(x)) continue;
    BOOST_TEST(rational_from_double(x) == testing::exact(x), testing::hex(x));
    BOOST_TEST(static_cast<double>(rational_from_double(x)) == x);
  }
  BOOST_TEST(rational_from_double(std::numeric_limits<double>::denorm_min()) == pow2(-1074));
  BOOST_TEST(rational_from_double(-0.0) == 0);
  BOOST_TEST(pow2(-3) == Rational(1, 8));
  BOOST_TEST(pow2(70) == Rational(Integer(1) << 70));
  BOOST_TEST(pow(Rational(-2, 3), 3) == Rational(-8, 27));
  BOOST_TEST(pow(Rational(5), 0) == 1);
  BOOST_TEST(is_dyadic(Rational(3, 8)));
  BOOST_TEST(is_dyadic(Rational(-7)));
  BOOST_TEST(!is_dyadic(Rational(1, 6)));
  BOOST_TEST(to_string(Rational(-6, 4)) == "-3/2");
  BOOST_TEST(to_string(Rational(4)) == "4");
}
