#pragma once
// Exact rationals (GMP through Boost.Multiprecision, expression templates off) and the helpers
// every arithmetic uses to take its inputs from exact values.
#include <boost/multiprecision/gmp.hpp>
#include <string>

namespace freelunch {

using Rational = boost::multiprecision::number<boost::multiprecision::gmp_rational,
                                               boost::multiprecision::et_off>;
using Integer = boost::multiprecision::number<boost::multiprecision::gmp_int,
                                              boost::multiprecision::et_off>;

// Parses "-3", "9/10", "0.125", "1e-3", "-2.5e4" exactly (a decimal string denotes its exact
// decimal value, never a binary approximation; digits are always base 10, leading zeros
// included; exponents have at most 6 digits). Surrounding spaces are allowed, and spaces around
// the '/' of a fraction. Throws UsageError naming the text otherwise.
Rational parse_rational(const std::string& text);

// An upper bound on the bits of parse_rational(text)'s numerator and denominator together, read
// off the text without building the value (its digits and decimal exponent): "1e-999999" is ten
// characters and 3.3 million bits, so a reader weighs the value before it is built.
double rational_text_bits(const std::string& text);

// The exact value of a finite double. Precondition: std::isfinite(x).
Rational rational_from_double(double x);

// Exactly "p/q" (or "p" when q = 1): the form every output uses for exact values.
std::string to_string(const Rational& q);

// True when q = m * 2^e for integers m, e (its denominator is a power of two).
bool is_dyadic(const Rational& q);

// 2^e exactly, for any integer e.
Rational pow2(long e);

// The largest integer <= q.
Integer floor_rational(const Rational& q);

// q^k exactly, k >= 0.
Rational pow(const Rational& q, unsigned long k);

}  // namespace freelunch
