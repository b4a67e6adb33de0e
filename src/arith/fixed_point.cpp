#include "arith/fixed_point.hpp"

#include <stdexcept>

#include "arith/errors.hpp"
#include "arith/scoped_mpfr.hpp"

namespace freelunch::arith {

FixedArith::FixedArith(FixedFormat fmt) : fmt_(fmt) {
  if (fmt_.int_bits < 1 || fmt_.frac_bits < 0 || fmt_.int_bits + fmt_.frac_bits > 62)
    throw UsageError("fixed point " + fmt_.name() + " needs I >= 1, F >= 0, I + F <= 62");
}

Fixed FixedArith::saturate(__int128 raw, bool inexact, bool nonzero_exact) const {
  if (inexact) flags_.raise(Flag::inexact);
  if (raw == 0 && nonzero_exact) flags_.raise(Flag::underflow);
  if (raw > fmt_.max_raw() || raw < fmt_.min_raw()) {
    flags_.raise(Flag::overflow);
    flags_.raise(Flag::inexact);
    return {raw > 0 ? fmt_.max_raw() : fmt_.min_raw(), this};
  }
  return {static_cast<std::int64_t>(raw), this};
}

Fixed FixedArith::round_div(__int128 num, __int128 den) const {
  __int128 q = num / den;  // truncates toward zero
  __int128 r = num % den;  // same sign as num
  if (r != 0) {
    const __int128 twice = 2 * (r < 0 ? -r : r);
    const bool away = twice > den || (twice == den && (q & 1) != 0);
    if (away) q += num < 0 ? -1 : 1;
  }
  return saturate(q, r != 0, num != 0);
}

Fixed FixedArith::round_shift(__int128 num, int shift) const {
  if (shift == 0) return saturate(num, false, num != 0);
  return round_div(num, static_cast<__int128>(1) << shift);
}

Fixed FixedArith::from_rational(const Rational& q) const {
  const Rational scaled = q * pow2(fmt_.frac_bits);
  const Integer num = boost::multiprecision::numerator(scaled);
  const Integer den = boost::multiprecision::denominator(scaled);
  // Beyond 2^62 (past every range, I + F <= 62) saturate at once; below, the rounded quotient
  // fits a long long.
  const __int128 beyond = static_cast<__int128>(1) << 62;
  if (boost::multiprecision::abs(num) / den >= Integer(1) << 62) return saturate(num < 0 ? -beyond : beyond, true, true);
  Integer quotient, remainder;
  boost::multiprecision::divide_qr(num, den, quotient, remainder);  // truncates toward zero
  const Integer twice = 2 * boost::multiprecision::abs(remainder);
  if (twice > den || (twice == den && (quotient & 1) != 0)) quotient += num < 0 ? -1 : 1;
  return saturate(static_cast<__int128>(static_cast<long long>(quotient)), remainder != 0, num != 0);
}

Fixed FixedArith::sqrt(const Fixed& x) const {
  if (x.raw() < 0) {
    flags_.raise(Flag::invalid);
    return {0, this};
  }
  // sqrt(raw / 2^F) * 2^F = sqrt(raw * 2^F): integer square root, then nearest ((2s+1)^2 is odd,
  // 4N even: never a tie).
  const unsigned __int128 n = static_cast<unsigned __int128>(x.raw()) << fmt_.frac_bits;
  unsigned __int128 s = 0;
  for (int bit = 62; bit >= 0; --bit) {
    const unsigned __int128 t = s | (static_cast<unsigned __int128>(1) << bit);
    if (t * t <= n) s = t;
  }
  const bool exact = s * s == n;
  if (4 * n > (2 * s + 1) * (2 * s + 1)) ++s;
  return saturate(static_cast<__int128>(s), !exact, n != 0);
}

// Ziv's strategy: at working precision w, MPFR gives f(x) 2^F rounded down and rounded up, an
// enclosure of the exact value; rounding to the nearest integer (ties to even) is monotone, so
// when both ends round to the same integer, so does the exact value. Otherwise w doubles. The loop
// ends because the exact value is never a tie (a tie is rational; f(x) is transcendental for the
// arguments that reach here), so some w separates it from the nearest midpoint.
Fixed FixedArith::round_transcendental(int (*f)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), const Fixed& x) const {
  const int frac_bits = fmt_.frac_bits;
  ScopedMpfr arg(64);
  mpfr_set_si(arg.get(), x.raw(), MPFR_RNDN);  // exact: 64 bits hold the raw word
  mpfr_div_2si(arg.get(), arg.get(), frac_bits, MPFR_RNDN);
  Integer down, up;
  for (mpfr_prec_t w = 2 * (fmt_.int_bits + frac_bits) + 32;; w *= 2) {
    // A separation below 2^-(2^20) would contradict what is known about exp and log of
    // rationals; this bound only turns a bug into an error instead of an endless loop.
    if (w > (mpfr_prec_t{1} << 20)) throw std::logic_error("fixed-point exp/log: Ziv loop did not converge");
    ScopedMpfr lo(w);
    ScopedMpfr hi(w);
    f(lo.get(), arg.get(), MPFR_RNDD);
    f(hi.get(), arg.get(), MPFR_RNDU);
    mpfr_mul_2si(lo.get(), lo.get(), frac_bits, MPFR_RNDN);  // exact
    mpfr_mul_2si(hi.get(), hi.get(), frac_bits, MPFR_RNDN);
    mpfr_get_z(down.backend().data(), lo.get(), MPFR_RNDN);
    mpfr_get_z(up.backend().data(), hi.get(), MPFR_RNDN);
    if (down == up) break;
  }
  // Clamp into one step beyond the range (saturate() flags it), so that it fits 128 bits.
  const Integer below = Integer(fmt_.min_raw()) - 1;
  const Integer above = Integer(fmt_.max_raw()) + 1;
  const Integer clamped = down < below ? below : (down > above ? above : down);
  return saturate(static_cast<__int128>(static_cast<long long>(clamped)), true, true);
}

