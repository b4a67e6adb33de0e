#include "arith/exact.hpp"

#include <gmp.h>

namespace freelunch::arith {
namespace {

// Both mantissas on the smaller exponent.
Integer aligned(const Dyadic& x, long e) { return x.mantissa() << static_cast<unsigned>(x.exponent() - e); }

// Per-thread scratch integers: they keep their allocation from one operation to the next.
Integer& shift_scratch() {
  thread_local Integer scratch;
  return scratch;
}

Integer& product_scratch() {
  thread_local Integer scratch;
  return scratch;
}

}  // namespace

void Dyadic::add_scaled(const Integer& m, long e, bool negate, Integer& shifted) {
  mpz_ptr acc = m_.backend().data();
  mpz_srcptr term = m.backend().data();
  if (e < e_) {
    mpz_mul_2exp(acc, acc, static_cast<mp_bitcnt_t>(e_ - e));
    e_ = e;
  } else if (e > e_) {
    mpz_mul_2exp(shifted.backend().data(), term, static_cast<mp_bitcnt_t>(e - e_));
    term = shifted.backend().data();
  }
  if (negate) {
    mpz_sub(acc, acc, term);
  } else {
    mpz_add(acc, acc, term);
  }
}

Dyadic& Dyadic::operator+=(const Dyadic& b) {
  add_scaled(b.m_, b.e_, false, shift_scratch());
  return *this;
}

Dyadic& Dyadic::operator-=(const Dyadic& b) {
  add_scaled(b.m_, b.e_, true, shift_scratch());
  return *this;
}

void DyadicArith::add_product(Dyadic& acc, const Dyadic& x, const Dyadic& y) const {
  Integer& product = product_scratch();
  mpz_mul(product.backend().data(), x.m_.backend().data(), y.m_.backend().data());
  acc.add_scaled(product, x.e_ + y.e_, false, product);
}

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
