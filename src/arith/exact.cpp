#include "arith/exact.hpp"

namespace freelunch::arith {
namespace {

// Both mantissas on the smaller exponent.
Integer aligned(const Dyadic& x, long e) { return x.mantissa() << static_cast<unsigned>(x.exponent() - e); }

}  // namespace

Dyadic operator+(const Dyadic& a, const Dyadic& b) {
  if (a.e_ == b.e_) return {a.m_ + b.m_, a.e_};
  if (a.e_ < b.e_) return {a.m_ + aligned(b, a.e_), a.e_};
  return {aligned(a, b.e_) + b.m_, b.e_};
}

Dyadic operator-(const Dyadic& a, const Dyadic& b) { return a + (-b); }

Dyadic operator/(const Dyadic& a, const Dyadic& b) {
  const Integer mag = boost::multiprecision::abs(b.m_);
  if (mag == 0 || (mag & (mag - 1)) != 0) throw NotDyadic();
  const long k = static_cast<long>(boost::multiprecision::msb(mag));
  return {b.m_ < 0 ? Integer(-a.m_) : a.m_, a.e_ - b.e_ - k};
}

int compare(const Dyadic& a, const Dyadic& b) {
  const long e = std::min(a.e_, b.e_);
  const Integer x = a.e_ == e ? a.m_ : aligned(a, e);
  const Integer y = b.e_ == e ? b.m_ : aligned(b, e);
  return x < y ? -1 : (x > y ? 1 : 0);
}

Dyadic DyadicArith::from_rational(const Rational& q) const {
  if (!is_dyadic(q)) throw NotDyadic();
  const Integer den = boost::multiprecision::denominator(q);
  return {boost::multiprecision::numerator(q), -static_cast<long>(boost::multiprecision::msb(den))};
}

}  // namespace freelunch::arith