Fixed FixedArith::exp(const Fixed& x) const {
  // exp(0) = 1 is the one exact case (1 saturates when I = 1).
  if (x.raw() == 0) return saturate(static_cast<__int128>(1) << fmt_.frac_bits, false, true);
  // x >= I: e^x >= e^I > 2^(I-1) + 1/2, beyond the range. x <= -(F + 2): e^x <= e^-(F+2) <
  // 2^-(F+1), under half the resolution: 0. Deciding these up front keeps MPFR's values
  // moderate (exp(2^61) would overflow its exponent range).
  const __int128 raw = x.raw();
  if (raw >= static_cast<__int128>(fmt_.int_bits) << fmt_.frac_bits) return saturate(static_cast<__int128>(fmt_.max_raw()) + 1, true, true);
  if (raw <= -(static_cast<__int128>(fmt_.frac_bits + 2) << fmt_.frac_bits)) return saturate(0, true, true);
  return round_transcendental(mpfr_exp, x);
}

Fixed FixedArith::log(const Fixed& x) const {
  if (x.raw() < 0) {
    flags_.raise(Flag::invalid);
    return {0, this};
  }
  if (x.raw() == 0) {
    flags_.raise(Flag::divbyzero);
    return {fmt_.min_raw(), this};
  }
  // log(1) = 0 is the one exact case.
  if (x.raw() == std::int64_t{1} << fmt_.frac_bits) return {0, this};
  return round_transcendental(mpfr_log, x);
}

Fixed operator+(const Fixed& a, const Fixed& b) {
  return a.ctx_->saturate(static_cast<__int128>(a.raw_) + b.raw_, false, false);
}

Fixed operator-(const Fixed& a, const Fixed& b) {
  return a.ctx_->saturate(static_cast<__int128>(a.raw_) - b.raw_, false, false);
}

Fixed operator-(const Fixed& a) { return a.ctx_->saturate(-static_cast<__int128>(a.raw_), false, false); }

Fixed operator*(const Fixed& a, const Fixed& b) {
  return a.ctx_->round_shift(static_cast<__int128>(a.raw_) * b.raw_, a.ctx_->format().frac_bits);
}

Fixed operator/(const Fixed& a, const Fixed& b) {
  const FixedArith* ctx = a.ctx_;
  if (b.raw_ == 0) {
    ctx->raise(a.raw_ == 0 ? Flag::invalid : Flag::divbyzero);
    if (a.raw_ == 0) return {0, ctx};
    return {a.raw_ > 0 ? ctx->format().max_raw() : ctx->format().min_raw(), ctx};
  }
  __int128 num = static_cast<__int128>(a.raw_) << ctx->format().frac_bits;
  __int128 den = b.raw_;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  return ctx->round_div(num, den);
}

}  // namespace freelunch::arith
