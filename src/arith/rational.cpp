#include "arith/rational.hpp"

#include <cmath>
#include <regex>

#include "arith/errors.hpp"

namespace freelunch {

Rational parse_rational(const std::string& text) {
  static const std::regex fraction(R"(\s*([+-]?\d+)\s*/\s*(\d+)\s*)");
  static const std::regex decimal(R"(\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*)");
  std::smatch m;
  if (std::regex_match(text, m, fraction)) {
    Integer den(m[2].str());
    if (den == 0) throw UsageError("'" + text + "' is not a number: zero denominator");
    return Rational(Integer(m[1].str()), den);
  }
  if (std::regex_match(text, m, decimal) && (m[2].length() + m[3].length()) > 0) {
    std::string digits = m[2].str() + m[3].str();
    long exponent = -static_cast<long>(m[3].length());
    if (m[4].matched) {
      if (m[4].length() > 6) throw UsageError("'" + text + "': exponent out of range");
      exponent += std::stol(m[4].str());
    }
    Rational value{Integer(digits)};
    Integer ten_power = boost::multiprecision::pow(Integer(10), static_cast<unsigned>(std::labs(exponent)));
    value = exponent >= 0 ? value * Rational(ten_power) : value / Rational(ten_power);
    return m[1].str() == "-" ? Rational(-value) : value;
  }
  throw UsageError("'" + text + "' is not a number (expected an integer, p/q or a decimal)");
}

Rational rational_from_double(double x) {
  int e = 0;
  double m = std::frexp(x, &e);  // x = m 2^e, 0.5 <= |m| < 1
  Rational q{Integer(static_cast<long long>(std::ldexp(m, 53)))};
  return q * pow2(e - 53);
}

std::string to_string(const Rational& q) { return q.str(); }

bool is_dyadic(const Rational& q) {
  Integer d = boost::multiprecision::denominator(q);
  return (d & (d - 1)) == 0;
}

Rational pow2(long e) {
  Integer one = 1;
  Integer p = one << static_cast<unsigned>(std::labs(e));
  return e >= 0 ? Rational(p) : Rational(one, p);
}

Rational pow(const Rational& q, unsigned long k) {
  Rational result = 1;
  Rational base = q;
  while (k > 0) {
    if (k & 1u) result *= base;
    base *= base;
    k >>= 1;
  }
  return result;
}

}  // namespace freelunch
