#include "arith/rational.hpp"

#include <gmp.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>

#include "arith/errors.hpp"

namespace freelunch {
namespace {

// A cursor over the text of a number. Hand-written rather than std::regex: the grammar is tiny,
// and digit strings must be read in base 10 explicitly (see decimal_integer).
class Scanner {
 public:
  explicit Scanner(const std::string& text) : text_(text) {}
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool accept(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  // '-', '+' or nothing: whether a minus was read.
  bool sign() { return !accept('+') && accept('-'); }
  std::string digits() {
    const std::size_t begin = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return text_.substr(begin, pos_ - begin);
  }
  bool at_end() const { return pos_ == text_.size(); }

 private:
  const std::string& text_;
  std::size_t pos_ = 0;
};

// The value of a nonempty string of decimal digits. Always base 10: Integer's string constructor
// reads a leading 0 as octal, which made "0.125" (digits "0125") 17/200 and "00012" 10.
Integer decimal_integer(const std::string& digits) {
  Integer v;
  mpz_set_str(v.backend().data(), digits.c_str(), 10);
  return v;
}

// 10^k, the last one kept: a layer file repeats its extreme exponents ("1e-999999" in every
// entry), and 10^999999 costs milliseconds to raise where a copy costs microseconds.
const Integer& power_of_ten(unsigned long k) {
  thread_local unsigned long cached_k = 0;
  thread_local Integer cached = 1;
  if (k != cached_k) {
    mpz_ui_pow_ui(cached.backend().data(), 10, k);
    cached_k = k;
  }
  return cached;
}

// "p/q" with optional spaces around each part and a sign on p only.
std::optional<Rational> parse_fraction(const std::string& text) {
  Scanner in(text);
  in.skip_space();
  const bool negative = in.sign();
  const std::string num = in.digits();
  in.skip_space();
  if (num.empty() || !in.accept('/')) return std::nullopt;
  in.skip_space();
  const std::string den = in.digits();
  in.skip_space();
  if (den.empty() || !in.at_end()) return std::nullopt;
  const Integer d = decimal_integer(den);
  if (d == 0) throw UsageError("'" + text + "' is not a number: zero denominator");
  const Integer n = decimal_integer(num);
  return Rational(negative ? Integer(-n) : n, d);
}

// [sign] digits [. digits] [e|E [sign] digits], at least one digit before the exponent.
std::optional<Rational> parse_decimal(const std::string& text) {
  Scanner in(text);
  in.skip_space();
  const bool negative = in.sign();
  const std::string whole = in.digits();
  const std::string fraction = in.accept('.') ? in.digits() : std::string();
  if (whole.empty() && fraction.empty()) return std::nullopt;
  long exponent = -static_cast<long>(fraction.size());
  if (in.accept('e') || in.accept('E')) {
    const bool negative_exponent = in.sign();
    const std::string e = in.digits();
    if (e.empty()) return std::nullopt;
    if (e.size() > 6) throw UsageError("'" + text + "': exponent out of range");
    exponent += negative_exponent ? -std::stol(e) : std::stol(e);
  }
  in.skip_space();
  if (!in.at_end()) return std::nullopt;
  const Integer digits = decimal_integer(whole + fraction);
  const Integer& scale = power_of_ten(static_cast<unsigned long>(std::labs(exponent)));
  Rational value;
  if (exponent >= 0) {
    mpz_mul(mpq_numref(value.backend().data()), digits.backend().data(), scale.backend().data());
  } else {
    // digits / 10^k built in place and reduced once: a rational division would reduce twice.
    mpz_set(mpq_numref(value.backend().data()), digits.backend().data());
    mpz_set(mpq_denref(value.backend().data()), scale.backend().data());
    mpq_canonicalize(value.backend().data());
  }
  return negative ? Rational(-value) : value;
}

}  // namespace

Rational parse_rational(const std::string& text) {
  if (auto q = parse_fraction(text)) return *q;
  if (auto q = parse_decimal(text)) return *q;
  throw UsageError("'" + text + "' is not a number (expected an integer, p/q or a decimal)");
}

double rational_text_bits(const std::string& text) {
  constexpr double kBitsPerDigit = 3.3219280948873623;  // log2(10)
  const std::size_t e = text.find_first_of("eE");
  double digits = 0;
  for (std::size_t i = 0; i < std::min(e, text.size()); ++i) digits += text[i] >= '0' && text[i] <= '9';
  double exponent = 0;
  if (e != std::string::npos)
    for (std::size_t i = e + 1; i < text.size() && exponent < 1e7; ++i)  // 1e7: past parse_rational's exponent range
      if (text[i] >= '0' && text[i] <= '9') exponent = 10 * exponent + (text[i] - '0');
  return (digits + exponent) * kBitsPerDigit + 2;
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

Integer floor_rational(const Rational& q) {
  const Integer n = boost::multiprecision::numerator(q), d = boost::multiprecision::denominator(q);
  Integer f = n / d;  // truncates toward zero; d > 0
  if (n < 0 && f * d != n) f -= 1;
  return f;
}

}  // namespace freelunch
